# Warnings for the project's own targets (never imposed on consumers). PBGDPL_WERROR turns them
# into errors; `make test` sets it.
option(PBGDPL_WERROR "Treat warnings in pbgdpl's own targets as errors" OFF)
function(pbgdpl_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(PBGDPL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
