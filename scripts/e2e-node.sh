#!/usr/bin/env bash
# nous-node on a real node, end to end (scripts/e2e-chain.sh runs it on its chain after the
# chain-smoke scenario; it can also be run by hand on any local chain with a deployment):
#   1. a topic creator and a funder (examples/e2e_setup): fund six operator keys, create a
#      commit–reveal topic (mse; epochs of 16 blocks, worker windows of 10 followed by reveal
#      windows of 4, ground truth 16 blocks later; the registry's default rules) and fund it;
#   2. six `nous-node run` processes, each from a config derived from the complete example of
#      docs/OPERATING.md (scripts/e2e-node-config.py): three workers (two model commands,
#      one forecaster), two reputers (stake to the minimum), one keeper; the workers and
#      reputers register themselves;
#   3. once a few epochs are settled, worker 1 is killed (SIGKILL, as a crash) and started
#      again on the same state file;
#   4. at >= NOUS_E2E_NODE_SCORED scored nonces (default 15) the nodes are stopped and:
#      every scored nonce has a network inference; the chain's own record of every operator's
#      transactions (tx_search by sender) holds each (role, nonce) at most once and no
#      refusal but out of gas (which the node answers by sending again with more gas); every reputer and at least one worker has claimable rewards (the topic runs the
#      default, improved rules: a worker without a positive score is paid nothing) and
#      `nous-node claim` pays them out; `status`, `query` and /metrics answer.
# Every process it starts is stopped by PID on exit, failure included (trap).
# NOUS_E2E_NODE_REVEAL=N (default 4) is the topic's reveal window (10 + N <= 16): the workers
# commit and reveal. 0 makes a plain topic, where they submit payloads in the clear (the
# chain-smoke scenario before it also sends clear payloads, through nous-sim).
#
# Usage: scripts/e2e-node.sh <deployments/<chain-id>.json> <work folder>
# Needs the chain's variables (eval "$(scripts/local-chain.sh env)"), and target/debug/nous-node
# and target/debug/examples/e2e_setup built (cargo build -p nous-node --bins --examples).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

record=$(realpath "${1:?usage: e2e-node.sh <deployment record> <work folder>}")
out=${2:?usage: e2e-node.sh <deployment record> <work folder>}
mkdir -p "$out"
out=$(realpath "$out")
: "${NOUS_RPC:?run eval \"\$(scripts/local-chain.sh env)\" first}"
scored_target=${NOUS_E2E_NODE_SCORED:-15}
crash_at=$((scored_target / 3))
deadline=${NOUS_E2E_NODE_TIMEOUT:-300}
reveal=${NOUS_E2E_NODE_REVEAL:-4}
node_bin=$root/target/debug/nous-node
examples=$root/packages/nous-node/examples
metrics_addr=127.0.0.1:$((NOUS_CHAIN_PORT + 90))

# The operators' keys: HD indices of the faucet's PUBLIC test mnemonic.
declare -A index=([w1]=201 [w2]=202 [w3]=203 [r1]=204 [r2]=205 [keeper]=206)
names=(w1 w2 w3 r1 r2 keeper)
declare -A pid=()

stop_all() {
  local n
  for n in "${!pid[@]}"; do
    if kill -0 "${pid[$n]}" 2>/dev/null; then kill "${pid[$n]}" 2>/dev/null || true; fi
  done
  for n in "${!pid[@]}"; do wait "${pid[$n]}" 2>/dev/null || true; done
  pid=()
}
cleanup() {
  local rc=$?
  stop_all
  [ $rc -ne 0 ] && echo "e2e-node: FAILED (logs in $out)" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() { echo "e2e-node: $*" >&2; exit 1; }
mnemonic() { awk -v n="$1" '$1 == n { $1 = ""; sub(/^ /, ""); print }' "$NOUS_TEST_ACCOUNTS"; }
NOUS_MNEMONIC="$(mnemonic faucet)"
export NOUS_MNEMONIC

echo "   stage: fund ${#names[@]} operators, create and fund a topic"
indices=$(for n in "${names[@]}"; do echo "${index[$n]}"; done | paste -sd,)
# Windows of 10 blocks (3 s of 300 ms blocks): a worker needs about 1 s from a window's
# first block to its broadcast on a busy 2-core machine, six nodes and the chain sharing it.
"$root/target/debug/examples/e2e_setup" --record "$record" --node "$NOUS_RPC" \
  --fund-indices "$indices" --epoch 16 --window 10 --lag 16 --reveal "$reveal" >"$out/stage.json"
topic=$(jq -r .topic_id "$out/stage.json")
echo "   topic $topic (reveal window $(jq -r .reveal_window "$out/stage.json")), operators $(jq -c .operators "$out/stage.json")"

# One config per process, from the documented example.
config() {
  local name=$1 role=$2
  shift 2
  python3 scripts/e2e-node-config.py --doc docs/OPERATING.md --role "$role" \
    --set "chain.rpc=[\"$NOUS_RPC\"]" --set "chain.chain_id=\"$NOUS_CHAIN_ID\"" \
    --set "chain.gas_price=\"$NOUS_GAS_PRICE\"" --set "chain.deployment=\"$record\"" \
    --set "key.index=${index[$name]}" --set "node.state_file=\"$out/$name.state.json\"" \
    --set "node.metrics=null" --set "node.poll_ms=300" --set "$role.topic=$topic" \
    "$@" >"$out/$name.toml"
}
py() { printf '{"command": ["python3", "%s"%s]}' "$examples/$1" "${2:+, $2}"; }
config w1 worker --set "worker.inference=$(py model_drift.py)" --set worker.forecast=null \
  --set "node.metrics=\"$metrics_addr\""
config w2 worker --set "worker.inference=$(py model_momentum.py)" --set worker.forecast=null
config w3 worker --set worker.inference=null --set "worker.forecast=$(py forecast.py)"
config r1 reputer --set "reputer.truth=$(py truth.py)"
config r2 reputer --set "reputer.truth=$(py truth.py '"--jitter", "0.3"')"
config keeper keeper
for n in "${names[@]}"; do "$node_bin" --config "$out/$n.toml" check-config >/dev/null; done

start() { "$node_bin" --config "$out/$1.toml" run >>"$out/$1.log" 2>&1 & pid[$1]=$!; }
for n in "${names[@]}"; do start "$n"; done
echo "   started ${#names[@]} nous-node processes (pids ${pid[*]})"

# Scored nonces: those whose network losses synthesis stores.
settled() {
  "$node_bin" --config "$out/keeper.toml" status --json | jq -r '.keepers[0].last_settled_epoch // -1'
}
query() { "$node_bin" --config "$out/keeper.toml" query synthesis "$1" 2>/dev/null; }
# Settled epochs are final: each nonce is looked at once.
scored=0 checked=-1
count_scored() {
  local n
  for n in $(seq $((checked + 1)) "$1"); do
    if query "{\"network_losses\":{\"topic_id\":$topic,\"nonce\":$n}}" >/dev/null; then
      scored=$((scored + 1))
    fi
  done
  [ "$1" -lt 0 ] || checked=$1
}

started=$SECONDS crashed=""
while :; do
  for n in "${names[@]}"; do
    kill -0 "${pid[$n]}" 2>/dev/null || { tail -n 20 "$out/$n.log" >&2; fail "$n exited"; }
  done
  last=$(settled)
  count_scored "$last"
  if [ -z "$crashed" ] && [ "$scored" -ge "$crash_at" ]; then
    # A crash: no chance to finish a send or write anything.
    kill -KILL "${pid[w1]}"; wait "${pid[w1]}" 2>/dev/null || true
    echo "   $((SECONDS - started)) s: $scored scored nonces; worker w1 killed (SIGKILL) and restarted"
    echo '{"event":"e2e: killed here"}' >>"$out/w1.log"
    start w1
    crashed=1
  fi
  [ "$scored" -ge "$scored_target" ] && break
  [ $((SECONDS - started)) -lt "$deadline" ] || fail "only $scored scored nonces after $deadline s"
  sleep 2
done
echo "   $((SECONDS - started)) s: $scored scored nonces (last settled epoch $last)"
curl -sf --max-time 5 "http://$metrics_addr/metrics" >"$out/w1.metrics" || fail "no /metrics"
stop_all

echo "   inferences: every scored nonce has a network inference"
inferred=0
for n in $(seq 0 "$last"); do
  if query "{\"network_losses\":{\"topic_id\":$topic,\"nonce\":$n}}" >/dev/null; then
    query "{\"network_inference\":{\"topic_id\":$topic,\"nonce\":$n}}" >"$out/inference-$n.json" ||
      fail "nonce $n is scored but has no network inference"
    inferred=$((inferred + 1)) newest=$n
  fi
done
[ "$inferred" -ge "$scored_target" ] || fail "$inferred scored nonces with an inference"
echo "   $inferred network inferences, e.g. nonce $newest: combined $(jq -r .inference.combined "$out/inference-$newest.json")"

echo "   no double sends: every operator's transactions as the chain recorded them"
# tx_search by sender: a (role, nonce) in two transactions, landed or refused, is a double send.
chain_txs() {
  local addr=$1 page=1 total
  : >"$out/$2.txs"
  while :; do
    curl -sfG --max-time 10 "$NOUS_RPC/tx_search" \
      --data-urlencode "query=\"message.sender='$addr'\"" \
      --data-urlencode "page=$page" --data-urlencode "per_page=100" >"$out/$2.page.json"
    jq -c '.result.txs[]' "$out/$2.page.json" >>"$out/$2.txs"
    total=$(jq -r .result.total_count "$out/$2.page.json")
    [ $((page * 100)) -lt "$total" ] || break
    page=$((page + 1))
  done
}
for n in w1 w2 w3 r1 r2; do
  addr=$(jq -r ".operators[$((index[$n] - 201))]" "$out/stage.json")
  chain_txs "$addr" "$n"
  # Out of gas is the one failure expected (a simulation before a window closes can
  # under-estimate; the node sends again with more gas); any other is a bug, and an
  # `already submitted` would be a double send the contract caught.
  others=$(jq -s -c '[.[] | select(.tx_result.code != 0) | .tx_result.log
    | select(test("out of gas") | not)]' "$out/$n.txs")
  [ "$others" = "[]" ] || fail "$n: refused transactions: $others"
  out_of_gas=$(jq -s '[.[] | select(.tx_result.code != 0)] | length' "$out/$n.txs")
  # the nonce of every submission (workers' payloads, or commitments and reveals on a
  # commit–reveal topic; reputers' bundles) from its wasm events
  jq -r --arg topic "$topic" '.tx_result.events[] | select(.type == "wasm")
    | (.attributes | map({(.key): .value}) | add)
    | select(.action == "submit_worker_payload" or .action == "submit_loss_bundle"
      or .action == "commit_worker_payload" or .action == "reveal_worker_payload")
    | select(.topic_id == $topic) | "\(.action) \(.nonce)"' "$out/$n.txs" | sort >"$out/$n.nonces"
  sent=$(wc -l <"$out/$n.nonces")
  dup=$(uniq -d "$out/$n.nonces")
  [ -z "$dup" ] || fail "$n sent twice: $dup"
  [ "$sent" -gt 0 ] || fail "$n submitted nothing"
  echo "   $n: $sent submissions, no nonce twice; $(wc -l <"$out/$n.txs") transactions by this key on the chain, $out_of_gas out of gas (sent again)"
done
grep -q '"event":"e2e: killed here"' "$out/w1.log" || fail "w1 was not restarted"
after=$(sed -n '/e2e: killed here/,$p' "$out/w1.log" | grep -cE '"event":"(submitted|revealed)"' || true)
[ "$after" -gt 0 ] || fail "w1 submitted nothing after its restart"
echo "   w1 submitted $after times after its restart"
grep -q '^nous_node_submissions_total{' "$out/w1.metrics" || fail "/metrics has no submissions"

# The topic runs the registry's default rules (the improved ones): a worker whose one-out
# score is never positive (a forecaster adding nothing to two inferers) is rightly paid
# nothing. Every reputer must be paid, at least one worker, and each operator with a balance
# claims all of it.
echo "   rewards: every reputer and at least one worker is paid; each claims what it has"
paid_workers=0
for n in w1 w2 w3 r1 r2; do
  "$node_bin" --config "$out/$n.toml" status >"$out/$n.status.txt"
  "$node_bin" --config "$out/$n.toml" status --json >"$out/$n.status.json"
  claimable=$(jq -r .claimable "$out/$n.status.json")
  if [ "$claimable" = 0 ]; then
    case $n in
      w*) echo "   $n earned nothing (no positive score under the improved rules)"; continue ;;
      *) fail "$n has nothing to claim: $(cat "$out/$n.status.txt")" ;;
    esac
  fi
  case $n in w*) paid_workers=$((paid_workers + 1)) ;; esac
  "$node_bin" --config "$out/$n.toml" claim >"$out/$n.claim.json"
  claimed=$(jq -r .claimed "$out/$n.claim.json")
  [ "$claimed" = "$claimable" ] || fail "$n claimed $claimed of $claimable"
  left=$("$node_bin" --config "$out/$n.toml" status --json | jq -r .claimable)
  [ "$left" = 0 ] || fail "$n still has $left to claim after claiming"
  echo "   $n claimed $claimed (registered: $(jq -c '[.workers[], .reputers[]][0].registration.actor_index' "$out/$n.status.json"))"
done
[ "$paid_workers" -gt 0 ] || fail "no worker was paid"
echo "   r1's status before claiming:"
sed 's/^/     /' "$out/r1.status.txt"
echo "   e2e-node: passed in $((SECONDS - started)) s of node time"
