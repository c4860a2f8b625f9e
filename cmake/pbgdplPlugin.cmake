# pbgdpl_add_plugin(<id> SOURCES <files...> KINDS <store|publisher|notifier|exporter|connector...>
#                   [VERSION <v>] [LICENSE <spdx>] [DESCRIPTION <text>] [LIBRARIES <targets...>]
#                   [OUTPUT_DIRECTORY <dir>])
# Builds a plugin: a MODULE library `pbgdpl-<id>.so` with hidden visibility (only the entry point
# is exported, through PBGDPL_PLUGIN), linked to pbgdpl::plugin_sdk, plus its manifest
# `<id>.json` beside it, which the host reads before it loads any code. The target is
# pbgdpl_plugin_<id>. Installed with the SDK (share/cmake/pbgdpl/pbgdplPlugin.cmake), so vendors
# use the same function after find_package(pbgdpl).
# The ABI version a manifest declares is abi.h's (in the source tree or the installed prefix).
foreach(_pbgdpl_abi_candidate "${CMAKE_CURRENT_LIST_DIR}/../include/pbgdpl/plugin/abi.h"
                              "${CMAKE_CURRENT_LIST_DIR}/../../../include/pbgdpl/plugin/abi.h")
  if(EXISTS "${_pbgdpl_abi_candidate}")
    file(STRINGS "${_pbgdpl_abi_candidate}" _pbgdpl_abi_lines REGEX "^#define PBGDPL_ABI_(MAJOR|MINOR) [0-9]+")
    foreach(_line ${_pbgdpl_abi_lines})
      if(_line MATCHES "^#define PBGDPL_ABI_(MAJOR|MINOR) ([0-9]+)")
        set(PBGDPL_PLUGIN_ABI_${CMAKE_MATCH_1} ${CMAKE_MATCH_2})
      endif()
    endforeach()
    break()
  endif()
endforeach()
if(NOT DEFINED PBGDPL_PLUGIN_ABI_MAJOR OR NOT DEFINED PBGDPL_PLUGIN_ABI_MINOR)
  message(FATAL_ERROR "pbgdplPlugin.cmake: cannot read the ABI version from plugin/abi.h")
endif()

function(pbgdpl_add_plugin id)
  cmake_parse_arguments(P "" "VERSION;LICENSE;DESCRIPTION;OUTPUT_DIRECTORY" "SOURCES;KINDS;LIBRARIES" ${ARGN})
  if(NOT id MATCHES "^[a-z0-9_-]+$")
    message(FATAL_ERROR "pbgdpl_add_plugin: the id '${id}' must be [a-z0-9_-]+")
  endif()
  if(NOT P_SOURCES OR NOT P_KINDS)
    message(FATAL_ERROR "pbgdpl_add_plugin(${id}): SOURCES and KINDS are required")
  endif()
  if(NOT P_VERSION)
    set(P_VERSION "${PROJECT_VERSION}")
  endif()
  if(NOT P_LICENSE)
    message(FATAL_ERROR "pbgdpl_add_plugin(${id}): LICENSE (SPDX) is required")
  endif()
  if(NOT P_DESCRIPTION)
    message(FATAL_ERROR "pbgdpl_add_plugin(${id}): DESCRIPTION is required")
  endif()
  if(NOT P_OUTPUT_DIRECTORY)
    set(P_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/plugins")
  endif()
  set(target pbgdpl_plugin_${id})
  add_library(${target} MODULE ${P_SOURCES})
  if(TARGET pbgdpl::plugin_sdk)
    target_link_libraries(${target} PRIVATE pbgdpl::plugin_sdk ${P_LIBRARIES})
  else()
    target_link_libraries(${target} PRIVATE pbgdpl_plugin_sdk ${P_LIBRARIES})
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME "pbgdpl-${id}"
    LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}"
    CXX_VISIBILITY_PRESET hidden C_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  # The library keeps no undefined symbol for the host to resolve: it needs nothing of the host's
  # process but what the host table hands it.
  # The static archives it links (pbgdpl's tiers) stay private to it too: --exclude-libs keeps
  # their symbols out of the dynamic table, so two plugins built from different pbgdpl versions
  # never resolve to each other's copies.
  target_link_options(${target} PRIVATE "LINKER:--exclude-libs,ALL")
  # Not in the sanitizer build: there the ASan runtime lives in the executable that loads the
  # plugin, so its __asan_* symbols are undefined in the module until it is loaded.
  if(NOT PBGDPL_SANITIZE)
    target_link_options(${target} PRIVATE "LINKER:--no-undefined")
  endif()
  set(kinds_json "")
  set(kind_bits 0)
  foreach(k ${P_KINDS})
    if(k STREQUAL "store")
      math(EXPR kind_bits "${kind_bits} | 1")
    elseif(k STREQUAL "publisher")
      math(EXPR kind_bits "${kind_bits} | 2")
    elseif(k STREQUAL "notifier")
      math(EXPR kind_bits "${kind_bits} | 4")
    elseif(k STREQUAL "exporter")
      math(EXPR kind_bits "${kind_bits} | 8")
    elseif(k STREQUAL "connector")
      math(EXPR kind_bits "${kind_bits} | 16")
    else()
      message(FATAL_ERROR "pbgdpl_add_plugin(${id}): unknown kind '${k}'")
    endif()
    if(kinds_json)
      string(APPEND kinds_json ", ")
    endif()
    string(APPEND kinds_json "\"${k}\"")
  endforeach()
  # PBGDPL_PLUGIN checks at compile time that its id and kinds are these (the manifest's).
  target_compile_definitions(${target} PRIVATE PBGDPL_PLUGIN_ID="${id}" PBGDPL_PLUGIN_KINDS=${kind_bits}u)
  string(REPLACE "\"" "\\\"" desc "${P_DESCRIPTION}")
  file(GENERATE OUTPUT "${P_OUTPUT_DIRECTORY}/${id}.json" CONTENT
"{
  \"id\": \"${id}\",
  \"library\": \"pbgdpl-${id}.so\",
  \"abi\": {\"major\": ${PBGDPL_PLUGIN_ABI_MAJOR}, \"minor\": ${PBGDPL_PLUGIN_ABI_MINOR}},
  \"kinds\": [${kinds_json}],
  \"version\": \"${P_VERSION}\",
  \"license\": \"${P_LICENSE}\",
  \"description\": \"${desc}\"
}
")
endfunction()
