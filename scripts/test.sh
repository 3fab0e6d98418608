#!/bin/sh
# The README's second command: every check and every test suite, then one summary line.
# Needs MariaDB on 127.0.0.1:3306 (root, no password) and Redis on 127.0.0.1:6379 (override with
# TEST_MYSQL_URL / TEST_REDIS_URL) and Chromium at /usr/bin/chromium (or CHROMIUM_PATH); .ci/run
# starts or installs whatever is missing.
set -u
cd "$(dirname "$0")/.."
. scripts/pnpm.sh
out=.test-output
rm -rf "$out" && mkdir -p "$out"
status=0
step() { echo "== $*"; "$@" || status=1; }
# A failed check (lint, typecheck, build) has no test report: it is counted in the summary line here.
check() { echo "== $*"; "$@" || { status=1; echo "$*" >> "$out/failed-steps"; }; }

pnpm install --frozen-lockfile --prefer-offline || exit 1
check pnpm lint
check pnpm typecheck
check pnpm build
step pnpm exec vitest run --reporter=default --reporter=json --outputFile="$out/vitest.json"
step pnpm exec playwright test
node scripts/test-summary.mjs "$out" || status=1
exit $status
