#!/usr/bin/env bash
# Runs the most complete reference app there is (the portal once it exists).
set -euo pipefail
build=${1:-build}
echo "pbgdpl demo: the library builds; the portal arrives with the portal issue."
