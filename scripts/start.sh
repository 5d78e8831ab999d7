#!/usr/bin/env bash
# pnpm start: services, migrations, demo data, then web + trainer + screener in the foreground.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$MIEN_ROOT"

ensure_node_deps
ensure_postgres
ensure_redis
ensure_auth_secret
export NODE_ENV=production
PORT="${PORT:-$(mien_default PORT)}"
export MIEN_BASE_URL="${MIEN_BASE_URL:-http://localhost:$PORT}"

say "applying migrations"
pnpm --silent mien migrate
bootstrap_out="$(pnpm --silent mien bootstrap)" || die "bootstrap failed: $bootstrap_out"
printf '%s\n' "$bootstrap_out" | grep -v '^ADMIN_' || true
admin_email="$(printf '%s\n' "$bootstrap_out" | sed -n 's/^ADMIN_EMAIL=//p')"
admin_password="$(printf '%s\n' "$bootstrap_out" | sed -n 's/^ADMIN_PASSWORD=//p')"

say "building the web app (cached after the first run)"
pnpm exec turbo run build --filter=@mien/web --output-logs=errors-only

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

(cd apps/web && exec pnpm exec next start -p "$PORT") &
pids+=($!)
(cd apps/trainer && exec pnpm exec tsx src/main.ts) &
pids+=($!)
(cd apps/screener && exec pnpm exec tsx src/main.ts) &
pids+=($!)

for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/api/health" >/dev/null 2>&1 || die "the web app did not become healthy on port $PORT"

cat <<MSG

  Mien is running at $MIEN_BASE_URL
  First admin:  ${admin_email:-"(an admin already exists; its password is not known to this machine)"}
  Password:     ${admin_password:-"-"}

  Data folder: $MIEN_DATA_DIR    Stop with Ctrl-C.

MSG
wait -n "${pids[@]}"
