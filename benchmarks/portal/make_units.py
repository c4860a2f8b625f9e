#!/usr/bin/env python3
"""Writes N generated schools under the seed's education division, for the unit-count benchmark
(benchmarks/portal/units.sh): OUT_FILE holds {"units": [...]}, which pbgdpl_portal_bench_load adds
to the seed. Kindergartens, primary and lower secondary schools in turn, as Hà Nội's thousands
are. Deterministic: the same N gives the same bytes.

Usage: make_units.py SRC_SEED_DIR OUT_FILE [--count 3000]
"""
import argparse
import json
from pathlib import Path

LEVELS = [("mn", "Trường Mầm non", "MN"), ("th", "Trường Tiểu học", "TH"), ("thcs", "Trường THCS", "THCS")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=3000)
    a = ap.parse_args()
    units = json.loads((Path(a.src) / "units.json").read_text(encoding="utf-8"))
    division = next(u for u in units if u.get("kind") == "education_division")
    out = []
    for i in range(a.count):
        level, name, short = LEVELS[i % len(LEVELS)]
        out.append({
            "id": f"bench-{level}-{i + 1:04d}",
            "kind": "school",
            "level": level,
            "name": f"{name} Thử nghiệm {i + 1:04d}",
            "short_name": f"{short} Thử nghiệm {i + 1:04d}",
            "parent": division["id"],
            "schema_version": 1,
            "version": 1,
        })
    Path(a.out).write_text(json.dumps({"units": out}, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
