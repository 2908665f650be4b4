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
WORKER_METRICS_PORT="${WORKER_METRICS_PORT:-9464}"
export WORKER_METRICS_ADDRESS="${WORKER_METRICS_ADDRESS:-127.0.0.1:$WORKER_METRICS_PORT}"
mkdir -p "$DATA_DIR/logs"

for port in "$TEMPORAL_PORT" "$TEMPORAL_UI_PORT" "$API_PORT" "$SIM_PORT" "$WORKER_METRICS_PORT"; do
  port_in_use "$port" && die "port $port is already in use (is another instance running?). Set TEMPORAL_PORT / TEMPORAL_UI_PORT / API_PORT / SIM_PORT / WORKER_METRICS_PORT to move."
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
# Channel secrets are sealed at rest (AES-256-GCM) under this key: from the environment, else made once under data/.
if [ -z "${SECRETS_MASTER_KEY:-}" ]; then
  key_file="$DATA_DIR/secrets-master-key"
  [ -s "$key_file" ] || (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('base64'))" >"$key_file")
  SECRETS_MASTER_KEY="$(cat "$key_file")"
fi
export SECRETS_MASTER_KEY
# Payload encryption is on only with PAYLOAD_CODEC_KEY; then the Temporal UI decodes through the API's codec
# endpoint (lib.sh passes it as --ui-codec-endpoint), for admins signed in at /codec/login.
if [ -n "${PAYLOAD_CODEC_KEY:-}" ]; then
  export TEMPORAL_UI_CODEC_ENDPOINT="${TEMPORAL_UI_CODEC_ENDPOINT:-http://127.0.0.1:$API_PORT/codec}"
  codec_note="on: sign in at http://127.0.0.1:$API_PORT/codec/login, then the UI shows approvals decrypted"
else
  codec_note="off (set PAYLOAD_CODEC_KEY to encrypt ticket contents in workflow history)"
fi

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

# Without DATABASE_URL: PGlite kept in data/pglite, served on loopback so the API and the worker share it.
if [ -z "${DATABASE_URL:-}" ]; then
  DB_PORT="${DB_PORT:-5433}"
  port_in_use "$DB_PORT" && die "port $DB_PORT is already in use. Set DB_PORT to move the embedded database, or DATABASE_URL."
  log "starting the embedded database (PGlite in $DATA_DIR/pglite) on 127.0.0.1:$DB_PORT"
  node --import tsx src/db/main.ts "$DB_PORT" >"$DATA_DIR/logs/database.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do port_in_use "$DB_PORT" && break; sleep 0.5; done
  port_in_use "$DB_PORT" || die "the embedded database did not start (log: $DATA_DIR/logs/database.log)"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$DB_PORT/postgres"
  db_note="PGlite in $DATA_DIR/pglite (127.0.0.1:$DB_PORT)"
else
  db_note="DATABASE_URL"
fi

if [ -f sim/main.ts ]; then
  log "starting the platform simulator on $SIMULATOR_URL (sandbox: no real DingTalk / Feishu / Lark account needed)"
  # SIM_DEMO_API_URL: where the inbox page's "New demo ticket" starts approvals (its token follows once the API is up).
  SIM_DEMO_API_URL="http://127.0.0.1:$API_PORT" node --import tsx sim/main.ts >"$DATA_DIR/logs/simulator.log" 2>&1 &
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

# The inbox page starts demo approvals as a ticket system would: mint a `ticket-system` token (it lives as long as
# this API process) and hand it to the simulator. The token goes over loopback only and is never printed.
if [ -f sim/main.ts ]; then
  DEMO_API_URL="http://127.0.0.1:$API_PORT" node --input-type=module -e '
    const { DEMO_API_URL: api, SIMULATOR_URL: sim, ADMIN_TOKEN: admin } = process.env;
    const json = { "content-type": "application/json" };
    const minted = await fetch(`${api}/v1/tokens`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${admin}` },
      body: JSON.stringify({ role: "ticket-system", userId: "sandbox-demo", label: "sandbox inbox demo tickets" }),
    });
    if (minted.status !== 201) throw new Error(`POST /v1/tokens answered HTTP ${minted.status}`);
    const { token } = await minted.json();
    const put = await fetch(`${sim}/_sim/demo`, { method: "PUT", headers: json, body: JSON.stringify({ apiUrl: api, token }) });
    if (!put.ok) throw new Error(`PUT /_sim/demo answered HTTP ${put.status}`);
  ' 2>>"$DATA_DIR/logs/simulator.log" || log "warning: demo tickets are not set up (see $DATA_DIR/logs/simulator.log)"
fi

cat <<MSG

  approvals-bridge is running (sandbox mode)

  API            http://127.0.0.1:$API_PORT/v1
  OpenAPI docs   http://127.0.0.1:$API_PORT/docs
  Temporal UI    $TEMPORAL_UI_URL
  Database       $db_note
  Sandbox inbox  $SIMULATOR_URL/   (every user's cards on every platform; "New demo ticket", then Approve as bob;
                 alice, the requester, hears the outcome; "Ticket executed" reports the ticket system's next event)
  Simulator      $SIMULATOR_URL/_sim/inbox
  Logs           $DATA_DIR/logs/   (JSON lines)
  Metrics        http://127.0.0.1:$API_PORT/metrics (API), http://$WORKER_METRICS_ADDRESS/metrics (worker)
  Payload codec  $codec_note
  Card clicks    HTTP callbacks, or per channel stream mode: outbound connections, no inbound port (channel config
                 callbackMode, or SANDBOX_CALLBACK_MODE=stream on a fresh data/); their state: /health

  Authenticate with the bootstrap admin token (kept in $DATA_DIR/admin-token):
    export TOKEN=\$(cat $DATA_DIR/admin-token)
    curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$API_PORT/v1/approvals/demo-1
    curl -H "Authorization: Bearer \$TOKEN" "http://127.0.0.1:$API_PORT/v1/events?ticketId=demo-1"   # its notices
    curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$API_PORT/v1/channels   # also /v1/users, /v1/rules
    curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$API_PORT/v1/channels/feishu/usage   # calls vs quota

  Press Ctrl-C to stop everything.

MSG

# Stop everything as soon as any part exits, so a crash is never hidden behind a half-running stack.
wait -n "${pids[@]}" || true
log "a component exited; see $DATA_DIR/logs/"
