#!/usr/bin/env bash
# A really full disk (ENOSPC, not the size limit test-faults uses): the
# database on a 2 MB tmpfs, then the tmpfs grown and the scan repeated; the
# report must equal a clean scan's. Needs root (mount); not run in CI.
#
#   sudo tests/disk-full-tmpfs.sh [SIZE_MB]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cli=${BUILD_DIR:-$top/_build}/src/cli/costmeter-cli
work=$(mktemp -d /tmp/costmeter-tmpfs-XXXXXX)
mnt=$work/mnt
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 "$top/../shared/tools/gen-corpus.py" --out "$work/corpus" --size-mb "${1:-40}" --seed 5 >/dev/null
sources=(); for d in "$work"/corpus/*/; do sources+=(--source "${d%/}"); done
export HOME=$work XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work

"$cli" --db "$work/clean.db" scan "${sources[@]}" 2>/dev/null
"$cli" --db "$work/clean.db" report daily --breakdown --json --timezone UTC >"$work/clean.json"

mkdir "$mnt"
mount -t tmpfs -o size=2m tmpfs "$mnt"
set +e
"$cli" --db "$mnt/costmeter.db" scan "${sources[@]}" 2>"$work/err"
status=$?
set -e
echo "full: exit $status: $(grep -v Message "$work/err")"
[ "$status" -eq 1 ] && grep -q "disk is full" "$work/err"
"$cli" --db "$mnt/costmeter.db" report daily --json >/dev/null   # what was committed reads

mount -o remount,size=512m "$mnt"
"$cli" --db "$mnt/costmeter.db" scan "${sources[@]}" 2>/dev/null
"$cli" --db "$mnt/costmeter.db" report daily --breakdown --json --timezone UTC >"$work/after.json"
cmp "$work/clean.json" "$work/after.json"
echo "after more space: equal to the clean scan"
