#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded number of
# runs on the seed corpus. Any crash, leak or sanitizer report fails the test.
set -euo pipefail
src=$1 build=$2 runs=${3:-200000}
out=$build/fuzz
CXX=clang++ CC=clang cmake -S "$src/tests/fuzz/project" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# Only the two targets this test runs (the project builds every tests/fuzz/fuzz_*.cpp).
cmake --build "$out" -j 2 --target fuzz_parse_text fuzz_decode_entities
corpus=$out/corpus
rm -rf "$corpus" && mkdir -p "$corpus/decode" "$corpus/text"
cp "$src"/tests/fuzz/corpus/decode/* "$corpus/decode/" 2>/dev/null || true
# Every seed record becomes a decoder input: one byte naming the entity (its index in
# fuzz_entity_list.inc), then the record's JSON.
python3 - "$src/data/seed" "$corpus/decode" <<'PY'
import json, os, sys
order = ["units", "accounts", "articles", "legal_documents", "media", "publications", "questions",
         "dialogues", "approvals", "banners", "displays", "display_groups", "layouts", "playlists",
         "schedules", "report_templates", "report_periods", "report_submissions", "training_courses",
         "attendances", "channels"]
seed, out = sys.argv[1], sys.argv[2]
for index, name in enumerate(order):
    path = os.path.join(seed, name + ".json")
    if not os.path.exists(path):
        continue
    for n, record in enumerate(json.load(open(path, encoding="utf-8"))):
        with open(os.path.join(out, f"{name}-{n}"), "wb") as f:
            f.write(bytes([index]) + json.dumps(record, ensure_ascii=False).encode())
PY
cp "$src"/tests/fuzz/corpus/text/* "$corpus/text/" 2>/dev/null || true
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run() {  # name, max_len, max_seconds, corpus
  local log=$out/$1.log
  if ! "$out/$1" -runs="$runs" -max_len="$2" -seed=1 -max_total_time="$3" -artifact_prefix="$out/$1-" "$4" >"$log" 2>&1; then
    tail -60 "$log"; echo "fuzz: $1 FAILED (crash input saved as $out/$1-*)"; exit 1
  fi
  tail -1 "$log"
}
run fuzz_parse_text 512 45 "$corpus/text"
run fuzz_decode_entities 8192 90 "$corpus/decode"
echo "fuzz: $runs runs per target, no crash"
