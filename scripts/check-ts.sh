#!/usr/bin/env bash
# The TypeScript client, packages/nous-ts (called by scripts/test.sh after the schema check):
#   1. npm ci from the committed lockfile, unless node_modules already matches it
#      (scripts/ts-install.sh; npm's cache, ~/.npm, makes later installs offline);
#   2. npm run codegen: src/generated/ from schema/ and deployments/deployment.schema.json;
#      it must equal the committed folder (stale generated code fails like a stale schema);
#   3. npm run build: tsc, strict, over the sources and the tests (every generated client
#      type-checked against CosmJS), emitting dist/;
#   4. npm test: the unit tests, with Node's test runner (the chain test runs in
#      scripts/e2e-chain.sh, on a node).
# Needs Node.js 20 or newer with npm.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pkg="$root/packages/nous-ts"
cd "$pkg"

command -v node >/dev/null && command -v npm >/dev/null ||
  { echo "check-ts: Node.js 20+ and npm are needed (scripts/setup.sh installs them; put its last line first on PATH)" >&2; exit 1; }
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || { echo "check-ts: Node.js 20+ is needed, this is $(node --version)" >&2; exit 1; }

timed() { local t=$SECONDS; "$@"; echo "   ($((SECONDS - t)) s)"; }

echo "-- npm ci"
timed "$root/scripts/ts-install.sh"

echo "-- codegen, compared with the committed src/generated"
timed npm run --silent codegen
if [ -n "$(git -C "$root" status --porcelain -- packages/nous-ts/src/generated)" ]; then
  git -C "$root" status --porcelain -- packages/nous-ts/src/generated
  echo "packages/nous-ts/src/generated is stale: run 'npm run codegen' in packages/nous-ts and commit the result" >&2
  exit 1
fi

echo "-- tsc (strict)"
timed npm run --silent build

echo "-- unit tests"
timed npm test --silent
