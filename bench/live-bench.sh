#!/usr/bin/env bash
# Live updates on a big history: the window on the 1,000,000-message
# database of bench/ui-bench.sh, with its ~88,000 session folders as sources.
# Prints the active folder monitors, resident memory after the first scan
# settles, how long a new line in a watched folder takes to be counted,
# resident memory after a periodic rescan, and the peak. Not a test: CI does
# not run it.
#
#   bench/live-bench.sh [BUILD_DIR]
#
# Reuses the corpora and database in $BENCH_DIR (run bench/ui-bench.sh first);
# the database is copied, the corpora are only read. The new lines go to a
# small transcript in a throw-away home (its ~/.claude/projects is a default
# source, watched like any project folder).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
work=${BENCH_DIR:-/tmp/costmeter-uibench}
harness=$build/bench/cm-live-bench
live=$work/live

[ -x "$harness" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
[ -f "$work/bench.db" ] && [ -f "$work/live-line.jsonl" ] || { echo "no $work/bench.db: run bench/ui-bench.sh first" >&2; exit 1; }

rm -rf "$live"
mkdir -p "$live/home/.claude/projects/-home-bench-live"
cp "$work/bench.db" "$live/bench.db"
[ -f "$work/bench.db-wal" ] && cp "$work/bench.db-wal" "$live/bench.db-wal"

# One assistant line of the corpus (ui-bench.sh kept it before it made the
# transcripts sparse): the harness appends copies with new ids.
cp "$work/live-line.jsonl" "$live/home/.claude/projects/-home-bench-live/live.jsonl"

# Never the real home: the default sources and settings live there.
export HOME=$live/home XDG_DATA_HOME=$live/home/data XDG_CONFIG_HOME=$live/home/config
export GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 GSK_RENDERER=cairo
export CM_LIVE_FILE=$live/home/.claude/projects/-home-bench-live/live.jsonl
unset CLAUDE_CONFIG_DIR

folders=$(find "$work"/corpus-q? -type d | wc -l)
echo "Corpus: $folders folders; fs.inotify.max_user_watches = $(cat /proc/sys/fs/inotify/max_user_watches)"

xvfb-run -a -s '-screen 0 1280x1000x24' dbus-run-session -- \
  "$harness" --db "$live/bench.db" 2>/dev/null

rm -rf "$live"
