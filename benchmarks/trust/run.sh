#!/bin/sh
# Trust benchmark: verify a signed 1 GiB bundle vs `b2sum` on the same file, ETag (XXH3-128) vs
# `xxhsum -H3`, and peak RSS, all in the same run with a warm page cache. Each contender runs
# RUNS times (default 5), interleaved so that load from other work hits them alike; every time is
# printed, with the best and the median, and the ratios of both.
# Usage: benchmarks/trust/run.sh BUILD_DIR [SIZE_MIB]
set -eu
build=${1:?usage: run.sh BUILD_DIR [SIZE_MIB]}
size=${2:-1024}
runs=${RUNS:-5}
bench="$build/benchmarks/trust/pbgdpl_bench_trust"
work="$build/bench-trust-data"
mkdir -p "$work"
"$bench" prepare "$work" "$size"
file="$work/bundle/video.mp4"
cat "$file" > /dev/null  # warm the page cache for every contender alike

now() { date +%s.%N; }
wall() {  # wall seconds of one whole process
  s=$(now); "$@" > /dev/null 2>&1; e=$(now)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.4f", e - s }'
}
field() { echo "$1" | sed -n "s/.*$2=\([0-9.]*\).*/\1/p"; }

b2=""; xx=""; vp=""; ep=""; vi=""; ei=""; vr=0; er=0
i=0
while [ "$i" -lt "$runs" ]; do
  i=$((i + 1))
  b2="$b2 $(wall b2sum "$file")"
  vp="$vp $(wall "$bench" verify "$work")"
  xx="$xx $(wall xxhsum -H3 "$file")"
  ep="$ep $(wall "$bench" etag "$file")"
  # In-process seconds and peak RSS (ru_maxrss of a process doing only that operation).
  out=$("$bench" verify "$work"); vi="$vi $(field "$out" seconds)"
  vr=$(awk -v a="$vr" -v b="$(field "$out" peak_rss_mib)" 'BEGIN { print (b > a ? b : a) }')
  out=$("$bench" etag "$file" 2>/dev/null); ei="$ei $(field "$out" seconds)"
  er=$(awk -v a="$er" -v b="$(field "$out" peak_rss_mib)" 'BEGIN { print (b > a ? b : a) }')
done

awk -v mib="$size" -v runs="$runs" -v b2="$b2" -v xx="$xx" -v vp="$vp" -v ep="$ep" -v vi="$vi" -v ei="$ei" \
    -v vr="$vr" -v er="$er" '
function load(s, a,   n, i, j, t) {  # split and sort ascending (insertion sort: a handful of values)
  n = split(s, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n
}
function best(s,   a) { load(s, a); return a[1] }
function median(s,   a, n) { n = load(s, a); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function worst(num, den,   a, b, n, i, w, r) {  # lowest ratio of the runs made side by side
  n = split(num, a, " "); split(den, b, " ")
  for (i = 1; i <= n; i++) { r = a[i] / b[i]; if (i == 1 || r < w) w = r }
  return w
}
function line(name, s) { printf "%-26s best %6.3f s (%7.1f MiB/s)  median %6.3f s   all:%s\n", name, best(s), mib / best(s), median(s), s }
BEGIN {
  printf "file: %d MiB, %d runs each, whole processes unless marked in-process\n", mib, runs
  line("b2sum", b2)
  line("pbgdpl verify", vp)
  line("pbgdpl verify in-process", vi)
  line("xxhsum -H3", xx)
  line("pbgdpl etag", ep)
  line("pbgdpl etag in-process", ei)
  printf "peak RSS: verify %.1f MiB, etag %.1f MiB (max over runs; target <= 64)\n", vr, er
  printf "ratio verify/b2sum:  best %.2f  median %.2f  worst run %.2f  (b2sum time / pbgdpl process time; target >= 1.0)\n", best(b2) / best(vp), median(b2) / median(vp), worst(b2, vp)
  printf "ratio etag/xxhsum:   best %.2f  median %.2f  worst run %.2f  (xxhsum time / pbgdpl process time; target >= 0.9)\n", best(xx) / best(ep), median(xx) / median(ep), worst(xx, ep)
}'
