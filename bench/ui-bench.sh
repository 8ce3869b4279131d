#!/usr/bin/env bash
# The window on a database of about 1,000,000 messages: launch to the first
# frame drawn with data, filter change to the frame with the updated views,
# and peak resident memory. Not a test: CI does not run it.
#
#   bench/ui-bench.sh [BUILD_DIR]
#
# Makes four lean corpora with gen-lean-corpus.py --strip (gen-corpus.py's
# shape with a twentieth of the text and without the fields no reader of
# costs looks at: about 1.04 million deduplicated messages in 135,000 files),
# two at a time on two cores, and scans them into a database with
# costmeter-cli. Once scanned, each transcript becomes a sparse file of the
# same size and time: the app's start-up rescan finds every file unchanged
# (as on a machine in use) and the corpora take no disk, so the whole run
# needs about 2 GB at its peak and the database (~700 MB) after it. Then it
# runs bench/cm-ui-bench (the real CmApplication and CmWindow) under
# xvfb-run + dbus-run-session, once with GTK's default renderer (GL,
# llvmpipe under Xvfb) and once with GSK_RENDERER=cairo, each with the
# Overview and with the Sessions view on screen ($CM_BENCH_VIEWS). The date
# range is "all": every query reads every message. bench/live-bench.sh
# appends to these corpora; it needs only their sizes, not their text.
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

corpora="$work/corpus-q1 $work/corpus-q2 $work/corpus-q3 $work/corpus-q4"

make_corpus () {  # DIR SEED
  [ -d "$1" ] || python3 "$top/bench/gen-lean-corpus.py" "$gen" --strip --out "$1" \
                   --size-mb 555 --users 3 --seed "$2" >/dev/null
}

# Same size, same time, no blocks: unchanged for the scanner, free on disk.
sparsify () {  # DIR...
  python3 - "$@" <<'PY'
import os, sys
for top in sys.argv[1:]:
    for folder, _, names in os.walk(top):
        for name in names:
            if name.endswith(".jsonl"):
                path = os.path.join(folder, name)
                st = os.stat(path)
                os.truncate(path, 0)
                os.truncate(path, st.st_size)
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}

scan_pair () {  # DIR DIR SEED SEED
  local sources=() d
  echo "Generating $1 and $2 ..."
  make_corpus "$1" "$3" & make_corpus "$2" "$4" & wait
  for d in "$1"/* "$2"/*; do sources+=(--source "$d"); done
  /usr/bin/time -f 'scan: %e s, %M KB peak' "$cli" --db "$db" scan --no-default "${sources[@]}" 2>&1 |
    grep -v 'skipped\|Broken lines' || true
  # One assistant line for bench/live-bench.sh, before the text goes.
  [ -f "$work/live-line.jsonl" ] ||
    grep -m1 -rh '"type":"assistant".*"requestId"' "$1" > "$work/live-line.jsonl"
  sparsify "$1" "$2"
}

if [ ! -f "$db" ]; then
  rm -rf $corpora
  scan_pair "$work/corpus-q1" "$work/corpus-q2" 1 7
  scan_pair "$work/corpus-q3" "$work/corpus-q4" 13 19
fi

messages=$("$cli" --db "$db" report backend --json |
           python3 -c 'import json,sys; print(sum(r["messages"] for r in json.load(sys.stdin)["rows"]))')
files=$(find $corpora -name '*.jsonl' | wc -l)
echo "Database: $messages messages from $files files ($(du -h "$db" | cut -f1)); $(du -sh "$work" | cut -f1) on disk"

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
