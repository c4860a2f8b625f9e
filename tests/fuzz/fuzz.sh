#!/usr/bin/env bash
# `make fuzz`: every target for <seconds> with two workers, from the seeds plus a work corpus kept
# outside the repository (<work>/<name>/, grown run after run: only inputs that add coverage are
# merged in). Prints the executions per target; findings are kept in <work>/findings/.
# Usage: fuzz.sh <source dir> <sanitizer build dir> <seconds> <work dir> [names...]
set -uo pipefail
src=$1 san=$2 seconds=$3 work=$4; shift 4
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$src"/tests/fuzz/fuzz_*.cpp; do n=$(basename "$f" .cpp); names+=("${n#fuzz_}"); done
fi
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1 PBGDPL_SOURCE_DIR=$src
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$work/findings"
summary=$work/summary.txt
printf '%-22s %12s %9s %8s %8s %9s\n' target executions exec/s cov corpus findings | tee "$summary"
total=0 found=0 start=$(date +%s)
for name in "${names[@]}"; do
  exe=$san/tests/fuzz/fuzz_$name
  [ -x "$exe" ] || { echo "fuzz: $exe is missing (run tests/sanitize/build.sh first)" >&2; exit 1; }
  flags=(-timeout=10)
  [ -f "$src/tests/fuzz/fuzz_$name.flags" ] && read -r -a more <"$src/tests/fuzz/fuzz_$name.flags" && flags+=("${more[@]}")
  run=$(mktemp -d) && mkdir -p "$run/new" "$run/generated" "$work/$name"
  [ -f "$src/tests/fuzz/fuzz_$name.seeds.py" ] && python3 "$src/tests/fuzz/fuzz_$name.seeds.py" "$src" "$run/generated"
  corpora=("$run/new" "$work/$name" "$run/generated")
  [ -d "$src/tests/fuzz/corpus/$name" ] && corpora+=("$src/tests/fuzz/corpus/$name")
  # -jobs/-workers: two fuzzing processes (their logs are fuzz-<n>.log in the run's folder); a
  # crash ends one job, the other keeps going.
  (cd "$run" && "$exe" "${flags[@]}" -jobs=2 -workers=2 -max_total_time="$seconds" -print_final_stats=1 \
     -artifact_prefix="$work/findings/$name-" "${corpora[@]}" >"$run/main.log" 2>&1)
  # Only what adds coverage to the work corpus stays.
  "$exe" "${flags[@]}" -merge=1 "$work/$name" "$run/new" >"$run/merge.log" 2>&1 ||
    echo "fuzz: $name: merging into $work/$name failed (see $run/merge.log)" >&2
  execs=$(grep -h '^stat::number_of_executed_units' "$run"/fuzz-*.log 2>/dev/null | awk '{s += $2} END {print s + 0}')
  rate=$(grep -h '^stat::average_exec_per_sec' "$run"/fuzz-*.log 2>/dev/null | awk '{s += $2} END {print s + 0}')
  cov=$(grep -ho 'cov: [0-9]*' "$run"/fuzz-*.log 2>/dev/null | awk '{if ($2 > m) m = $2} END {print m + 0}')
  findings=$(find "$work/findings" -name "$name-*" -newer "$run/generated" | wc -l)
  printf '%-22s %12s %9s %8s %8s %9s\n' "$name" "$execs" "$rate" "$cov" "$(ls "$work/$name" | wc -l)" "$findings" | tee -a "$summary"
  [ "$findings" -eq 0 ] || { grep -h -B2 -A20 'ERROR\|==ERROR\|runtime error\|deadly signal\|timeout' "$run"/fuzz-*.log | head -60; }
  total=$((total + execs)) found=$((found + findings))
  rm -rf "$run"
done
elapsed=$(( $(date +%s) - start ))
echo "total: $total executions, ${#names[@]} targets, ${elapsed} s, $found findings (in $work/findings/)" | tee -a "$summary"
[ "$found" -eq 0 ]
