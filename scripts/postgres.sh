#!/usr/bin/env bash
# A throw-away local PostgreSQL for the test suite (sourced by scripts/test.sh after lib.sh). The repository and
# API tests always run against PGlite, and against PostgreSQL too when TEST_DATABASE_URL is set; this sets it.

PG_DIR="$TOOLS/postgres"

# The bin folder of the newest installed PostgreSQL with initdb and pg_ctl, if any.
pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && { echo "$dir"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return 0; }
  return 1
}

# Debian's postgresql package, when we are root with apt (CI); never anything else.
install_postgres() {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || return 1
  log "installing PostgreSQL (apt-get install postgresql) for the PostgreSQL test run"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql; } \
    >"$TOOLS/postgres-install.log" 2>&1 || { log "apt-get failed (log: $TOOLS/postgres-install.log)"; return 1; }
}

# PostgreSQL refuses to run as root: root runs it as the package's `postgres` user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

free_port() {
  local port
  for port in $(seq 54329 54400); do port_in_use "$port" || { echo "$port"; return 0; }; done
  return 1
}

# ensure_test_postgres: exports TEST_DATABASE_URL (unless already set), starting a cluster under .tools/postgres;
# sets PG_STARTED=1 when this run started it (stop_test_postgres stops it again). Prints a notice and returns
# without it when PostgreSQL can't be had (no root, no apt): the suite then runs on PGlite only.
ensure_test_postgres() {
  PG_STARTED=0
  if [ -n "${TEST_DATABASE_URL:-}" ]; then log "PostgreSQL tests: TEST_DATABASE_URL as given"; return 0; fi
  mkdir -p "$TOOLS"
  PG_BIN="$(pg_bindir || { install_postgres && pg_bindir; } || true)"
  if [ -z "$PG_BIN" ]; then
    log "NOTICE: no PostgreSQL here and none can be installed (needs root + apt-get): database tests run on PGlite only"
    return 0
  fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    log "NOTICE: no 'postgres' user to run PostgreSQL as: database tests run on PGlite only"
    return 0
  fi
  mkdir -p "$PG_DIR/sock"
  [ "$(id -u)" = 0 ] && chown -R postgres "$PG_DIR"
  if ! as_pg test -w "$PG_DIR"; then
    # A checkout under a private home (e.g. /root) is out of the postgres user's reach: use /tmp instead.
    PG_DIR="${TMPDIR:-/tmp}/approvals-bridge-postgres"
    mkdir -p "$PG_DIR/sock"
    [ "$(id -u)" = 0 ] && chown -R postgres "$PG_DIR"
    as_pg test -w "$PG_DIR" || { log "NOTICE: no folder the postgres user can write: database tests run on PGlite only"; return 0; }
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
      die "initdb failed (log: $PG_DIR/initdb.log)"
  fi
  local port
  if as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" status >/dev/null 2>&1 && [ -s "$PG_DIR/port" ]; then
    port="$(cat "$PG_DIR/port")"
  else
    port="$(free_port)" || die "no free port for PostgreSQL"
    echo "$port" >"$PG_DIR/port"
    # Durability is not what tests check: fsync off makes CREATE DATABASE and commits fast.
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
      -o "-p $port -k $PG_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || { tail -n 20 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    PG_STARTED=1
  fi
  export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  log "PostgreSQL tests: $("$PG_BIN/postgres" --version) on 127.0.0.1:$port"
}

stop_test_postgres() {
  [ "${PG_STARTED:-0}" = 1 ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
}
