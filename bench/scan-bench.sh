#!/usr/bin/env bash
# Cold scan, warm report and ccusage on the same 1 GB corpus, in one run.
#
#   bench/scan-bench.sh [BUILD_DIR] [SIZE_MB]
#
# Prints wall times, peak memory and the ratios against ccusage. Not a test:
# CI does not run it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
size=${2:-1000}
work=${BENCH_DIR:-/tmp/costmeter-bench}
corpus=$work/corpus-$size
cli=$build/src/cli/costmeter-cli
gen=$top/../shared/tools/gen-corpus.py

[ -x "$cli" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
mkdir -p "$work"

if [ ! -d "$corpus" ]; then
  echo "Generating a ${size} MB corpus in $corpus ..."
  python3 "$gen" --out "$corpus" --size-mb "$size" --users 1 >/dev/null
fi

if [ ! -x "$work/node_modules/.bin/ccusage" ]; then
  echo "Installing ccusage@20.0.24 from npm ..."
  npm install --silent --no-audit --no-fund --prefix "$work" ccusage@20.0.24 >/dev/null
fi

files=$(find "$corpus" -name '*.jsonl' | wc -l)
bytes=$(du -sb "$corpus" | cut -f1)
echo "Corpus: $files files, $((bytes / 1000000)) MB"

# Everything from the page cache, for every contender alike.
find "$corpus" -name '*.jsonl' -exec cat {} + > /dev/null


timed () {
  # /usr/bin/time writes its line last on stderr.
  local name=$1; shift
  local t0 t1 line
  line=$( { /usr/bin/time -f 'TIME %e %M' "$@" > /dev/null; } 2>&1 | grep '^TIME' | tail -n1)
  wall=$(echo "$line" | awk '{print $2}')
  rss=$(echo "$line" | awk '{printf "%.0f", $3 / 1024}')
  printf '%-36s %7.2f s  %6s MiB peak\n' "$name" "$wall" "$rss"
}

db=$work/bench.db
rm -f "$db" "$db-wal" "$db-shm"

timed "costmeter-cli scan (cold)" "$cli" --db "$db" scan --no-default --source "$corpus/user1"
scan_wall=$wall; scan_rss=$rss
timed "costmeter-cli report daily (cold)" "$cli" --db "$db" report daily --json --timezone UTC
cold=$(echo "$scan_wall + $wall" | bc -l)
cold_rss=$(( scan_rss > rss ? scan_rss : rss ))

best_warm=999
for i in 1 2 3 4 5; do
  timed "costmeter-cli report daily (warm $i)" "$cli" --db "$db" report daily --json --timezone UTC
  best_warm=$(echo "if ($wall < $best_warm) $wall else $best_warm" | bc -l)
  warm_rss=$rss
done

best_cc=999
for i in 1 2 3; do
  CLAUDE_CONFIG_DIR=$corpus/user1/.claude TZ=UTC \
    timed "ccusage claude daily --offline ($i)" "$work/node_modules/.bin/ccusage" claude daily --offline --json
  best_cc=$(echo "if ($wall < $best_cc) $wall else $best_cc" | bc -l)
  cc_rss=$rss
done

echo
printf 'cold scan + report: %6.2f s  = %5.2fx ccusage (goal <= 1.00x)\n' "$cold" "$(echo "$cold / $best_cc" | bc -l)"
printf 'warm report:        %6.3f s  = %5.3fx ccusage (goal <= 0.05x)\n' "$best_warm" "$(echo "$best_warm / $best_cc" | bc -l)"
printf 'ccusage:            %6.2f s, %s MiB peak\n' "$best_cc" "$cc_rss"
printf 'costmeter-cli peak memory: %s MiB (goal < 150)\n' "$cold_rss"
