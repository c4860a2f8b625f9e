"""Upward syndication over HTTP (issue 15): the unit's signed package and its .minisig served at
/pbgdpl/lien-thong/, checked with the stock minisign against the portal's syndication.pub; an
article taken through the editor (written, submitted, approved with the approver's password,
published) travels with its approval, which minisign checks against the approver's key; drafts,
questions and accounts never appear; and the package is pushed to a receiver on 127.0.0.1 that
fails twice, with one idempotency key for every attempt, and pushed again when content changes."""
import http.server
import json
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from editorhelp import EditorClient
from portal_proc import Portal, free_port

SCHOOL = "th-van-yen"
EDITOR = "nguyen.thi.lan"   # school editor, Trường Tiểu học Văn Yên
APPROVER = "tran.van.hung"  # school approver of the same school
SECTION = f"/don-vi/{SCHOOL}/pbgdpl/lien-thong"


class Receiver:
    """The city's endpoint: answers from a script of statuses (200 once it runs out)."""

    def __init__(self, script):
        self.script = list(script)
        self.got = []  # (headers, body)
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with outer.lock:
                    outer.got.append(({k.lower(): v for k, v in self.headers.items()}, body))
                    status = outer.script.pop(0) if outer.script else 200
                    outer.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/lien-thong/nhan"

    def wait_for(self, n, timeout):
        with self.lock:
            self.arrived.wait_for(lambda: len(self.got) >= n, timeout=timeout)
            return list(self.got)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def receiver():
    rx = Receiver([503, 503])
    yield rx
    rx.close()


@pytest.fixture(scope="module")
def portal(receiver):
    p = Portal(args=["--syndicate-url", receiver.url, "--syndicate-unit", SCHOOL, "--syndicate-retry-base", "1",
                     "--syndicate-interval", "2"]).start()
    try:
        yield p
        assert p.alive(), "the portal died during the tests:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0, p.log_path.read_text(errors="replace")
    finally:
        p.cleanup()


def passwords(portal):
    return dict(line.split() for line in (portal.data_dir / "demo-accounts.txt").read_text().splitlines())


def minisign_ok(tmp, content, signature, pub_text):
    """Whether the stock minisign accepts `signature` over `content` with the public key text."""
    (tmp / "c").write_bytes(content)
    (tmp / "c.minisig").write_bytes(signature)
    if "untrusted comment" in pub_text:
        (tmp / "k.pub").write_text(pub_text)
        key = ["-p", str(tmp / "k.pub")]
    else:
        key = ["-P", pub_text.strip()]  # the bare base64 line, as the package lists approvers' keys
    r = subprocess.run(["minisign", "-Vm", str(tmp / "c"), "-x", str(tmp / "c.minisig"), *key],
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0


def package(portal):
    g = portal.get(SECTION + "/goi.json")
    s = portal.get(SECTION + "/goi.json.minisig")
    assert g.status == 200 and s.status == 200, (g.status, s.status)
    assert g.header("content-type").startswith("application/json")
    return g, s


def approved_article(portal, title):
    pw = passwords(portal)
    editor = EditorClient(portal.base)
    editor.sign_in(EDITOR, pw[EDITOR])
    aid = editor.write_article(title, "Nội dung **" + title + "** đã được duyệt.")
    editor.step(aid, "submit")
    approver = EditorClient(portal.base)
    approver.sign_in(APPROVER, pw[APPROVER])
    approver.step(aid, "approve", password=pw[APPROVER])
    assert "Đã duyệt" in approver.page
    approver.step(aid, "publish")
    assert "Đã đăng" in approver.page
    return aid


def test_the_first_push_is_retried_with_one_idempotency_key_and_verifies(portal, receiver, tmp_path):
    got = receiver.wait_for(3, timeout=30)
    assert len(got) >= 3, f"{len(got)} POSTs:\n" + portal.log_path.read_text(errors="replace")[-2000:]
    keys = {h["idempotency-key"] for h, _ in got[:3]}
    assert len(keys) == 1, keys
    assert got[0][1] == got[2][1], "every attempt sends the same bytes"
    h, body = got[2]
    assert h["content-type"].startswith("application/json") and h["x-pbgdpl-unit"] == SCHOOL
    pushed = json.loads(body)
    assert pushed["format"] == "pbgdpl/syndication-push/1" and pushed["unit"] == SCHOOL
    pub = (portal.data_dir / "syndication.pub").read_text()
    assert minisign_ok(tmp_path, pushed["package"].encode(), pushed["signature"].encode(), pub)
    pkg = json.loads(pushed["package"])
    assert pkg["format"] == "pbgdpl/syndication/1" and pkg["unit"]["id"] == SCHOOL
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", pkg["generated_at"]), pkg["generated_at"]
    assert any(i["id"] == "th-van-yen-ngay-phap-luat-2023" for i in pkg["items"])
    # Changed by one byte, the package is refused.
    tampered = pushed["package"].replace("Văn Yên", "Văn Yen", 1).encode()
    assert not minisign_ok(tmp_path, tampered, pushed["signature"].encode(), pub)


def test_the_served_package_verifies_with_minisign_and_stays_the_same_while_content_does(portal, tmp_path):
    g, s = package(portal)
    pub = portal.get(SECTION + "/khoa.pub")
    assert pub.status == 200 and pub.text == (portal.data_dir / "syndication.pub").read_text()
    assert minisign_ok(tmp_path, g.body, s.body, pub.text)
    # Another key refuses it.
    other = subprocess.run(["minisign", "-G", "-W", "-f", "-p", str(tmp_path / "o.pub"), "-s", str(tmp_path / "o.key")],
                           capture_output=True, timeout=30)
    assert other.returncode == 0
    assert not minisign_ok(tmp_path, g.body, s.body, (tmp_path / "o.pub").read_text())
    # Cacheable, and the pair is stable: the same bytes again, a 304 on the ETag.
    g2, s2 = package(portal)
    assert g2.body == g.body and s2.body == s.body
    etag = g.header("etag")
    assert etag
    assert portal.get(SECTION + "/goi.json", headers={"If-None-Match": etag}).status == 304
    # A query string never turns one into the other (the cache keys pages on path and ?lang=).
    odd = portal.get(SECTION + "/goi.json?x=.minisig")
    assert odd.status == 200 and odd.body == g.body and odd.header("content-type").startswith("application/json")
    assert portal.get(SECTION + "/goi.json").body == g.body
    # The default unit (served at the root) has its own package.
    assert portal.get("/pbgdpl/lien-thong/goi.json").status == 200


def test_an_approved_article_travels_with_its_approval_and_is_pushed_again(portal, receiver, tmp_path):
    before = len(receiver.got)
    title = "Trường Tiểu học Văn Yên tuyên truyền Luật Trẻ em 2026"
    aid = approved_article(portal, title)
    g, s = package(portal)
    assert minisign_ok(tmp_path, g.body, s.body, (portal.data_dir / "syndication.pub").read_text())
    pkg = json.loads(g.body)
    item = next(i for i in pkg["items"] if i["id"] == aid)
    assert item["kind"] == "article" and item["url"].endswith(f"/don-vi/{SCHOOL}/pbgdpl/bai-viet/{aid}")
    assert json.loads(item["content"])["title"] == title
    assert len(item["approvals"]) == 1
    approval = item["approvals"][0]
    assert approval["approver_role"] == "school_approver" and approval["content_id"] == aid
    assert "approver" not in approval  # the account stays in the portal
    key = next(k for k in pkg["approver_keys"] if k["key_id"].lower() == approval["key_id"].lower())
    # The city checks the approval with minisign: the item's content, its signature, the approver's key.
    assert minisign_ok(tmp_path, item["content"].encode(), approval["signature"].encode(), key["public_key"])
    assert not minisign_ok(tmp_path, item["content"].replace(title, title + "!").encode(), approval["signature"].encode(),
                           key["public_key"])
    # The same from the feed's links: the approved bytes and the approval's signature.
    feed = portal.get(SECTION + "/feed.atom")
    assert feed.status == 200 and feed.header("content-type").startswith("application/atom+xml")
    entry = re.search(r"<entry>((?:(?!</entry>).)*" + re.escape(aid) + r".*?)</entry>", feed.text, re.S).group(1)
    assert f"<id>tag:thvanyen.hadong.edu.vn,{time.localtime().tm_year}:pbgdpl/article/{aid}</id>" in entry or \
        f":pbgdpl/article/{aid}</id>" in entry
    links = dict(re.findall(r'<link rel="related" type="([^"]+)" href="([^"]+)"/>', entry))
    content = portal.get(links["application/json"].split(str(portal.port), 1)[1])
    sig = portal.get(links["text/plain"].split(str(portal.port), 1)[1])
    assert content.status == 200 and sig.status == 200
    assert content.body == item["content"].encode() and sig.text == approval["signature"]
    # The section's own feed gives the entry the same id.
    main_feed = portal.get(f"/don-vi/{SCHOOL}/pbgdpl/feed.atom").text
    entry_id = re.search(r"<id>([^<]*" + re.escape(aid) + r")</id>", entry).group(1)
    assert f"<id>{entry_id}</id>" in main_feed
    # The syndicator sees the change at its next round and pushes the new package (a new key).
    deadline = time.monotonic() + 30
    pushed = None
    while time.monotonic() < deadline and pushed is None:
        for h, body in receiver.wait_for(before + 1, timeout=2)[before:]:
            p = json.loads(json.loads(body)["package"])
            if any(i["id"] == aid for i in p["items"]):
                pushed = h
    assert pushed is not None, portal.log_path.read_text(errors="replace")[-2000:]
    assert pushed["idempotency-key"] != receiver.got[0][0]["idempotency-key"]


def test_drafts_questions_and_accounts_never_leak(portal):
    pw = passwords(portal)
    editor = EditorClient(portal.base)
    editor.sign_in(EDITOR, pw[EDITOR])
    draft_title = "Bản nháp bí mật chưa duyệt 7319"
    draft = editor.write_article(draft_title, "Nội dung nháp chưa được duyệt 7319.")
    submitted_title = "Bài chờ duyệt bí mật 7320"
    submitted = editor.write_article(submitted_title, "Nội dung chờ duyệt 7320.")
    editor.step(submitted, "submit")
    # A question asked through the public form stays private until answered and published.
    texts = []
    for path in ("/goi.json", "/goi.json.minisig", "/feed.atom"):
        r = portal.get(SECTION + path)
        assert r.status == 200
        texts.append(r.text)
    everything = "\n".join(texts)
    for secret in (draft_title, submitted_title, draft, submitted, "7319", "7320", EDITOR, APPROVER, "acc-",
                   "$argon2id", "password", '"author"', "workflow", pw[EDITOR]):
        assert secret not in everything, secret
    seeded_questions = json.loads((Path(__file__).resolve().parents[2] / "data" / "seed" / "questions.json").read_text())
    for q in seeded_questions:
        assert q["id"] not in everything
    for path in (f"/phe-duyet/{draft}.minisig", f"/noi-dung/{draft}.json", f"/noi-dung/{submitted}.json",
                 "/phe-duyet/th-van-yen-ngay-phap-luat-2023.minisig",  # published but never approved with a key
                 "/noi-dung/khong-co.json", "/noi-dung/th-van-yen-ngay-phap-luat-2023"):
        r = portal.get(SECTION + path)
        assert r.status == 404, (path, r.status)
    assert portal.get(SECTION + "/phe-duyet/..%2Fgoi.json").status in (400, 404)
    # Another unit's article is not served under this unit's section.
    assert portal.get(SECTION + "/noi-dung/gioi-thieu-kh19.json").status == 404
    assert portal.get(SECTION + "/noi-dung/th-van-yen-ngay-phap-luat-2023.json").status == 200
    # A page of errors in both languages.
    nf = portal.get(SECTION + "/noi-dung/khong-co.json?lang=en")
    assert nf.status == 404 and "not found" in nf.text.lower()


def test_the_delivery_log_keeps_every_attempt(portal, receiver):
    import sqlite3
    # Read-only, beside the running portal (SQLite in WAL mode lets a reader in).
    db = sqlite3.connect(f"file:{portal.data_dir / 'pbgdpl.db'}?mode=ro", uri=True)
    try:
        rows = [json.loads(r[0]) for r in db.execute("select body from entities where kind = 'syndication_push'")]
    finally:
        db.close()
    assert rows, "the pushes are logged"
    first = min(rows, key=lambda r: r["created_at"])
    assert first["state"] == "delivered" and [a["status"] for a in first["attempts"]][:3] == [503, 503, 200]
    assert first["id"] == receiver.got[0][0]["idempotency-key"]
