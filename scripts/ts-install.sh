#!/usr/bin/env bash
# Installs packages/nous-ts' dependencies with `npm ci` from the committed lockfile, unless
# node_modules already holds exactly this package.json and lockfile (a stamp written after
# the last install), so that repeated checks do not reinstall 300 packages. npm's cache
# (~/.npm) makes an install after the first one offline. No install script is run: no
# dependency needs one.
set -euo pipefail
pkg="$(cd "$(dirname "$0")/.." && pwd)/packages/nous-ts"
cd "$pkg"
stamp=node_modules/.nous-ts-installed
want=$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "   node_modules is up to date with package.json and package-lock.json"
  exit 0
fi
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
echo "$want" >"$stamp"
