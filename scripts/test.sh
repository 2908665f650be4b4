#!/usr/bin/env bash
# Command (b): every check a change must pass — format, lint, typecheck, all tests (unit, workflow on the
# time-skipping server, integration on a real Temporal dev server, API over HTTP, simulator over HTTP).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_node_modules
ensure_temporal
log "temporal: $TEMPORAL_CLI_PATH"

log "format (prettier --check)"
npx --no-install prettier --check . --log-level warn
log "lint (eslint, zero warnings)"
npx --no-install eslint --max-warnings 0 .
log "typecheck (tsc --noEmit)"
npx --no-install tsc --noEmit -p tsconfig.json

mapfile -t test_files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
[ "${#test_files[@]}" -gt 0 ] || die "no test files found"
log "tests (${#test_files[@]} files)"
# Files run one at a time: each starts its own Temporal server, and 2 cores are all a machine here has.
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${test_files[@]}"
