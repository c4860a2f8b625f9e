#!/usr/bin/env bash
# The reference signage player against the running demo portal (`make demo` in another terminal):
# enrols with a per-device key kept in var/player/, is authorised for the demo's staircase screen
# with the demo's API key (an administrator's key: the same as typing the code shown on screen in
# the editor's "Màn hình" screen), then plays the demo playlist in a window and writes snapshots.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
server=${PBGDPL_SERVER:-http://${PBGDPL_LISTEN:-127.0.0.1:8080}}
display=${PBGDPL_DISPLAY:-thcs-van-yen-cau-thang-a-t2}
mkdir -p var/player/snapshots
args=(--server "$server" --state var/player --name "Demo player" --size 540x960 --windowed
  --snapshot-dir var/player/snapshots --snapshot-every 10 --sync-every 30)
if [ -f var/demo-api-key.txt ]; then args+=(--authorise-with var/demo-api-key.txt --display "$display"); fi
# No display server (a bare CI box or SSH session): run headless, snapshots only.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then args+=(--headless); fi
exec "$build/examples/signage_player/pbgdpl_signage_player" "${args[@]}"
