#!/usr/bin/env bash
# Portal benchmark (issues 5 and 10): the real portal (pbgdpl_portal, 1 thread) on a fresh data
# directory holding data/seed plus 10,000 generated articles, against nginx (Debian, 1 worker)
# serving the exact bytes of each measured page, in the same run, with wrk on loopback. Pages:
# a generated article (/pbgdpl/bai-viet/bench-04242, ~8.7 KB) and the demo's plan 19/KH-PGDĐT
# (/pbgdpl/van-ban/kh-19-pgddt-2023, ~29.7 KB: its full text and five related documents). For
# each page and round it measures
#   nginx      the page's bytes from a file
#   cached     the portal serving the page from its page cache
#   uncached   a second portal started with --no-page-cache: store read + templates per request
# and prints req/s, p99 and the ratios to nginx, then each portal's VmRSS/VmHWM.
# Usage: benchmarks/portal/run.sh [BUILD_DIR]
#   env: DURATION=5s CONNECTIONS=50 ROUNDS=3 COUNT=10000 ARTICLE=bench-04242
#        PAGES="/pbgdpl/bai-viet/bench-04242 /pbgdpl/van-ban/kh-19-pgddt-2023" (paths of the
#        division's pages; COUNT=0 runs on the demo data alone, plan 19 only unless PAGES says)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
duration=${DURATION:-5s}
conns=${CONNECTIONS:-50}
rounds=${ROUNDS:-3}
count=${COUNT:-10000}
article=${ARTICLE:-bench-04242}
default_pages="/pbgdpl/bai-viet/$article /pbgdpl/van-ban/kh-19-pgddt-2023"
[ "$count" -gt 0 ] || default_pages=/pbgdpl/van-ban/kh-19-pgddt-2023  # no generated article then
read -r -a pages <<< "${PAGES:-$default_pages}"
nginx_port=${NGINX_PORT:-18281}
cached_port=${CACHED_PORT:-18282}
uncached_port=${UNCACHED_PORT:-18283}
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx not installed (scripts/install-deps.sh test)" >&2; exit 1; }

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j1 --target pbgdpl_portal pbgdpl_portal_bench_load >/dev/null
portal=$(find "$build" -type f -name pbgdpl_portal -perm -u+x | head -n1)
loader=$(find "$build" -type f -name pbgdpl_portal_bench_load -perm -u+x | head -n1)

tmp=$(mktemp -d)
chmod 755 "$tmp"  # an nginx started as root reads files as its unprivileged worker user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "generating $count articles and loading them into a fresh store..."
if [ "$count" -gt 0 ]; then
  python3 "$here/make_seed.py" "$src/data/seed" "$tmp/articles" --count "$count"
  "$loader" "$tmp/data" "$src/data/seed" "$tmp"/articles/articles-*.json >/dev/null
else
  "$loader" "$tmp/data" "$src/data/seed" >/dev/null
fi
# The uncached portal gets its own copy: two processes never share one SQLite file here.
cp -r "$tmp/data" "$tmp/data2"

wait_up() { for _ in $(seq 100); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
"$portal" --listen "127.0.0.1:$cached_port" --data "$tmp/data" --seed "$src/data/seed" --threads 1 --quiet &
cached_pid=$!; pids+=("$cached_pid")
"$portal" --listen "127.0.0.1:$uncached_port" --data "$tmp/data2" --seed "$src/data/seed" --threads 1 --quiet --no-page-cache &
uncached_pid=$!; pids+=("$uncached_pid")
wait_up "http://127.0.0.1:$cached_port${pages[0]}"
wait_up "http://127.0.0.1:$uncached_port${pages[0]}"

mkdir -p "$tmp/logs"
ctype=""
for path in "${pages[@]}"; do
  mkdir -p "$tmp/www$(dirname "$path")"
  curl -fsS "http://127.0.0.1:$cached_port$path" -o "$tmp/www$path"
  t=$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$cached_port$path")
  [ -z "$ctype" ] || [ "$ctype" = "$t" ] || { echo "pages differ in Content-Type ($ctype, $t)" >&2; exit 1; }
  ctype=$t
done
chmod -R a+rX "$tmp/www"
write_nginx_conf "$tmp" "$nginx_port" "$ctype"
"$nginx_bin" -c "$tmp/nginx.conf" -p "$tmp" &
nginx_pid=$!; pids+=("$nginx_pid")
wait_up "http://127.0.0.1:$nginx_port${pages[0]}"
# The uncached portal's page differs only in the port inside its absolute links.
for path in "${pages[@]}"; do
  for port in $nginx_port $cached_port $uncached_port; do
    cmp -s "$tmp/www$path" <(curl -fsS "http://127.0.0.1:$port$path" | sed "s#127.0.0.1:$uncached_port/#127.0.0.1:$cached_port/#g") \
      || { echo "port $port does not serve the same bytes of $path as the cached page" >&2; exit 1; }
  done
done

errs() { awk '/Non-2xx|Socket errors/ { print }'; }

# Servers on CPU 1, wrk on CPU 0 when there are two CPUs: fewer migrations, less noise.
pin_wrk=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  sleep 0.2
  for p in "$nginx_pid" $(pgrep -P "$nginx_pid") "$cached_pid" "$uncached_pid"; do taskset -apc 1 "$p" >/dev/null; done
  pin_wrk="taskset -c 0"
fi

median() { echo $1 | tr ' ' '\n' | sort -n | awk '{ a[NR]=$1 } END { if (NR % 2) printf "%.2f", a[(NR+1)/2]; else printf "%.2f", (a[NR/2]+a[NR/2+1])/2 }'; }
declare -A best_rps best_p99 rc ru
for i in "${!pages[@]}"; do
  for s in nginx cached uncached; do best_rps[$i,$s]=0; best_p99[$i,$s]=0; done
  rc[$i]=""; ru[$i]=""
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$rounds"); do
  for i in "${!pages[@]}"; do
    path=${pages[$i]}
    line="round $r $path:"
    for s in nginx cached uncached; do
      case $s in nginx) port=$nginx_port ;; cached) port=$cached_port ;; uncached) port=$uncached_port ;; esac
      $pin_wrk wrk -t1 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$port$path" > "$tmp/$s.txt"
      errs < "$tmp/$s.txt" | sed "s/^/  $s: /" >&2
      v=$(rps < "$tmp/$s.txt"); p=$(p99_ms < "$tmp/$s.txt")
      eval "rps_$s=$v"
      line="$line $s $v req/s p99 $p ms |"
      if [ "$v" -gt "${best_rps[$i,$s]}" ]; then best_rps[$i,$s]=$v; best_p99[$i,$s]=$p; fi
    done
    rc[$i]="${rc[$i]} $(awk -v a="$rps_cached" -v b="$rps_nginx" 'BEGIN { printf "%.3f", a / b }')"
    ru[$i]="${ru[$i]} $(awk -v a="$rps_uncached" -v b="$rps_nginx" 'BEGIN { printf "%.3f", a / b }')"
    echo "${line% |}"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk -t1 -c$conns -d$duration --latency, best of $rounds rounds; servers on 1 thread/worker; $count generated articles + data/seed"
for i in "${!pages[@]}"; do
  path=${pages[$i]}
  size=$(stat -c %s "$tmp/www$path")
  echo
  echo "page $path: $size bytes ($ctype)"
  printf '%-10s %10s %10s %18s\n' server 'req/s' 'p99 ms' 'ratio to nginx'
  printf '%-10s %10s %10s %18s\n' nginx "${best_rps[$i,nginx]}" "${best_p99[$i,nginx]}" 1.00
  for s in cached uncached; do
    printf '%-10s %10s %10s %18s\n' "$s" "${best_rps[$i,$s]}" "${best_p99[$i,$s]}" \
      "$(awk -v a="${best_rps[$i,$s]}" -v b="${best_rps[$i,nginx]}" 'BEGIN { printf "%.2f", a / b }')"
  done
  echo "median ratio of rounds: cached $(median "${rc[$i]}") (target >= 1.0), uncached $(median "${ru[$i]}") (target >= 0.25); p99 target <= 2 ms"
done
echo
for s in cached uncached; do
  pid=$([ $s = cached ] && echo "$cached_pid" || echo "$uncached_pid")
  echo "portal ($s) memory: $(awk '/^VmRSS|^VmHWM/ { printf "%s %s %s  ", $1, $2, $3 }' "/proc/$pid/status")(target RSS <= 64 MiB)"
done
