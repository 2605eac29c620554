#!/usr/bin/env bash
# Regenerates BENCHMARKS.md: every operation of the suite measured in cosmwasm-vm on the
# optimised artifacts (gas is deterministic there, so the figures are exact), with each
# operation's compute, store and instance-load parts and the issue's targets marked.
# Builds the artifacts first unless NOUS_SKIP_WASM_BUILD=1 (they must then exist).
# Usage: scripts/bench.sh [OUTPUT]   (default: BENCHMARKS.md)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "${NOUS_SKIP_WASM_BUILD:-0}" != "1" ]; then
  scripts/build-wasm.sh
fi
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_DIR="$root/target/vm"
# Same profile as scripts/vm-test.sh, so both share one build of Wasmer.
/usr/bin/cargo run --locked -q -p nous-vm-tests --features vm --bin bench \
  --config 'profile.dev.package."*".opt-level=1' -- "${1:-$root/BENCHMARKS.md}"
