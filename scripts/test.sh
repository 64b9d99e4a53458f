#!/usr/bin/env bash
# The project's one test command (`npm test`). It installs what it needs, then runs every level:
# types, unit + Pulumi mocks, end to end on moto, the Jenkinsfile harness and lint.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true

step() { printf '\n==> %s\n' "$*"; }

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm ci"
  npm ci --no-audit --no-fund
fi

step "moto server (local virtual environment)"
npx tsx scripts/install-moto.ts

step "format and lint (Biome), src/ lines at most 120 characters"
npx biome ci --colors=off --error-on-warnings .
# Biome wraps code but not string literals: the line limit on src/ is checked here.
long=$(find src -name '*.ts' -exec awk 'length > 120 { print FILENAME ":" FNR }' {} +)
if [ -n "$long" ]; then echo "lines over 120 characters:"; echo "$long"; exit 1; fi

step "no unused file, export or dependency (knip)"
npx knip --no-progress

step "typecheck and build"
npx tsc --noEmit -p tsconfig.json
npx tsc --noEmit -p pulumi/tsconfig.json
npm run --silent build

step "unit and Pulumi mock tests"
npx jest --selectProjects unit pulumi --randomize

step "end-to-end tests: the built CLI against moto server"
npx jest --selectProjects e2e

step "pipeline: lint, then the real Jenkinsfile on Groovy 2.4"
bash scripts/pipeline-test.sh
