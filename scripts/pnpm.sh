# Sourced by the start and test scripts: make `pnpm` available on a machine that has only Node,
# and let native addons build against the system's Node headers when the machine has them.
# The version package.json pins with packageManager (this is sourced from the repository's root).
PNPM_VERSION=$(node -p "require('./package.json').packageManager.replace(/^pnpm@/, '')")
if ! command -v pnpm >/dev/null 2>&1; then
  echo "pnpm not found; installing pnpm@$PNPM_VERSION with npm" >&2
  npm install --global --silent "pnpm@$PNPM_VERSION" >&2 || {
    echo "could not install pnpm globally; using npx" >&2
    pnpm() { npx --yes "pnpm@$PNPM_VERSION" "$@"; }
  }
fi
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi
