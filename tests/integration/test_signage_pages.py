"""The legal staircase's pages on the real portal: the public page "Cầu thang pháp luật" (the demo's
screens, what plays now, today's schedule, the approved content with its checked signature), the
kiosk for browser-only screens (its token, now.json listing only verified content, the content
served by digest, plays recorded as "kiosk"), and the editor's "Màn hình" screen (a device enrolled
through the real API, authorised by its code and revoked; the emergency override, which changes
what plays and ends at its time to live).

The portal runs with --clock-offset so that its clock reads 10:00 in Hà Nội, inside the demo's
06:00-22:00 schedule, whatever the hour the tests run at."""
import base64
import datetime
import hashlib
import json
import os
import re
import struct
import sys
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from editorhelp import EditorClient  # noqa: E402
from htmlcheck import Page  # noqa: E402
from portal_proc import Portal  # noqa: E402

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

HANOI = datetime.timezone(datetime.timedelta(hours=7))
DISPLAY = "thcs-van-yen-cau-thang-a-t2"
SECTION = "/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/"


def offset_to(hour, minute=0, extra=0):
    """Seconds from now to the next `hour`:`minute` in Hà Nội (so the portal's clock reads it)."""
    now = datetime.datetime.now(HANOI)
    target = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if target <= now:
        target += datetime.timedelta(days=1)
    return int((target - now).total_seconds()) + extra


def passwords(p):
    out = {}
    for line in (p.data_dir / "demo-accounts.txt").read_text().splitlines():
        u, pw = line.split()
        out[u] = pw
    return out


def start(data_dir=None, offset=None):
    offset = offset if offset is not None else offset_to(10)
    p = Portal(data_dir=data_dir, args=["--clock-offset", str(offset)])
    p.offset = offset
    return p.start(timeout=90)


@pytest.fixture(scope="module")
def portal():
    p = start()
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


def editor_as(p, user):
    c = EditorClient(p.base)
    c.sign_in(user, passwords(p)[user])
    return c


def issue_kiosk_link(p, user="nguyen.thi.thu.huong", display=DISPLAY):
    c = editor_as(p, user)
    c.get("/quan-tri/man-hinh")
    page = c.submit(action="/quan-tri/man-hinh/kiosk", display=display, label="TV thử")
    m = re.search(r"(/don-vi/[a-z0-9-]+/pbgdpl/cau-thang-phap-luat/kiosk/[a-z0-9-]+)\?k=([A-Za-z0-9_]+)", page)
    assert m, page[:3000]
    return m.group(1), m.group(2), c


# --- the public page -----------------------------------------------------------------------------

def test_public_page_lists_the_demo_screens_and_what_they_play_now(portal):
    r = portal.get(SECTION)
    assert r.status == 200, r.text[:500]
    page = Page(r.text)
    assert "Màn hình cầu thang A, tầng 2" in page.text and "Màn hình cầu thang B, tầng 1" in page.text
    # 10:00 in Hà Nội: the demo's daily schedule plays its playlist, and the page says until when.
    assert "Đang chiếu" in page.text
    assert re.search(r"Cầu thang pháp luật: năm học 2023-2024 ?, đến 22:00", page.text), page.text[:3000]
    # Today's timeline, as a table with a caption and header cells.
    assert "06:00–22:00 (đang chiếu)" in page.text
    assert any(t == "caption" for t, _ in page.tags)
    # Headings in order (the browser suite's axe checks the same).
    levels = [lvl for lvl, _ in page.headings]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), page.headings
    # Not cached: what plays depends on the clock.
    assert "no-cache" in r.header("cache-control", "")


def test_public_page_shows_approved_content_with_a_verified_signature_and_a_thumbnail(portal):
    r = portal.get(SECTION)
    page = Page(r.text)
    assert "Nội dung đã được phê duyệt" in page.text
    assert "Infographic: Quyền và bổn phận của trẻ em" in page.text
    assert "Nguyễn Thị Thu Hương" in page.text  # the demo's division approver signed it anew
    assert "Trình chiếu tại trường" in page.text
    assert "Chữ ký đã được kiểm tra với nội dung; còn hiệu lực." in page.text
    # The notice zone's item is a local notice, apart.
    assert "Thông báo của đơn vị" in page.text
    imgs = [a["src"] for t, a in page.tags if t == "img" and "/cau-thang-phap-luat/anh/" in a.get("src", "")]
    assert imgs, r.text[:3000]
    th = portal.get(imgs[0])
    assert th.status == 200 and th.body[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", th.body[16:24])
    assert max(w, h) == 320
    # A thumbnail address whose digest is not the medium's is nothing.
    bad = re.sub(r"/[0-9a-f]{64}\.png", "/" + "0" * 64 + ".png", imgs[0])
    assert portal.get(bad).status == 404


def test_public_page_in_english_and_under_the_division_and_in_the_sitemap(portal):
    r = portal.get(SECTION + "?lang=en")
    assert r.status == 200
    assert "Playing now" in r.text and "Approved content" in r.text
    # The ward office's section lists the screens of the schools below it.
    assert "Màn hình cầu thang A, tầng 2" in portal.get("/pbgdpl/cau-thang-phap-luat/").text
    sm = portal.get("/sitemap.xml").text
    assert "/pbgdpl/cau-thang-phap-luat/" in sm
    # A school without screens says so.
    r = portal.get("/don-vi/th-le-loi/pbgdpl/cau-thang-phap-luat/")
    assert r.status == 200 and "Đơn vị này chưa có màn hình nào." in r.text


def test_the_demo_content_is_real_and_its_approvals_verify(portal):
    content = portal.data_dir / "signage" / "content"
    files = {f.name: f.read_bytes() for f in content.iterdir()}
    assert len(files) >= 2
    for name, data in files.items():
        assert hashlib.blake2b(data, digest_size=32).hexdigest() == name
    pngs = [d for d in files.values() if d[:8] == b"\x89PNG\r\n\x1a\n"]
    sizes = sorted(struct.unpack(">II", d[16:24]) for d in pngs)
    assert sizes == [(1080, 320), (1080, 1600)]


# --- the kiosk -----------------------------------------------------------------------------------

def test_kiosk_refuses_a_wrong_token_and_plays_with_the_right_one(portal):
    path, token, _ = issue_kiosk_link(portal)
    assert portal.get(path).status in (401, 403)
    assert portal.get(path + "?k=pbq_" + "0" * 64).status == 403
    assert portal.get(path + "/now.json?k=pbq_" + "0" * 64).status == 403
    r = portal.get(path + "?k=" + token)
    assert r.status == 200
    csp = r.header("content-security-policy", "")
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert r.header("referrer-policy") == "no-referrer"
    page = Page(r.text)
    assert not [b for b in page.script_bodies if b.strip()], "no inline script"
    scripts = [a["src"] for t, a in page.tags if t == "script"]
    assert scripts and all(s.startswith("/") for s in scripts)
    js = portal.get(scripts[0])
    assert js.status == 200 and "now.json" not in js.text and "XMLHttpRequest" in js.text


def test_kiosk_now_lists_only_verified_content_and_serves_it_by_digest(portal):
    path, token, _ = issue_kiosk_link(portal)
    r = portal.get(path + "/now.json?k=" + token)
    assert r.status == 200, r.text
    j = r.json()
    assert j["state"] == "playing" and j["playlist"] == "pl-cau-thang-thcs-van-yen" and j["emergency"] is False
    items = [z["item"] for z in j["zones"] if z.get("item")]
    assert items, j
    # Every item the kiosk may show is content whose approval verifies: the two approved items and
    # the notice (a non-legal zone needs no approval). The bytes served hash to the digest named.
    for it in items:
        got = portal.get(it["url"])
        assert got.status == 200 and hashlib.blake2b(got.body, digest_size=32).hexdigest() == it["blake2b"]
        assert got.header("content-type") == it["type"]
    # Content that is not in the display's verified manifest is not served, whatever its digest.
    assert portal.get(path + "/noi-dung/" + "a" * 64 + "?k=" + token).status == 404
    # A range, as a video element asks.
    video = [it for it in items if it["type"].startswith("video/")]
    for it in video:
        part = portal.get(it["url"], headers={"Range": "bytes=0-99"})
        assert part.status == 206 and len(part.body) == 100 and part.header("content-range").startswith("bytes 0-99/")


def test_kiosk_hides_an_item_whose_approval_no_longer_verifies(fresh_portal_at_ten):
    p = fresh_portal_at_ten
    path, token, _ = issue_kiosk_link(p)
    before = {z["item"]["media"] for z in p.get(path + "/now.json?k=" + token).json()["zones"] if z.get("item")}
    # Tamper with the infographic's bytes on disk: its file no longer hashes to its address.
    content = p.data_dir / "signage" / "content"
    for f in content.iterdir():
        data = f.read_bytes()
        if data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24]) == (1080, 1600):
            f.write_bytes(data[:-10] + b"tampered!!")
    r = p.get(path + "/now.json?k=" + token).json()
    shown = {z["item"]["media"] for z in r["zones"] if z.get("item")}
    assert "infographic-quyen-tre-em" not in shown, (before, r)
    # And the public page no longer vouches for it.
    assert "Chữ ký đã được kiểm tra với nội dung; còn hiệu lực." not in \
        Page(p.get(SECTION).text).text.split("Infographic: Quyền và bổn phận của trẻ em")[1][:400]


def test_a_kiosk_play_is_recorded_once_and_a_made_up_one_is_refused(portal):
    path, token, _ = issue_kiosk_link(portal)
    j = portal.get(path + "/now.json?k=" + token).json()
    z = next(z for z in j["zones"] if z.get("item"))
    it = z["item"]
    now = int(j["server_time"])
    start = max(it["start"], now - 5)
    play = {"media": it["media"], "blake2b": it["blake2b"], "zone": z["name"], "start": start, "end": start + 3}
    r = portal.request("POST", path + "/plays?k=" + token, body={"plays": [play]})
    assert r.status == 200 and r.json() == {"accepted": 1, "refused": 0}, r.text
    # Posted again (an answer lost): the same record.
    r = portal.request("POST", path + "/plays?k=" + token, body={"plays": [play]})
    assert r.json()["accepted"] == 1
    # Content the display does not play, a play in the future, one longer than its item, one in a
    # zone the schedule did not put it in, and a wrong token.
    fake = dict(play, blake2b="b" * 64)
    future = dict(play, start=now + 3600, end=now + 3603)
    too_long = dict(play, start=now - 3000, end=now)
    other_zone = dict(play, zone=next(x["name"] for x in j["zones"] if x["name"] != z["name"]))
    r = portal.request("POST", path + "/plays?k=" + token, body={"plays": [fake, future, too_long, other_zone]})
    assert r.json() == {"accepted": 0, "refused": 4}
    assert portal.request("POST", path + "/plays?k=nope" + "0" * 20, body={"plays": [play]}).status == 403
    # Recorded as a kiosk play, once.
    recs = [x for x in api_list(portal, "play_record") if x.get("player") == "kiosk" and x.get("blake2b") == it["blake2b"]]
    assert len(recs) == 1 and recs[0]["display"] == DISPLAY, recs


def api_list(p, kind):
    """The play records through the API when it lists them, else from the portal's SQLite file."""
    import sqlite3
    con = sqlite3.connect(str(p.data_dir / "pbgdpl.db"))
    try:
        return [json.loads(b) for (b,) in con.execute("select body from entities where kind = ?", (kind,))]
    finally:
        con.close()


def test_a_revoked_kiosk_link_stops_working(portal):
    path, token, c = issue_kiosk_link(portal)
    assert portal.get(path + "/now.json?k=" + token).status == 200
    handle = re.findall(r'name="handle" value="(kio_[0-9a-f]+)"', c.get("/quan-tri/man-hinh"))
    assert handle
    # Revoke the newest link (the page lists each; the one just made is among them).
    for h in handle:
        c.get("/quan-tri/man-hinh")
        c.submit(action="/quan-tri/man-hinh/kiosk/thu-hoi", display=DISPLAY, handle=h)
    assert portal.get(path + "/now.json?k=" + token).status == 410
    assert portal.get(path + "?k=" + token).status == 403


# --- the editor's screen -------------------------------------------------------------------------

def minisign_pub():
    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key_id = os.urandom(8)
    line = base64.b64encode(b"Ed" + key_id + raw).decode()
    return "untrusted comment: minisign public key %s\n%s\n" % (key_id[::-1].hex().upper(), line), key_id[::-1].hex().upper()


def test_editor_authorises_an_enrolment_code_and_revokes_it(portal):
    pub, key_id = minisign_pub()
    r = portal.request("POST", "/api/v1/signage/enrol", body={"public_key": pub, "name": "Hộp thử", "width": 1080, "height": 1920})
    assert r.status == 202, r.text
    code = r.json()["code"]
    c = editor_as(portal, "nguyen.thi.thu.huong")
    page = c.get("/quan-tri/man-hinh")
    assert code in page  # listed as waiting
    # A wrong code is refused next to its field; the right one binds the device.
    c.submit(action="/quan-tri/man-hinh/cho-phep", code="ZZZ-ZZZ", display=DISPLAY)
    assert "Không có thiết bị nào đang chờ với mã này" in c.page
    c.get("/quan-tri/man-hinh")
    c.submit(action="/quan-tri/man-hinh/cho-phep", code=code.lower().replace("-", " "), display=DISPLAY)
    assert "Đã cho phép thiết bị" in c.page, c.page[:3000]
    r = portal.request("POST", "/api/v1/signage/enrol", body={"public_key": pub, "name": "Hộp thử", "width": 1080, "height": 1920})
    assert r.status == 200 and r.json()["state"] == "authorised" and r.json()["display"] == DISPLAY
    # Revoked from the screen: the device is told so.
    assert key_id in c.page
    c.submit(action="/quan-tri/man-hinh/thu-hoi", enrolment=key_id)
    assert "Đã thu hồi thiết bị" in c.page, c.page[:3000]
    r = portal.request("POST", "/api/v1/signage/enrol", body={"public_key": pub, "name": "Hộp thử", "width": 1080, "height": 1920})
    assert r.status == 403 and r.json()["state"] == "revoked"


def test_an_account_without_screens_sees_none_and_cannot_authorise(portal):
    c = editor_as(portal, "le.thu.trang")  # a division editor: reads, runs no screens
    page = c.get("/quan-tri/man-hinh")
    assert "Tài khoản của bạn không quản lý màn hình nào." in page
    # Posting the form anyway (with its own CSRF token) is refused.
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    c._post("/quan-tri/man-hinh/cho-phep", [("csrf", csrf), ("code", "ABC-DEF"), ("display", DISPLAY)])
    assert "Bạn không quản lý màn hình này" in c.page
    # Without the CSRF token: refused before anything.
    c._post("/quan-tri/man-hinh/kiosk", [("display", DISPLAY)])
    assert "CSRF" in c.page


def test_the_signage_operator_sees_only_the_screens_it_operates(portal):
    # A signage operator's grant covers the displays whose operator_account is its own, as in the
    # API: the school's staircase screens (no operator account) are not its to bind devices to or
    # run (the red team bound a device of its own to one through the authorise route).
    c = editor_as(portal, "do.van.nam")
    page = c.get("/quan-tri/man-hinh")
    assert "Màn hình cầu thang A, tầng 2" not in page
    # The division approver above the school does see and run them.
    p = editor_as(portal, "nguyen.thi.thu.huong")
    assert "Màn hình cầu thang A, tầng 2" in p.get("/quan-tri/man-hinh")


@pytest.fixture
def fresh_portal_at_ten():
    p = start()
    try:
        yield p
    finally:
        if p.alive():
            assert p.stop() == 0
        p.cleanup()


def test_emergency_override_changes_what_plays_and_reverts_after_its_time(fresh_portal_at_ten):
    p = fresh_portal_at_ten
    path, token, c = issue_kiosk_link(p)
    assert p.get(path + "/now.json?k=" + token).json()["emergency"] is False
    c.get("/quan-tri/man-hinh")
    c.submit(action="/quan-tri/man-hinh/khan-cap", group="cau-thang-thcs-van-yen", playlist="pl-cau-thang-thcs-van-yen", minutes="15")
    assert "Đã bắt đầu phát khẩn cấp" in c.page, c.page[:3000]
    j = p.get(path + "/now.json?k=" + token).json()
    assert j["emergency"] is True and j["state"] == "playing"
    assert "(Khẩn cấp)" in p.get(SECTION).text
    # Sixteen minutes later (the same data, the clock moved on): the override has ended by itself.
    data = p.data_dir
    p.stop()
    later = start(data_dir=data, offset=p.offset + 16 * 60)
    try:
        j = later.get(path + "/now.json?k=" + token).json()
        assert j["emergency"] is False and j["state"] == "playing", j
        assert "(Khẩn cấp)" not in later.get(SECTION).text
    finally:
        later.stop()


def test_emergency_override_ends_now(fresh_portal_at_ten):
    p = fresh_portal_at_ten
    path, token, c = issue_kiosk_link(p)
    c.get("/quan-tri/man-hinh")
    c.submit(action="/quan-tri/man-hinh/khan-cap", group="cau-thang-thcs-van-yen", playlist="pl-cau-thang-thcs-van-yen", minutes="60")
    assert p.get(path + "/now.json?k=" + token).json()["emergency"] is True
    entry = re.search(r'name="entry" value="(khan-cap-[0-9a-f]+)"', c.get("/quan-tri/man-hinh")).group(1)
    c.submit(action="/quan-tri/man-hinh/khan-cap/ket-thuc", entry=entry)
    assert "Đã kết thúc phát khẩn cấp" in c.page
    assert p.get(path + "/now.json?k=" + token).json()["emergency"] is False
    # An override of 5 hours is not one of the offered lengths: refused.
    c.get("/quan-tri/man-hinh")
    c.submit(action="/quan-tri/man-hinh/khan-cap", group="cau-thang-thcs-van-yen", playlist="pl-cau-thang-thcs-van-yen", minutes="300")
    assert "Chọn một thời lượng từ 15 phút đến 24 giờ" in c.page
