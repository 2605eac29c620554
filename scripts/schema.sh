#!/usr/bin/env bash
# Regenerates schema/<contract>/ from every contract's `src/bin/schema.rs` (write_api!).
# CI runs it and fails when the committed schemas differ from the code.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for dir in contracts/*/; do
  name=$(basename "$dir")
  [ -f "$dir/src/bin/schema.rs" ] || continue
  tmp=$(mktemp -d)
  (cd "$tmp" && cargo run --quiet --locked --manifest-path "$root/Cargo.toml" -p "$name" --bin "schema-$name" >/dev/null)
  rm -rf "schema/$name"
  mkdir -p "schema/$name"
  cp -r "$tmp/schema/." "schema/$name/"
  rm -rf "$tmp"
  echo "schema/$name"
done
