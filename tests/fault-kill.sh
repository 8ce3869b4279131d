#!/usr/bin/env bash
# The big SIGKILL run: a corpus of a few hundred MB, at least 20 kills at
# random moments (seeded), then a completing scan; the report must equal a
# clean scan's byte for byte. The same code as /faults/sigkill in CI, larger.
#
#   tests/fault-kill.sh [SIZE_MB] [KILLS] [SEED]    (default 300 40 20261122)
#
# Add "all" as a 4th argument to run every fault test on that corpus.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/_build}
ninja -C "$build" tests/test-faults src/cli/costmeter-cli >/dev/null

export CM_FAULT_CORPUS_MB=${1:-300} CM_FAULT_KILLS=${2:-40} CM_FAULT_SEED=${3:-20261122}
export CM_CLI=$build/src/cli/costmeter-cli
export CM_GEN_CORPUS=$top/../shared/tools/gen-corpus.py
export CM_FIXTURES_DIR=${CM_FIXTURES_DIR:-$top/../shared/fixtures}

args=(-p /faults/sigkill)
[ "${4:-}" = all ] && args=()
echo "corpus ${CM_FAULT_CORPUS_MB} MB, ${CM_FAULT_KILLS} kills, seed ${CM_FAULT_SEED}"
time "$build/tests/test-faults" "${args[@]}"
