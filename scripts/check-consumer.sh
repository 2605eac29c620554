#!/usr/bin/env bash
# Proves what packages/nous-consumer's README claims about its dependencies: a copy of the
# crate, outside the workspace, builds for wasm32 with its own dependencies only, locked by
# packages/nous-consumer/lowest-versions.lock to the lowest cosmwasm-std it claims (2.0.0).
# It also checks that those dependencies are exactly cosmwasm-std, serde and schemars.
# Uses Debian's rustc-web like scripts/build-wasm.sh (scripts/setup.sh installs it); the
# build is cached in target/consumer, so a run after the first takes seconds.
#
# Usage: scripts/check-consumer.sh [--tests | --relock]
#   --tests   also run the crate's unit tests and doc tests natively against those versions
#             (the first run compiles cosmwasm-crypto: about 2 minutes more).
#   --relock  re-create the lockfile: newest serde and schemars, cosmwasm-std and its two
#             sibling crates at 2.0.0 (needs crates.io); commit the result.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
crate="$root/packages/nous-consumer"
lock="$crate/lowest-versions.lock"
lowest=2.0.0

mode=build
case "${1:-}" in
  --tests) mode=tests ;;
  --relock) mode=relock ;;
  "") ;;
  *) echo "usage: scripts/check-consumer.sh [--tests | --relock]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/nous-consumer"
cp -r "$crate/Cargo.toml" "$crate/README.md" "$crate/src" "$tmp/nous-consumer/"
cd "$tmp/nous-consumer"

if [ "$mode" = relock ]; then
  /usr/bin/cargo generate-lockfile
  for pkg in cosmwasm-std cosmwasm-crypto cosmwasm-derive; do
    /usr/bin/cargo update -p "$pkg" --precise "$lowest"
  done
  cp Cargo.lock "$lock"
  echo "wrote $lock: commit it"
  exit 0
fi
cp "$lock" Cargo.lock

# Debian's compiler and its own rustdoc (the doc tests link what rustc built).
export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
export CARGO_TARGET_DIR="$root/target/consumer"

# The dependency set: exactly these three, and cosmwasm-std at the lowest version claimed.
deps=$(/usr/bin/cargo tree --locked -e normal --depth 1 --prefix none \
  --target wasm32-unknown-unknown | tail -n +2 | cut -d' ' -f1 | sort | tr '\n' ' ')
if [ "$deps" != "cosmwasm-std schemars serde " ]; then
  echo "nous-consumer depends on: $deps(expected cosmwasm-std schemars serde)" >&2
  exit 1
fi
std_version=$(/usr/bin/cargo tree --locked -e normal --depth 1 --prefix none \
  | sed -n 's/^cosmwasm-std v\([^ ]*\).*/\1/p')
if [ "$std_version" != "$lowest" ]; then
  echo "lowest-versions.lock pins cosmwasm-std $std_version, not $lowest" >&2
  exit 1
fi

# wasm32 with build-std, as the contract artifacts are built (scripts/build-wasm.sh).
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-C target-cpu=mvp -Zunstable-options -Cpanic=immediate-abort" \
  /usr/bin/cargo build --locked --release --lib --target wasm32-unknown-unknown \
  -Zbuild-std=std,panic_abort
echo "nous-consumer builds for wasm32 on its own: cosmwasm-std $std_version, serde, schemars"

if [ "$mode" = tests ]; then
  /usr/bin/cargo test --locked --features testing
  echo "nous-consumer's tests pass against cosmwasm-std $std_version"
fi
