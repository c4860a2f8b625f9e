#!/bin/sh
# Issue 12's national-size run of bench_store (1,000,000 articles, generated as at 100k):
#  1. the databases, built once in their own process (timed; build.txt keeps the figures and the
#     store's size per article after optimize), skipped when the work dir already holds them;
#  2. the benchmark with every baseline, the exhaustive reference over a sample (it takes ~10x
#     longer per query than at 100k);
#  3. the store alone in a fresh process (PBGDPL_BENCH_BASELINES=0), for its peak RSS without
#     the bare FTS5 connection's and the exhaustive store's memory.
# Everything runs under nice: the machine is shared.
#   benchmarks/store/run_1m.sh [binary] [work dir] [articles]
set -eu
bin=${1:-build/benchmarks/store/pbgdpl_bench_store}
dir=${2:-/work/bench-1m}
n=${3:-1000000}
out=${dir}-results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)

echo "== build ($n articles into $dir) $(date -u)"
/usr/bin/time -v env PBGDPL_BENCH_BUILD_ONLY=1 nice "$bin" "$n" "$dir" >"$out/build-$stamp.txt" 2>"$out/build-$stamp.time"
cat "$out/build-$stamp.txt"
grep -E "Elapsed|Maximum resident" "$out/build-$stamp.time"

echo "== benchmark, every baseline $(date -u)"
PBGDPL_BENCH_ROUNDS=${PBGDPL_BENCH_ROUNDS:-6} PBGDPL_BENCH_EXHAUSTIVE_ROUNDS=${PBGDPL_BENCH_EXHAUSTIVE_ROUNDS:-2} \
  PBGDPL_BENCH_EXHAUSTIVE_DISTINCT=${PBGDPL_BENCH_EXHAUSTIVE_DISTINCT:-120} \
  /usr/bin/time -v nice "$bin" "$n" "$dir" >"$out/full-$stamp.txt" 2>"$out/full-$stamp.time"
cat "$out/full-$stamp.txt"
grep -E "Elapsed|Maximum resident" "$out/full-$stamp.time"

echo "== benchmark, the store alone $(date -u)"
PBGDPL_BENCH_ROUNDS=${PBGDPL_BENCH_ROUNDS:-6} PBGDPL_BENCH_BASELINES=0 \
  /usr/bin/time -v nice "$bin" "$n" "$dir" >"$out/ours-$stamp.txt" 2>"$out/ours-$stamp.time"
cat "$out/ours-$stamp.txt"
grep -E "Elapsed|Maximum resident" "$out/ours-$stamp.time"
echo "== done $(date -u); outputs in $out"
