#!/usr/bin/env bash
# Runs the core test programs under Valgrind memcheck and reports per program.
#
#   tests/valgrind.sh [BUILD_DIR] [TEST...]     (default: _build; types store
#                                                 scanner pricing cli)
#
# Errors and definite leaks fail a program; "still reachable" (GLib's type
# system, caches) does not. Child processes (costmeter-cli in test-cli) are
# checked too. Too slow for CI; results go into tests/RELIABILITY.md.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/_build}
shift || true
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(types store scanner pricing cli)
logs=${VALGRIND_LOGS:-/tmp/costmeter-valgrind}
mkdir -p "$logs"

supp=()
for f in /usr/share/glib-2.0/valgrind/glib.supp "$top/tests/costmeter.supp"; do
  [ -f "$f" ] && supp+=("--suppressions=$f")
done

export G_SLICE=always-malloc G_DEBUG=gc-friendly
export G_TEST_SRCDIR=$top/tests G_TEST_BUILDDIR=$build/tests
export CM_FIXTURES_DIR=${CM_FIXTURES_DIR:-$top/../shared/fixtures}
export CM_CLI=$build/src/cli/costmeter-cli
export GSETTINGS_BACKEND=memory GIO_USE_VFS=local

rc=0
for t in "${tests[@]}"; do
  log=$logs/$t.log
  rm -f "$log".[0-9]*
  start=$(date +%s)
  valgrind --tool=memcheck --error-exitcode=42 --leak-check=full \
    --show-leak-kinds=definite --errors-for-leak-kinds=definite \
    --trace-children=yes --trace-children-skip='*python*,*/sh,*/bash' \
    --num-callers=30 "${supp[@]}" --log-file="$log.%p" \
    "$build/tests/test-$t" >"$log.out" 2>&1
  status=$?
  secs=$(( $(date +%s) - start ))
  errors=$(cat "$log".[0-9]* | sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' | awk '{s+=$1} END {print s+0}')
  definite=$(cat "$log".[0-9]* | sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' | tr -d , | awk '{s+=$1} END {print s+0}')
  procs=$(ls "$log".[0-9]* | wc -l)
  if [ "$status" -eq 0 ] && [ "$errors" -eq 0 ]; then verdict=clean; else verdict="FAILED (exit $status)"; rc=1; fi
  printf '%-10s %4ss  %3s processes  %s errors  %s bytes definitely lost  %s\n' \
    "$t" "$secs" "$procs" "$errors" "$definite" "$verdict"
done
echo "logs: $logs"
exit $rc
