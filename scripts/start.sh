#!/usr/bin/env bash
# Command (a): the whole service on embedded defaults — Temporal dev server with its Web UI (SQLite under data/),
# the platform simulator (sandbox mode), the worker and the API. Ctrl-C stops all of it.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules
ensure_temporal

TEMPORAL_PORT="${TEMPORAL_PORT:-7233}"
TEMPORAL_UI_PORT="${TEMPORAL_UI_PORT:-8233}"
export API_PORT="${API_PORT:-3000}"
export SIM_PORT="${SIM_PORT:-3900}"
export TEMPORAL_ADDRESS="127.0.0.1:$TEMPORAL_PORT"
export TEMPORAL_UI_URL="http://127.0.0.1:$TEMPORAL_UI_PORT"
export SIMULATOR_URL="http://127.0.0.1:$SIM_PORT"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$API_PORT}"
export DATA_DIR="${DATA_DIR:-$ROOT/data}"
mkdir -p "$DATA_DIR/logs"

for port in "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" "$API_PORT" "$SIM_PORT"; do
  port_in_use "$port" && die "port $port is already in use (is another instance running?). Set TEMPORAL_PORT / TEMPORAL_UI_PORT / API_PORT / SIM_PORT to move."
done

# The bootstrap admin token: from the environment, else made once and kept (owner-only) under data/.
if [ -z "${ADMIN_TOKEN:-}" ]; then
  token_file="$DATA_DIR/admin-token"
  if [ ! -s "$token_file" ]; then
    (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url'))" >"$token_file")
  fi
  ADMIN_TOKEN="$(cat "$token_file")"
fi
export ADMIN_TOKEN
if [ -z "${WEBHOOK_SECRET:-}" ]; then
  secret_file="$DATA_DIR/webhook-secret"
  [ -s "$secret_file" ] || (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('base64url'))" >"$secret_file")
  WEBHOOK_SECRET="$(cat "$secret_file")"
fi
export WEBHOOK_SECRET

pids=()
stop_all() {
  trap - INT TERM EXIT
  log "stopping…"
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill -TERM "${pids[$i]}" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  log "stopped"
}
trap stop_all INT TERM EXIT

log "starting Temporal dev server on $TEMPORAL_ADDRESS (UI $TEMPORAL_UI_URL, data $DATA_DIR/temporal.db)"
start_temporal_dev_server "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" "$DATA_DIR/temporal.db" "$DATA_DIR/logs/temporal.log"
pids+=("$TEMPORAL_PID")

if [ -f sim/main.ts ]; then
  log "starting the platform simulator on $SIMULATOR_URL (sandbox: no real DingTalk / Feishu / Lark account needed)"
  node --import tsx sim/main.ts >"$DATA_DIR/logs/simulator.log" 2>&1 &
  pids+=($!)
  wait_for_http "$SIMULATOR_URL/_sim/health" || die "simulator did not start (log: $DATA_DIR/logs/simulator.log)"
fi

log "starting the worker"
node --import tsx worker.ts >"$DATA_DIR/logs/worker.log" 2>&1 &
pids+=($!)
log "starting the API on http://127.0.0.1:$API_PORT"
node --import tsx src/api/main.ts >"$DATA_DIR/logs/api.log" 2>&1 &
pids+=($!)
wait_for_http "http://127.0.0.1:$API_PORT/health" || die "API did not start (log: $DATA_DIR/logs/api.log)"

cat <<MSG

  approvals-bridge is running (sandbox mode)

  API            http://127.0.0.1:$API_PORT/v1
  OpenAPI docs   http://127.0.0.1:$API_PORT/docs
  Temporal UI    $TEMPORAL_UI_URL
  Simulator      $SIMULATOR_URL/_sim/inbox
  Logs           $DATA_DIR/logs/

  Authenticate with the bootstrap admin token (kept in $DATA_DIR/admin-token):
    export TOKEN=\$(cat $DATA_DIR/admin-token)
    curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$API_PORT/v1/approvals/demo-1

  Press Ctrl-C to stop everything.

MSG

# Stop everything as soon as any part exits, so a crash is never hidden behind a half-running stack.
wait -n "${pids[@]}" || true
log "a component exited; see $DATA_DIR/logs/"
