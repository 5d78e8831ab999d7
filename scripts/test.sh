#!/usr/bin/env bash
# pnpm test: the whole suite. Static checks, unit and integration tests against
# the real PostgreSQL and Redis, then Playwright end-to-end tests in Chromium.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MIEN_ROOT"

ensure_node_deps
ensure_postgres
ensure_redis
ensure_chromium
ensure_auth_secret
export MIEN_TEST_ADMIN_DATABASE_URL="${MIEN_TEST_ADMIN_DATABASE_URL:-$DATABASE_URL}"
results="$(mktemp -d)"

say "checking that migrations cover schema.prisma"
node packages/db/scripts/migration-new.mjs --check

say "typecheck, lint and formatting (Prettier)"
pnpm exec turbo run typecheck lint format:check --output-logs=errors-only

say "unit and integration tests (vitest)"
status=0
pnpm exec vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json" || status=$?

say "building the web app for the end-to-end tests (cached when unchanged)"
pnpm exec turbo run build --filter=@mien/web --output-logs=errors-only || status=$?

say "end-to-end tests (Playwright, $MIEN_CHROMIUM)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" pnpm --filter @mien/e2e e2e --reporter=list,json || status=$?

node scripts/test-summary.mjs "$results/vitest.json" "$results/playwright.json" || status=$?
exit "$status"
