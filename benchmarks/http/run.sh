#!/usr/bin/env bash
# HTTP benchmark: nginx (Debian, 1 worker) serving the exact bytes of a cached article page from
# a file, and pbgdpl's server (1 thread) serving the same bytes from its response cache, both on
# loopback, measured by wrk in the same run. Prints req/s and p99 for both and the ratio.
# Usage: benchmarks/http/run.sh [BUILD_DIR]   (env: DURATION=5s CONNECTIONS=50 ROUNDS=2)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
duration=${DURATION:-5s}
conns=${CONNECTIONS:-50}
rounds=${ROUNDS:-2}
nginx_port=${NGINX_PORT:-18181}
pbgdpl_port=${PBGDPL_PORT:-18182}
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx not installed (scripts/install-deps.sh test)" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j1 --target pbgdpl_http_bench_server >/dev/null
server=$(find "$build" -type f -name pbgdpl_http_bench_server -perm -u+x | head -n1)

tmp=$(mktemp -d)
chmod 755 "$tmp"  # an nginx started as root reads files as its unprivileged worker user
nginx_pid=""; pbgdpl_pid=""
cleanup() {
  [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true
  [ -n "$pbgdpl_pid" ] && kill -TERM "$pbgdpl_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

mkdir -p "$tmp/www/pbgdpl/tin-tuc" "$tmp/logs"
page="$tmp/www/pbgdpl/tin-tuc/bai-viet-mau"
"$server" --write-page "$page"
chmod -R a+rX "$tmp/www"
write_nginx_conf "$tmp" "$nginx_port" "text/html; charset=utf-8"
"$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp" &
nginx_pid=$!
"$server" "$pbgdpl_port" "$page" 1 > "$tmp/pbgdpl.out" &
pbgdpl_pid=$!

path=/pbgdpl/tin-tuc/bai-viet-mau
for port in $nginx_port $pbgdpl_port; do
  for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port$path" 2>/dev/null && break; sleep 0.1; done
done
cmp <(curl -fsS "http://127.0.0.1:$nginx_port$path") <(curl -fsS "http://127.0.0.1:$pbgdpl_port$path") \
  || { echo "the two servers do not serve the same bytes" >&2; exit 1; }

# wrk's "99%" latency line, in milliseconds.

# Pin servers and load generator to different CPUs when possible: fewer migrations, less noise.
pin_srv=""; pin_wrk=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  taskset -pc 1 "$nginx_pid" >/dev/null; sleep 0.2
  for p in $(pgrep -P "$nginx_pid"); do taskset -pc 1 "$p" >/dev/null; done
  taskset -apc 1 "$pbgdpl_pid" >/dev/null
  pin_wrk="taskset -c 0"
fi

best_n_rps=0; best_n_p99=0; best_p_rps=0; best_p_p99=0; ratios=""
for r in $(seq "$rounds"); do
  $pin_wrk wrk -t1 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$nginx_port$path" > "$tmp/n.txt"
  $pin_wrk wrk -t1 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$pbgdpl_port$path" > "$tmp/p.txt"
  n_rps=$(rps < "$tmp/n.txt"); n_p99=$(p99_ms < "$tmp/n.txt")
  p_rps=$(rps < "$tmp/p.txt"); p_p99=$(p99_ms < "$tmp/p.txt")
  ratios="$ratios $(awk -v a="$p_rps" -v b="$n_rps" 'BEGIN { printf "%.3f", a / b }')"
  echo "round $r: nginx $n_rps req/s p99 ${n_p99} ms | pbgdpl $p_rps req/s p99 ${p_p99} ms"
  if [ "$n_rps" -gt "$best_n_rps" ]; then best_n_rps=$n_rps; best_n_p99=$n_p99; fi
  if [ "$p_rps" -gt "$best_p_rps" ]; then best_p_rps=$p_rps; best_p_p99=$p_p99; fi
done
size=$(stat -c %s "$page")
ratio=$(awk -v a="$best_p_rps" -v b="$best_n_rps" 'BEGIN { printf "%.2f", a / b }')
echo "page: $size bytes, wrk -t1 -c$conns -d$duration --latency, best of $rounds rounds"
printf '%-8s %10s %10s\n' server 'req/s' 'p99 ms'
printf '%-8s %10s %10s\n' nginx "$best_n_rps" "$best_n_p99"
printf '%-8s %10s %10s\n' pbgdpl "$best_p_rps" "$best_p_p99"
median=$(echo $ratios | tr ' ' '\n' | sort -n | awk '{ a[NR]=$1 } END { if (NR % 2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2 }')
echo "ratio pbgdpl/nginx: best $ratio, median of rounds $median (target >= 0.9; p99 target <= 2 ms)"
