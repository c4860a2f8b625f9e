# Writes and installs pkg-config files: pbgdpl-<tier>.pc for each tier (Requires: its lower tiers
# and its own dependencies only) and pbgdpl.pc for the whole library. In the compiled mode each
# tier's file also links its archive and defines PBGDPL_SEPARATE_COMPILATION.
set(_pc_core_requires "nlohmann_json libutf8proc")
set(_pc_trust_requires "pbgdpl-core libsodium libxxhash")
set(_pc_store_requires "pbgdpl-core sqlite3")
set(_pc_http_requires "pbgdpl-core zlib libxxhash")   # Boost has no .pc: headers in /usr/include
set(_pc_network_requires "pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http gumbo expat openssl")
set(_pc_signage_requires "pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http pbgdpl-network")
set(_pc_reports_requires "pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http pbgdpl-network xlsxwriter cairo pangocairo")
set(_pc_portal_requires "pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http pbgdpl-network pbgdpl-signage pbgdpl-reports libcmark")
set(_pc_plugin_requires "pbgdpl-core pbgdpl-trust pbgdpl-store pbgdpl-http pbgdpl-network pbgdpl-reports")
set(_pc_core_what "core and model: errors, time, Vietnamese text, JSON, the entities")
set(_pc_trust_what "trust and media: hashes, minisign signatures, approvals, bundles")
set(_pc_store_what "store: memory and SQLite stores, Vietnamese search, import")
set(_pc_http_what "http: Beast server, router, middleware, client")
set(_pc_network_what "network: HTTPS fetching, banner kit, feed aggregation, syndication, compliance crawler")
set(_pc_signage_what "signage: time zones, scheduler, signed manifests, player core, proof of play, rendering")
set(_pc_reports_what "reports: computed indicators, validation, signed workflow, periods, roll-ups, exports")
set(_pc_portal_what "publish and portal: Markdown, feeds, the PBGDPL section and its API")
set(_pc_plugin_what "plugin host: manifests, checked loading of plugins through the C ABI, typed handles")

function(_pbgdpl_write_pc file name description requires libs cflags)
  file(WRITE ${file} "# Relocatable: the prefix is found from where this file is installed.
prefix=\${pcfiledir}/../..
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}

Name: ${name}
Description: ${description}
Version: ${PROJECT_VERSION}
Requires: ${requires}
Libs: ${libs}
Cflags: -I\${includedir} -std=c++20${cflags}
")
  install(FILES ${file} DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
endfunction()

set(_pc_all)
foreach(tier ${PBGDPL_TIERS})
  set(libs "-pthread")
  set(cflags "")
  if(PBGDPL_SEPARATE_COMPILATION)
    set(libs "-L\${libdir} -lpbgdpl_${tier} -pthread")
    set(cflags " -DPBGDPL_SEPARATE_COMPILATION")
  endif()
  _pbgdpl_write_pc(${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/pbgdpl-${tier}.pc "pbgdpl-${tier}"
    "pbgdpl ${_pc_${tier}_what}" "${_pc_${tier}_requires}" "${libs}" "${cflags}")
  list(APPEND _pc_all pbgdpl-${tier})
endforeach()
list(JOIN _pc_all " " _pc_all)
_pbgdpl_write_pc(${CMAKE_CURRENT_BINARY_DIR}/pkgconfig/pbgdpl.pc pbgdpl
  "Legal dissemination and education (PBGDPL) for Vietnamese schools: portal, signage, reporting"
  "${_pc_all}" "-pthread" "")
