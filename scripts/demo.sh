#!/usr/bin/env bash
# Runs the most complete reference app there is (the portal once it exists).
set -euo pipefail
build=${1:-build}
echo "pbgdpl demo: the library builds; the portal arrives with the portal issue."
# The demo data (Hà Đông division, plan 19/KH-PGDĐT), validated and summarised in Vietnamese.
"$build/examples/seed_summary/pbgdpl_seed_summary" data/seed
