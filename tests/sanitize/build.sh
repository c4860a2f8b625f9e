#!/usr/bin/env bash
# The sanitizer build: the main project (one definition of the tiers, the unit tests and the fuzz
# targets) configured again with clang under AddressSanitizer and UndefinedBehaviorSanitizer, into
# its own build directory, building only what the sanitized suites run (the target
# pbgdpl_sanitize: every tests/unit/<area> executable and every tests/fuzz/fuzz_<name>.cpp).
# `make test` runs it after the main build and before ctest; `make fuzz` runs it too.
# Usage: tests/sanitize/build.sh <source dir> <build dir> [jobs]
set -euo pipefail
src=$1 out=$2 jobs=${3:-$(nproc)}
if ! command -v clang++ >/dev/null; then
  echo "pbgdpl: the sanitizer build needs clang (scripts/install-deps.sh test installs it)" >&2
  exit 1
fi
# -fsanitize=fuzzer-no-link: coverage feedback for the fuzzers in every library TU (the unit tests
# carry it too: one set of objects serves both). -gline-tables-only: file:line in the reports at a
# fraction of -g's cost. lld links the ~25 sanitized executables several times faster than bfd.
# Unity builds (batches of 8 files) for the tiers too: their TUs are thin (src/<tier>/*.cpp include
# the impl/*.ipp bodies, which already compile together in the header-only check), so most of a
# TU's time was parsing the same Beast, Asio and model headers again.
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only -fsanitize=fuzzer-no-link"
if [ ! -f "$out/build.ninja" ]; then
  mkdir -p "$out"
  CC=clang CXX=clang++ cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_UNITY_BUILD=ON \
    "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 $san" "-DCMAKE_C_FLAGS_SANITIZE=-O1 $san" \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    -DPBGDPL_SANITIZE=ON -DPBGDPL_SEPARATE_COMPILATION=ON -DPBGDPL_BUILD_PYTHON=OFF \
    ${PBGDPL_SANITIZE_CMAKE_ARGS:-} >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
fi
# -k 0: build every target that can be built, so one area that fails to compile costs only its tests.
cmake --build "$out" -j "$jobs" --target pbgdpl_sanitize -- -k 0
