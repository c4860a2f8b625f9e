#!/usr/bin/env bash
# Two portal nodes on one PostgreSQL (issue 18): the demo data in one schema of a throw-away
# PostgreSQL 15 (scripts/pg-test-server.sh, fsync off), two pbgdpl_portal processes on it (the
# postgres store plugin), and for comparison one portal on its own SQLite file, all seeded from
# data/seed. For each page it runs wrk on loopback against
#   node A, node B            cached pages (each node keeps its own page cache)
#   node C --no-page-cache    PostgreSQL read + templates per request
#   sqlite, sqlite uncached   the same page from the embedded default, cached and not
# and, after a write through node A's API, how long node B takes to serve the new page (its
# next request polls the store's changes: PostgreSQL LISTEN/NOTIFY and the audit log).
# Every server serves the same bytes (checked first). Usage:
#   benchmarks/portal/two_nodes_pg.sh [BUILD_DIR]   env: DURATION=5s CONNECTIONS=50 ROUNDS=2
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-${BUILD_DIR:-$src/build}}
duration=${DURATION:-5s}
conns=${CONNECTIONS:-50}
rounds=${ROUNDS:-2}
read -r -a pages <<< "${PAGES:-/pbgdpl/ /pbgdpl/van-ban/kh-19-pgddt-2023}"
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }
cmake --build "$build" -j1 --target pbgdpl_portal pbgdpl_plugin_postgres >/dev/null
portal=$build/examples/portal/pbgdpl_portal
[ -x "$portal" ] || portal=$(find "$build" -type f -name pbgdpl_portal -perm -u+x | head -n1)

tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "$src/scripts/pg-test-server.sh" stop "$tmp/pg" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

"$src/scripts/pg-test-server.sh" start "$tmp/pg" >/dev/null
python3 - "$tmp/pg/conninfo" "$tmp/store.json" <<'PY'
import json, sys
json.dump({"conninfo": open(sys.argv[1]).read().strip(), "schema": "bench"}, open(sys.argv[2], "w"))
PY
chmod 600 "$tmp/store.json"
pg_args=(--plugin-dir "$build/plugins" --store postgres --store-config "@$tmp/store.json")

start() {  # start NAME PORT ARGS...: a portal, waited for on /healthz
  local name=$1 port=$2
  shift 2
  "$portal" --listen "127.0.0.1:$port" --data "$tmp/$name" --seed "$src/data/seed" --threads 1 --quiet "$@" \
    > "$tmp/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "portal $name did not start:" >&2
  cat "$tmp/$name.log" >&2
  exit 1
}
start a 18291 "${pg_args[@]}"  # seeds the schema
start b 18292 "${pg_args[@]}"
start c 18293 "${pg_args[@]}" --no-page-cache
start s 18294
start u 18295 --no-page-cache
declare -A port=([a]=18291 [b]=18292 [c]=18293 [s]=18294 [u]=18295)
declare -A label=([a]="PostgreSQL node A, cached" [b]="PostgreSQL node B, cached" [c]="PostgreSQL node C, --no-page-cache"
                  [s]="SQLite, cached" [u]="SQLite, --no-page-cache")

# Pages carry their canonical URL built from the listening address (the Host header is not
# trusted): the nodes' pages are compared with the port masked, equal length either way.
host_hdr="Host: portal.example"
for path in "${pages[@]}"; do
  curl -fsS -H "$host_hdr" "http://127.0.0.1:18291$path" -o "$tmp/ref.html"
  for s in b c s u; do
    curl -fsS -H "$host_hdr" "http://127.0.0.1:${port[$s]}$path" -o "$tmp/got.html"
    sed -i -E 's/127\.0\.0\.1:1829[1-5]/127.0.0.1:PORTX/g' "$tmp/ref.html" "$tmp/got.html"
    cmp -s "$tmp/ref.html" "$tmp/got.html" || { echo "$s serves other bytes for $path:" >&2; diff "$tmp/ref.html" "$tmp/got.html" | head -6 >&2; exit 1; }
  done
done

pin_wrk=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  for p in "${pids[@]}"; do taskset -pc 1 "$p" >/dev/null; done
  pin_wrk="taskset -c 0"
fi
echo "wrk -t1 -c$conns -d$duration --latency, best of $rounds rounds; each portal --threads 1; data/seed"
for path in "${pages[@]}"; do
  echo "page $path ($(curl -fsS -H "$host_hdr" "http://127.0.0.1:18291$path" | wc -c) bytes on node A)"
  for s in a b c s u; do
    best=0 p99s=""
    for _ in $(seq 1 "$rounds"); do
      $pin_wrk wrk -t1 -c"$conns" -d"$duration" --latency -H "$host_hdr" "http://127.0.0.1:${port[$s]}$path" > "$tmp/w.txt"
      r=$(rps < "$tmp/w.txt")
      p99s="$p99s $(p99_ms < "$tmp/w.txt")"
      [ "$r" -gt "$best" ] && best=$r
    done
    printf '  %-36s %8s req/s   p99 ms:%s\n' "${label[$s]}" "$best" "$p99s"
  done
done

# A write on node A, then node B's next requests: how long until B's cached home page has it.
token=$(cat "$tmp/a/demo-api-key.txt" 2>/dev/null || true)
if [ -n "$token" ]; then
  curl -fsS "http://127.0.0.1:18292/pbgdpl/" >/dev/null
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  body='{"id":"tin-do-do-tre","kind":"activity_news","title":"Tin đo độ trễ giữa hai cổng","summary":"Tóm tắt",'
  body+='"body_markdown":"Nội dung.","category":"Phổ biến, giáo dục pháp luật","unit":"vhxh-phuong-ha-dong",'
  body+='"author":"acc-division-approver","state":"published","created_at":"'$now'","updated_at":"'$now'","published_at":"'$now'"}'
  t0=$(date +%s%N)
  curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data "$body" "http://127.0.0.1:18291/api/v1/articles" >/dev/null
  until curl -fsS "http://127.0.0.1:18292/pbgdpl/" 2>/dev/null | grep -q "Tin đo độ trễ"; do sleep 0.001; done
  t1=$(date +%s%N)
  echo "write on node A (201) -> node B's cached home page shows it: $(( (t1 - t0) / 1000000 )) ms"
else
  echo "(no API key found in node A's data directory: write-to-visible latency not measured)"
fi
for s in a b c s u; do
  pid=${pids[$(( $(printf '%s\n' a b c s u | grep -n "^$s$" | cut -d: -f1) - 1 ))]}
  echo "  ${label[$s]}: $(grep -E 'VmRSS|VmHWM' /proc/"$pid"/status | tr -s ' \n' ' ')"
done
