#!/bin/sh
# Issue 12's national-size run of bench_store (1,000,000 articles, generated as at 100k):
#  1. the databases, built once in their own process (timed; build.txt keeps the figures and the
#     store's size per article after optimize), skipped when the work dir already holds them;
#  2. the store alone in a fresh process (PBGDPL_BENCH_BASELINES=0): its latency with nothing
#     else in the process, and its peak RSS without the bare FTS5 connection's and the
#     exhaustive store's memory;
#  3. the benchmark with every baseline, the exhaustive reference over a sample (each of its
#     queries takes ~10x longer than at 100k).
# Sizes of the samples: environment variables as bench_store.cpp documents them (defaults below
# keep a run within about an hour on a 2-core machine). Everything runs under nice.
#   benchmarks/store/run_1m.sh [binary] [work dir] [articles] [steps=build,ours,full]
set -eu
bin=${1:-build/benchmarks/store/pbgdpl_bench_store}
dir=${2:-/work/bench-1m}
n=${3:-1000000}
steps=${4:-build,ours,full}
out=${dir}-results
mkdir -p "$out"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
export PBGDPL_BENCH_ROUNDS=${PBGDPL_BENCH_ROUNDS:-6}
export PBGDPL_BENCH_MIX_BUDGET_S=${PBGDPL_BENCH_MIX_BUDGET_S:-600}
export PBGDPL_BENCH_DISTINCT=${PBGDPL_BENCH_DISTINCT:-360}

run() {  # name, then environment assignments
  name=$1
  shift
  echo "== $name $(date -u)"
  /usr/bin/time -v env "$@" nice "$bin" "$n" "$dir" >"$out/$name-$stamp.txt" 2>"$out/$name-$stamp.err"
  cat "$out/$name-$stamp.txt"
  grep -E "slow query|Elapsed|Maximum resident" "$out/$name-$stamp.err" || true
}

case ",$steps," in *,build,*) run build PBGDPL_BENCH_BUILD_ONLY=1 ;; esac
case ",$steps," in *,ours,*) run ours PBGDPL_BENCH_BASELINES=0 ;; esac
case ",$steps," in *,full,*)
  run full PBGDPL_BENCH_EXHAUSTIVE_ROUNDS="${PBGDPL_BENCH_EXHAUSTIVE_ROUNDS:-1}" \
    PBGDPL_BENCH_EXHAUSTIVE_DISTINCT="${PBGDPL_BENCH_EXHAUSTIVE_DISTINCT:-60}" ;;
esac
echo "== done $(date -u); outputs in $out"
