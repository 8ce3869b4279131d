#!/usr/bin/env bash
# The window on a database of about 1,000,000 messages: launch to the first
# frame drawn with data, filter change to the frame with the updated views,
# and peak resident memory. Not a test: CI does not run it.
#
#   bench/ui-bench.sh [BUILD_DIR]
#
# Makes two corpora with gen-corpus.py (2.5 GB + 4 GB, about 1.04 million
# deduplicated messages; cached in $BENCH_DIR), scans them into a database
# with costmeter-cli, then runs bench/cm-ui-bench (the real CmApplication and
# CmWindow) under xvfb-run + dbus-run-session, once with GTK's default
# renderer (GL, llvmpipe under Xvfb) and once with GSK_RENDERER=cairo, each
# with the Overview and with the Sessions view on screen ($CM_BENCH_VIEWS).
# The date range is "all": every query reads every message.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
work=${BENCH_DIR:-/tmp/costmeter-uibench}
cli=$build/src/cli/costmeter-cli
harness=$build/bench/cm-ui-bench
gen=$top/../shared/tools/gen-corpus.py
db=$work/bench.db

[ -x "$cli" ] && [ -x "$harness" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
mkdir -p "$work/home"

# Never the real home: the default sources and settings live there.
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1
unset CLAUDE_CONFIG_DIR

make_corpus () {  # DIR SIZE_MB SEED
  if [ ! -d "$1" ]; then
    echo "Generating $2 MB in $1 ..."
    python3 "$gen" --out "$1" --size-mb "$2" --users 3 --seed "$3" >/dev/null
  fi
}
make_corpus "$work/corpus-2500" 2500 1
make_corpus "$work/corpus-4000" 4000 7

if [ ! -f "$db" ]; then
  echo "Scanning into $db ..."
  sources=()
  for d in "$work"/corpus-2500/* "$work"/corpus-4000/*; do sources+=(--source "$d"); done
  /usr/bin/time -f 'cold scan: %e s, %M KB peak' "$cli" --db "$db" scan --no-default "${sources[@]}"
fi

messages=$("$cli" --db "$db" report backend --json |
           python3 -c 'import json,sys; print(sum(r["messages"] for r in json.load(sys.stdin)["rows"]))')
files=$(find "$work"/corpus-2500 "$work"/corpus-4000 -name '*.jsonl' | wc -l)
echo "Database: $messages messages from $files files ($(du -h "$db" | cut -f1))"

# The transcripts in the page cache, as on a machine in use.
find "$work"/corpus-2500 "$work"/corpus-4000 -name '*.jsonl' -exec cat {} + > /dev/null

# Below the window: the SQL reports against the in-memory rollup cache.
echo
"$build/bench/cm-cache-bench" "$db"

# "sessions-sorted": the Sessions view sorted by cost right after launch
# (every session becomes an item), then the same changes.
for renderer in default cairo; do
  for view in ${CM_BENCH_VIEWS:-overview sessions sessions-sorted}; do
    echo
    echo "== GSK renderer: $renderer, view: $view"
    if [ "$renderer" = cairo ]; then export GSK_RENDERER=cairo; else unset GSK_RENDERER; fi
    if [ "$view" = sessions-sorted ]; then export CM_BENCH_SORT=1; else unset CM_BENCH_SORT; fi
    CM_BENCH_VIEW=${view%-sorted} xvfb-run -a -s '-screen 0 1280x1000x24' dbus-run-session -- \
      bash -c 'CM_BENCH_T0_NS=$(date +%s%N) exec "$0" --db "$1"' "$harness" "$db" 2>/dev/null
  done
done
