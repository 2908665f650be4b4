#!/usr/bin/env bash
# Command (b): every check a change must pass — format, lint, typecheck, all tests (unit, workflow on the
# time-skipping server, integration on a real Temporal dev server, API over HTTP, simulator over HTTP).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/postgres.sh"
cd "$ROOT"

# The browser test (test/browser/) drives Debian's chromium with playwright-core: Playwright's own browser download
# cannot work on these machines, so the package is installed here when missing (as root), never skipped.
ensure_chromium() {
  export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
  [ -x "$CHROMIUM_PATH" ] && return 0
  [ "$CHROMIUM_PATH" = /usr/bin/chromium ] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  local sudo=""
  [ "$(id -u)" = 0 ] || { sudo -n true 2>/dev/null && sudo="sudo -n"; } || true
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || [ -n "$sudo" ]; }; then
    log "installing Debian's chromium for the browser test (apt-get)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
      die "installing chromium with apt-get failed; the browser test needs it (or set CHROMIUM_PATH)"
  fi
  [ -x /usr/bin/chromium ] ||
    die "the browser test needs Chromium: run 'apt-get update && apt-get install -y chromium' as root, or set CHROMIUM_PATH"
}

ensure_node_modules
ensure_temporal
log "temporal: $TEMPORAL_CLI_PATH"
ensure_chromium
log "chromium: $CHROMIUM_PATH"

log "format (prettier --check)"
npx --no-install prettier --check . --log-level warn
log "lint (eslint, zero warnings)"
npx --no-install eslint --max-warnings 0 .
log "typecheck (tsc --noEmit)"
npx --no-install tsc --noEmit -p tsconfig.json
npx --no-install tsc --noEmit -p sim/ui/public/tsconfig.json # the inbox page's plain JS, checked from its JSDoc

mapfile -t test_files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
[ "${#test_files[@]}" -gt 0 ] || die "no test files found"
# Database tests run on PGlite always, and on PostgreSQL too when TEST_DATABASE_URL is set (or can be made here).
ensure_test_postgres
trap stop_test_postgres EXIT
log "tests (${#test_files[@]} files)"
# Files run one at a time: each starts its own Temporal server, and 2 cores are all a machine here has.
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${test_files[@]}"
