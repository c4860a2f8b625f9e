"""examples/yearly_rollup.py on the demo data: the CSV holds what the seed's reports say, and each
chart is a real PNG of the size drawn."""
import datetime as dt
import json
import os
import pathlib
import struct
import subprocess
import sys


import pbgdpl
from pbgdpl import reports

EXAMPLE = pathlib.Path(__file__).resolve().parents[1] / "examples" / "yearly_rollup.py"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_example(*args):
    env = dict(os.environ, MPLBACKEND="Agg")
    return subprocess.run([sys.executable, str(EXAMPLE), *map(str, args)], capture_output=True, text=True, env=env,
                          timeout=240)


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == PNG_MAGIC, f"{path.name} is not a PNG"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height, len(data)


def check_pngs(out, period):
    import matplotlib.image as mpimg
    for name in ("completeness", "targets", "trend"):
        path = out / f"{name}-{period}.png"
        width, height, size = png_size(path)
        assert width > 100 and height > 100 and size > 1000
        img = mpimg.imread(path)  # decodes the whole image: a truncated file fails here
        assert img.shape[:2] == (height, width)
        assert img.std() > 0  # something is drawn


def seed_values(seed_dir, period):
    subs = [s for s in json.loads((seed_dir / "report_submissions.json").read_text(encoding="utf-8"))
            if s["period_id"] == period and s["state"] in ("submitted", "accepted")]
    return subs


def newest_reported_period(seed_dir):
    periods = json.loads((seed_dir / "report_periods.json").read_text(encoding="utf-8"))
    reported = {s["period_id"] for s in json.loads((seed_dir / "report_submissions.json").read_text(encoding="utf-8"))
                if s["state"] in ("submitted", "accepted")}
    return max((p for p in periods if p["id"] in reported), key=lambda p: (p["due_on"], p["id"]))["id"]


def text_of(v):
    if "flag" in v and v["flag"] is not None:
        return "true" if v["flag"] else "false"
    if "number" in v and v["number"] is not None:
        n = float(v["number"])
        return str(int(n)) if n.is_integer() else repr(n)
    return v.get("text", "")


def test_demo_rollup_csv_and_charts(tmp_path, seed_dir):
    out = tmp_path / "out"
    r = run_example("--seed", seed_dir, "--out", out, "--include-submitted")
    assert r.returncode == 0, r.stderr
    period = newest_reported_period(seed_dir)
    csv_path = out / f"rollup-{period}.csv"
    rows = reports.read_csv(csv_path)
    assert rows and all(row.period == period for row in rows)
    subs = seed_values(seed_dir, period)
    assert subs
    for sub in subs:
        own = {row.indicator: row for row in rows if row.unit == sub["unit"] and row.breakdown == ""}
        for v in sub["values"]:
            if v.get("number") is None and v.get("flag") is None:
                continue
            assert own[v["code"]].value == text_of(v), v["code"]
            assert own[v["code"]].comment == v.get("comment", "")
    # One school counted: the totals at the unit above are its numbers.
    if len(subs) == 1:
        school = {row.indicator: row.value for row in rows if row.unit == subs[0]["unit"]}
        above = {row.indicator: row.value for row in rows if row.unit != subs[0]["unit"] and row.breakdown == ""}
        numeric = [c for c, v in school.items() if v not in ("true", "false") and c in above]
        assert numeric and all(above[c] == school[c] for c in numeric)
    assert f"{period}" in r.stdout and "1/" in r.stdout
    check_pngs(out, period)


def test_approved_only_by_default(tmp_path, seed_dir):
    out = tmp_path / "out"
    r = run_example("--seed", seed_dir, "--out", out)
    assert r.returncode == 0, r.stderr
    period = newest_reported_period(seed_dir)
    rows = reports.read_csv(out / f"rollup-{period}.csv")
    units = {s["unit"] for s in seed_values(seed_dir, period) if s["state"] == "submitted"}
    assert not [row for row in rows if row.unit in units]  # sent but not approved: not counted
    assert "0/" in r.stdout


def test_given_store_with_an_approved_round(tmp_path, seed_dir):
    """A store with the seed and a report approved in the next round: the example reads it as is."""
    path = tmp_path / "pbgdpl.db"
    period = "kh19-2023-2024-dot-1"
    now = dt.datetime(2024, 6, 20, 2, 0, tzinfo=dt.timezone.utc)
    school, reviewer = pbgdpl.KeyPair.generate(), pbgdpl.KeyPair.generate()
    hash_ = "$argon2id$v=19$m=65536,t=3,p=1$c2VsLXRlc3Q$bm90LWEtcmVhbC1oYXNoLWp1c3QtYS10ZXN0"
    with pbgdpl.Store.open(path) as db:
        db.import_dataset(seed_dir)
        for acc, pair in (("acc-school-approver", school), ("acc-division-approver", reviewer)):
            db.create({"id": acc, "approval_public_key": pair.public_key.dumps(), "password_hash": hash_},
                      kind="credential", actor="test")
        draft = reports.open_draft(db, period, "th-van-yen", actor="acc-school-approver", now=now)
        values = [{"code": "has_pbgdpl_section", "flag": True}, {"code": "linked_to_division", "flag": True},
                  {"code": "has_city_banner", "flag": True}, {"code": "articles_posted", "number": 17},
                  {"code": "documents_introduced", "number": 5}, {"code": "publications_made", "number": 3},
                  {"code": "legal_staircase_screens", "number": 2}, {"code": "staff_trained", "number": 20}]
        reports.save_values(db, draft, values, actor="acc-school-approver", now=now)
        reports.submit(db, draft, actor="acc-school-approver", key=school.secret_key, now=now)
        reports.approve(db, draft, actor="acc-division-approver", key=reviewer.secret_key, now=now)
    out = tmp_path / "out"
    r = run_example("--store", path, "--period", period, "--out", out, "--now", "2024-07-01T09:00:00+07:00")
    assert r.returncode == 0, r.stderr
    rows = reports.read_csv(out / f"rollup-{period}.csv")
    own = {row.indicator: row.value for row in rows if row.unit == "th-van-yen"}
    assert own["articles_posted"] == "17" and own["staff_trained"] == "20" and own["has_city_banner"] == "true"
    assert "1/" in r.stdout
    check_pngs(out, period)


def test_usage_errors(tmp_path, seed_dir):
    r = run_example("--seed", tmp_path / "no-such-seed", "--out", tmp_path)
    assert r.returncode == 2 and "units.json" in r.stderr
    r = run_example("--seed", seed_dir, "--period", "no-such-period", "--out", tmp_path)
    assert r.returncode == 1 and "no-such-period" in r.stderr
    r = run_example("--seed", seed_dir, "--unit", "no-such-unit", "--out", tmp_path)
    assert r.returncode == 1
    r = run_example("--store", tmp_path / "missing.db", "--out", tmp_path)
    assert r.returncode == 2
