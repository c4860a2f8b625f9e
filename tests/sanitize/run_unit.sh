#!/usr/bin/env bash
# Runs one area's unit-test executable from the sanitizer build, whole: any ASan, LSan or UBSan
# report ends it with a failure (halt_on_error; UBSan is built -fno-sanitize-recover).
# Usage: run_unit.sh <executable> [doctest options...]
set -uo pipefail
exe=$1; shift
if [ ! -x "$exe" ]; then
  echo "sanitizers: $exe is missing: the sanitizer build did not run." >&2
  echo "  Run \`make test\` (it builds it before ctest) or tests/sanitize/build.sh <source> <build>/sanitize." >&2
  exit 1
fi
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1:detect_invalid_pointer_pairs=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Third-party caches kept for the process's life (fontconfig's), listed with their reasons.
export LSAN_OPTIONS=suppressions=$(cd "$(dirname "$0")" && pwd)/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}
# Run from the executable's build tree, as the tests' temporary paths expect.
cd "$(dirname "$exe")" || exit 1
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
"$exe" --no-intro=true --duration=false "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
  # A whole area prints thousands of lines and a CI log keeps only parts: the failing test cases
  # (doctest's blocks that hold an ERROR) and any sanitizer report's first lines, again, last.
  echo "sanitizers: $(basename "$exe") FAILED (exit $rc). What failed, repeated from above:" >&2
  awk '/^====================/ { if (block ~ /ERROR:/) printf "%s", block; block = ""; next }
       /^==[0-9]+==ERROR|^SUMMARY: |runtime error:|^ALARM|libFuzzer: / { print; next }
       { if (split(block, lines, "\n") <= 40) block = block $0 "\n" }
       END { if (block ~ /ERROR:/) printf "%s", block }' "$log" >&2
fi
exit "$rc"
