#!/usr/bin/env bash
# The sanitizer build: the main project (one definition of the tiers, the unit tests and the fuzz
# targets) configured again with clang under AddressSanitizer and UndefinedBehaviorSanitizer, into
# its own build directory, building only what the sanitized suites run (the target
# pbgdpl_sanitize: every tests/unit/<area> executable and every tests/fuzz/fuzz_<name>.cpp).
# `make test` runs it after the main build and before ctest; `make fuzz` runs it too.
# Usage: tests/sanitize/build.sh <source dir> <build dir> [jobs] [optimisation]
# The optimisation level defaults to -O0: `make test` builds every tier and unit test again here,
# and clang with ASan compiles the portal's bodies 2.6 times faster at -O0 than at -O1 (api.cpp:
# 58 s against 150 s of CPU), more than the slower sanitized runs give back. `make fuzz` builds its
# own directory at -O1, where executions per second matter more than the compile.
set -euo pipefail
src=$1 out=$2 jobs=${3:-$(nproc)} opt=${4:--O0}
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
# PBGDPL_TIME_BUDGET_SCALE: the wall-clock budgets against hostile input (include/pbgdpl/config.hpp)
# scaled for code that runs several times slower.
san="-DPBGDPL_TIME_BUDGET_SCALE=10 -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -gline-tables-only -fsanitize=fuzzer-no-link"
# Configured once; again only when the flags asked for differ from the directory's.
if [ ! -f "$out/build.ninja" ] || ! grep -qxF "CMAKE_CXX_FLAGS_SANITIZE:STRING=$opt $san" "$out/CMakeCache.txt"; then
  mkdir -p "$out"
  CC=clang CXX=clang++ cmake -S "$src" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Sanitize -DCMAKE_UNITY_BUILD=ON \
    "-DCMAKE_CXX_FLAGS_SANITIZE=$opt $san" "-DCMAKE_C_FLAGS_SANITIZE=$opt $san" \
    -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
    -DPBGDPL_SANITIZE=ON -DPBGDPL_SEPARATE_COMPILATION=ON -DPBGDPL_BUILD_PYTHON=OFF \
    ${PBGDPL_SANITIZE_CMAKE_ARGS:-} >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
fi
# -k 0: build every target that can be built, so one area that fails to compile costs only its tests.
cmake --build "$out" -j "$jobs" --target pbgdpl_sanitize -- -k 0
