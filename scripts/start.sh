#!/bin/sh
# The README's first command: install, build, migrate (at start-up) and serve on http://localhost:3000,
# on the embedded default unless DATABASE_URL / REDIS_URL say otherwise.
set -eu
cd "$(dirname "$0")/.."
. scripts/pnpm.sh
pnpm install --frozen-lockfile --prefer-offline
pnpm build
exec node apps/api/dist/main.js
