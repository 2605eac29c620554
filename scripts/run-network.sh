#!/usr/bin/env bash
# Runs a living nous network on an embedded chain (cw-multi-test): every contract deployed,
# simulated inferers, forecasters, reputers, delegators, consumers, a dApp and a keeper over
# a seeded regime-switching world. Prints the report; writes out/report.txt, out/epochs.csv
# and the plots (out/losses.svg, rewards.svg, listening.svg, weights.svg). Needs only
# cargo. Options: --scenario FILE --out DIR --seed N --epochs N --quiet (`--help` lists
# all; see packages/nous-sim/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
exec cargo run --release -p nous-sim -- "$@"
