#!/usr/bin/env bash
# Installs pbgdpl into fresh prefixes and builds the consumer project against the installed package
# only (find_package and pkg-config), never the source tree, in both modes: the mode of this build
# (the compiled mode under `make test`) and the header-only mode vendors get by default. The
# consumer links the whole library, the plugin SDK, and a single tier (pbgdpl::core) alone. In this
# build's mode a plugin is also built out of tree (pbgdpl_add_plugin) and the consumer hosts it.
set -euo pipefail
src=$1 build=$2
jobs=${PBGDPL_JOBS:-$(nproc)}

consume() {  # consume <prefix> <consumer build dir> <label> <with the out-of-tree plugin: ON|OFF>
  local prefix=$1 out=$2 label=$3 plugin=$4
  test -f "$prefix/share/cmake/pbgdpl/pbgdplConfig.cmake"
  for pc in pbgdpl pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http pbgdpl-network pbgdpl-signage pbgdpl-reports pbgdpl-portal pbgdpl-plugin; do
    test -f "$prefix/share/pkgconfig/$pc.pc" || { echo "missing $pc.pc" >&2; exit 1; }
  done
  rm -rf "$out"
  cmake -S "$src/tests/package/consumer" -B "$out" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
    -DPBGDPL_PACKAGE_PLUGIN="$plugin" >/dev/null
  cmake --build "$out" -j "$jobs"
  "$out/consumer"
  if [ "$plugin" = ON ]; then
    # The plugin as pbgdpl_add_plugin() wrote it: its manifest beside it, only its entry exported.
    test -f "$out/plugins/vendorplug.json" && test -f "$out/plugins/pbgdpl-vendorplug.so"
    nm -D --defined-only "$out/plugins/pbgdpl-vendorplug.so" | grep -q ' T pbgdpl_plugin_init$'
    if nm -D --defined-only "$out/plugins/pbgdpl-vendorplug.so" | grep -E ' T ' | grep -vq ' T pbgdpl_plugin_init$'; then
      echo "the plugin exports more functions than its entry point" >&2; exit 1
    fi
    "$out/consumer" "$out/plugins"
  fi
  "$out/consumer_sdk"
  "$out/consumer_core"
  # pkg-config: the relocatable prefix, and a single tier's flags name nothing of the others.
  export PKG_CONFIG_PATH="$prefix/share/pkgconfig"
  local inc flags
  inc=$(pkg-config --variable=includedir pbgdpl)
  [ "$(realpath "$inc")" = "$(realpath "$prefix/include")" ] || { echo "pbgdpl.pc points at $inc" >&2; exit 1; }
  flags=$(pkg-config --cflags --libs pbgdpl-core)
  if grep -Eq 'sqlite|boost|cmark|sodium|gumbo|expat|ssl|pbgdpl_(trust|store|http|network|signage|reports|portal)' <<<"$flags"; then
    echo "pbgdpl-core.pc carries more than the core: $flags" >&2; exit 1
  fi
  # The single-tier program built from pkg-config's flags alone.
  # shellcheck disable=SC2086
  c++ "$src/tests/package/consumer/core_only.cpp" -o "$out/consumer_core_pc" $flags
  "$out/consumer_core_pc"
  # The C API (compiled mode): a C99 program built from pbgdpl-c.pc's flags alone, run against
  # the installed libpbgdpl_c.so.
  if [ -e "$prefix/lib/libpbgdpl_c.so" ]; then
    # shellcheck disable=SC2046
    cc -std=c99 -Wall -Werror "$src/examples/c_api/example.c" -o "$out/c_example" $(pkg-config --cflags --libs pbgdpl-c)
    local said
    said=$(LD_LIBRARY_PATH="$prefix/lib" "$out/c_example" "$src/data/seed")
    grep -q "GET /healthz: 200" <<<"$said" || { echo "the installed C API example failed: $said" >&2; exit 1; }
  fi
  unset PKG_CONFIG_PATH
  echo "package ($label): the installed pbgdpl works with find_package and pkg-config, whole and per tier"
}

# 1. This build's mode.
prefix=$build/package-prefix
rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null
mode=header-only
grep -q 'PBGDPL_SEPARATE_COMPILATION:BOOL=ON' "$build/CMakeCache.txt" && mode=compiled
if [ $mode = compiled ]; then
  test -f "$prefix/lib/libpbgdpl_core.a" || { echo "compiled mode installed no libpbgdpl_core.a" >&2; exit 1; }
fi
consume "$prefix" "$build/package-consumer" "$mode" ON

# 2. The other mode, configured (no tests) and installed from the same sources.
other=$build/package-other-mode
other_prefix=$build/package-prefix-other
rm -rf "$other" "$other_prefix"
if [ $mode = compiled ]; then opt=OFF other_mode=header-only; else opt=ON other_mode=compiled; fi
cmake -S "$src" -B "$other" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPBGDPL_BUILD_TESTS=OFF \
  -DPBGDPL_SEPARATE_COMPILATION=$opt >/dev/null
cmake --build "$other" -j "$jobs"
cmake --install "$other" --prefix "$other_prefix" >/dev/null
consume "$other_prefix" "$build/package-consumer-other" "$other_mode" OFF
