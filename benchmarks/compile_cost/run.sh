#!/usr/bin/env bash
# Compile cost of a TU that uses only pbgdpl::core: it includes <pbgdpl/model.hpp> and decodes an
# article. Reported as a ratio to a TU that includes only <nlohmann/json.hpp> and parses a number
# (the floor every JSON user pays), in both modes:
#   header-only  every body is in the headers (the vendors' default);
#   compiled     -DPBGDPL_SEPARATE_COMPILATION: the TU sees declarations only, the bodies are in
#                libpbgdpl_core (not built here: only the TU's compile is timed).
# Time is the compiler's CPU time (user + system), so other work on the machine moves it less than
# wall time; median of N runs.
# Usage: benchmarks/compile_cost/run.sh [repetitions]   (target: compiled ratio <= 2.0)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${1:-5}
cxx=${CXX:-g++}
target=2.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <nlohmann/json.hpp>\nint main() { return nlohmann::json::parse("1").get<int>() - 1; }\n' > "$tmp/json.cpp"
printf '#include <pbgdpl/model.hpp>\nint main() { return pbgdpl::from_json_text<pbgdpl::article>("{}") ? 1 : 0; }\n' > "$tmp/model.cpp"
flags="-std=c++20 -O2 -I$root/include $(pkg-config --cflags libutf8proc)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {  # file, extra flags...
  local file=$1
  shift
  for _ in $(seq "$reps"); do
    local t
    # bash's `time` reports the child's user and system CPU seconds.
    t=$( { TIMEFORMAT='%3U %3S'; time $cxx $flags "$@" -c "$file" -o "$tmp/out.o"; } 2>&1 )
    awk -v t="$t" 'BEGIN { split(t, p, " "); printf "%.3f\n", p[1] + p[2] }'
  done | median
}
base=$(measure "$tmp/json.cpp")
header_only=$(measure "$tmp/model.cpp")
compiled=$(measure "$tmp/model.cpp" -DPBGDPL_SEPARATE_COMPILATION)
ratio() { awk -v a="$1" -v b="$base" 'BEGIN { printf "%.2f", a / b }'; }
printf 'compile CPU time (%s, -O2, median of %s):\n' "$($cxx --version | head -1)" "$reps"
printf '  nlohmann/json.hpp only              %.2f s\n' "$base"
printf '  pbgdpl/model.hpp, header-only       %.2f s  ratio %s\n' "$header_only" "$(ratio "$header_only")"
printf '  pbgdpl/model.hpp, compiled mode     %.2f s  ratio %s  (target <= %s)\n' "$compiled" "$(ratio "$compiled")" "$target"
