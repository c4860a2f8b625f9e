#!/usr/bin/env bash
# Unit-count benchmark (issue 10): does a page cost the same with 3,000 more schools? Two portals
# (pbgdpl_portal, 1 thread, --no-page-cache so every request reads the store and renders), one on
# the demo data (10 units), one on the demo data plus COUNT generated schools under the division,
# each on a fresh data directory made by pbgdpl_portal_bench_load. For the division's home,
# article, category and plan 19/KH-PGDĐT pages (and a school's home), wrk with one connection
# measures the mean time per request on each, alternating, best of ROUNDS rounds; the ratio
# many/few is the figure (target <= 1.2). Both portals must serve the same bytes (the extra
# schools have no content).
# Usage: benchmarks/portal/units.sh [BUILD_DIR]
#   env: DURATION=3s ROUNDS=3 COUNT=3000
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
duration=${DURATION:-3s}
rounds=${ROUNDS:-3}
count=${COUNT:-3000}
few_port=${FEW_PORT:-18291}
many_port=${MANY_PORT:-18292}
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPBGDPL_SEPARATE_COMPILATION=ON >/dev/null
fi
cmake --build "$build" -j2 --target pbgdpl_portal pbgdpl_portal_bench_load >/dev/null
portal=$(find "$build" -type f -name pbgdpl_portal -perm -u+x | head -n1)
loader=$(find "$build" -type f -name pbgdpl_portal_bench_load -perm -u+x | head -n1)

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "loading the demo data, and the demo data plus $count schools under the division..."
python3 "$here/make_units.py" "$src/data/seed" "$tmp/units.json" --count "$count"
"$loader" "$tmp/few" "$src/data/seed" >/dev/null
"$loader" "$tmp/many" "$src/data/seed" "$tmp/units.json" >/dev/null

wait_up() { for _ in $(seq 200); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
"$portal" --listen "127.0.0.1:$few_port" --data "$tmp/few" --seed "$src/data/seed" --threads 1 --quiet --no-page-cache &
few_pid=$!; pids+=("$few_pid")
"$portal" --listen "127.0.0.1:$many_port" --data "$tmp/many" --seed "$src/data/seed" --threads 1 --quiet --no-page-cache &
many_pid=$!; pids+=("$many_pid")
wait_up "http://127.0.0.1:$few_port/healthz"
wait_up "http://127.0.0.1:$many_port/healthz"
units_many=$(curl -fsS "http://127.0.0.1:$many_port/api/v1/units?limit=100" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[ "$units_many" -ge 100 ] || { echo "the large data set has only $units_many units" >&2; exit 1; }

# The division's four pages the issue names, and one school's home (a unit among the thousands).
pages=(/pbgdpl/ /pbgdpl/bai-viet/pgddt-trien-khai-kh19 /pbgdpl/tin-hoat-dong/ /pbgdpl/van-ban/kh-19-pgddt-2023
       /don-vi/th-van-yen/pbgdpl/)
for path in "${pages[@]}"; do
  a=$(curl -fsS "http://127.0.0.1:$few_port$path" | sed "s#127.0.0.1:$few_port#HOST#g" | md5sum)
  b=$(curl -fsS "http://127.0.0.1:$many_port$path" | sed "s#127.0.0.1:$many_port#HOST#g" | md5sum)
  [ "$a" = "$b" ] || { echo "$path differs between the two data sets" >&2; exit 1; }
done

# Servers on CPU 1, wrk on CPU 0 when there are two CPUs: fewer migrations, less noise.
pin_wrk=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  taskset -apc 1 "$few_pid" >/dev/null; taskset -apc 1 "$many_pid" >/dev/null
  pin_wrk="taskset -c 0"
fi

# Mean milliseconds per request with one connection: 1000 / (requests per second).
ms_per_request() {
  $pin_wrk wrk -t1 -c1 -d"$duration" "$1" > "$tmp/wrk.txt"
  if grep -q "Non-2xx\|Socket errors" "$tmp/wrk.txt"; then cat "$tmp/wrk.txt" >&2; exit 1; fi
  awk '/^Requests\/sec:/ { printf "%.3f", 1000 / $2 }' "$tmp/wrk.txt"
}
declare -A best
for path in "${pages[@]}"; do best[few$path]=1e9; best[many$path]=1e9; done
for r in $(seq "$rounds"); do
  for path in "${pages[@]}"; do
    for set in few many; do
      port=$([ $set = few ] && echo "$few_port" || echo "$many_port")
      v=$(ms_per_request "http://127.0.0.1:$port$path")
      best[$set$path]=$(awk -v a="$v" -v b="${best[$set$path]}" 'BEGIN { print (a < b ? a : b) }')
    done
  done
done
echo "uncached pages (--no-page-cache), 1 thread, wrk -t1 -c1 -d$duration, best of $rounds rounds"
printf '%-42s %12s %14s %8s\n' page "10 units ms" "+$count ms" ratio
worst=0
for path in "${pages[@]}"; do
  ratio=$(awk -v a="${best[many$path]}" -v b="${best[few$path]}" 'BEGIN { printf "%.2f", a / b }')
  worst=$(awk -v a="$ratio" -v b="$worst" 'BEGIN { print (a > b ? a : b) }')
  printf '%-42s %12.3f %14.3f %8s\n' "$path" "${best[few$path]}" "${best[many$path]}" "$ratio"
done
echo "worst ratio: $worst (target <= 1.2)"
