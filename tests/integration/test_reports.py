"""Yearly reporting on the real portal (issue 17): the demo school's round 2 report is a draft
pre-filled from the demo data, and its computed values equal counts made here through the public
API; an override without a justification and a submit with a wrong password are refused and
change nothing; the principal signs and sends it, the ward office's approver signs the approval,
the roll-up counts it, and the downloads hold what they should (the Decree 30 document's national
title and "Nơi nhận", the PDF's text through pdftotext, the CSV's rows, the XLSX's sheet). Nobody
else sees it: no caller gets 401, a school of another ward and that ward's approver get 404. Text
typed into the narrative stays text in the editor, the document and the downloads.

The portal runs from a copy of the seed with two more accounts: the principal of a school of
another ward (Dương Nội) and that ward's approver."""
import datetime
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from editorhelp import EditorClient  # noqa: E402
from portal_proc import SEED_DIR, Portal  # noqa: E402

HANOI = datetime.timezone(datetime.timedelta(hours=7))
SCHOOL = "th-van-yen"
WARD_OFFICE = "vhxh-phuong-ha-dong"
PRINCIPAL = "tran.van.hung"
REVIEWER = "nguyen.thi.thu.huong"
EDITOR = "nguyen.thi.lan"
OTHER_PRINCIPAL = "pham.van.other"     # thcs-le-quy-don, Dương Nội ward (added below)
OTHER_REVIEWER = "le.thi.duongnoi"     # vhxh-phuong-duong-noi (added below)
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>\"'&"


def _extra_accounts():
    base = {"disabled": False, "created_at": "2024-08-20T08:00:00+07:00", "schema_version": 1, "version": 1,
            "email": "", "position": ""}
    return [
        dict(base, id="acc-other-school-approver", username=OTHER_PRINCIPAL, display_name="Phạm Văn Khác",
             grants=[{"r": "school_approver", "unit": "thcs-le-quy-don"}]),
        dict(base, id="acc-other-ward-approver", username=OTHER_REVIEWER, display_name="Lê Thị Dương Nội",
             grants=[{"r": "division_approver", "unit": "vhxh-phuong-duong-noi"}]),
    ]


@pytest.fixture(scope="module")
def portal():
    seed = Path(tempfile.mkdtemp(prefix="pbgdpl-reports-seed-"))
    shutil.copytree(SEED_DIR, seed, dirs_exist_ok=True)
    accounts = json.loads((seed / "accounts.json").read_text(encoding="utf-8")) + _extra_accounts()
    (seed / "accounts.json").write_text(json.dumps(accounts, ensure_ascii=False, indent=1), encoding="utf-8")
    p = Portal(args=["--seed", str(seed)]).start(timeout=60)
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()
        shutil.rmtree(seed, ignore_errors=True)


def passwords(portal):
    out = {}
    for line in (portal.data_dir / "demo-accounts.txt").read_text().splitlines():
        user, pw = line.split()
        out[user] = pw
    return out


class Session:
    """A signed-in editor session that also calls the JSON API (same-origin writes)."""

    def __init__(self, portal, user):
        self.portal = portal
        self.editor = EditorClient(portal.base)
        self.editor.sign_in(user, passwords(portal)[user])
        self.user = user

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(self.portal.base + path, data=data, method=method,
                                     headers={"Origin": self.portal.base, "Content-Type": "application/json"})
        try:
            with self.editor.opener.open(req, timeout=60) as r:
                return r.status, r.read(), dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, e.read(), dict(e.headers)

    def json(self, method, path, body=None):
        st, raw, _ = self.call(method, path, body)
        return st, json.loads(raw) if raw else None


def round2(session):
    st, periods = session.json("GET", "/api/v1/reports/periods")
    assert st == 200, periods
    year = datetime.datetime.now(HANOI).year
    p = [x for x in periods["items"] if x["calendar_year"] == year and x["round"] == "second"]
    assert p, periods
    return p[0]


def the_draft(session, period):
    sid = period["id"] + "." + SCHOOL
    st, sub = session.json("GET", "/api/v1/reports/submissions/" + urllib.parse.quote(sid))
    assert st == 200, sub
    return sub


def in_window(ts, window):
    if not ts:
        return False
    day = datetime.datetime.fromisoformat(ts).astimezone(HANOI).date().isoformat()
    return window["from"] <= day <= window["to"]


def public_items(portal, path):
    items, cursor = [], None
    while True:
        r = portal.get(path + ("&cursor=" + urllib.parse.quote(cursor) if cursor else ""))
        assert r.status == 200, r.text
        j = r.json()
        items += j["items"]
        cursor = j.get("next_cursor")
        if not cursor:
            return items


def independent_counts(portal, window):
    """What the public API shows of the school in the round's window, counted here."""
    articles = public_items(portal, f"/api/v1/articles?unit={SCHOOL}&limit=100")
    questions = public_items(portal, f"/api/v1/questions?unit={SCHOOL}&limit=100")
    displays = public_items(portal, f"/api/v1/displays?unit={SCHOOL}&limit=100")
    return {
        "articles.published": sum(1 for a in articles if in_window(a.get("published_at"), window)),
        "questions.answered": sum(1 for q in questions if in_window(q.get("answered_at"), window)),
        "signage.screens": sum(1 for d in displays if d.get("enabled", True)),
    }


def template_of(session, sub):
    st, ts = session.json("GET", "/api/v1/reports/templates")
    assert st == 200, ts
    return next(t for t in ts["items"] if t["id"] == sub["template_id"])


def complete(session, sub):
    """Fills every required indicator the report has no value for (as a person would before
    sending): yes, 100 (50 for a percent), a sentence for text."""
    tmpl = template_of(session, sub)
    have = {v["code"]: v for v in sub["values"]}
    values = []
    for i in tmpl["indicators"]:
        v = have.get(i["code"], {})
        if not i.get("required") or any(v.get(k) is not None for k in ("number", "flag", "text")):
            continue
        if i["kind"] == "boolean":
            values.append({"code": i["code"], "flag": True})
        elif i["kind"] == "text":
            values.append({"code": i["code"], "text": "Nhà trường đã thực hiện đầy đủ."})
        else:
            values.append({"code": i["code"], "number": 50 if i["kind"] == "percent" else 100})
    st, saved = session.json("PUT", "/api/v1/reports/submissions/" + urllib.parse.quote(sub["id"]) + "/values",
                             {"values": values, "version": sub["version"]})
    assert st == 200, saved
    return saved


def test_reports_are_not_public(portal):
    for path in ("/api/v1/reports/templates", "/api/v1/reports/periods", "/api/v1/reports/submissions",
                 "/api/v1/reports/rollup?period=x&unit=" + WARD_OFFICE):
        r = portal.get(path)
        assert r.status == 401, (path, r.status, r.text)
        assert r.json()["error"]["code"] == "unauthenticated"
    r = portal.request("POST", "/api/v1/reports/submissions", body={"period": "x", "unit": SCHOOL})
    assert r.status == 401
    # The editor's screens send a stranger to sign in.
    r = portal.get("/quan-tri/bao-cao")
    assert r.status == 303 and "dang-nhap" in r.header("location", "")


def test_the_demo_draft_is_prefilled_from_the_demo_data(portal):
    s = Session(portal, PRINCIPAL)
    period = round2(s)
    sub = the_draft(s, period)
    assert sub["state"] == "draft" and sub["unit"] == SCHOOL
    # One more article of the school, published now through the API by the ward office's approver
    # (the demo's key), so the count below is not only the seed's.
    art = {"id": "bai-kiem-thu-bao-cao", "kind": "activity_news", "title": "Bài kiểm thử báo cáo",
           "summary": "Tóm tắt", "body_markdown": "Nội dung.", "category": "Phổ biến, giáo dục pháp luật",
           "tags": [], "unit": SCHOOL, "state": "published"}
    r = portal.request("POST", "/api/v1/articles", body=art, headers=portal.auth())
    assert r.status == 201, r.text
    st, sub = s.json("POST", "/api/v1/reports/submissions/" + urllib.parse.quote(sub["id"]) + "/refresh", {})
    assert st == 200, sub
    tmpl = template_of(s, sub)
    sources = {i["code"]: i.get("source", "") for i in tmpl["indicators"]}
    counts = independent_counts(portal, period["window"])
    checked = 0
    for v in sub["values"]:
        src = sources.get(v["code"], "")
        if src in counts:
            assert v.get("computed_number") == counts[src], (v, src, counts)
            assert v.get("number") == counts[src], v
            checked += 1
    assert checked >= 1, (sources, counts)
    assert counts["articles.published"] >= 1
    # The editor's form shows the computed value with its evidence.
    page = s.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    assert "Số liệu từ cổng" in page
    assert 'name="j-' in page and 'name="csrf"' in page


def test_an_override_without_justification_and_a_wrong_password_are_refused(portal):
    s = Session(portal, PRINCIPAL)
    period = round2(s)
    sub = the_draft(s, period)
    tmpl = template_of(s, sub)
    computed = next(v for v in sub["values"] if v.get("computed_number") is not None)
    path = "/api/v1/reports/submissions/" + urllib.parse.quote(sub["id"])
    changed = dict(code=computed["code"], number=computed["computed_number"] + 5)
    st, err = s.json("PUT", path + "/values", {"values": [changed], "version": sub["version"]})
    assert st == 422, err
    _, after = s.json("GET", path)
    assert after["version"] == sub["version"] and after["values"] == sub["values"]
    # Fields the server owns are refused by name.
    st, err = s.json("PUT", path + "/values", {"values": [], "state": "accepted"})
    assert st == 422 and "state" in err["error"]["path"], err
    # A wrong password signs nothing.
    st, err = s.json("POST", path + "/submit", {"password": "not-the-password"})
    assert st in (401, 422), err
    _, after = s.json("GET", path)
    assert after["state"] == "draft" and not after.get("signature") and after["version"] == sub["version"]
    # An override with its justification is kept beside the computed value; the narrative is text.
    changed["justification"] = "Số liệu cổng chưa tính bài đăng trên trang Facebook của trường"
    values = [changed]
    text_codes = [i["code"] for i in tmpl["indicators"] if i["kind"] == "text"]
    for code in text_codes[:1]:
        values.append({"code": code, "text": "Kết quả tốt. " + XSS})
    st, saved = s.json("PUT", path + "/values", {"values": values, "version": sub["version"]})
    assert st == 200, saved
    v = next(x for x in saved["values"] if x["code"] == changed["code"])
    assert v["number"] == changed["number"] and v["computed_number"] == computed["computed_number"]
    assert v["justification"] == changed["justification"]
    # A client's computed value is ignored, not stored.
    st, saved2 = s.json("PUT", path + "/values", {"values": [dict(changed, computed_number=999)], "version": saved["version"]})
    assert st == 200, saved2
    v = next(x for x in saved2["values"] if x["code"] == changed["code"])
    assert v["computed_number"] == computed["computed_number"]
    # The editor shows the narrative as text.
    if text_codes:
        page = s.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
        assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_strangers_and_another_ward_see_nothing(portal):
    s = Session(portal, PRINCIPAL)
    period = round2(s)
    sid = urllib.parse.quote(period["id"] + "." + SCHOOL)
    for user in (OTHER_PRINCIPAL, OTHER_REVIEWER):
        o = Session(portal, user)
        st, err = o.json("GET", "/api/v1/reports/submissions/" + sid)
        assert st == 404, (user, err)
        st, lst = o.json("GET", "/api/v1/reports/submissions?period=" + urllib.parse.quote(period["id"]))
        assert st == 200 and all(x["unit"] != SCHOOL for x in lst["items"]), lst
        st, err = o.json("POST", "/api/v1/reports/submissions/" + sid + "/approve", {"password": passwords(portal)[user]})
        assert st == 404, err
        st, err = o.json("GET", f"/api/v1/reports/rollup?period={urllib.parse.quote(period['id'])}&unit={WARD_OFFICE}")
        assert st == 403, err
        st, raw, _ = o.call("GET", "/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
        assert st == 404
        st, raw, _ = o.call("GET", "/quan-tri/bao-cao/" + period["id"] + "/xet/" + WARD_OFFICE)
        assert st == 404
        st, raw, _ = o.call("GET", "/quan-tri/bao-cao/" + period["id"] + "/tong-hop/" + WARD_OFFICE)
        assert st == 404
    # The school's editor sees its own school's report, not its neighbour's.
    e = Session(portal, EDITOR)
    st, _ = e.json("GET", "/api/v1/reports/submissions/" + sid)
    assert st == 200
    st, _ = e.json("POST", "/api/v1/reports/submissions", {"period": period["id"], "unit": "th-le-loi"})
    assert st in (403, 404)


def test_submit_return_approve_excuse_rollup_and_downloads(portal):
    s = Session(portal, PRINCIPAL)
    period = round2(s)
    sub = complete(s, the_draft(s, period))
    path = "/api/v1/reports/submissions/" + urllib.parse.quote(sub["id"])
    st, sent = s.json("POST", path + "/submit", {"password": passwords(portal)[PRINCIPAL]})
    assert st == 200, sent
    assert sent["state"] == "submitted" and sent["signature"].startswith("untrusted comment:") and sent["signer_key"]
    # Sent twice: a conflict, nothing changed.
    st, err = s.json("POST", path + "/submit", {"password": passwords(portal)[PRINCIPAL]})
    assert st == 409, err
    # The principal cannot approve its own school's report.
    st, err = s.json("POST", path + "/approve", {"password": passwords(portal)[PRINCIPAL]})
    assert st == 403, err
    # The ward office's approver, in the editor: the review screen lists the ward's schools.
    r = Session(portal, REVIEWER)
    page = r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/xet/" + WARD_OFFICE)
    assert "Tiểu học Văn Yên" in page and "Đúng hạn" in page and "Mầm non Văn Khê" in page
    assert "Lê Quý Đôn" not in page  # a school of another ward
    # A return needs a note; with one, the report goes back to the school, which sends it again.
    r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    r.editor.submit(button="b-tra-lai", return_note="")
    _, still = r.json("GET", path)
    assert still["state"] == "submitted"
    r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    r.editor.submit(button="b-tra-lai", return_note="Bổ sung số liệu tập huấn <b>gấp</b>")
    _, back = r.json("GET", path)
    assert back["state"] == "returned" and back["review_note"].startswith("Bổ sung"), back
    page = s.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    assert "Bổ sung số liệu tập huấn &lt;b&gt;gấp&lt;/b&gt;" in page
    st, sent = s.json("POST", path + "/submit", {"password": passwords(portal)[PRINCIPAL]})
    assert st == 200 and sent["state"] == "submitted", sent
    # Excusing a school of the ward from the review screen, with a reason.
    r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/xet/" + WARD_OFFICE)
    r.editor.submit(action=f"/quan-tri/bao-cao/{period['id']}/xet/{WARD_OFFICE}/mien", unit="mn-van-khe",
                    reason="Trường đang sửa chữa, tạm dừng hoạt động")
    st, ex = r.json("GET", "/api/v1/reports/submissions/" + urllib.parse.quote(period["id"] + ".mn-van-khe"))
    assert st == 200 and ex["state"] == "excused", ex
    st, comp = r.json("GET", f"/api/v1/reports/periods/{urllib.parse.quote(period['id'])}/completeness?unit={WARD_OFFICE}")
    assert st == 200, comp
    assert next(x for x in comp["by_level"] if x["level"] == "")["excused"] == 1, comp
    r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    r.editor.submit(button="b-duyet", password="sai-mat-khau")
    _, still = r.json("GET", path)
    assert still["state"] == "submitted"
    r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/" + SCHOOL)
    r.editor.submit(button="b-duyet", password=passwords(portal)[REVIEWER], note="Đạt yêu cầu")
    assert "da=duyet" in r.editor.url, r.editor.page[:2000]
    _, done = r.json("GET", path)
    assert done["state"] == "accepted" and done["approval_signature"] and done["approver_key"]
    assert [h["action"] for h in done["history"]][-2:] == ["submit", "approve"]
    # The roll-up counts it.
    q = f"/api/v1/reports/rollup?period={urllib.parse.quote(period['id'])}&unit={WARD_OFFICE}"
    st, view = r.json("GET", q)
    assert st == 200, view
    raw = json.dumps(view, ensure_ascii=False)
    assert SCHOOL in raw
    page = r.editor.get("/quan-tri/bao-cao/" + period["id"] + "/tong-hop/" + WARD_OFFICE)
    assert "Tiểu học Văn Yên" in page and "format=pdf" in page and "<script>alert" not in page
    # Decree 30 HTML.
    st, html_doc, headers = r.call("GET", q + "&format=html")
    assert st == 200 and headers["Content-Type"].startswith("text/html")
    text = html_doc.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận" in text
    assert "<script>alert" not in text
    # Its print layout is an inline <style>: the document's own policy lets that (and no script) in,
    # where the portal's default (style-src 'self') would have left the page unstyled.
    csp = headers.get("Content-Security-Policy", "")
    assert "<style" in text and "style-src 'unsafe-inline'" in csp and "default-src 'none'" in csp, csp
    assert "script-src" not in csp
    # PDF, through pdftotext.
    st, pdf, headers = r.call("GET", q + "&format=pdf")
    assert st == 200 and pdf.startswith(b"%PDF"), pdf[:100]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, check=True).stdout.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in out and "Nơi nhận" in out, out[:2000]
    # CSV: the header and the school's rows.
    st, csv_doc, headers = r.call("GET", q + "&format=csv")
    assert st == 200 and "attachment" in headers.get("Content-Disposition", "")
    lines = csv_doc.decode("utf-8-sig").splitlines()
    assert lines[0] == "unit,period,indicator,breakdown,value,comment", lines[:3]
    assert any(l.startswith(SCHOOL + ",") for l in lines), lines[:10]
    assert not any(l.split(",", 5)[-1].startswith(("=", "+", "-", "@")) for l in lines[1:] if l.count(",") >= 5)
    # XLSX: a workbook whose sheets name the school.
    st, xlsx, headers = r.call("GET", q + "&format=xlsx")
    assert st == 200 and xlsx[:2] == b"PK"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets
        strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
        assert SCHOOL in strings or any(SCHOOL in z.read(n).decode() for n in sheets)
    # The e-mail package carries the three attachments.
    st, eml, headers = r.call("GET", q + "&format=eml")
    assert st == 200 and b"multipart/mixed" in eml
    assert eml.count(b"Content-Disposition: attachment") >= 3
    # The school's own report as its Decree 30 document, the narrative's markup inert.
    st, doc, headers = s.call("GET", path + "/document?format=html")
    assert st == 200 and headers["Content-Type"].startswith("text/html"), doc[:300]
    text = doc.decode()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Tiểu học Văn Yên".upper() in text.upper()
    assert "<script>alert" not in text and "&lt;script&gt;" in text
    st, pdf, _ = s.call("GET", path + "/document?format=pdf")
    assert st == 200 and pdf.startswith(b"%PDF")
    # The signature block names who sent (signed) the report, whoever downloads it: the ward's
    # reviewer reading the school's document is not its signer.
    assert "Trần Văn Hùng" in text
    # Above the school's name: the ward's People's Committee (the ward's office gives way to it).
    assert "UBND PHƯỜNG HÀ ĐÔNG" in text, text[:3000]
    st, doc_r, _ = r.call("GET", path + "/document?format=html")
    assert st == 200
    assert "Trần Văn Hùng" in doc_r.decode() and "Nguyễn Thị Thu Hương" not in doc_r.decode()
    # The city's official sees the city-wide roll-up: the ward office's row counts the school.
    city = Session(portal, "pham.minh.duc")
    st, cv = city.json("GET", f"/api/v1/reports/rollup?period={urllib.parse.quote(period['id'])}&unit=ha-noi")
    assert st == 200, cv
    area = next(a for a in cv["areas"] if a["unit"] == WARD_OFFICE)
    assert area["counted"] == 1 and cv["counted"] >= 1, area
    page = city.editor.get("/quan-tri/bao-cao/" + period["id"] + "/tong-hop/ha-noi")
    assert "Phòng Văn hóa - Xã hội phường Hà Đông" in page
    # A ward's approver does not see the city's.
    st, err = r.json("GET", f"/api/v1/reports/rollup?period={urllib.parse.quote(period['id'])}&unit=ha-noi")
    assert st == 403, err
    # An unknown format is an error, not a download.
    st, err = r.json("GET", q + "&format=exe")
    assert st == 400, err


def test_the_openapi_document_names_the_report_operations(portal):
    doc = portal.get("/api/openapi.json").json()
    ops = {op.get("operationId") for p in doc["paths"].values() for op in p.values() if isinstance(op, dict)}
    for name in ("listReportPeriods", "openReportDraft", "saveReportValues", "submitReport", "approveReport",
                 "returnReport", "excuseReport", "getReportRollup", "getReportDocument"):
        assert name in ops, name
