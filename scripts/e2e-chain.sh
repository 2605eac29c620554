#!/usr/bin/env bash
# The suite on a real node, end to end (called by scripts/test.sh):
#   1. build the pinned wasmd, or reuse the cached one (scripts/local-chain.sh build);
#   2. start a local chain (one validator, 300 ms blocks, 127.0.0.1 only);
#   3. deploy with nous-deploy (the chain-smoke scenario's configuration), then run it again:
#      the second run must find everything done and send nothing;
#   4. drive the chain-smoke scenario on it (nous-sim --chain <record> --check): steady state
#      (>= 15 scored nonces), every reward claimed, books and supply balanced with the gas
#      fees, no failed transaction but the three deliberate refusals, each failing with the
#      contract's error and changing nothing;
#   5. the TypeScript client on the same node (scripts/e2e-ts.sh): topics, a latest value,
#      a paid read through the example consumer, the fee arriving in the fee-vault;
#   6. the same scenario on the embedded chain must produce the same epochs (epochs.csv);
#   7. write the real gas per transaction kind: benchmarks/real-chain.csv and the real-chain
#      section of BENCHMARKS.md;
#   8. operators on the same chain and deployment (scripts/e2e-node.sh): six nous-node
#      processes (three workers, two reputers, a keeper) on a new topic to >= 15 scored
#      nonces, one worker killed and restarted mid-run; no double sends, every worker and
#      reputer paid and claiming.
# With NOUS_E2E_FAULT=1, then a fault test: four validators, one stopped mid-run and
# restarted; settlement must go on and the restarted node catch up.
# Every process it starts is stopped by PID on exit, failure included (trap).
#
# Environment: NOUS_E2E_OUT (work folder, default a temporary one), NOUS_CHAIN_PORT (default
# 26757, away from a chain started by hand on 26657), NOUS_E2E_FAULT=1.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

out=${NOUS_E2E_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/nous-e2e.XXXXXX")}
mkdir -p "$out"
export NOUS_CHAIN_STATE="$out/chain.env"
export NOUS_CHAIN_PORT=${NOUS_CHAIN_PORT:-26757}
export NOUS_TEST_ACCOUNTS="$root/chain/test-accounts.txt"
scenario=packages/nous-sim/scenarios/chain-smoke.toml
sim=target/debug/nous-sim
deployer=target/debug/nous-deploy

sim_pid=""
node_e2e_pid=""
cleanup() {
  local rc=$?
  if [ -n "$sim_pid" ] && kill -0 "$sim_pid" 2>/dev/null; then kill "$sim_pid" 2>/dev/null || true; fi
  # e2e-node.sh stops its nous-node processes by PID in its own exit trap
  if [ -n "$node_e2e_pid" ] && kill -0 "$node_e2e_pid" 2>/dev/null; then
    kill "$node_e2e_pid" 2>/dev/null || true
    wait "$node_e2e_pid" 2>/dev/null || true
  fi
  NOUS_CHAIN_KEEP=$([ $rc -ne 0 ] && echo 1 || echo 0) scripts/local-chain.sh stop >&2 || true
  [ $rc -ne 0 ] && echo "e2e-chain: FAILED (work folder $out)" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\n-- e2e: %s\n' "$*"; }
timed() { local t=$SECONDS; "$@"; echo "   ($((SECONDS - t)) s)"; }

step "wasmd (build or reuse)"
timed scripts/local-chain.sh build

step "build nous-deploy, nous-sim and nous-node"
timed cargo build --locked -q -p nous-deploy -p nous-sim
timed cargo build --locked -q -p nous-node --bins --examples

mnemonic() { awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$NOUS_TEST_ACCOUNTS"; }

# Deploys the chain-smoke configuration with nous-deploy into $1 (a folder), twice.
deploy() {
  local dir=$1
  "$sim" --scenario "$scenario" --write-deploy-config "$dir/config.json"
  NOUS_MNEMONIC="$(mnemonic deployer)" "$deployer" --config "$dir/config.json" \
    --deployments "$dir" 2>&1 | tee "$dir/deploy.log"
  # Idempotent: a second run finds every step done and sends nothing.
  NOUS_MNEMONIC="$(mnemonic deployer)" "$deployer" --deployments "$dir" 2>&1 | tee "$dir/redeploy.log"
  if grep -q ": tx " "$dir/redeploy.log"; then
    echo "e2e-chain: the second nous-deploy run sent transactions" >&2
    return 1
  fi
}

step "start a local chain"
timed scripts/local-chain.sh start
eval "$(scripts/local-chain.sh env)"

step "deploy with nous-deploy"
mkdir -p "$out/deployments"
timed deploy "$out/deployments"
record="$out/deployments/$NOUS_CHAIN_ID.json"

step "chain-smoke on the node"
started=$SECONDS
mkdir -p benchmarks
"$sim" --scenario "$scenario" --chain "$record" --out "$out/real" --quiet --check \
  --gas-csv benchmarks/real-chain.csv --benchmarks BENCHMARKS.md | tail -n 40
echo "   ($((SECONDS - started)) s of blocks)"

timed scripts/e2e-ts.sh "$record"

step "the same epochs on the embedded chain"
"$sim" --scenario "$scenario" --out "$out/embedded" --quiet >/dev/null
diff "$out/embedded/epochs.csv" "$out/real/epochs.csv"
echo "   epochs.csv identical: the node and cw-multi-test computed the same network"

step "nous-node: three workers, two reputers and a keeper on a new topic"
started=$SECONDS
scripts/e2e-node.sh "$record" "$out/node" &
node_e2e_pid=$!
wait "$node_e2e_pid"
node_e2e_pid=""
echo "   ($((SECONDS - started)) s)"

scripts/local-chain.sh stop

if [ "${NOUS_E2E_FAULT:-0}" = 1 ]; then
  step "fault test: 4 validators, one stopped mid-run and restarted"
  timed scripts/local-chain.sh start --validators 4
  eval "$(scripts/local-chain.sh env)"
  mkdir -p "$out/fault"
  deploy "$out/fault" >/dev/null
  # A shorter run (12 epochs, >= 8 scored nonces) with one validator down in the middle.
  "$sim" --scenario "$scenario" --chain "$out/fault/$NOUS_CHAIN_ID.json" --out "$out/fault/sim" \
    --epochs 12 --min-scored 8 --quiet --check >"$out/fault/sim.log" 2>&1 &
  sim_pid=$!
  node3=$((NOUS_CHAIN_PORT + 30))
  height() { curl -sf --max-time 2 "http://127.0.0.1:$1/status" | jq -r .result.sync_info.latest_block_height; }
  sleep 45
  scripts/local-chain.sh stop-node 3
  stopped_at=$(height "$NOUS_CHAIN_PORT")
  sleep 30
  moved=$(( $(height "$NOUS_CHAIN_PORT") - stopped_at ))
  echo "   node3 stopped at height $stopped_at; the others made $moved blocks without it"
  [ "$moved" -gt 10 ] || { echo "e2e-chain: the chain stalled with one validator down" >&2; exit 1; }
  scripts/local-chain.sh start-node 3
  caught=""
  for _ in $(seq 1 120); do
    h0=$(height "$NOUS_CHAIN_PORT" || echo 0); h3=$(height "$node3" || echo 0)
    if [ "$h3" != "" ] && [ "$h3" -ge $((h0 - 2)) ] 2>/dev/null; then caught=$h3; break; fi
    sleep 1
  done
  [ -n "$caught" ] || { echo "e2e-chain: node3 did not catch up (node0 $h0, node3 $h3)" >&2; exit 1; }
  echo "   node3 caught up at height $caught"
  wait "$sim_pid" || { tail -n 40 "$out/fault/sim.log" >&2; exit 1; }
  sim_pid=""
  grep -A8 "^checks:" "$out/fault/sim/chain.txt"
  scripts/local-chain.sh stop
fi

step "passed (work folder $out)"
