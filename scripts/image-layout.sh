#!/bin/sh
# Lays out what the production image runs, from an already built workspace (`pnpm build`), into the
# folder given: the server bundle with its production dependencies only (`pnpm deploy --prod`, real
# files instead of workspace links) and, beside it, the built web client. The Dockerfile runs this,
# and so does the test that starts a server from the same layout (apps/api/test/image.integration.test.ts).
set -eu
out=${1:?usage: scripts/image-layout.sh OUT_DIR}
cd "$(dirname "$0")/.."
rm -rf "$out"
pnpm --filter @chat/api deploy --prod --prefer-offline "$out" >/dev/null
# The image's WEB_DIR; source maps stay out of it (the web build keeps them outside dist).
cp -R apps/web/dist "$out/web"
