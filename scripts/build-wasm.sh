#!/usr/bin/env bash
# Builds every contract into artifacts/<contract>.wasm with Debian's rustc-web and
# -Zbuild-std (no rustup target, no Docker; scripts/wasm-flags.sh has the settings), optimises it with
# wasm-opt, runs the static checks a chain runs at upload on every artifact (in cosmwasm-vm,
# through the VM tests' `artifacts` test, which shares their build) and compares the
# checksums with the record.
#
# The record, committed: artifacts/checksums.txt (sha256 of every artifact) and
# artifacts/toolchain.txt (the exact compiler, linker, std sources and optimiser that
# produced them). The .wasm files themselves stay out of git.
#
# Usage: scripts/build-wasm.sh [--check | --update | contract ...]
#   (none)    build + static checks; say whether the artifacts match the record.
#   contract ...  build only these (a quick iteration; no checks, no comparison).
#   --check   the same, and fail if the installed toolchain is the recorded one but a
#             checksum differs (CI). If the toolchain differs (Debian shipped a newer
#             rustc-web, lld or binaryen patch), print a notice and skip the comparison:
#             the bytes can only be expected to match with the recorded toolchain.
#   --update  build + static checks, then re-record checksums.txt and toolchain.txt.
#             Run it after changing a contract, a dependency or the build flags, and
#             commit both files with the change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=build
contracts=()
case "${1:-}" in
  --check) mode=check ;;
  --update) mode=update ;;
  -*) echo "usage: scripts/build-wasm.sh [--check | --update | contract ...]" >&2; exit 2 ;;
  "") ;;
  *) mode=some; contracts=("$@") ;;
esac

scripts/setup.sh >/dev/null

# ---- the toolchain, as recorded in artifacts/toolchain.txt ------------------------------
toolchain() {
  echo "# Toolchain that produced artifacts/checksums.txt (scripts/build-wasm.sh --update)."
  /usr/bin/rustc -vV | sed -n 's/^\(release\|commit-hash\|host\|LLVM version\): */rustc \1: /p'
  for pkg in rustc-web cargo-web rust-web-src lld-22 binaryen; do
    echo "debian $pkg: $(dpkg-query -W -f='${Version}' "$pkg")"
  done
  echo "wasm-opt: $(wasm-opt --version)"
  echo "cosmwasm-vm (static checks): $(grep -A1 '^name = "cosmwasm-vm"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')"
}

# ---- build --------------------------------------------------------------------------------
if [ ${#contracts[@]} -eq 0 ]; then
  for dir in contracts/*/; do contracts+=("$(basename "$dir")"); done
fi
pkgs=()
for c in "${contracts[@]}"; do pkgs+=(-p "$c"); done

. scripts/wasm-flags.sh
RUSTFLAGS="$RUSTFLAGS -C link-arg=-s"
export CARGO_TARGET_DIR="$root/target/wasm"
"${wasm_cargo_build[@]}" "${pkgs[@]}"

mkdir -p artifacts
for c in "${contracts[@]}"; do
  in="$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/${c//-/_}.wasm"
  # binaryen inlines a function with one caller whatever its size; large handlers inlined
  # into one another took reward-distribution's `execute` and `plan_topic` past the VM's
  # limit of 100 locals per function (107, cosmwasm-check). Capped at 500 instructions they
  # stay out of line, for a few hundred bytes.
  wasm-opt -Oz --one-caller-inline-max-function-size 500 --strip-debug --strip-producers \
    "$in" -o "artifacts/$c.wasm"
done

wasms=()
for c in "${contracts[@]}"; do wasms+=("artifacts/$c.wasm"); done
# A failing artifact fails the script, after the checksums are compared or recorded. The
# check is cosmwasm-vm's own (what `cosmwasm-check` runs), from the VM tests: one build of
# cosmwasm-vm and Wasmer serves both, instead of a second one for a cosmwasm-check install.
checks_ok=1
if [ "$mode" != some ]; then
  # (without this script's wasm build settings, which are not the VM tests')
  env -u RUSTFLAGS -u RUSTC_BOOTSTRAP -u CARGO_PROFILE_RELEASE_OPT_LEVEL -u CARGO_TARGET_DIR \
    scripts/vm-test.sh --test artifacts -q || checks_ok=0
fi
finish() {
  if [ "$checks_ok" = 0 ]; then
    echo "an artifact failed the chain's static checks (see above)" >&2
    exit 1
  fi
  exit "${1:-0}"
}

fresh_sums=$(cd artifacts && sha256sum "${contracts[@]/%/.wasm}")
fresh_tools=$(toolchain)
echo
echo "$fresh_sums"
for w in "${wasms[@]}"; do printf '%8d bytes  %s\n' "$(stat -c %s "$w")" "$w"; done
[ "$mode" = some ] && finish 0

# ---- compare with / update the record ------------------------------------------------------
if [ "$mode" = update ]; then
  echo "$fresh_sums" > artifacts/checksums.txt
  echo "$fresh_tools" > artifacts/toolchain.txt
  echo "recorded artifacts/checksums.txt and artifacts/toolchain.txt: commit both"
  finish 0
fi

if [ ! -f artifacts/checksums.txt ] || [ ! -f artifacts/toolchain.txt ]; then
  echo "no record yet: run scripts/build-wasm.sh --update and commit artifacts/{checksums,toolchain}.txt" >&2
  [ "$mode" = check ] && exit 1
  finish 0
fi

if [ "$fresh_tools" != "$(cat artifacts/toolchain.txt)" ]; then
  echo
  echo "NOTICE: the installed toolchain differs from the one recorded in artifacts/toolchain.txt:"
  diff <(cat artifacts/toolchain.txt) <(echo "$fresh_tools") | sed -n 's/^[<>]/  &/p' || true
  echo "The artifacts were built and checked, but their checksums are not compared: bytes are"
  echo "only reproducible with the recorded toolchain. To move the record to this toolchain,"
  echo "run scripts/build-wasm.sh --update and commit artifacts/{checksums,toolchain}.txt."
  finish 0
fi

if [ "$fresh_sums" = "$(cat artifacts/checksums.txt)" ]; then
  echo "artifacts reproduce artifacts/checksums.txt (same toolchain, same bytes)"
  finish 0
fi
echo
echo "artifacts differ from artifacts/checksums.txt, built with the same toolchain:" >&2
# (diff exits 1 on a difference: `|| true`, or pipefail would end the script here)
diff <(cat artifacts/checksums.txt) <(echo "$fresh_sums") | sed -n 's/^[<>]/  &/p' >&2 || true
echo "If the sources changed on purpose: scripts/build-wasm.sh --update and commit the record." >&2
[ "$mode" = check ] && finish 1
finish 0
