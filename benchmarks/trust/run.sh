#!/bin/sh
# Trust benchmark: verify a signed 1 GiB bundle vs `b2sum` on the same file, ETag (XXH3-128) vs
# `xxhsum -H3`, and peak RSS, all in the same run with a warm page cache. Best of 3 each.
# Usage: benchmarks/trust/run.sh BUILD_DIR [SIZE_MIB]
set -eu
build=${1:?usage: run.sh BUILD_DIR [SIZE_MIB]}
size=${2:-1024}
bench="$build/benchmarks/trust/pbgdpl_bench_trust"
work="$build/bench-trust-data"
mkdir -p "$work"
"$bench" prepare "$work" "$size"
file="$work/bundle/video.mp4"
cat "$file" > /dev/null  # warm the page cache for every contender alike

now() { date +%s.%N; }
best() {  # best wall time of 3 runs of a command
  b=""
  for i in 1 2 3; do
    s=$(now); "$@" > /dev/null 2>&1; e=$(now)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }')
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
  done
  echo "$b"
}
best_inproc() {  # best in-process seconds (and the RSS of that run) of 3 runs
  b=""; r=""
  for i in 1 2 3; do
    out=$("$bench" "$@")
    t=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
    m=$(echo "$out" | sed -n 's/.*peak_rss_mib=\([0-9.]*\).*/\1/p')
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; r=$m; fi
  done
  echo "$b $r"
}

b2=$(best b2sum "$file")
xx=$(best xxhsum -H3 "$file")
set -- $(best_inproc verify "$work"); verify=$1; verify_rss=$2
set -- $(best_inproc etag "$file"); etag=$1; etag_rss=$2
# Whole processes too, as b2sum and xxhsum are timed (startup, keyring, signature included).
verify_proc=$(best "$bench" verify "$work")
etag_proc=$(best "$bench" etag "$file")

awk -v mib="$size" -v b2="$b2" -v xx="$xx" -v v="$verify" -v vp="$verify_proc" -v vr="$verify_rss" \
    -v e="$etag" -v ep="$etag_proc" -v er="$etag_rss" 'BEGIN {
  printf "file: %d MiB\n", mib
  printf "b2sum:               %6.3f s  %7.1f MiB/s\n", b2, mib / b2
  printf "pbgdpl verify:       %6.3f s  %7.1f MiB/s  (whole process %.3f s)  peak RSS %.1f MiB\n", v, mib / v, vp, vr
  printf "ratio verify/b2sum:  %6.2f  (b2sum time / pbgdpl process time; target >= 1.0)\n", b2 / vp
  printf "xxhsum -H3:          %6.3f s  %7.1f MiB/s\n", xx, mib / xx
  printf "pbgdpl etag:         %6.3f s  %7.1f MiB/s  (whole process %.3f s)  peak RSS %.1f MiB\n", e, mib / e, ep, er
  printf "ratio etag/xxhsum:   %6.2f  (xxhsum time / pbgdpl process time; target >= 0.9)\n", xx / ep
}'
