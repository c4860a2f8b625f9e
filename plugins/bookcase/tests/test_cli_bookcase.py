# `pbgdpl bookcase import|export` as an operator runs it: the plugin loaded by the host from
# --plugin-dir, the sample catalogue into a fresh SQLite store in one transaction, bad rows
# refusing the whole import unless --accept-warnings, a second import updating instead of
# duplicating, a document already stored under the same number keeping its id, the export read
# back, and hostile inputs (a FIFO, a missing plugin, a lying catalogue) refused cleanly.
import csv
import io
import json
import os
import shutil
import subprocess

import pytest

CLI = os.environ.get("PBGDPL_CLI", "")
PLUGINS = os.environ.get("PBGDPL_PLUGIN_DIR", "")
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
SAMPLE = os.path.join(DATA, "catalogue.csv")


def pbgdpl(*args):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=60)


def ok(*args):
    r = pbgdpl(*args)
    assert r.returncode == 0, f"pbgdpl {' '.join(map(str, args))}: {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r


def imp(db, path, *extra, fmt="csv"):
    return pbgdpl("bookcase", "import", "--plugin-dir", PLUGINS, "--db", db, "--format", fmt, "--unit", "pgd-ha-dong",
                  *extra, path)


def exported(db, fmt="json"):
    r = ok("bookcase", "export", "--plugin-dir", PLUGINS, "--db", db, "--format", fmt, "--include-drafts")
    return r.stdout


def items(db):
    return json.loads(exported(db))["items"]


@pytest.fixture(scope="session", autouse=True)
def built():
    assert CLI and os.access(CLI, os.X_OK), "PBGDPL_CLI must name the built pbgdpl"
    assert os.path.exists(os.path.join(PLUGINS, "bookcase.json")), "the bookcase plugin must be built"


def good_rows_only(tmp_path):
    """The sample without its five deliberately bad rows (the last five)."""
    lines = open(SAMPLE, encoding="utf-8-sig", newline="").read().split("\r\n")
    path = tmp_path / "good.csv"
    path.write_text("\r\n".join(lines[:15]) + "\r\n", encoding="utf-8")
    return path


def test_bad_rows_refuse_the_import_and_nothing_is_written(tmp_path):
    db = tmp_path / "pbgdpl.db"
    r = imp(db, SAMPLE)
    assert r.returncode == 1, r.stderr
    for line in (16, 17, 18, 19, 20):
        assert f"Dòng {line}, cột" in r.stderr and f"Line {line}, column" in r.stderr, r.stderr
    assert "nothing written" in r.stderr and "không ghi gì" in r.stderr
    assert not db.exists()


def test_import_with_accept_warnings_then_again_updates_nothing(tmp_path):
    db = tmp_path / "pbgdpl.db"
    r = imp(db, SAMPLE, "--accept-warnings")
    assert r.returncode == 0, r.stderr
    assert "created 10, cập nhật / updated 0" in r.stdout, r.stdout
    assert "created 4," in r.stdout, r.stdout
    first = items(db)
    assert len(first) == 14
    r = imp(db, SAMPLE, "--accept-warnings")
    assert r.returncode == 0, r.stderr
    assert "created 0, cập nhật / updated 0, không đổi / unchanged 10" in r.stdout, r.stdout
    assert "created 0, cập nhật / updated 0, không đổi / unchanged 4" in r.stdout, r.stdout
    assert items(db) == first


def test_a_document_stored_under_its_number_keeps_its_id_and_books_point_to_it(tmp_path):
    db = tmp_path / "pbgdpl.db"
    seed = tmp_path / "seed.csv"
    seed.write_text("id,number,type,title,issuer,issued_on,level\r\n"
                    "luat-pbgdpl-2012,14/2012/QH13,Luật,Luật PBGDPL,Quốc hội,20/06/2012,central\r\n", encoding="utf-8")
    ok("bookcase", "import", "--plugin-dir", PLUGINS, "--db", db, seed)
    r = imp(db, good_rows_only(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "created 9, cập nhật / updated 1" in r.stdout, r.stdout
    got = items(db)
    ids = {x["id"] for x in got}
    assert "luat-pbgdpl-2012" in ids and "vb-14-2012-qh13" not in ids
    law = next(x for x in got if x["id"] == "luat-pbgdpl-2012")
    assert law["title"] == "Luật Phổ biến, giáo dục pháp luật"  # the catalogue's title won
    outline = next(x for x in got if x.get("category") == "gioi_thieu_luat")
    assert outline["documents"] == ["14/2012/QH13"]


def test_export_reads_back_as_the_same_catalogue_in_csv_and_json(tmp_path):
    db = tmp_path / "pbgdpl.db"
    assert imp(db, good_rows_only(tmp_path)).returncode == 0
    for fmt in ("csv", "json"):
        out = tmp_path / f"out.{fmt}"
        ok("bookcase", "export", "--plugin-dir", PLUGINS, "--db", db, "--format", fmt, "--include-drafts", "-o", out)
        db2 = tmp_path / f"again-{fmt}.db"
        r = imp(db2, out, fmt=fmt)
        assert r.returncode == 0, r.stderr
        assert items(db2) == items(db)
    text = (tmp_path / "out.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbfid,kind,")
    rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert len(rows) == 14
    plan = next(x for x in rows if x["number"] == "19/KH-PGDĐT")
    assert plan["summary"].startswith("'=HYPERLINK(")  # a spreadsheet will not run it
    assert plan["issued_on"] == "22/03/2023"
    # Without --include-drafts the books (drafts) stay home.
    only_published = json.loads(ok("bookcase", "export", "--plugin-dir", PLUGINS, "--db", db, "--format", "json").stdout)
    assert {x["kind"] for x in only_published["items"]} == {"document"}


def test_a_changed_validity_is_an_update(tmp_path):
    db = tmp_path / "pbgdpl.db"
    good = good_rows_only(tmp_path)
    assert imp(db, good).returncode == 0
    text = good.read_text(encoding="utf-8").replace("01/05/2019,,Còn hiệu lực", "01/05/2019,,Ngưng hiệu lực")
    good.write_text(text, encoding="utf-8")
    r = imp(db, good)
    assert r.returncode == 0, r.stderr
    assert "updated 1, không đổi / unchanged 9" in r.stdout, r.stdout
    decision = next(x for x in items(db) if x.get("number") == "14/2019/QĐ-TTg")
    assert decision["status"] == "Ngưng hiệu lực"


def test_a_write_the_store_refuses_rolls_back_the_whole_import(tmp_path):
    db = tmp_path / "pbgdpl.db"
    assert imp(db, good_rows_only(tmp_path)).returncode == 0
    before = items(db)
    # A new document, then two rows that both land on plan 19's record (one by its number and
    # year, one by its id): the second write finds the record changed under it (a conflict).
    bad = tmp_path / "bad.csv"
    bad.write_text("id,number,type,title,issuer,issued_on\r\n"
                   ",99/KH-PGDĐT,Kế hoạch,Mới,Phòng GDĐT,01/01/2024\r\n"
                   "khac-19,19/KH-PGDĐT,Kế hoạch,Tên khác,Phòng GDĐT,22/03/2023\r\n"
                   "vb-19-kh-pgddt-2023,77/KH-PGDĐT,Kế hoạch,Số khác,Phòng GDĐT,01/01/2024\r\n", encoding="utf-8")
    r = imp(db, bad)
    assert r.returncode in (1, 3), r.stdout
    assert "rolled back" in r.stderr and "hoàn tác" in r.stderr, r.stderr
    assert items(db) == before  # neither the new document nor the first change is there


def test_an_import_never_rewrites_another_authority_s_document_or_another_unit_s_book(tmp_path):
    # Red team: numbers repeat across issuers (every school has its "01/KH-THCS"), and a catalogue
    # may name any id. Neither may turn a stored record into another one.
    db = tmp_path / "pbgdpl.db"
    seed = tmp_path / "seed.csv"
    seed.write_text("id,kind,category,number,type,title,issuer,issued_on\r\n"
                    ",document,,01/KH-THCS,Kế hoạch,Kế hoạch của trường A,Trường THCS A,01/02/2024\r\n"
                    "sach-a,book,hoi_dap,,,Sách của trường A,,\r\n", encoding="utf-8")
    r = pbgdpl("bookcase", "import", "--plugin-dir", PLUGINS, "--db", db, "--format", "csv", "--unit", "thcs-a", seed)
    assert r.returncode == 0, r.stderr
    before = items(db)
    attacks = [
        # the same number and year from another issuer
        ",document,,01/KH-THCS,Kế hoạch,<script>alert(1)</script>,Trường THCS B,01/02/2024",
        # the stored document's id on another document
        "vb-01-kh-thcs-2024,document,,05/QĐ-UBND,Quyết định,Đổi số,UBND quận,01/03/2024",
        # another unit's book by its id
        "sach-a,book,hoi_dap,,,Sách đã bị đổi,,",
    ]
    for row in attacks:
        bad = tmp_path / "bad.csv"
        bad.write_text("id,kind,category,number,type,title,issuer,issued_on\r\n" + row + "\r\n", encoding="utf-8")
        r = pbgdpl("bookcase", "import", "--plugin-dir", PLUGINS, "--db", db, "--format", "csv", "--unit", "thcs-b", bad)
        assert r.returncode in (1, 3), (row, r.stdout, r.stderr)
        assert "Lỗi:" in r.stderr and "Error:" in r.stderr and "rolled back" in r.stderr, r.stderr
        assert items(db) == before, row


def test_hostile_inputs_are_refused_without_hanging(tmp_path):
    db = tmp_path / "pbgdpl.db"
    fifo = tmp_path / "catalogue.csv"
    os.mkfifo(fifo)
    r = imp(db, fifo)
    assert r.returncode in (1, 3) and "Lỗi:" in r.stderr and "Error:" in r.stderr, r.stderr
    empty = tmp_path / "plugins"
    empty.mkdir()
    r = pbgdpl("bookcase", "import", "--plugin-dir", empty, "--db", db, SAMPLE)
    assert r.returncode in (1, 3) and "bookcase" in r.stderr, r.stderr
    # A manifest that lies about its library (a path outside its folder) is refused before loading.
    liar = tmp_path / "liar"
    liar.mkdir()
    manifest = json.load(open(os.path.join(PLUGINS, "bookcase.json")))
    manifest["library"] = "../" + manifest["library"]
    (liar / "bookcase.json").write_text(json.dumps(manifest))
    r = pbgdpl("bookcase", "import", "--plugin-dir", liar, "--db", db, SAMPLE)
    assert r.returncode in (1, 3) and "Error:" in r.stderr, r.stderr
    r = pbgdpl("bookcase", "import", "--plugin-dir", PLUGINS, "--db", db, "--format", "xml", SAMPLE)
    assert r.returncode == 2 and "Error:" in r.stderr
    assert not db.exists()


def test_help_is_in_both_languages():
    for cmd in (["bookcase"], ["bookcase", "import"], ["bookcase", "export"]):
        r = ok(*cmd, "--help")
        assert "Cách dùng / Usage: pbgdpl " + " ".join(cmd) in r.stdout
        assert "--plugin-dir" in r.stdout or cmd == ["bookcase"]
