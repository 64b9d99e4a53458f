#!/usr/bin/env bash
# npm run bench [-- --n 2000,10000]: figures, not a test. Seeds moto, runs the built runner, prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
exec npx tsx scripts/bench.ts "$@"
