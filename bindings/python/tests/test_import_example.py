"""examples/import_legal_documents.py: the sample CSV imports; a bad CSV reports every bad row
by line in both languages and writes nothing; a batch the store refuses part-way leaves nothing
behind; files that are not UTF-8 or lack columns are usage errors."""
import json
import os
import pathlib
import subprocess
import sys

from pbgdpl import Store
from pbgdpl.model import LegalDocument

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "examples"
SCRIPT = EXAMPLES / "import_legal_documents.py"
SAMPLE = EXAMPLES / "data" / "legal_documents.csv"


def run(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH", ""), str(EXAMPLES)) if p)
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          timeout=120, env=env)


def sample_rows():
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def test_the_sample_imports(tmp_path):
    db = tmp_path / "var" / "pbgdpl.db"
    r = run(SAMPLE, "--db", db)
    assert r.returncode == 0, r.stderr
    assert "imported 5 documents" in r.stdout and "Đã nhập 5 văn bản" in r.stdout
    with Store.open(db) as s:
        docs = {d.number: d for d in s.list(LegalDocument)}
        assert set(docs) == {"28/2013/NĐ-CP", "80/2015/QH13", "30/2020/NĐ-CP", "25/KH-PGDĐT", "12/KH-THVY"}
        assert docs["30/2020/NĐ-CP"].issued_on.isoformat() == "2020-03-05"  # d/m/yyyy
        assert docs["80/2015/QH13"].type_code == "Luật" and docs["25/KH-PGDĐT"].type_code == "KH"
        assert docs["12/KH-THVY"].title.endswith('"Học sinh Văn Yên với pháp luật"')
        assert docs["30/2020/NĐ-CP"].fields == ["Văn thư", "Hành chính"]
        assert 'href="https://vanban.chinhphu.vn/"' in docs["28/2013/NĐ-CP"].body_html
        assert next(s.search("van thu", kinds=[LegalDocument])).id == docs["30/2020/NĐ-CP"].id
        assert {e.actor for e in s.audit(LegalDocument)} == {"import-csv"}


def test_dry_run_writes_nothing(tmp_path):
    db = tmp_path / "dry.db"
    r = run(SAMPLE, "--db", db, "--dry-run", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"ok": True, "valid": 5, "imported": 0}
    assert not db.exists()


def test_a_bad_csv_reports_each_row_and_writes_nothing(tmp_path, seed_dir):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "number,title,issuer,issued_on,level,summary\n"                                  # line 1
        "19/KH-ABC,Đúng,Phòng GDĐT,22/03/2023,sector,ok\n"                               # line 2: good
        "20/KH-ABC,Sai ngày,Phòng GDĐT,31/02/2023,sector,\n"                             # line 3: no 31 Feb
        "21/KH-ABC,,Phòng GDĐT,2023-03-22,sector,\n"                                     # line 4: no title
        "không-số,Sai số,Phòng GDĐT,2023-03-22,sector,\n"                                # line 5: bad number
        "22/KH-ABC,Tóm tắt,Phòng GDĐT,2023-03-22,sector,\"dòng một\ndòng hai\"\n"         # lines 6-7: good
        "19/KH-ABC,Trùng,Phòng GDĐT,22/03/2023,sector,\n"                                # line 8: same id as line 2
        "23/KH-ABC,Sai cấp,Phòng GDĐT,2023-03-22,planet,\n"                              # line 9: bad level
        "24/KH-ABC,Thừa,Phòng GDĐT,2023-03-22,sector,x,extra\n",                        # line 10: extra cell
        encoding="utf-8")
    db = tmp_path / "seeded.db"
    with Store.open(db) as s:
        s.import_dataset(seed_dir)
        before = s.count(LegalDocument)
    r = run(bad, "--db", db, "--json")
    assert r.returncode == 1
    out = json.loads(r.stdout)
    assert out["ok"] is False
    lines = sorted({p["line"] for p in out["problems"]})
    assert lines == [3, 4, 5, 8, 9, 10]
    by_line = {p["line"]: p for p in out["problems"]}
    assert by_line[4]["column"] == "title" and by_line[5]["column"] == ""
    assert by_line[3]["column"] == "issued_on"
    for p in out["problems"]:
        assert p["message_vi"] and p["message_en"] and p["message_vi"] != p["message_en"]
    assert "dòng 3" in r.stderr and "line 3" in r.stderr and "nothing written" in r.stderr
    with Store.open(db) as s:
        assert s.count(LegalDocument) == before


def test_a_batch_refused_part_way_is_rolled_back(tmp_path):
    db = tmp_path / "twice.db"
    assert run(SAMPLE, "--db", db).returncode == 0
    rows = sample_rows()
    again = tmp_path / "again.csv"
    # Two new documents, then one the store already holds (line 4), then another new one.
    again.write_text("\n".join([rows[0],
                                "31/KH-XYZ,Mới một,,Phòng GDĐT,2024-01-02,sector,,,,",
                                "32/KH-XYZ,Mới hai,,Phòng GDĐT,2024-01-03,sector,,,,",
                                rows[3],
                                "33/KH-XYZ,Mới ba,,Phòng GDĐT,2024-01-04,sector,,,,"]) + "\n", encoding="utf-8")
    r = run(again, "--db", db)
    assert r.returncode == 1
    assert "dòng 4" in r.stderr and "line 4" in r.stderr and "rolled back" in r.stderr
    with Store.open(db) as s:
        assert s.count(LegalDocument) == 5
        assert not [d for d in s.list(LegalDocument) if d.number.endswith("/KH-XYZ")]


def test_usage_errors(tmp_path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("number,title,issuer,issued_on\n1/KH-A,ok,x,2023-01-01\n".encode() +
                      "2/KH-A,Kế hoạch,x,2023-01-01\n".encode("cp1258", errors="replace") + b"\xff\n")
    r = run(latin, "--db", tmp_path / "x.db")
    assert r.returncode == 2 and "UTF-8" in r.stderr and ("line 3" in r.stderr or "line 4" in r.stderr)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("number,title\n1/KH-A,x\n", encoding="utf-8")
    r = run(nocol, "--db", tmp_path / "x.db")
    assert r.returncode == 2 and "issuer" in r.stderr and "issued_on" in r.stderr
    r = run(tmp_path, "--db", tmp_path / "x.db")  # a directory
    assert r.returncode == 2
    r = run(SAMPLE)  # no --db
    assert r.returncode == 2
    assert not (tmp_path / "x.db").exists()
