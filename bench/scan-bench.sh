#!/usr/bin/env bash
# Scans of generated corpora beside ccusage 20.0.24 on the same files:
#
#   bench/scan-bench.sh [BUILD_DIR] [CORPUS...]      CORPUS: 300, 1000 or 1m
#
#   300, 1000  gen-corpus.py, one user, about that many MB
#   1m         gen-lean-corpus.py, five users, about 1.1 million messages in
#              2.8 GB (the same shape with a twentieth of the text)
#
# For each corpus, RUNS (default 3) interleaved rounds of:
#   cold         scan into a new database + report daily --json
#   ccusage      ccusage claude daily --offline --json
#   warm         report daily --json again
#   no-op        scan again, nothing new
#   incremental  1 MB of new messages appended to 10 files, then scan
# and prints the medians (wall and CPU seconds, peak memory) and the ratios
# against ccusage. Every file is in the page cache for every contender.
# ccusage is installed with npm under $BENCH_DIR, never globally. Run it
# niced on a quiet machine: other work on the cores shows in the figures.
# Not a test: CI does not run it.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
shift || true
corpora=${*:-300 1000 1m}
runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/costmeter-bench}
cli=$build/src/cli/costmeter-cli
gen=$top/../shared/tools/gen-corpus.py
ccusage=$work/node_modules/.bin/ccusage

[ -x "$cli" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
mkdir -p "$work/home"
export HOME=$work/home XDG_DATA_HOME=$work/home/data XDG_CONFIG_HOME=$work/home/config
unset CLAUDE_CONFIG_DIR

if [ ! -x "$ccusage" ]; then
  echo "Installing ccusage@20.0.24 from npm into $work ..."
  npm install --silent --no-audit --no-fund --prefix "$work" ccusage@20.0.24 >/dev/null
fi

make_corpus () {  # NAME DIR
  [ -d "$2" ] && return
  echo "Generating corpus $1 in $2 ..."
  case $1 in
    1m) python3 "$top/bench/gen-lean-corpus.py" "$gen" --out "$2" --size-mb 2800 --users 5 >/dev/null ;;
    *)  python3 "$gen" --out "$2" --size-mb "$1" --users 1 >/dev/null ;;
  esac
}

# TIME label command...: sets wall, cpu (user + system) and rss (MiB).
timed () {
  local line
  line=$( { /usr/bin/time -f 'TIME %e %U %S %M' "${@:2}" > /dev/null; } 2>&1 | grep '^TIME' | tail -n1)
  wall=$(echo "$line" | awk '{print $2}')
  cpu=$(echo "$line" | awk '{print $3 + $4}')
  rss=$(echo "$line" | awk '{printf "%.0f", $5 / 1024}')
  printf '  %-28s %7.2f s wall %7.2f s cpu %5s MiB\n' "$1" "$wall" "$cpu" "$rss"
}

median () { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

# 1 MB of new messages at the end of 10 files (their own lines, new ids),
# taken away again after the scan so every round reads the same corpus.
append_new () {  # DIR
  local f
  local n=0
  : > "$work/appended"; : > "$work/appended-sizes"
  for f in $(find "$1" -name '*.jsonl' -size +200k | sort); do
    if [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" = 0a ] && [ $n -lt 10 ]; then
      echo "$f" >> "$work/appended"; n=$((n + 1))
    fi
  done
  while read -r f; do
    stat -c %s "$f" >> "$work/appended-sizes"
    head -c 100000 "$f" | head -n -1 |
      sed 's/"id":"msg_/"id":"msg_new'"$RANDOM"'/; s/"requestId":"req_/"requestId":"req_new/' >> "$f"
  done < "$work/appended"
}
truncate_back () {
  paste "$work/appended" "$work/appended-sizes" | while read -r f size; do truncate -s "$size" "$f"; done
  rm -f "$work/appended" "$work/appended-sizes"
}

for name in $corpora; do
  corpus=$work/corpus-$name
  make_corpus "$name" "$corpus"
  sources=(); dirs=()
  for d in "$corpus"/*/; do sources+=(--source "${d%/}"); dirs+=("${d%/}/.claude"); done
  config_dirs=$(IFS=,; echo "${dirs[*]}")
  files=$(find "$corpus" -name '*.jsonl' | wc -l)
  echo
  echo "== corpus $name: $files files, $(du -sm "$corpus" | cut -f1) MB, ${#dirs[@]} users, $runs rounds"
  find "$corpus" -name '*.jsonl' -exec cat {} + > /dev/null

  db=$work/bench-$name.db
  declare -A W=() C=()
  for ((i = 1; i <= runs; i++)); do
    echo " round $i"
    rm -f "$db" "$db-wal" "$db-shm"
    timed "scan (cold)" "$cli" --db "$db" scan --no-default "${sources[@]}"
    s_wall=$wall s_cpu=$cpu; W[scan_rss]+=" $rss"
    timed "report daily (cold)" "$cli" --db "$db" report daily --json --timezone UTC
    W[cold]+=" $(echo "$s_wall + $wall" | bc -l)"; C[cold]+=" $(echo "$s_cpu + $cpu" | bc -l)"
    CLAUDE_CONFIG_DIR=$config_dirs TZ=UTC timed "ccusage daily" "$ccusage" claude daily --offline --json
    W[ccusage]+=" $wall"; C[ccusage]+=" $cpu"; W[cc_rss]+=" $rss"
    timed "report daily (warm)" "$cli" --db "$db" report daily --json --timezone UTC
    W[warm]+=" $wall"; C[warm]+=" $cpu"
    timed "scan (no-op)" "$cli" --db "$db" scan --no-default "${sources[@]}"
    W[noop]+=" $wall"; C[noop]+=" $cpu"
    append_new "$corpus"
    timed "scan (1 MB in 10 files)" "$cli" --db "$db" scan --no-default "${sources[@]}"
    W[incr]+=" $wall"; C[incr]+=" $cpu"
    truncate_back
  done

  m () { echo "$1" | median; }
  cold=$(m "${W[cold]}") cc=$(m "${W[ccusage]}")
  printf ' medians of %d: cold scan + report %.2f s (%.2f s cpu, %s MiB) = %.2fx ccusage %.2f s (%.2f s cpu, %s MiB)\n' \
    "$runs" "$cold" "$(m "${C[cold]}")" "$(m "${W[scan_rss]}")" "$(echo "$cold / $cc" | bc -l)" \
    "$cc" "$(m "${C[ccusage]}")" "$(m "${W[cc_rss]}")"
  printf '   warm report %.3f s; no-op scan %.2f s (%.2f s cpu); 1 MB in 10 files %.2f s (%.2f s cpu)\n' \
    "$(m "${W[warm]}")" "$(m "${W[noop]}")" "$(m "${C[noop]}")" "$(m "${W[incr]}")" "$(m "${C[incr]}")"
  unset W C
done
