// What several fuzz targets share: where the repository's data/seed is. The targets are built
// by more than one project (header-only here, compiled against the tiers in the sanitizer
// build), so the path comes from the environment first, then from the build's definition.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz_support {
inline std::string seed_dir() {
  if (const char* env = std::getenv("PBGDPL_SOURCE_DIR")) return std::string(env) + "/data/seed";
#if defined(PBGDPL_SOURCE_DIR)
  return std::string(PBGDPL_SOURCE_DIR) + "/data/seed";
#else
  std::fprintf(stderr, "set PBGDPL_SOURCE_DIR to the repository (its data/seed is read)\n");
  std::abort();
#endif
}
}  // namespace fuzz_support
