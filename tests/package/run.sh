#!/usr/bin/env bash
# Installs the built project into a fresh prefix, then builds and runs the consumer project
# against the installed package only (find_package and pkg-config), never the source tree.
set -euo pipefail
src=$1 build=$2
prefix=$build/package-prefix
rm -rf "$prefix" "$build/package-consumer"
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/share/cmake/pbgdpl/pbgdplConfig.cmake"
test -f "$prefix/share/pkgconfig/pbgdpl.pc"
cmake -S "$src/tests/package/consumer" -B "$build/package-consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build/package-consumer" -j 2
"$build/package-consumer/consumer"
"$build/package-consumer/consumer_sdk"
inc=$(PKG_CONFIG_PATH="$prefix/share/pkgconfig" pkg-config --variable=includedir pbgdpl)
[ "$(realpath "$inc")" = "$(realpath "$prefix/include")" ] || { echo "pbgdpl.pc points at $inc" >&2; exit 1; }
echo "package: the installed pbgdpl works with find_package and pkg-config"
