# pbgdpl_add_pytest(<name> DIR <dir> [FILES ...] [TIMEOUT s] [COST n] [LABELS ...] [ENV VAR=value ...]):
# registers `python3 -m pytest -q` over <dir> (or FILES) as one CTest test, with the portal
# binary, the source and build trees and ENV in the environment. Used by the integration,
# browser and CLI suites. COST: a higher one starts earlier (CTest's order before it has timings of
# its own, as on a fresh clone), so the longest suites do not run alone at the end. A python3 that can import pytest is required; pytest's "no tests ran" (exit 5) and
# every other non-zero exit fail the test.
include_guard(GLOBAL)

# The Debian python3 has python3-pytest/selenium/feedparser; a python3 earlier on PATH (pyenv,
# venv) may not, so try candidates until one imports what the suites need.
if(NOT PBGDPL_PYTEST_PYTHON)
  find_program(_pbgdpl_path_python NAMES python3)
  foreach(candidate ${_pbgdpl_path_python} /usr/bin/python3)
    if(candidate AND EXISTS ${candidate})
      execute_process(COMMAND ${candidate} -c "import pytest, feedparser, selenium" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
      if(rc EQUAL 0)
        set(PBGDPL_PYTEST_PYTHON ${candidate} CACHE FILEPATH "python3 with pytest, feedparser and selenium, for the integration suites")
        break()
      endif()
    endif()
  endforeach()
endif()

function(pbgdpl_add_pytest name)
  cmake_parse_arguments(arg "" "DIR;TIMEOUT;COST" "LABELS;FILES;ENV" ${ARGN})
  if(NOT PBGDPL_PYTEST_PYTHON)
    # Registered anyway so that a missing interpreter is a visible failure, not a silent skip.
    add_test(NAME "${name}" COMMAND ${CMAKE_COMMAND} -E echo "no python3 with pytest, feedparser and selenium: run scripts/install-deps.sh")
    set_tests_properties("${name}" PROPERTIES WILL_FAIL TRUE)
    return()
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 180)
  endif()
  if(NOT arg_COST)
    set(arg_COST 0)
  endif()
  set(targets ${arg_FILES})
  if(NOT targets)
    set(targets ${arg_DIR})
  endif()
  add_test(NAME "${name}"
           COMMAND ${PBGDPL_PYTEST_PYTHON} -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning
                   --rootdir ${arg_DIR} ${targets}
           WORKING_DIRECTORY ${arg_DIR})
  set_tests_properties("${name}" PROPERTIES
    TIMEOUT ${arg_TIMEOUT}
    COST ${arg_COST}
    LABELS "${arg_LABELS}"
    ENVIRONMENT "PBGDPL_PORTAL=$<TARGET_FILE:pbgdpl_portal>;PBGDPL_SOURCE_DIR=${PROJECT_SOURCE_DIR};PBGDPL_BINARY_DIR=${PROJECT_BINARY_DIR};PYTHONDONTWRITEBYTECODE=1;${arg_ENV}")
endfunction()
