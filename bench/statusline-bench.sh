#!/usr/bin/env bash
# The status line (`costmeter-statusline`, which the installers set, and
# `costmeter-cli statusline`) on the 1M-message database of bench/ui-bench.sh:
# wall time per run from the fork to the exit, p50 / p95 / max over N runs
# (default 200), as Claude Code runs it on every refresh: JSON with a session
# and both plan windows on standard input, the reading recorded, one line
# out. "Now" is an hour after the newest message, so today and the running
# block have data (at the real clock a years-old corpus has neither, which
# is faster). A run of /bin/true through the same harness is printed as the
# harness's own cost. Not a test: CI does not run it.
#
#   bench/statusline-bench.sh [BUILD_DIR] [RUNS]
#
# Needs $BENCH_DIR/bench.db (default /tmp/costmeter-uibench): run
# bench/ui-bench.sh first, or let this script make the same corpora with
# gen-corpus.py and scan them (the same commands, the same folders).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
runs=${2:-200}
work=${BENCH_DIR:-/tmp/costmeter-uibench}
cli=$build/src/cli/costmeter-cli
lean=$build/src/cli/costmeter-statusline
gen=$top/../shared/tools/gen-corpus.py
db=$work/bench.db

[ -x "$cli" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
mkdir -p "$work/home"

# Never the real home: the status line reads settings and the previous
# command from there.
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
unset CLAUDE_CONFIG_DIR

if [ ! -f "$db" ]; then
  # As bench/ui-bench.sh makes them.
  for spec in "corpus-2500 2500 1" "corpus-4000 4000 7"; do
    set -- $spec
    [ -d "$work/$1" ] || python3 "$gen" --out "$work/$1" --size-mb "$2" --users 3 --seed "$3" >/dev/null
  done
  sources=()
  for d in "$work"/corpus-2500/* "$work"/corpus-4000/*; do sources+=(--source "$d"); done
  "$cli" --db "$db" scan --no-default "${sources[@]}"
fi

exec python3 - "$cli" "$lean" "$db" "$runs" <<'EOF'
import json, os, resource, sqlite3, statistics, subprocess, sys, time

cli, lean, db, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
messages = con.execute("SELECT count(*) FROM messages").fetchone()[0]
ts, session, model = con.execute(
    "SELECT ts, session_id, model FROM messages ORDER BY ts DESC LIMIT 1").fetchone()
con.close()

now_s = ts // 1000 + 3600
now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now_s))
payload = json.dumps({
    "session_id": session,
    "model": {"id": model, "display_name": model},
    "cost": {"total_cost_usd": 1.23},
    "rate_limits": {
        "five_hour": {"used_percentage": 42, "resets_at": now_s + 4000},
        "seven_day": {"used_percentage": 18, "resets_at": now_s + 300000},
    },
}).encode()

def measure(argv):
    times = []
    out = b""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    for i in range(runs):
        t0 = time.perf_counter_ns()
        p = subprocess.run(argv, input=payload, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        times.append((time.perf_counter_ns() - t0) / 1e6)
        out = p.stdout
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1000 / runs
    times.sort()
    return (times, cpu), out

def summary(m):
    times, cpu = m
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    return (f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {times[-1]:.1f} ms"
            f" (CPU {cpu:.1f} ms per run)")

print(f"Database: {messages:,} messages ({os.path.getsize(db) / 2**30:.1f} GiB); now = {now}; {runs} runs each")
base, _ = measure(["/bin/true"])
print(f"harness (/bin/true):         {summary(base)}")
m, line = measure([lean, "--db", db, "--timezone", "UTC", "--now", now])
print(f"costmeter-statusline:        {summary(m)}")
m, _ = measure([lean, "--db", db, "--timezone", "UTC", "--now", now, "--no-record"])
print(f"  --no-record:               {summary(m)}")
m, _ = measure([cli, "--db", db, "--timezone", "UTC", "--now", now, "statusline"])
print(f"costmeter-cli statusline:    {summary(m)}")
print("line:", line.decode().strip())
EOF
