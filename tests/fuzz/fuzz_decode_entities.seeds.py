"""Seeds for fuzz_decode_entities: every record of data/seed becomes one input, one byte naming
the entity (its index in fuzz_entity_list.inc) then the record's JSON.
Usage: fuzz_decode_entities.seeds.py <source dir> <output dir>"""
import json
import os
import sys

ORDER = ["units", "accounts", "articles", "legal_documents", "media", "publications", "questions",
         "dialogues", "approvals", "banners", "displays", "display_groups", "layouts", "playlists",
         "schedules", "report_templates", "report_periods", "report_submissions", "training_courses",
         "attendances", "channels"]
src, out = sys.argv[1], sys.argv[2]
seed = os.path.join(src, "data", "seed")
for index, name in enumerate(ORDER):
    path = os.path.join(seed, name + ".json")
    if not os.path.exists(path):
        continue
    with open(path, encoding="utf-8") as f:
        records = json.load(f)
    for n, record in enumerate(records):
        with open(os.path.join(out, f"{name}-{n}"), "wb") as f:
            f.write(bytes([index]) + json.dumps(record, ensure_ascii=False).encode())
