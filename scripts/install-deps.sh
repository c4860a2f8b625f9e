#!/usr/bin/env bash
# Installs the Debian 12 packages pbgdpl needs, only those missing (apt-get, as root).
# Usage: scripts/install-deps.sh [build|test|all]
set -euo pipefail
what=${1:-all}
build_pkgs=(cmake ninja-build g++ pkg-config libboost1.81-dev nlohmann-json3-dev libstb-dev
  libxxhash-dev libsodium-dev doctest-dev libsqlite3-dev libutf8proc-dev libcmark-dev libcli11-dev zlib1g-dev
  pybind11-dev python3-dev libbenchmark-dev libpq-dev fonts-dejavu-core)
test_pkgs=(clang libclang-rt-14-dev sqlite3 xxhash minisign wrk nginx postgresql-15
  python3-pytest python3-selenium python3-feedparser chromium chromium-driver
  tesseract-ocr tesseract-ocr-vie)
pkgs=("${build_pkgs[@]}")
[ "$what" = build ] || pkgs+=("${test_pkgs[@]}")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "pbgdpl: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "pbgdpl: run as root (or install them yourself): apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
