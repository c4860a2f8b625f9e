#!/usr/bin/env bash
# The long form of the XSS corpus and path traversal tests (issue 21): every payload in every
# text field, a crawl of up to 2500 public and 600 editor pages, every payload in every reflected
# parameter. Minutes, not seconds: not part of `make test` (which runs the brief form).
# Usage: scripts/xss-full.sh [build dir]   (the portal must be built: ninja -C build pbgdpl_portal)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
export PBGDPL_SOURCE_DIR="$root" PBGDPL_BINARY_DIR="$build" PBGDPL_XSS_FULL=1 PYTHONDONTWRITEBYTECODE=1
cd "$root/tests/integration"
exec /usr/bin/python3 -m pytest -q -s -p no:cacheprovider test_xss_corpus.py test_xss_seeded.py test_path_traversal.py \
  "$root/tests/browser/test_xss_browser.py"
