#!/usr/bin/env bash
# Fuzz the protocol core's decoders: runs every cargo-fuzz target in fuzz/
# for SECONDS each (default 30) and prints, per target, the executions and
# the crashes found. Exits non-zero if any target crashed.
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`, installed here if missing) and
# a C++ compiler (libfuzzer-sys builds libFuzzer). cargo-fuzz passes nightly
# flags (-Zsanitizer=address); RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them. Dictionaries of protocol tokens are in fuzz/dict/<target>.dict.
# The committed seeds in fuzz/corpus/<target> are read only:
# new inputs go to a scratch corpus. Crashes land in fuzz/artifacts/<target>/
# (reproduce with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`).
set -uo pipefail
cd "$(dirname "$0")/.."

secs="${1:-30}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(engine_text engine_payload sio_packet sio_header json_scanner session)
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "installing cargo-fuzz..." >&2
  cargo install cargo-fuzz >&2 || exit 1
fi
export RUSTC_BOOTSTRAP=1

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failed=0
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  log="$scratch/$t.log"
  dict=()
  if [ -f "fuzz/dict/$t.dict" ]; then dict=("-dict=fuzz/dict/$t.dict"); fi
  cargo fuzz run "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=10 "${dict[@]}" >"$log" 2>&1
  rc=$?
  after=$(find "fuzz/artifacts/$t" -type f | wc -l)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  if [ -z "$execs" ]; then
    execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  fi
  printf '%-16s executions=%-10s crashes=%s exit=%s\n' \
    "$t" "${execs:-?}" "$((after - before))" "$rc"
  if [ "$rc" -ne 0 ] || [ "$after" -ne "$before" ]; then
    failed=1
    tail -n 40 "$log" >&2
  fi
done
exit "$failed"
