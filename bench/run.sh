#!/usr/bin/env bash
# `npm run bench [-- --quick]`: installs what a fresh clone lacks (npm packages, the Temporal CLI), like `npm start`,
# then runs the benchmark (bench/run.ts; see bench/README.md).
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$ROOT"
ensure_node_modules
ensure_temporal
exec node --import tsx bench/run.ts "$@"
