#!/bin/sh
# The long form of the crash and fault-injection suite (issue 21): every scenario with many more
# kill rounds than `make test` runs. Usage (from the source tree, after building pbgdpl_portal and
# pbgdpl_fault_device in build/):
#   tests/integration/faults/run_long.sh [ROUNDS] [SEED]
# ROUNDS defaults to 1000 per scenario; SEED (optional) replays a run. The tally of each scenario
# (rounds, kills, acknowledged writes checked, lost, half-written) is printed and appended to
# build/faults-tally.txt, the figures benchmarks/RESULTS.md quotes.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../.." && pwd)
build=${PBGDPL_BINARY_DIR:-$src/build}
export PBGDPL_SOURCE_DIR="$src" PBGDPL_BINARY_DIR="$build"
export PBGDPL_PORTAL="${PBGDPL_PORTAL:-$build/examples/portal/pbgdpl_portal}"
export PBGDPL_FAULT_DEVICE="${PBGDPL_FAULT_DEVICE:-$build/tests/integration/faults/pbgdpl_fault_device}"
export PBGDPL_FAULT_ROUNDS="${1:-1000}"
[ $# -ge 2 ] && export PBGDPL_FAULT_SEED="$2"
export PBGDPL_FAULT_TALLY="$build/faults-tally.txt"
export PYTHONPATH="$here/.." PYTHONDONTWRITEBYTECODE=1
cd "$here"
exec /usr/bin/python3 -m pytest -q -s -p no:cacheprovider -W ignore::DeprecationWarning --rootdir "$here" \
  test_*.py
