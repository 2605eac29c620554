#!/usr/bin/env bash
# Sets up a fresh machine (scripts/setup.sh) and runs every check of the suite:
#   1. formatting and clippy,
#   2. all native tests (maths vectors, unit tests, multi-contract tests),
#   3. schema freshness (schema/ must equal what the code generates),
#   4. optimised wasm artifacts for every contract, the chain's static checks on them
#      (cosmwasm-vm's, as cosmwasm-check runs them) and their checksums against the
#      record (scripts/build-wasm.sh --check), then nous-consumer built for wasm32 on its
#      own, against its lowest cosmwasm-std (scripts/check-consumer.sh),
#   5. the VM tests: every artifact run in cosmwasm-vm (scripts/vm-test.sh),
#   6. the suite on a real node: a pinned wasmd built from the Go module proxy (cached), a
#      local chain, nous-deploy, the chain-smoke scenario to steady state with its checks and
#      the real-gas table (scripts/e2e-chain.sh; needs Go, preinstalled on this machine kind).
# Set NOUS_SKIP_WASM=1 to skip steps 4 to 6 during quick local iterations, NOUS_SKIP_CHAIN=1
# to skip step 6 only.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n== %s\n' "$*"; }

step "setup"
scripts/setup.sh >/dev/null

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets --locked -q -- -D warnings

step "cargo test"
cargo test --workspace --locked

step "schema freshness"
scripts/schema.sh >/dev/null
if [ -n "$(git status --porcelain -- schema)" ]; then
  git status --porcelain -- schema
  echo "schema/ is stale: run scripts/schema.sh and commit the result" >&2
  exit 1
fi
echo "schema/ matches the code"

if [ "${NOUS_SKIP_WASM:-0}" != "1" ]; then
  step "wasm artifacts + static checks + checksums"
  scripts/build-wasm.sh --check

  step "nous-consumer alone for wasm32, against cosmwasm-std 2.0.0"
  scripts/check-consumer.sh

  step "VM tests (artifacts in cosmwasm-vm)"
  scripts/vm-test.sh

  if [ "${NOUS_SKIP_CHAIN:-0}" != "1" ]; then
    step "end to end on a local wasmd node (scripts/e2e-chain.sh)"
    scripts/e2e-chain.sh
  fi
fi
echo
echo "all checks passed"
