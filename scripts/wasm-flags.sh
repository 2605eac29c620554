# The compiler settings of the artifacts, sourced by build-wasm.sh (the artifacts) and
# bench.sh (the same build with the name section kept, for `twiggy`). Expects $root.
# Sets RUSTC, RUSTC_BOOTSTRAP, RUSTFLAGS and CARGO_PROFILE_RELEASE_OPT_LEVEL, and the array
# `wasm_cargo_build` (the cargo command without packages).

cargo_home=${CARGO_HOME:-$HOME/.cargo}
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
# - target-cpu=mvp: MVP Wasm only (every CosmWasm VM, and binaryen 108, accept it);
# - --allow-undefined: the VM's imports (db_read, ...); build-wasm.sh adds -s (no name
#   section);
# - panic=immediate-abort: a panic traps at once, without formatting a message (removes
#   core::fmt / demangling machinery from every artifact; contracts do not panic by design,
#   and a trap reverts the transaction just as an abort does);
# - location-detail=none: no file/line strings for panic locations (nothing prints them);
# - path remapping: no machine's home or checkout folder leaks into the bytes.
export RUSTFLAGS="-C target-cpu=mvp -C link-arg=--allow-undefined \
-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none \
--remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$root=/nous"
# Size over speed for the artifacts only (native builds keep the workspace profile): Wasm
# execution is a small part of an operation's gas next to storage (BENCHMARKS.md).
# Measured alternatives, not taken (bytes per artifact, 6 artifacts):
# opt-level s: +10k .. +28k; -Zfmt-debug=none: -4k .. -2k, but it blanks the `{:?}` parts of
# error texts; binaryen 132 (npm `binaryen`, wasm-opt compiled to JS): -4.8k .. -2.6k, at
# 2-3x the optimiser time; -Zvirtual-function-elimination: LLVM aborts on wasm32.
# std's backtrace printer and rustc-demangle (~25 KB per artifact) stay in: cosmwasm-std boxes
# a disabled std Backtrace in every StdError on wasm32, and removing it would mean shipping a
# patched copy of cosmwasm-std; not done (a fork to maintain for 4-6% of size).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
# Two measured exceptions (synthesis at 32/6/6 and 128/24/24, scripts/bench.sh):
# - nous-math at `2`: against `s`, the reputer close costs 6% and 17% less (1.71M -> 1.61M
#   and 18.18M -> 15.02M SDK gas) and the worker close 3% and 5% less, for +14 KB of
#   synthesis (691 -> 705 KB, well under wasmd's upload limit MaxWasmSize, 819,200 bytes)
#   and +4.5 KB of reward-distribution (whose gas it leaves as it was). `3` saves another
#   2% for 5 KB more; `z` keeps the regret weights' exp and 256-bit products out of line
#   (the worker close's compute +37% against `s`). Gas is paid every epoch, bytes once.
# - bnum at 3: 8 KB smaller than at `z` (its non-generic code), and no slower.
# std's `optimize_for_size`: the standard library's own small variants (e.g. one compact
# stable sort instead of driftsort per element type); same results, fewer bytes.
wasm_cargo_build=(/usr/bin/cargo build --release --lib --locked --target wasm32-unknown-unknown
  -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
  --config 'profile.release.package.nous-math.opt-level=2'
  --config 'profile.release.package.bnum.opt-level=3')
