#!/usr/bin/env python3
"""What failed in the last ctest run, in a few lines per test, printed last.

`make test` calls it when ctest fails. A whole sanitized area or a fuzz report prints thousands of
lines, and a CI log often keeps only its beginning and its end: this puts each failing test's
name and the lines that say what went wrong (doctest's failing checks and their test case, a
sanitizer's or libFuzzer's report header, pytest's failures, a timeout) at the very end.
Usage: failure_digest.py <build dir>
"""
import re
import sys
from pathlib import Path

# The lines worth repeating, from the tools the suites run.
KEY = re.compile(
    r"ERROR:|FAILED|Failed|runtime error:|^SUMMARY: |^ALARM|libFuzzer: |deadly signal|"
    r"TEST CASE:|^E   |AssertionError|Traceback|Timeout|timed out|refused|Error:|error:"
)
MAX_LINES = 30  # per test: enough to name the case and the check, short enough to be kept


def main() -> int:
    build = Path(sys.argv[1] if len(sys.argv) > 1 else "build")
    log = build / "Testing" / "Temporary" / "LastTest.log"
    if not log.is_file():
        print(f"failure digest: no {log}", file=sys.stderr)
        return 0
    text = log.read_text(errors="replace")
    # CTest's own list of what failed ("<number>:<name>" per line); a test that passed by a
    # required regular expression says "Test Pass Reason", not "Test Passed.", so the verdict
    # text alone would count it.
    listed = build / "Testing" / "Temporary" / "LastTestsFailed.log"
    names = set()
    if listed.is_file():
        for line in listed.read_text(errors="replace").splitlines():
            if ":" in line:
                names.add(line.split(":", 1)[1])
    # One section per test: "N/M Testing: <name>" ... "<end of output>" ... its verdict.
    sections = re.split(r"^\d+/\d+ Testing: ", text, flags=re.M)[1:]
    failed = []
    for s in sections:
        name = s.split("\n", 1)[0]
        out_start = s.find("Output:\n")
        out_end = s.find("<end of output>")
        verdict = s[out_end:] if out_end >= 0 else ""
        if name not in names:
            continue
        output = s[out_start + len("Output:\n"):out_end] if out_start >= 0 and out_end >= 0 else s
        failed.append((name, output, verdict))
    if not failed:
        return 0
    print("\n==== pbgdpl: what failed, in short (the whole output of each is above and in "
          f"{log}) ====", file=sys.stderr)
    for name, output, verdict in failed:
        why = next((l for l in verdict.splitlines() if l.startswith("Test ") and "time" not in l), "")
        print(f"\n-- {name} {('(' + why + ')') if why else ''}", file=sys.stderr)
        lines = []
        # doctest prints a block per test case that said something; only failing ones count.
        for block in re.split(r"^={20,}$", output, flags=re.M):
            if "TEST CASE:" in block and not re.search(r"ERROR:|FATAL ERROR|CRASHED|SIGNAL", block):
                continue
            lines += [l for l in block.splitlines() if KEY.search(l)]
        for l in lines[:MAX_LINES]:
            print("   " + l[:300], file=sys.stderr)
        if len(lines) > MAX_LINES:
            print(f"   ... {len(lines) - MAX_LINES} more such lines", file=sys.stderr)
        if not lines:  # nothing recognised: its last lines
            for l in output.splitlines()[-10:]:
                print("   " + l[:300], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
