#!/usr/bin/env bash
# Compile cost of the model header: time to compile a TU that includes <pbgdpl/model.hpp> as a
# ratio to a TU that includes only <nlohmann/json.hpp> (the floor every JSON user pays).
# Usage: benchmarks/compile_cost/run.sh [repetitions]   (target: ratio <= 2.5)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
reps=${1:-5}
cxx=${CXX:-g++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <nlohmann/json.hpp>\nint main() { return nlohmann::json::parse("1").get<int>() - 1; }\n' > "$tmp/json.cpp"
printf '#include <pbgdpl/model.hpp>\nint main() { return pbgdpl::from_json_text<pbgdpl::article>("{}") ? 1 : 0; }\n' > "$tmp/model.cpp"
flags="-std=c++20 -O2 -I$root/include $(pkg-config --cflags libutf8proc)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() {
  for _ in $(seq "$reps"); do
    local s e
    s=$(date +%s%N); $cxx $flags -c "$1" -o "$tmp/out.o"; e=$(date +%s%N)
    awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
  done | median
}
base=$(measure "$tmp/json.cpp")
model=$(measure "$tmp/model.cpp")
ratio=$(awk -v a="$model" -v b="$base" 'BEGIN { print a / b }')
printf 'compile (%s, -O2, median of %s): nlohmann/json.hpp only %.2f s; pbgdpl/model.hpp %.2f s; ratio %.2f (target <= 2.5)\n' \
  "$($cxx --version | head -1)" "$reps" "$base" "$model" "$ratio"
