#!/usr/bin/env bash
# Regenerates BENCHMARKS.md and benchmarks/vm.csv: every operation of the suite measured in
# cosmwasm-vm on the optimised artifacts (gas is deterministic there, so the figures are
# exact) — a topic's first nonce and its steady state (the last of 16 scored nonces) at
# every active-set size — with each operation's compute, store and instance-load parts,
# request and stored bytes, floors, chain-adjusted figures and the issue's targets, and
# `twiggy top` of the two largest artifacts. The section of BENCHMARKS.md between
# `<!-- BEGIN real-chain -->` and `<!-- END real-chain -->` is kept as it is.
# Builds the artifacts first unless NOUS_SKIP_WASM_BUILD=1 (they must then exist).
# The measurements take about 4 to 6 minutes on 2 shared cores once everything is built (the
# first build of the VM crate takes about 8 minutes, the names-kept wasm build for twiggy
# a few more); NOUS_SKIP_TWIGGY=1 skips the twiggy part.
# Usage: scripts/bench.sh [OUTPUT.md [OUTPUT.csv]]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${NOUS_SKIP_WASM_BUILD:-0}" != "1" ]; then
  scripts/build-wasm.sh
fi

# ---- twiggy top of the two largest artifacts --------------------------------------------
# The artifacts carry no names (-s, wasm-opt without -g), so the two largest are built once
# more with build-wasm.sh's flags but their name section kept, into target/wasm-names, for
# this measurement only. twiggy is installed into the tools folder of scripts/setup.sh.
twiggy_dir=$(mktemp -d)
trap 'rm -rf "$twiggy_dir"' EXIT
if [ "${NOUS_SKIP_TWIGGY:-0}" != "1" ]; then
  tools=${NOUS_TOOLS:-$HOME/.cache/nous-tools}
  twiggy_version=0.8.0
  if ! "$tools/bin/twiggy" --version 2>/dev/null | grep -q "$twiggy_version"; then
    echo "bench: installing twiggy $twiggy_version into $tools" >&2
    cargo install twiggy --version "=$twiggy_version" --locked --root "$tools" >&2
  fi
  largest=$(ls -S artifacts/*.wasm | head -n 2 | xargs -n1 basename | sed 's/\.wasm$//')
  pkgs=()
  for c in $largest; do pkgs+=(-p "$c"); done
  # build-wasm.sh's settings, without `-C link-arg=-s` (which strips the names); in a
  # subshell, so the native build below keeps its own
  (
    . scripts/wasm-flags.sh
    CARGO_TARGET_DIR="$root/target/wasm-names" "${wasm_cargo_build[@]}" "${pkgs[@]}" >&2
  )
  for c in $largest; do
    in="$root/target/wasm-names/wasm32-unknown-unknown/release/${c//-/_}.wasm"
    wasm-opt -Oz --one-caller-inline-max-function-size 500 -g --strip-producers "$in" \
      -o "$twiggy_dir/$c.wasm"
    "$tools/bin/twiggy" top --format json "$twiggy_dir/$c.wasm" > "$twiggy_dir/$c.json"
  done
fi

export RUSTC=/usr/bin/rustc
export CARGO_TARGET_DIR="$root/target/vm"
export NOUS_TWIGGY_DIR="$twiggy_dir"
# Same profile as scripts/vm-test.sh, so both share one build of Wasmer.
/usr/bin/cargo run --locked -q -p nous-vm-tests --features vm --bin bench \
  --config 'profile.dev.package."*".opt-level=1' -- \
  "${1:-$root/BENCHMARKS.md}" "${2:-$root/benchmarks/vm.csv}"
