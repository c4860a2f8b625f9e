# Finds pbgdpl's dependencies (all Debian 12 packages). Used by the build and installed beside
# pbgdplConfig.cmake so consumers resolve the same imported targets.
include(CMakeFindDependencyMacro)
find_dependency(nlohmann_json 3.10)
find_dependency(SQLite3)
find_dependency(Threads)
find_dependency(ZLIB)  # gzip in http/ (zlib1g-dev)
find_dependency(Boost 1.81 CONFIG)
find_dependency(PkgConfig)
# gumbo (libgumbo-dev), expat (libexpat1-dev), openssl (libssl-dev): the network tier.
# xlsxwriter (libxlsxwriter-dev), cairo (libcairo2-dev), pangocairo (libpango1.0-dev): reports.
foreach(_pbgdpl_dep libutf8proc libsodium libxxhash libcmark gumbo expat openssl xlsxwriter cairo pangocairo)
  if(NOT TARGET PkgConfig::${_pbgdpl_dep})
    pkg_check_modules(${_pbgdpl_dep} REQUIRED IMPORTED_TARGET GLOBAL ${_pbgdpl_dep})
  endif()
endforeach()
unset(_pbgdpl_dep)
# stb (libstb-dev): headers only, compiled inside media/impl/images.ipp; found here so a missing
# package is one clear message rather than a compile error deep in the build.
find_path(PBGDPL_STB_INCLUDE_DIR stb/stb_image.h REQUIRED)
