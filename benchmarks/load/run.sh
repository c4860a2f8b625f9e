#!/usr/bin/env bash
# Load and slow clients, the long form (issue 21; the brief form is tests/integration/test_load.py).
# Against the real portal (pbgdpl_portal on the demo data, all cores: --threads $(nproc)), wrk
# and benchmarks/load/loadlib.py on loopback:
#   1. hold     10,000 keep-alive connections for HOLD (60s), every body compared with one fetch,
#               the portal's RSS and descriptors sampled each second (start, peak, end)
#   2. default  the shipped caps (1,024 connections, 64 per client) under the same 10,000 from one
#               address for FLOOD (20s): what wrk gets, and /healthz from other addresses each second
#   3. slow     1,000 slowloris over 20 addresses (800 headers + 200 bodies, a byte a second,
#               replaced as soon as dropped) for SLOW (60s) while wrk -c50 measures a normal
#               client; the same wrk without them first
#   4. nginx    nginx with nproc workers serving the portal's exact bytes (same Content-Type),
#               alternating rounds: a cached page, the same page uncached (--no-page-cache), a feed
# Usage: benchmarks/load/run.sh [BUILD_DIR]
#   env: HOLD=60s FLOOD=20s SLOW=60 CMP_DURATION=10s ROUNDS=3 CONNECTIONS=10000 PARTS="hold default slow nginx"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
hold=${HOLD:-60s}; flood=${FLOOD:-20s}; slow=${SLOW:-60}; cmp_duration=${CMP_DURATION:-10s}
rounds=${ROUNDS:-3}; conns=${CONNECTIONS:-10000}; parts=${PARTS:-hold default slow nginx}
n=$(nproc)
lib="$here/loadlib.py"
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "nginx not installed (scripts/install-deps.sh test)" >&2; exit 1; }

# Descriptors: wrk's 10,000 sockets and the portal's 10,000 (it raises its soft limit to the hard
# one). As root the hard limit can be raised; otherwise it must already be high enough.
need=$((conns + 2500))
if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt "$need" ]; then
  ulimit -Hn "$need" 2>/dev/null || { echo "the open-file hard limit ($(ulimit -Hn)) is below $need and only root can raise it" >&2; exit 1; }
fi
ulimit -n "$(ulimit -Hn)"

if [ ! -f "$build/build.ninja" ] && [ ! -f "$build/Makefile" ]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j1 --target pbgdpl_portal >/dev/null
portal=$(find "$build" -type f -name pbgdpl_portal -perm -u+x | head -n1)

tmp=$(mktemp -d)
chmod 755 "$tmp"  # an nginx started as root reads files as its unprivileged worker user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 300); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "no answer from $1" >&2; exit 1; }
# start_portal NAME PORT ARGS...: a portal on its own fresh data directory; sets $portal_pid.
start_portal() {
  local name=$1 port=$2; shift 2
  "$portal" --listen "127.0.0.1:$port" --data "$tmp/$name" --seed "$src/data/seed" --threads "$n" --quiet "$@" \
    > "$tmp/$name.log" 2>&1 &
  portal_pid=$!; pids+=("$portal_pid")
  wait_up "http://127.0.0.1:$port/healthz"
}
stop_portal() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }
json() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1"; }
page=/pbgdpl/
echo "machine: $n cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (shared: other jobs run too)"

if [[ " $parts " == *" hold "* ]]; then
  port=$(free_port)
  start_portal hold "$port" --max-connections 12000 --max-connections-per-client 0
  curl -fsS "http://127.0.0.1:$port$page" -o "$tmp/page.html"
  python3 "$lib" hold --url "http://127.0.0.1:$port$page" --pid "$portal_pid" --connections "$conns" \
    --duration "$hold" --threads "$n" --expect "$tmp/page.html" > "$tmp/hold.json"
  echo
  echo "== 1. $conns keep-alive connections for $hold (--max-connections 12000 --max-connections-per-client 0, --threads $n)"
  json "$tmp/hold.json" '"requests %d (%.0f/s), p50 %s ms, p99 %s ms, max %s ms; socket errors %s, non-2xx %d, bodies checked %s, differing %s" % (r["requests"], r["rps"], r["p50_ms"], r["p99_ms"], r.get("latency_max_ms"), r["socket_errors"], r["non2xx"], r["checked"], r["body_mismatches"])'
  json "$tmp/hold.json" '"portal descriptors peak %d; all %d held for %s s; RSS (MiB) idle %.1f, with all connections %.1f at the start, %.1f at the end, peak %.1f" % (r["peak_fds"], '"$conns"', r["seconds_holding_all"], r["samples"][0][1]/1024, (r["rss_start_kib"] or 0)/1024, (r["rss_end_kib"] or 0)/1024, r["rss_peak_kib"]/1024)'
  json "$tmp/hold.json" '"RSS curve (s: MiB, descriptors): " + ", ".join("%g: %.1f/%d" % (t, k/1024, f) for t, k, f in r["samples"][::5])'
  stop_portal "$portal_pid"
fi

if [[ " $parts " == *" default "* ]]; then
  port=$(free_port)
  start_portal default "$port"
  curl -fsS "http://127.0.0.1:$port$page" -o "$tmp/page-default.html"
  ( ulimit -n "$need"; wrk -t"$n" -c"$conns" -d"$flood" --timeout 30s --latency -s "$here/check_body.lua" \
      "http://127.0.0.1:$port$page" -- "$tmp/page-default.html" > "$tmp/default.txt" 2>&1 ) &
  wrk_pid=$!
  worst=0; codes=""; i=0
  while kill -0 "$wrk_pid" 2>/dev/null; do
    i=$((i + 1))
    r=$(curl -sS -o /dev/null --max-time 10 --interface "127.0.4.$((i % 200 + 1))" -w '%{http_code} %{time_total}' "http://127.0.0.1:$port/healthz" || true)
    codes="$codes ${r%% *}"
    worst=$(awk -v a="$worst" -v b="${r##* }" 'BEGIN { print (b > a ? b : a) }')
    sleep 1
  done
  wait "$wrk_pid" || true
  after=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$page")
  echo
  echo "== 2. the default caps (1,024 connections, 64 per client) under $conns connections from 127.0.0.1 for $flood"
  awk '/requests in|Socket errors|Non-2xx|^checked|^non2xx|^body_mismatches|Requests\/sec|99%/' "$tmp/default.txt" | sed 's/^ */  wrk: /'
  echo "  /healthz from other addresses, once a second: codes$codes; slowest ${worst} s"
  echo "  the page from the flooding address afterwards: $after; portal alive: $(kill -0 "$portal_pid" && echo yes)"
  stop_portal "$portal_pid"
fi

if [[ " $parts " == *" slow "* ]]; then
  port=$(free_port)
  start_portal slow "$port"
  url="http://127.0.0.1:$port$page"
  wrk -t1 -c50 -d"${slow}s" --timeout 10s --latency "$url" > "$tmp/calm.txt"
  python3 "$lib" slowloris --port "$port" --count 800 --base 127.0.2. --mode header --hold "$((slow + 5))" --reconnect > "$tmp/sl-header.json" &
  h_pid=$!
  python3 "$lib" slowloris --port "$port" --count 200 --base 127.0.3. --mode body --hold "$((slow + 5))" --reconnect > "$tmp/sl-body.json" &
  b_pid=$!
  sleep 3
  wrk -t1 -c50 -d"${slow}s" --timeout 10s --latency "$url" > "$tmp/attacked.txt"
  wait "$h_pid" "$b_pid"
  echo
  echo "== 3. 1,000 slowloris (800 headers + 200 bodies, a byte a second, 50 per address on 20 addresses, replaced when dropped) for ${slow} s, default caps"
  for f in calm attacked; do
    echo "  normal client wrk -t1 -c50 ($f): $(rps < "$tmp/$f.txt") req/s, p50 $(awk '$1=="50%" { print $2 }' "$tmp/$f.txt"), p99 $(awk '$1=="99%" { print $2 }' "$tmp/$f.txt"); $(awk '/Socket errors|Non-2xx/' "$tmp/$f.txt" | tr -s ' ' | tr '\n' ' ')"
  done
  for m in header body; do
    json "$tmp/sl-$m.json" '"  slow '"$m"': %d opened, %d dropped (%s), %d refused, %d open at the end; dropped %.2f-%.2f s after their first byte (median %.2f)" % (r["opened"], r["dropped"], r["answered"], r["refused"], r["still_open"], r["drop_seconds"][0], r["drop_seconds"][-1], r["drop_seconds"][len(r["drop_seconds"])//2])'
  done
  stop_portal "$portal_pid"
fi

if [[ " $parts " == *" nginx "* ]]; then
  cport=$(free_port); uport=$(free_port); hport=$(free_port); fport=$(free_port)
  base="http://127.0.0.1:$cport"  # both portals write the same absolute links
  # wrk's 100 connections come from one address: over the default per-client cap (64), so no cap
  # of its own here (nginx has none either).
  start_portal cached "$cport" --base-url "$base" --max-connections-per-client 0; cached_pid=$portal_pid
  start_portal uncached "$uport" --base-url "$base" --max-connections-per-client 0 --no-page-cache; uncached_pid=$portal_pid
  feed=/pbgdpl/feed.atom
  declare -A ct
  for kind in html feed; do
    path=$([ $kind = html ] && echo $page || echo $feed)
    mkdir -p "$tmp/$kind/www$(dirname "$path.x")"
    file="$tmp/$kind/www$path"; [ "${path: -1}" = / ] && file="${file}index.html"
    curl -fsS "http://127.0.0.1:$cport$path" -o "$file"
    ct[$kind]=$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$cport$path")
    chmod -R a+rX "$tmp/$kind"
    write_nginx_conf "$tmp/$kind" "$([ $kind = html ] && echo "$hport" || echo "$fport")" "${ct[$kind]}" "$n"
    "$nginx_bin" -c "$tmp/$kind/nginx.conf" -p "$tmp/$kind" & pids+=("$!")
  done
  wait_up "http://127.0.0.1:$hport$page"; wait_up "http://127.0.0.1:$fport$feed"
  # Same bytes and the same Content-Type from every server compared.
  for t in "html $hport $page" "html $uport $page" "feed $fport $feed" "feed $uport $feed"; do
    read -r kind port path <<< "$t"
    file="$tmp/$kind/www$path"; [ "${path: -1}" = / ] && file="${file}index.html"
    cmp -s "$file" <(curl -fsS "http://127.0.0.1:$port$path") || { echo "port $port does not serve the same bytes of $path" >&2; exit 1; }
    [ "$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port$path")" = "${ct[$kind]}" ] || { echo "port $port: another Content-Type for $path" >&2; exit 1; }
  done
  targets=("nginx-page $hport $page" "cached-page $cport $page" "uncached-page $uport $page" "nginx-feed $fport $feed" "cached-feed $cport $feed")
  echo
  echo "== 4. nginx ($n workers) and the portal (--threads $n), the same bytes; wrk -t$n -c100 -d$cmp_duration, $rounds alternating rounds"
  echo "  page $page $(stat -c %s "$tmp/html/www${page}index.html") bytes (${ct[html]}), feed $feed $(stat -c %s "$tmp/feed/www$feed") bytes (${ct[feed]})"
  declare -A all
  for r in $(seq "$rounds"); do
    line="  round $r:"
    for t in "${targets[@]}"; do
      read -r name port path <<< "$t"
      wrk -t"$n" -c100 -d"$cmp_duration" --latency "http://127.0.0.1:$port$path" > "$tmp/w.txt"
      awk '/Socket errors|Non-2xx/ { print "  '"$name"': " $0 }' "$tmp/w.txt" >&2
      v=$(rps < "$tmp/w.txt"); p=$(p99_ms < "$tmp/w.txt"); p50=$(awk '$1=="50%" { print $2 }' "$tmp/w.txt")
      all[$name]="${all[$name]:-} $v:$p50:$p"
      line="$line $name $v/s p50 $p50 p99 ${p}ms |"
    done
    echo "${line% |}"
  done
  echo "  median of rounds (req/s, p99 ms) and ratio to nginx:"
  med() { tr ' ' '\n' | grep . | sort -n | awk '{ a[NR]=$1 } END { if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
  for name in nginx-page cached-page uncached-page nginx-feed cached-feed; do
    rr=$(echo ${all[$name]} | tr ' ' '\n' | cut -d: -f1 | med); pp=$(echo ${all[$name]} | tr ' ' '\n' | cut -d: -f3 | med)
    ref=$(echo ${all[$([[ $name == *feed ]] && echo nginx-feed || echo nginx-page)]} | tr ' ' '\n' | cut -d: -f1 | med)
    printf '  %-14s %10s req/s  p99 %8s ms  ratio %s\n' "$name" "$rr" "$pp" "$(awk -v a="$rr" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"
  done
  for s in cached uncached; do
    pid=$([ $s = cached ] && echo "$cached_pid" || echo "$uncached_pid")
    echo "  portal ($s) memory: $(awk '/^VmRSS|^VmHWM/ { printf "%s %s %s  ", $1, $2, $3 }' "/proc/$pid/status")"
  done
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
