#!/usr/bin/env bash
# Runs the VM tests (tests/vm, crate nous-vm-tests): every artifact of artifacts/ loaded into
# cosmwasm-vm 2.3.6, the VM chains embed, and driven through instantiate / execute / query.
# cosmwasm-vm needs rustc >= 1.96, so this builds with Debian's rustc-web (scripts/setup.sh)
# into its own target folder (target/vm); build the artifacts first (scripts/build-wasm.sh).
# Usage: scripts/vm-test.sh [cargo test args ...]   e.g. scripts/vm-test.sh synthesis
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for c in contracts/*/; do
  c=$(basename "$c")
  [ -f "artifacts/$c.wasm" ] || { echo "vm-test: artifacts/$c.wasm missing, run scripts/build-wasm.sh" >&2; exit 1; }
done
export RUSTC=/usr/bin/rustc
export CARGO_TARGET_DIR="$root/target/vm"
# Dependencies (Wasmer) optimised, the test crate itself in debug: a fair compile/run trade.
exec /usr/bin/cargo test --locked -p nous-vm-tests --features vm \
  --config 'profile.dev.package."*".opt-level=1' "$@"
