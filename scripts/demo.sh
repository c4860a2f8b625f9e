#!/usr/bin/env bash
# The main job: the reference portal on 127.0.0.1:8080 over the embedded SQLite store in ./var/,
# seeded with the demo data on first run (Hà Đông division, its schools, plan 19/KH-PGDĐT,
# articles, the city banner, a playlist, a report) and reused on later runs.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
"$build/examples/seed_summary/pbgdpl_seed_summary" data/seed
echo
# --aggregate-local: the division and ward pages show "Tin từ các trường", read from the feeds of
# the demo's own schools every 10 minutes (network/aggregator.hpp). --crawl-schools own: the
# compliance crawl of the demo's own school sections at start fills /pbgdpl/kiem-tra-trang-truong/.
exec "$build/examples/portal/pbgdpl_portal" --listen "${PBGDPL_LISTEN:-127.0.0.1:8080}" --data var --seed data/seed \
  --aggregate-interval 600 --aggregate-local --crawl-schools own
