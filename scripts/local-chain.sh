#!/usr/bin/env bash
# A throw-away local CosmWasm chain: a pinned wasmd built from the Go module proxy, one or
# more validators in a temporary home, every listener on 127.0.0.1, fast blocks, the test
# accounts of chain/test-accounts.txt funded (PUBLIC TEST-ONLY KEYS), permissionless upload.
#
# Usage: scripts/local-chain.sh <command>
#   build                     build wasmd into the cache unless it is there (prints its path)
#   start [--validators N]    initialise and start a chain in the background, wait for its
#                             first blocks, print the endpoints (N = 1 by default)
#   stop                      stop every node of the running chain by PID, delete its home
#   status                    the nodes, their PIDs and heights
#   env                       the endpoints as shell variables: eval "$(scripts/local-chain.sh env)"
#   stop-node I / start-node I   stop or restart validator I alone (fault tests)
#
# Environment:
#   NOUS_CACHE        cache folder (default ~/.cache/nous); wasmd is kept in
#                     $NOUS_CACHE/wasmd-v<version>/{bin/wasmd,lib/libwasmvm.x86_64.so}
#   NOUS_CHAIN_STATE  file describing the running chain (default /tmp/nous-local-chain.env)
#   NOUS_CHAIN_PORT   first port (default 26657); node i listens on PORT+10i .. PORT+10i+4
#   NOUS_CHAIN_ID     chain id (default nous-local-1)
#   NOUS_BLOCK_TIME   CometBFT timeout_commit (default 300ms)
#   NOUS_CHAIN_KEEP=1 keep the home folder on stop (for reading the node logs)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

WASMD_VERSION=0.60.8
CACHE=${NOUS_CACHE:-$HOME/.cache/nous}/wasmd-v$WASMD_VERSION
WASMD=$CACHE/bin/wasmd
STATE=${NOUS_CHAIN_STATE:-/tmp/nous-local-chain.env}
PORT=${NOUS_CHAIN_PORT:-26657}
CHAIN_ID=${NOUS_CHAIN_ID:-nous-local-1}
BLOCK_TIME=${NOUS_BLOCK_TIME:-300ms}
DENOM=unous
ACCOUNT_BALANCE=1000000000000000000000000000000$DENOM,1000000000000stake
MIN_GAS_PRICE=0.025$DENOM

export LD_LIBRARY_PATH="$CACHE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

log() { echo "local-chain: $*" >&2; }
die() { log "$*"; exit 1; }

# ---- build ---------------------------------------------------------------------------------
wasmd_ok() { [ -x "$WASMD" ] && [ "$("$WASMD" version 2>/dev/null)" = "$WASMD_VERSION" ]; }

build() {
  if wasmd_ok; then echo "$WASMD"; return; fi
  command -v go >/dev/null || die "Go is needed to build wasmd (https://go.dev/dl/)"
  log "building wasmd v$WASMD_VERSION from the Go module proxy (about 5 minutes on 2 cores, ~2 GB of module cache)"
  local started=$SECONDS tmp
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/wasmd-build.XXXXXX")
  # The -X flags of wasmd's Makefile: without them `wasmd version` is empty and generated
  # folders are named after "<appd>".
  local sdk=github.com/cosmos/cosmos-sdk/version
  local ldflags="-X $sdk.Name=wasm -X $sdk.AppName=wasmd -X $sdk.Version=$WASMD_VERSION \
-X github.com/CosmWasm/wasmd/app.Bech32Prefix=wasm -X $sdk.BuildTags=netgo"
  (cd "$root/chain/wasmd" && go build -mod=readonly -tags netgo -trimpath -ldflags "$ldflags" \
     -o "$tmp/wasmd" github.com/CosmWasm/wasmd/cmd/wasmd) >&2
  # The binary finds libwasmvm by a path into the module cache: keep a copy beside it so the
  # cache folder works on its own (LD_LIBRARY_PATH above points at it).
  local vm
  vm=$(cd "$root/chain/wasmd" && go list -mod=readonly -m -f '{{.Dir}}' github.com/CosmWasm/wasmvm/v2)
  mkdir -p "$CACHE/bin" "$CACHE/lib"
  install -m 0644 "$vm/internal/api/libwasmvm.x86_64.so" "$CACHE/lib/"
  mv "$tmp/wasmd" "$WASMD"
  rmdir "$tmp"
  wasmd_ok || die "the built wasmd does not report version $WASMD_VERSION"
  log "built $WASMD in $((SECONDS - started)) s"
  echo "$WASMD"
}

# ---- state of the running chain --------------------------------------------------------------
load_state() {
  [ -f "$STATE" ] || die "no chain running (no $STATE); start one with: scripts/local-chain.sh start"
  # shellcheck disable=SC1090
  . "$STATE"
  PORT=$NOUS_CHAIN_PORT
}

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

node_home() { echo "$NOUS_CHAIN_HOME/node$1/wasmd"; }
rpc_port() { echo $((PORT + 10 * $1)); }

height() {
  curl -sf --max-time 2 "http://127.0.0.1:$1/status" | jq -r '.result.sync_info.latest_block_height' 2>/dev/null || echo "-"
}

# ---- start ---------------------------------------------------------------------------------
# Rewrites one node's config so that every listener is on 127.0.0.1 at this node's ports and
# its peers are addressed on 127.0.0.1.
configure_node() {
  local i=$1 peers=$2 home cfg app base
  home=$(node_home "$i"); cfg=$home/config/config.toml; app=$home/config/app.toml
  base=$((PORT + 10 * i))
  sed -i -E \
    -e "/^\[rpc\]/,/^\[/ s|^laddr = .*|laddr = \"tcp://127.0.0.1:$base\"|" \
    -e "/^\[p2p\]/,/^\[/ s|^laddr = .*|laddr = \"tcp://127.0.0.1:$((base + 1))\"|" \
    -e "s|^pprof_laddr = .*|pprof_laddr = \"127.0.0.1:$((base + 4))\"|" \
    -e "s|^proxy_app = .*|proxy_app = \"tcp://127.0.0.1:$((base + 5))\"|" \
    -e "s|^persistent_peers = .*|persistent_peers = \"$peers\"|" \
    -e "s|^external_address = .*|external_address = \"\"|" \
    -e "s|^addr_book_strict = .*|addr_book_strict = false|" \
    -e "s|^allow_duplicate_ip = .*|allow_duplicate_ip = true|" \
    -e "s|^timeout_commit = .*|timeout_commit = \"$BLOCK_TIME\"|" \
    -e "s|^prometheus = .*|prometheus = false|" \
    "$cfg"
  sed -i -E \
    -e "/^\[api\]/,/^\[/ s|^enable = .*|enable = true|" \
    -e "/^\[api\]/,/^\[/ s|^address = .*|address = \"tcp://127.0.0.1:$((base + 3))\"|" \
    -e "/^\[grpc\]/,/^\[/ s|^address = .*|address = \"127.0.0.1:$((base + 2))\"|" \
    -e "s|^minimum-gas-prices = .*|minimum-gas-prices = \"$MIN_GAS_PRICE\"|" \
    -e "/^\[telemetry\]/,/^\[/ s|^enabled = .*|enabled = false|" \
    "$app"
}

start() {
  local validators=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --validators) validators=${2:?--validators needs a number}; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [ "$validators" -ge 1 ] || die "--validators must be at least 1"
  if [ -f "$STATE" ]; then
    # shellcheck disable=SC1090
    (. "$STATE"; for p in $NOUS_CHAIN_PIDS; do alive "$p" && exit 0; done; exit 1) &&
      die "a chain is already running ($STATE): scripts/local-chain.sh stop"
    rm -f "$STATE"
  fi
  for tool in curl jq; do command -v $tool >/dev/null || die "$tool is needed (apt-get install $tool)"; done
  build >/dev/null
  local home
  home=$(mktemp -d "${TMPDIR:-/tmp}/nous-chain.XXXXXX")
  NOUS_CHAIN_HOME=$home
  log "initialising $validators validator(s) of $CHAIN_ID in $home"
  "$WASMD" testnet init-files --v "$validators" --output-dir "$home" --single-host \
    --chain-id "$CHAIN_ID" --keyring-backend test --commit-timeout "$BLOCK_TIME" \
    --minimum-gas-prices "$MIN_GAS_PRICE" >"$home/init.log" 2>&1 ||
    { cat "$home/init.log" >&2; die "wasmd testnet init-files failed"; }

  # Genesis: the test accounts, fast governance, no inflation of the fee token (the mint
  # module mints the bond denom "stake" only), wasm upload and instantiation by anyone.
  local h0 name mnemonic
  h0=$(node_home 0)
  while read -r name mnemonic; do
    case "$name" in ''|'#'*) continue ;; esac
    echo "$mnemonic" | "$WASMD" keys add "$name" --recover --keyring-backend test --home "$h0" >/dev/null 2>&1
    "$WASMD" genesis add-genesis-account "$name" "$ACCOUNT_BALANCE" --keyring-backend test --home "$h0" >/dev/null
  done < "$root/chain/test-accounts.txt"
  local g=$h0/config/genesis.json
  jq '.app_state.wasm.params.code_upload_access.permission = "Everybody"
      | .app_state.wasm.params.instantiate_default_permission = "Everybody"
      | .app_state.gov.params.voting_period = "20s"
      | .app_state.gov.params.expedited_voting_period = "10s"' "$g" >"$g.new" && mv "$g.new" "$g"
  "$WASMD" genesis validate "$g" >/dev/null 2>&1 || die "the edited genesis does not validate"

  local i ids=() peers
  for ((i = 0; i < validators; i++)); do
    [ "$i" -gt 0 ] && cp "$g" "$(node_home "$i")/config/genesis.json"
    ids+=("$("$WASMD" comet show-node-id --home "$(node_home "$i")")")
  done
  for ((i = 0; i < validators; i++)); do
    peers=""
    for ((j = 0; j < validators; j++)); do
      [ "$j" = "$i" ] && continue
      peers+="${peers:+,}${ids[$j]}@127.0.0.1:$((PORT + 10 * j + 1))"
    done
    configure_node "$i" "$peers"
  done

  local pids=()
  for ((i = 0; i < validators; i++)); do
    start_node "$i"
    pids+=("$NODE_PID")
  done
  {
    echo "NOUS_CHAIN_ID=$CHAIN_ID"
    echo "NOUS_CHAIN_HOME=$home"
    echo "NOUS_CHAIN_VALIDATORS=$validators"
    echo "NOUS_CHAIN_PIDS=\"${pids[*]}\""
    echo "NOUS_WASMD=$WASMD"
    echo "NOUS_RPC=http://127.0.0.1:$PORT"
    echo "NOUS_GRPC=http://127.0.0.1:$((PORT + 2))"
    echo "NOUS_API=http://127.0.0.1:$((PORT + 3))"
    echo "NOUS_DENOM=$DENOM"
    echo "NOUS_GAS_PRICE=$MIN_GAS_PRICE"
    echo "NOUS_CHAIN_PORT=$PORT"
    echo "NOUS_TEST_ACCOUNTS=$root/chain/test-accounts.txt"
  } >"$STATE"
  # shellcheck disable=SC1090
  . "$STATE"
  wait_blocks 2 60 || { status >&2; stop; die "the chain produced no blocks within 60 s"; }
  log "chain $CHAIN_ID is producing blocks"
  env_print
}

# Starts validator i in the background; sets NODE_PID.
start_node() {
  local i=$1 home
  home=$(node_home "$i")
  setsid "$WASMD" start --home "$home" --log_level warn >>"$home/node.log" 2>&1 </dev/null &
  NODE_PID=$!
  echo "$NODE_PID" >"$home/node.pid"
}

# Waits until node 0 (or the given port) reports at least height $1, for at most $2 seconds.
wait_blocks() {
  local want=$1 limit=$2 port=${3:-$PORT} h
  for ((t = 0; t < limit * 5; t++)); do
    h=$(height "$port")
    if [ "$h" != "-" ] && [ "$h" != "null" ] && [ "$h" -ge "$want" ]; then return 0; fi
    sleep 0.2
  done
  return 1
}

# ---- stop / status / env -------------------------------------------------------------------
stop_pid() {
  local p=$1
  alive "$p" || return 0
  kill "$p" 2>/dev/null || true
  for ((t = 0; t < 50; t++)); do alive "$p" || return 0; sleep 0.2; done
  kill -9 "$p" 2>/dev/null || true
}

stop() {
  [ -f "$STATE" ] || { log "no chain running"; return 0; }
  load_state
  local i p
  for ((i = 0; i < NOUS_CHAIN_VALIDATORS; i++)); do
    p=$(cat "$(node_home "$i")/node.pid" 2>/dev/null || true)
    [ -n "$p" ] && stop_pid "$p"
  done
  for p in $NOUS_CHAIN_PIDS; do stop_pid "$p"; done
  if [ "${NOUS_CHAIN_KEEP:-0}" = 1 ]; then
    log "stopped; home kept in $NOUS_CHAIN_HOME"
  else
    rm -rf "$NOUS_CHAIN_HOME"
    log "stopped; removed $NOUS_CHAIN_HOME"
  fi
  rm -f "$STATE"
}

status() {
  load_state
  echo "chain $NOUS_CHAIN_ID, $NOUS_CHAIN_VALIDATORS validator(s), home $NOUS_CHAIN_HOME"
  local i p
  for ((i = 0; i < NOUS_CHAIN_VALIDATORS; i++)); do
    p=$(cat "$(node_home "$i")/node.pid" 2>/dev/null || true)
    if alive "$p"; then
      echo "  node$i pid $p rpc 127.0.0.1:$(rpc_port "$i") height $(height "$(rpc_port "$i")")"
    else
      echo "  node$i stopped"
    fi
  done
}

env_print() {
  load_state
  grep -v '^NOUS_CHAIN_PIDS=' "$STATE" | sed 's/^/export /'
}

stop_node() {
  load_state
  local i=${1:?stop-node needs a validator index} p
  p=$(cat "$(node_home "$i")/node.pid" 2>/dev/null || true)
  alive "$p" || die "node$i is not running"
  stop_pid "$p"
  log "stopped node$i (pid $p)"
}

start_node_cmd() {
  load_state
  local i=${1:?start-node needs a validator index} p
  p=$(cat "$(node_home "$i")/node.pid" 2>/dev/null || true)
  alive "$p" && die "node$i is already running (pid $p)"
  start_node "$i"
  # The state lists every PID ever started so that stop ends them all.
  sed -i "s|^NOUS_CHAIN_PIDS=\"\(.*\)\"|NOUS_CHAIN_PIDS=\"\1 $NODE_PID\"|" "$STATE"
  log "started node$i (pid $NODE_PID)"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  build) build ;;
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  env) env_print ;;
  stop-node) stop_node "$@" ;;
  start-node) start_node_cmd "$@" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; [ -z "$cmd" ] || exit 2 ;;
esac
