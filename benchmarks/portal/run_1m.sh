#!/usr/bin/env bash
# The 1,000,000-article portal (issue 21): the real pbgdpl_portal on a SQLite store holding
# data/seed plus 1M generated published articles, each page measured cached (the page cache) and
# uncached (a second process with --no-page-cache), with wrk on loopback; search with a loop of
# distinct queries (the per-client search rate allows a burst of 100); start-up time; RSS after.
#   benchmarks/portal/run_1m.sh [BUILD_DIR] [WORK_DIR=/work/scale-1m] [COUNT=1000000]
#   env: DURATION=3s CONNECTIONS=10 SPAN_DAYS=1900 BODY="600 1200"; ARTICLE (bench-<COUNT/2>),
#        DAY (of the sitemap day file; 950 days in), PAGES (paths, instead of the default list),
#        SEARCH=0 (skip the search loop)
# Step 1 (skipped when WORK_DIR/data exists): make_seed.py writes the articles (1,000 per file,
# spread evenly over SPAN_DAYS from 5 Sept 2021, Markdown bodies of BODY bytes) and
# pbgdpl_portal_bench_load imports them (timed; the store's size printed). Step 2 copies nothing:
# both portals open the same file read-mostly, one after the other (never at once).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nginx_wrk.sh"
src=$(cd "$here/../.." && pwd)
build=${1:-$src/build}
work=${2:-/work/scale-1m}
count=${3:-1000000}
duration=${DURATION:-3s}
conns=${CONNECTIONS:-10}
read -r -a body <<< "${BODY:-600 1200}"
command -v wrk >/dev/null || { echo "wrk not installed (scripts/install-deps.sh test)" >&2; exit 1; }
portal=$build/examples/portal/pbgdpl_portal
loader=$build/benchmarks/portal/pbgdpl_portal_bench_load
[ -x "$portal" ] && [ -x "$loader" ] || { echo "build pbgdpl_portal and pbgdpl_portal_bench_load first" >&2; exit 1; }

if [ ! -f "$work/data/pbgdpl.db" ]; then
  mkdir -p "$work"
  s=$(date +%s)
  python3 "$here/make_seed.py" "$src/data/seed" "$work/articles" --count "$count" --span-days "${SPAN_DAYS:-1900}" --body "${body[@]}"
  g=$(date +%s)
  "$loader" "$work/data" "$src/data/seed" "$work"/articles/articles-*.json
  e=$(date +%s)
  echo "generated in $((g - s)) s, loaded in $((e - g)) s; store $(du -sm "$work/data" | cut -f1) MiB"
fi

port=$((20000 + RANDOM % 20000))
pid=
cleanup() { [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT

start() {  # extra flags; sets pid, prints the start-up time (launch to /healthz, then to the home page)
  local t0 t1 t2
  t0=$(date +%s.%N)
  "$portal" --listen "127.0.0.1:$port" --data "$work/data" --seed "$src/data/seed" --threads 1 --quiet "$@" &
  pid=$!
  for _ in $(seq 600); do curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break; sleep 0.05; done
  t1=$(date +%s.%N)
  curl -fsS -o /dev/null "http://127.0.0.1:$port/pbgdpl/"
  t2=$(date +%s.%N)
  echo "start-up $* : healthz after $(echo "$t1 - $t0" | bc) s, first home page after $(echo "$t2 - $t0" | bc) s"
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
rss() { awk '/^VmRSS|^VmHWM/ { printf "%s %.1f MiB  ", $1, $2 / 1024 }' "/proc/$pid/status"; echo; }

# A cursor in the middle of the store's history (?sau= of the category page): the keyset cursor
# the page itself would link, hex of "k:<sort key>\x1f<id>".
deep=$(python3 -c 'print(("k:2024-03-01T00:00:00Z" + "\x1f").encode().hex())')
day=${DAY:-$(python3 -c 'import datetime; print((datetime.date(2021,9,5) + datetime.timedelta(days=950)).isoformat())')}
article=${ARTICLE:-bench-$(printf %05d $((count / 2)))}
default_pages="/pbgdpl/ /pbgdpl/tin-hoat-dong/ /pbgdpl/tin-hoat-dong/?sau=$deep /pbgdpl/bai-viet/$article
  /pbgdpl/van-ban-moi/ /pbgdpl/feed.atom /pbgdpl/feed.rss /pbgdpl/feed.json /pbgdpl/tin-hoat-dong/feed.atom
  /sitemap.xml /sitemap/bai-viet-$day.xml"
read -r -a pages <<< "$(echo ${PAGES:-$default_pages})"

measure() {  # label
  local label=$1 out p
  printf '%-10s %-52s %8s %10s %10s %10s %10s\n' "$label" page bytes "first ms" "req/s" "p50 ms" "p99 ms"
  for p in "${pages[@]}"; do
    local first bytes
    read -r first bytes < <(curl -sS -o /dev/null -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$port$p")
    out=$(nice wrk -t1 -c"$conns" -d"$duration" --latency "http://127.0.0.1:$port$p")
    printf '%-10s %-52s %8s %10.1f %10s %10s %10s\n' "$label" "${p:0:52}" "$bytes" "$(echo "$first * 1000" | bc)" \
      "$(echo "$out" | rps)" "$(echo "$out" | awk '$1=="50%"{print $2}')" "$(echo "$out" | p99_ms)"
  done
  [ "${SEARCH:-1}" = 1 ] || return 0
  # Search: distinct queries (each one a cache miss), one at a time.
  local times=() q
  for q in "an toàn giao thông" "ke hoach" "phòng chống ma túy" "quyền trẻ em" "Luật Giáo dục" "bạo lực học đường" \
           "sân khấu hóa" "rung chuông vàng" "tủ sách pháp luật" "môi trường" "đuối nước" "an ninh mạng" \
           "tiết chào cờ" "hội cha mẹ học sinh" "phòng cháy" "xe máy điện" "văn hóa ứng xử" "giấy khen" "ngoại khóa" "mũ bảo hiểm"; do
    for sort in "" "&sap-xep=moi-nhat"; do
      times+=("$(curl -sS -o /dev/null -w '%{time_total}' -G --data-urlencode "q=$q" "http://127.0.0.1:$port/tim-kiem?x=1$sort")")
    done
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v l="$label" '{ a[NR] = $1 * 1000 } END {
    printf "%-10s search, %d distinct queries one at a time: p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", l, NR, a[int(NR * 0.5 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'
}

echo "== $(date -u) store: $(du -sm "$work/data" | cut -f1) MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
start
measure cached
echo "cached portal after the run: $(rss)"
stop
start --no-page-cache
measure uncached
echo "uncached portal after the run: $(rss)"
stop
echo "== done $(date -u), load $(cut -d' ' -f1-3 /proc/loadavg)"
