#!/usr/bin/env bash
# Compile cost of examples/vendor_embed/main.cpp, the embedding reference: one TU that includes
# the portal, the SQLite store and Beast, and instantiates its own synchronous Beast server.
# Both modes at -O2:
#   header-only  every pbgdpl body is compiled in this TU (the vendors' default);
#   compiled     -DPBGDPL_SEPARATE_COMPILATION: the TU sees declarations, the bodies are in
#                libpbgdpl_<tier>.a (not built here: only the TU's compile is timed).
# Reports the compiler's CPU time (user + sys, median of N) and its peak memory (max RSS, median).
# Usage: benchmarks/compile_cost/vendor_embed.sh [repetitions]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${1:-3}
cxx=${CXX:-g++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags="-std=c++20 -O2 -DNDEBUG -I$root/include $(pkg-config --cflags libutf8proc)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # what: cpu|rss, extra flags...
  local what=$1
  shift
  for _ in $(seq "$reps"); do
    /usr/bin/time -f "%U %S %M" -o "$tmp/t" $cxx $flags "$@" -c "$root/examples/vendor_embed/main.cpp" -o "$tmp/out.o"
    if [ "$what" = cpu ]; then awk '{printf "%.2f\n", $1 + $2}' "$tmp/t"; else awk '{printf "%d\n", $3 / 1024}' "$tmp/t"; fi
  done | median
}
printf 'examples/vendor_embed/main.cpp (%s, -O2, median of %s):\n' "$($cxx --version | head -1)" "$reps"
for mode in header-only compiled; do
  extra=
  [ "$mode" = compiled ] && extra=-DPBGDPL_SEPARATE_COMPILATION
  cpu=$(measure cpu $extra)
  rss=$(measure rss $extra)
  printf '  %-12s %6.2f s CPU  %5d MiB peak\n' "$mode" "$cpu" "$rss"
done
