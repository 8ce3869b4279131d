#!/usr/bin/env bash
# `costmeter-cli report blocks --json` against `ccusage@20.0.24 blocks --json
# --offline` on the same transcripts: block starts, ends, messages, tokens,
# and cost where both price a block alike. Prints every difference.
#
#   bench/blocks-vs-ccusage.sh [BUILD_DIR] [CORPUS_DIR]
#
# CORPUS_DIR holds homes (user*/.claude/projects), as ../shared/fixtures/corpus
# does (the default). Works on a copy under $BENCH_DIR; never the real home.
# Not a test: CI does not run it (it needs npm).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
corpus=${2:-$top/../shared/fixtures/corpus}
work=${BENCH_DIR:-/tmp/costmeter-blocks-compare}
cli=$build/src/cli/costmeter-cli

[ -x "$cli" ] || { echo "build first: meson compile -C $build" >&2; exit 1; }
rm -rf "$work/home" "$work/costmeter.db"*
mkdir -p "$work"
cp -r "$corpus" "$work/home"

if [ ! -x "$work/node_modules/.bin/ccusage" ]; then
  echo "Installing ccusage@20.0.24 from npm ..."
  npm install --silent --no-audit --no-fund --prefix "$work" ccusage@20.0.24 >/dev/null
fi

dirs=()
sources=()
for home in "$work"/home/*/; do
  dirs+=("${home%/}/.claude")
  sources+=(--source "${home%/}")
done

export HOME=$work/home XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config
CLAUDE_CONFIG_DIR=$(IFS=,; echo "${dirs[*]}") \
  "$work/node_modules/.bin/ccusage" blocks --json --offline > "$work/ccusage.json"
"$cli" --db "$work/costmeter.db" scan --no-default "${sources[@]}" 2>/dev/null
"$cli" --db "$work/costmeter.db" report blocks --json > "$work/costmeter.json"

python3 - "$work/ccusage.json" "$work/costmeter.json" <<'EOF'
import json, sys

theirs = [b for b in json.load(open(sys.argv[1]))['blocks'] if not b['isGap']]
ours = json.load(open(sys.argv[2]))['rows']
key = lambda t: t.replace('.000Z', 'Z')
theirs = {key(b['startTime']): b for b in theirs}
ours = {r['start']: r for r in ours}
print(f'ccusage: {len(theirs)} blocks, costmeter: {len(ours)} blocks')

same = {'start/end': 0, 'messages': 0, 'tokens': 0, 'cost': 0}
for start in sorted(set(theirs) | set(ours)):
    a, b = theirs.get(start), ours.get(start)
    if a is None or b is None:
        print(f'{start}: only in {"ccusage" if a else "costmeter"}')
        continue
    t = a['tokenCounts']
    notes = []
    if key(a['endTime']) == b['end']:
        same['start/end'] += 1
    else:
        notes.append(f'end {a["endTime"]} / {b["end"]}')
    if a['entries'] == b['messages']:
        same['messages'] += 1
    else:
        notes.append(f'messages {a["entries"]} / {b["messages"]}')
    tokens = [(t['inputTokens'], b['input']), (t['outputTokens'], b['output']),
              (t['cacheCreationInputTokens'], b['cache_write_5m'] + b['cache_write_1h']),
              (t['cacheReadInputTokens'], b['cache_read'])]
    if all(x == y for x, y in tokens):
        same['tokens'] += 1
    else:
        notes.append(f'tokens {tokens}')
    if abs(a['costUSD'] - b['cost_usd']) < 1e-6:
        same['cost'] += 1
    else:
        notes.append(f'cost ${a["costUSD"]:.6f} / ${b["cost_usd"]:.6f} ({b["web_search"]} web searches;'
                     f' models {", ".join(a["models"])})')
    if notes:
        print(f'{start}: ' + '; '.join(notes))

both = len(set(theirs) & set(ours))
print(', '.join(f'{k} agree in {v} of {both}' for k, v in same.items()))
EOF
