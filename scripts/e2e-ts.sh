#!/usr/bin/env bash
# The TypeScript client on a running local chain (called by scripts/e2e-chain.sh once the
# chain-smoke scenario has run on the node, so that the suite is deployed and its topic has
# inferences): packages/nous-ts' chain test, with Node's test runner. It queries the topics,
# reads a value, instantiates an example consumer, pays and reads through it and checks that
# the fee reached the fee-vault.
#
# Usage: scripts/e2e-ts.sh <deployment record>
# Environment: NOUS_RPC and NOUS_GAS_PRICE (eval "$(scripts/local-chain.sh env)"),
# NOUS_TEST_ACCOUNTS (default chain/test-accounts.txt). It signs with the test account
# "bob", which the scenario does not use. It starts no process that outlives it.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
record=${1:?usage: scripts/e2e-ts.sh <deployment record>}
record=$(cd "$(dirname "$record")" && pwd)/$(basename "$record")
accounts=${NOUS_TEST_ACCOUNTS:-$root/chain/test-accounts.txt}
: "${NOUS_RPC:?NOUS_RPC is not set: eval \"\$(scripts/local-chain.sh env)\"}"
: "${NOUS_GAS_PRICE:?NOUS_GAS_PRICE is not set: eval \"\$(scripts/local-chain.sh env)\"}"

printf '\n-- e2e: the TypeScript client on the node (scripts/e2e-ts.sh)\n'
cd "$root/packages/nous-ts"
# Installed already when scripts/check-ts.sh ran; built anew (tsc, a few seconds).
"$root/scripts/ts-install.sh"
npm run --silent build

NOUS_DEPLOYMENT="$record" \
NOUS_MNEMONIC="$(awk '$1 == "bob" { $1 = ""; sub(/^ /, ""); print }' "$accounts")" \
  npm run --silent test:chain
