#!/usr/bin/env bash
# Installs the Debian 12 packages pbgdpl needs, only those missing (apt-get, as root), and for
# the tests the npm checkers pinned in tests/tools/package-lock.json (npm ci, into that folder).
# Usage: scripts/install-deps.sh [build|test|all]
set -euo pipefail
what=${1:-all}
root=$(cd "$(dirname "$0")/.." && pwd)
build_pkgs=(cmake ninja-build g++ pkg-config libboost1.81-dev nlohmann-json3-dev libstb-dev
  libxxhash-dev libsodium-dev doctest-dev libsqlite3-dev libutf8proc-dev libcmark-dev libcli11-dev zlib1g-dev
  pybind11-dev python3-dev libbenchmark-dev fonts-dejavu-core
  libpq-dev  # the postgres store plugin (plugins/postgres) talks to PostgreSQL through libpq
  libgumbo-dev libexpat1-dev libssl-dev libsdl2-dev libmpv-dev
  libxlsxwriter-dev libcairo2-dev libpango1.0-dev fonts-liberation2  # reports: workbooks, Decree 30 PDFs (Liberation Serif has Times New Roman's metrics)
  ffmpeg)  # the demo's first run makes its traffic-safety clip with ffmpeg (libmpv brings its libraries)
test_pkgs=(clang libclang-rt-14-dev lld  # lld: the sanitizer build (tests/sanitize) links with it
  sqlite3 xxhash minisign wrk nginx
  apache2-bin  # the reverse-proxy test runs examples/reverse_proxy/apache.conf too (the binary and modules only: no service)
  postgresql-15  # the postgres plugin's tests: scripts/pg-test-server.sh runs a throw-away server (psql too)
  python3-pytest python3-selenium python3-feedparser chromium chromium-driver
  python3-html5lib  # the XSS corpus test parses pages as a browser does (the HTML5 algorithm)
  tesseract-ocr tesseract-ocr-vie default-jre-headless xvfb xauth
  poppler-utils python3-openpyxl  # reports' tests read back the PDFs (pdftotext, pdffonts) and workbooks
  python3-matplotlib python3-pip python3-setuptools  # the Python examples' charts; pip installs bindings/python offline
  libjna-java default-jdk-headless valgrind)  # the C API's Java example (JNA, javac), its memcheck
pkgs=("${build_pkgs[@]}")
[ "$what" = build ] || pkgs+=("${test_pkgs[@]}")
# npm, for the checkers below: Debian's nodejs and npm unless a Node.js with npm is already there
# (a nodejs package that bundles npm conflicts with Debian's npm package).
[ "$what" = build ] || command -v npm >/dev/null || pkgs+=(nodejs npm)

# axe-core and vnu-jar (the Nu HTML checker) for tests/browser and @redocly/cli (the OpenAPI
# lint, tests/integration/test_openapi_lint.py; Node.js 20.19 or later), exactly as locked, only
# when the lock changed since the last install or a checker is missing. --ignore-scripts: vnu-jar's postinstall would download a
# Java runtime; the tests run vnu.jar on Debian's Java instead.
npm_tools() {
  local dir="$root/tests/tools"
  local stamp="$dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ -f "$dir/node_modules/axe-core/axe.min.js" ] &&
     [ -f "$dir/node_modules/vnu-jar/build/dist/vnu.jar" ] && [ -f "$dir/node_modules/@redocly/cli/bin/cli.js" ] &&
     [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
    return 0
  fi
  echo "pbgdpl: installing the test checkers (npm ci in tests/tools)"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
}
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "$what" = build ] || npm_tools
  exit 0
fi
echo "pbgdpl: installing missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "pbgdpl: run as root (or install them yourself): apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ "$what" = build ] || npm_tools
