#!/usr/bin/env bash
# Runs every libFuzzer target for a set time, on seed corpora made at run time
# from the fixture corpus lines, data/pricing.json and the hand-made seeds.
#
#   tests/fuzz/run-fuzzers.sh SECONDS [TARGET...]
#
# Builds in $FUZZ_BUILD (default _fuzz) with clang, ASan and UBSan. Targets run
# one after another (FUZZ_PARALLEL=1: at once). Work files (corpora, logs,
# crash inputs) go to $FUZZ_WORK (default /tmp/costmeter-fuzz). Exits non-zero
# when a target crashed, leaked or timed out; the input that did it is kept in
# $FUZZ_WORK/artifacts: add it to tests/fuzz/seeds/<target>/ as a regression.
set -euo pipefail

seconds=${1:?usage: run-fuzzers.sh SECONDS [TARGET...]}
shift
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$top/_fuzz}
work=${FUZZ_WORK:-/tmp/costmeter-fuzz}
fixtures=${CM_FIXTURES_DIR:-$top/../shared/fixtures}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(transcript-parser transcript-parser-differential pricing)

if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" "$top" -Dfuzzing=true -Dgui=disabled -Dkeyring=disabled \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build" $(for t in "${targets[@]}"; do echo "tests/fuzz/fuzz-$t"; done) >/dev/null

mkdir -p "$work/artifacts"

make_corpus () {
  local target=$1 dir=$work/corpus-$1
  mkdir -p "$dir"
  case $target in
    transcript-parser|transcript-parser-differential)
      cp "$top"/tests/fuzz/seeds/parser/* "$dir"/
      # One file per distinct fixture line (up to 64 KiB each; the rest are
      # the same shapes with longer text).
      if [ -d "$fixtures/corpus" ]; then
        find "$fixtures/corpus" -name '*.jsonl' -print0 | xargs -0 cat |
          python3 -c '
import hashlib, sys, os
out = sys.argv[1]
for line in sys.stdin.buffer:
    line = line.rstrip(b"\n")
    if len(line) > 65536:
        continue
    name = hashlib.sha1(line).hexdigest()
    with open(os.path.join(out, name), "wb") as f:
        f.write(line)
' "$dir"
      fi
      ;;
    pricing)
      cp "$top"/tests/fuzz/seeds/pricing/* "$dir"/
      cp "$top/data/pricing.json" "$dir/shipped.json"
      [ -f "$fixtures/prices-used.json" ] && cp "$fixtures/prices-used.json" "$dir/prices-used.json"
      ;;
  esac
  echo "$dir"
}

run_one () {
  local target=$1 corpus log
  corpus=$(make_corpus "$target")
  log=$work/$target.log
  # Leaks are fatal (detect_leaks); UBSan findings abort; a crash or a
  # timeout exits 1 (not libFuzzer's 77 and 70).
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  G_DEBUG=gc-friendly \
    "$build/tests/fuzz/fuzz-$target" "$corpus" \
      -max_total_time="$seconds" -timeout=20 -error_exitcode=1 -timeout_exitcode=1 \
      -rss_limit_mb=2048 -max_len=262144 \
      -print_final_stats=1 -artifact_prefix="$work/artifacts/$target-" \
      >"$log" 2>&1
}

declare -A status
pids=()
for t in "${targets[@]}"; do
  if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then
    run_one "$t" & pids+=("$!:$t")
  else
    if run_one "$t"; then status[$t]=0; else status[$t]=$?; fi
  fi
done
for p in "${pids[@]}"; do
  if wait "${p%%:*}"; then status[${p#*:}]=0; else status[${p#*:}]=$?; fi
done

rc=0
for t in "${targets[@]}"; do
  log=$work/$t.log
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  secs=$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
  corpus_n=$(find "$work/corpus-$t" -type f | wc -l)
  if [ "${status[$t]}" -eq 0 ]; then verdict=clean; else verdict="FAILED (exit ${status[$t]}, see $log)"; rc=1; fi
  printf '%-30s %ss: %s runs, coverage %s, corpus %s files, slowest unit %ss: %s\n' \
    "$t" "$seconds" "${runs:-?}" "${cov:-?}" "$corpus_n" "${secs:-?}" "$verdict"
done
exit $rc
