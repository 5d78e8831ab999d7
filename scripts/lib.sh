# Shared by start.sh, test.sh and .ci/run. Sourced, not run.
# Makes sure PostgreSQL, Redis (and, for tests, Chromium) are there, installing
# Debian packages when running as root, or saying exactly what to install.

MIEN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# A default from packages/env/defaults.json, the one file the apps' env schema reads its defaults
# from too, so `pnpm mien` and hand-started workers use what `pnpm start` set up.
mien_default() { node -p "require(process.argv[1])[process.argv[2]]" "$MIEN_ROOT/packages/env/defaults.json" "$1"; }
# A part of a URL (host, port, username, password, pathname without its slash).
url_part() { node -p "const u = new URL(process.argv[1]); decodeURIComponent(process.argv[2] === 'pathname' ? u.pathname.slice(1) : u[process.argv[2]])" "$1" "$2"; }

MIEN_DATA_DIR="${MIEN_DATA_DIR:-$MIEN_ROOT/$(mien_default MIEN_DATA_DIR)}"
export TURBO_TELEMETRY_DISABLED=1
export MIEN_DATA_DIR

say() { printf '\033[1;36mmien\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mmien: %s\033[0m\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = "0" ]; }

APT_UPDATED=""
apt_install() {
  is_root || die "Missing: $*. Install with: sudo apt-get install -y $*  (or run as root and Mien installs them)"
  command -v apt-get >/dev/null || die "Missing: $*. This is not a Debian-like system; install them with your package manager."
  if [ -z "$APT_UPDATED" ]; then say "apt-get update"; apt-get update -qq >/dev/null; APT_UPDATED=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_node_deps() {
  command -v pnpm >/dev/null || die "pnpm is missing. Install it with: npm install -g pnpm@12"
  if [ ! -d "$MIEN_ROOT/node_modules/.pnpm" ] || [ "$MIEN_ROOT/pnpm-lock.yaml" -nt "$MIEN_ROOT/node_modules/.pnpm/lock.yaml" ]; then
    say "installing dependencies"
    (cd "$MIEN_ROOT" && pnpm install --frozen-lockfile) || die "pnpm install failed (see above)"
  fi
}

pg_local_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

# Runs psql as a PostgreSQL superuser: over TCP when trust auth allows it, else as the postgres OS user.
psql_super() {
  if psql -h 127.0.0.1 -U postgres -d postgres -qtAc 'select 1' >/dev/null 2>&1; then
    psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"
  elif is_root && id postgres >/dev/null 2>&1; then
    (cd /tmp && runuser -u postgres -- psql -d postgres -v ON_ERROR_STOP=1 -qtA "$@")
  else
    die "Cannot reach PostgreSQL as a superuser to create the 'mien' role. Create it yourself:
  sudo -u postgres psql -c \"CREATE ROLE mien LOGIN PASSWORD 'mien' CREATEDB\" -c \"CREATE DATABASE mien OWNER mien\"
or set DATABASE_URL to a database you own."
  fi
}

ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    command -v pg_isready >/dev/null || apt_install postgresql-client
    for _ in $(seq 1 30); do pg_isready -d "$DATABASE_URL" -q && return 0; sleep 1; done
    die "DATABASE_URL is set but PostgreSQL does not answer there."
  fi
  command -v psql >/dev/null || apt_install postgresql-client
  if ! pg_local_up; then
    if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then apt_install postgresql; fi
    local version
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
      is_root || die "No PostgreSQL cluster. Create one: sudo pg_createcluster $version main --start"
      pg_createcluster "$version" main >/dev/null
    fi
    local cluster
    cluster="$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')"
    say "starting PostgreSQL $cluster"
    if is_root; then
      # shellcheck disable=SC2086
      pg_ctlcluster --skip-systemctl-redirect $cluster start || die "PostgreSQL did not start (see /var/log/postgresql)"
    else
      die "PostgreSQL is installed but not running. Start it: sudo pg_ctlcluster $cluster start"
    fi
    for _ in $(seq 1 30); do pg_local_up && break; sleep 1; done
    pg_local_up || die "PostgreSQL did not come up on 127.0.0.1:5432"
  fi
  local url role password database
  url="$(mien_default DATABASE_URL)"
  role="$(url_part "$url" username)"
  password="$(url_part "$url" password)"
  database="$(url_part "$url" pathname)"
  if ! psql "$url" -qtAc 'select 1' >/dev/null 2>&1; then
    say "creating PostgreSQL role and database '$database'"
    if [ -z "$(psql_super -c "select 1 from pg_roles where rolname='$role'")" ]; then
      psql_super -c "CREATE ROLE \"$role\" LOGIN PASSWORD '$password' CREATEDB" >/dev/null
    fi
    if [ -z "$(psql_super -c "select 1 from pg_database where datname='$database'")" ]; then
      psql_super -c "CREATE DATABASE \"$database\" OWNER \"$role\"" >/dev/null
    fi
    psql "$url" -qtAc 'select 1' >/dev/null 2>&1 || die "Created role '$role' but cannot sign in as it over TCP. Check pg_hba.conf allows password auth on 127.0.0.1."
  fi
  export DATABASE_URL="$url"
}

ensure_redis() {
  if [ -n "${REDIS_URL:-}" ]; then return 0; fi
  local url host port
  url="$(mien_default REDIS_URL)"
  host="$(url_part "$url" hostname)"
  port="$(url_part "$url" port)"
  port="${port:-6379}"
  command -v redis-cli >/dev/null || apt_install redis-tools
  if ! redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1; then
    command -v redis-server >/dev/null || apt_install redis-server
    mkdir -p "$MIEN_DATA_DIR/redis"
    say "starting Redis (append-only file in $MIEN_DATA_DIR/redis)"
    redis-server --daemonize yes --bind "$host" --port "$port" --dir "$MIEN_DATA_DIR/redis" \
      --appendonly yes --appendfsync everysec --logfile "$MIEN_DATA_DIR/redis/redis.log" >/dev/null
    for _ in $(seq 1 30); do redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.5; done
    redis-cli -h "$host" -p "$port" ping >/dev/null 2>&1 || die "Redis did not come up on $host:$port"
  elif [ "$(redis-cli -h "$host" -p "$port" config get appendonly 2>/dev/null | tail -n 1)" = "no" ]; then
    # Someone else's Redis: use it, but say that queued jobs would not survive its restart.
    say "note: the Redis on $host:$port keeps no append-only file, so queued jobs are lost if it restarts (production runs it with --appendonly yes, as docker-compose.yml does)"
  fi
  export REDIS_URL="$url"
}

ensure_chromium() {
  if [ -z "${MIEN_CHROMIUM:-}" ]; then
    command -v chromium >/dev/null || apt_install chromium
    MIEN_CHROMIUM="$(command -v chromium)"
  fi
  export MIEN_CHROMIUM
}

# A stable secret for Better Auth sessions, kept out of the repository.
ensure_auth_secret() {
  if [ -n "${BETTER_AUTH_SECRET:-}" ]; then return 0; fi
  mkdir -p "$MIEN_DATA_DIR"
  # The env schema reads this file when BETTER_AUTH_SECRET is unset, so hand-started processes share it.
  if [ ! -s "$MIEN_DATA_DIR/auth-secret" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64url"))' > "$MIEN_DATA_DIR/auth-secret")
  fi
  BETTER_AUTH_SECRET="$(cat "$MIEN_DATA_DIR/auth-secret")"
  export BETTER_AUTH_SECRET
}
