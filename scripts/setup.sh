#!/usr/bin/env bash
# Installs what a fresh machine of this project lacks (idempotent, safe to re-run):
#  - Debian's rustc-web (1.96) + std sources, lld and binaryen, to build wasm32 artifacts
#    without rustup targets (shared/docs/TOOLCHAIN.md);
#  - a reusable tools folder (scripts/bench.sh installs twiggy there);
#  - jq and curl, which scripts/local-chain.sh uses to configure and watch a local node.
# Prints the tools folder's bin path as the last line.
set -euo pipefail
TOOLS=${NOUS_TOOLS:-$HOME/.cache/nous-tools}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo

need_apt=()
for pkg in rustc-web cargo-web rust-web-src lld-22 binaryen jq curl; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need_apt[*]}" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
fi

mkdir -p "$TOOLS/bin"
echo "$TOOLS/bin"
