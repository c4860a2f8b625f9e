"""examples/vendor_embed as a vendor runs it: its own Beast server, its own login, the portal
mounted under /phap-luat/. Every URL the portal writes on its main pages, feeds, sitemap and
redirects must stay inside the prefix and answer; the vendor's session (and only it) reaches the
API; form-encoded and cross-site writes are refused; a write the vendor makes straight into the
store shows on the next request; SIGTERM stops it cleanly. Its server bounds what one client can
hold (connections per address, deadlines per request, per response and idle, sizes), its back
office asks the portal's authorizer, and its sessions expire, log out and resist login CSRF and
password guessing."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from htmlcheck import Page
from portal_proc import BINARY_DIR, SOURCE_DIR, Portal, Response, free_port

PREFIX = "/phap-luat"


def binary():
    p = os.environ.get("PBGDPL_VENDOR_EMBED") or str(BINARY_DIR / "examples" / "vendor_embed" / "pbgdpl_vendor_embed")
    if not Path(p).is_file():
        raise RuntimeError(f"the vendor_embed binary is missing: {p}")
    return p


class Vendor(Portal):
    """The vendor's process; reuses Portal's HTTP helpers. `args`: more flags (shorter deadlines)."""

    def __init__(self, args=()):
        super().__init__()
        self.args = list(args)

    def start(self, timeout=30.0):
        self.port = free_port()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([binary(), "--port", str(self.port), "--db", str(self.data_dir / "vendor.sqlite"),
                                      *self.args],
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=str(self.data_dir))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if self.request("GET", PREFIX + "/healthz", timeout=2).status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("vendor_embed did not start:\n" + self.log_path.read_text(errors="replace"))


@pytest.fixture(scope="module")
def vendor():
    v = Vendor()
    v.start()
    yield v
    v.cleanup()


def request_from(v, source, method, path, body=None, headers=None, timeout=10):
    """A request from another loopback address (Linux answers all of 127/8): another client."""
    conn = http.client.HTTPConnection("127.0.0.1", v.port, timeout=timeout, source_address=(source, 0))
    try:
        conn.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, {k.lower(): val for k, val in r.getheaders()}, r.read())
    finally:
        conn.close()


def login(v, who="co.lan", password="mat-khau-lan", source="127.0.0.1"):
    # A browser's form post names its page's origin.
    r = request_from(v, source, "POST", "/dang-nhap", body=f"login={who}&password={password}",
                     headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": v.base})
    assert r.status == 200, r.text
    m = re.match(r"sid=([^;]+);", r.header("set-cookie") or "")
    assert m, r.header("set-cookie")
    return m.group(1)


def internal_path(v, url, page):
    """The path of a URL the portal wrote, or None for another site's (a unit's own website)."""
    u = urllib.parse.urlsplit(urllib.parse.urljoin(v.base + page, url))
    if (u.scheme, u.netloc) != ("http", f"127.0.0.1:{v.port}"):
        return None
    return u.path + (("?" + u.query) if u.query else "")


def follow(v, path, hops=3):
    """GET with redirects followed; every Location must stay inside the prefix."""
    for _ in range(hops):
        r = v.get(path)
        if r.status not in (301, 302, 303, 307, 308):
            return path, r
        loc = r.header("location")
        assert loc.startswith(PREFIX + "/"), f"{path} redirects outside the prefix: {loc}"
        path = loc
    raise AssertionError(f"too many redirects from {path}")


def test_every_url_on_the_main_pages_stays_inside_the_prefix_and_answers(vendor):
    v = vendor
    start, home = follow(v, PREFIX)
    assert start == PREFIX + "/pbgdpl/" and home.status == 200
    seen, queue, checked = set(), [start], 0
    while queue and checked < 80:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        final, r = follow(v, path)
        assert r.status == 200, f"{path} -> {final}: {r.status}"
        checked += 1
        if not (r.header("content-type") or "").startswith("text/html"):
            continue
        page = Page(r.text)
        for tag, attrs in page.tags:
            for attr in ("href", "src", "action"):
                if attr not in attrs or attrs[attr].startswith(("#", "mailto:", "tel:")):
                    continue
                p = internal_path(v, attrs[attr], final)
                if p is None:
                    continue
                assert p.startswith(PREFIX + "/"), f"<{tag} {attr}={attrs[attr]!r}> on {final} leaves the prefix"
                if tag == "form" and attrs.get("method", "get").lower() == "post":
                    # The question form posts to itself: its page answers inside the prefix.
                    assert v.get(p).status == 200, p
                elif tag == "form":
                    # The search form: its GET with a query answers inside the prefix.
                    sep = "&" if "?" in p else "?"
                    assert v.get(p + sep + "q=ke+hoach").status == 200
                elif p not in seen:
                    queue.append(p)
    assert checked >= 10, f"only {checked} pages reached: the crawl did not find the portal's links"


def test_feeds_sitemap_robots_and_canonical_urls_carry_the_prefix(vendor):
    v = vendor
    origin = v.base
    for ext in ("atom", "rss", "json"):
        r = v.get(f"{PREFIX}/pbgdpl/feed.{ext}")
        assert r.status == 200
        urls = re.findall(r"https?://127\.0\.0\.1:\d+[^\"'<\s]*", r.text)
        assert urls, ext
        for u in urls:
            assert u.startswith(origin + PREFIX + "/"), f"feed.{ext}: {u}"
    parsed = feedparser.parse(v.get(f"{PREFIX}/pbgdpl/feed.atom").body)
    assert parsed.entries
    for e in parsed.entries:
        assert e.link.startswith(origin + PREFIX + "/pbgdpl/bai-viet/")
        assert v.get(internal_path(v, e.link, "/")).status == 200
    root = ET.fromstring(v.get(PREFIX + "/sitemap.xml").body)
    locs = [e.text for e in root.iter() if e.tag.endswith("loc")]
    assert len(locs) >= 4
    for loc in locs:
        assert loc.startswith(origin + PREFIX + "/"), loc
        assert v.get(internal_path(v, loc, "/")).status == 200, loc
    robots = v.get(PREFIX + "/robots.txt").text.splitlines()
    assert f"Sitemap: {origin}{PREFIX}/sitemap.xml" in robots
    assert f"Disallow: {PREFIX}/api/" in robots
    page = Page(v.get(PREFIX + "/pbgdpl/bai-viet/thcs-van-yen-ngay-phap-luat").text)
    canon = [a["href"] for t, a in page.tags if t == "link" and a.get("rel") == "canonical"]
    og = [a["content"] for t, a in page.tags if t == "meta" and a.get("property") == "og:url"]
    assert canon and canon[0] == origin + PREFIX + "/pbgdpl/bai-viet/thcs-van-yen-ngay-phap-luat"
    assert og and og[0] == canon[0]
    # The vendor's own pages stay the vendor's; the portal's paths outside the prefix are not the portal.
    assert "Phần mềm trường học Mẫu" in v.get("/").text
    assert v.get("/pbgdpl/").status == 404


def article(title, unit="thcs-van-yen"):
    return {"kind": "activity_news", "title": title, "summary": "Tóm tắt", "body_markdown": "Nội dung **" + title + "**.",
            "category": "Phổ biến, giáo dục pháp luật", "unit": unit, "author": "co.lan", "state": "draft",
            "schema_version": 1, "version": 0}


def test_the_vendor_session_reaches_the_api_and_nothing_else_does(vendor):
    v = vendor
    sid = login(v)
    same_site = {"Cookie": f"sid={sid}", "Origin": v.base}
    # Created with the vendor's session (no id: the server makes one), Location inside the prefix.
    r = v.request("POST", PREFIX + "/api/v1/articles", body=article("Bài qua phiên của nhà cung cấp"), headers=same_site)
    assert r.status == 201, r.text
    made = r.json()
    assert made["id"]
    assert r.header("location") == f"{PREFIX}/api/v1/articles/{made['id']}"
    got = v.get(r.header("location"), headers={"Cookie": f"sid={sid}"})
    assert got.status == 200 and got.json()["title"] == "Bài qua phiên của nhà cung cấp"
    # A forged header without the session: the session id as a bearer key is nobody.
    r = v.request("POST", PREFIX + "/api/v1/articles", body=article("Giả mạo"),
                  headers={"Authorization": f"Bearer {sid}", "Origin": v.base})
    assert r.status == 401, r.text
    r = v.request("POST", PREFIX + "/api/v1/articles", body=article("Không phiên"), headers={"Origin": v.base})
    assert r.status == 401
    # Another school's unit: the vendor's grants say no.
    r = v.request("POST", PREFIX + "/api/v1/articles", body=article("Trường khác", unit="thcs-le-loi"), headers=same_site)
    assert r.status == 403, r.text


def test_form_encoded_and_cross_site_writes_are_refused(vendor):
    v = vendor
    sid = login(v)
    before = v.get(PREFIX + "/api/v1/articles?limit=100", headers={"Cookie": f"sid={sid}"}).json()["items"]
    # What a hostile page's <form> can send: form-encoded, with the victim's cookie.
    body = json.dumps(article("Biểu mẫu"), ensure_ascii=False)
    for ctype in ("application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"):
        r = v.request("POST", PREFIX + "/api/v1/articles", body=body,
                      headers={"Cookie": f"sid={sid}", "Origin": v.base, "Content-Type": ctype})
        assert r.status == 415, (ctype, r.status, r.text)
        assert "error" in r.json()
    # JSON from another origin (a fetch() with credentials from evil.example), or with no
    # Origin and no Referer at all: refused before anything is written.
    for extra in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Referer": "http://evil.example/x"}, {}):
        r = v.request("POST", PREFIX + "/api/v1/articles", body=article("Liên trang"),
                      headers={"Cookie": f"sid={sid}", **extra})
        assert r.status == 403, (extra, r.status, r.text)
    after = v.get(PREFIX + "/api/v1/articles?limit=100", headers={"Cookie": f"sid={sid}"}).json()["items"]
    assert len(after) == len(before)


def test_a_write_straight_into_the_store_shows_on_the_next_request(vendor):
    v = vendor
    sid = login(v)
    home = v.get(PREFIX + "/pbgdpl/")
    assert home.status == 200
    again = v.get(PREFIX + "/pbgdpl/", headers={"If-None-Match": home.header("etag")})
    assert again.status == 304  # cached and unchanged so far
    title = "Tin đăng thẳng vào kho lúc " + time.strftime("%H:%M:%S")
    form = {"Cookie": f"sid={sid}", "Content-Type": "application/x-www-form-urlencoded"}
    r = v.request("POST", "/quan-tri/dang-bai", body="title=x", headers={**form, "Origin": "http://evil.example"})
    assert r.status == 403  # the vendor's own form checks the origin too
    r = v.request("POST", "/quan-tri/dang-bai", body="title=" + urllib.parse.quote_plus(title),
                  headers={**form, "Origin": v.base})
    assert r.status == 201, r.text
    assert "published" in r.text  # an approver's post is published at once
    assert r.header("location").startswith(PREFIX + "/don-vi/thcs-van-yen/pbgdpl/bai-viet/")
    assert title in v.get(PREFIX + "/pbgdpl/").text
    assert title in v.get(PREFIX + "/pbgdpl/feed.atom").text
    assert title in v.get(r.header("location")).text


def test_sigterm_stops_it_cleanly_with_an_idle_connection_open():
    v = Vendor()
    try:
        v.start()
        import socket
        idle = socket.create_connection(("127.0.0.1", v.port))  # keep-alive, says nothing
        t0 = time.monotonic()
        v.proc.send_signal(signal.SIGTERM)
        assert v.proc.wait(timeout=10) == 0
        assert time.monotonic() - t0 < 5
        idle.close()
        assert "stopped cleanly" in v.log_path.read_text()
        # The store survived the stop: a second start finds its data and does not seed again.
        v.start()
        assert v.get(PREFIX + "/pbgdpl/bai-viet/thcs-van-yen-ngay-phap-luat").status == 200
    finally:
        v.cleanup()


# --- The back office asks the portal's authorizer (F4) --------------------------------------------

def test_an_editors_back_office_post_waits_for_approval(vendor):
    v = vendor
    sid = login(v, "thay.minh", "mat-khau-minh")  # school_editor at thcs-le-loi: may write, not publish
    title = "Bài của biên tập viên chờ duyệt " + time.strftime("%H:%M:%S")
    r = v.request("POST", "/quan-tri/dang-bai", body="title=" + urllib.parse.quote_plus(title),
                  headers={"Cookie": f"sid={sid}", "Origin": v.base, "Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 201, r.text
    assert "submitted" in r.text and "published" not in r.text
    loc = r.header("location")
    m = re.fullmatch(re.escape(PREFIX) + r"/don-vi/thcs-le-loi/pbgdpl/bai-viet/([^/?#]+)", loc)
    assert m, loc
    got = v.get(f"{PREFIX}/api/v1/articles/{m.group(1)}", headers={"Cookie": f"sid={sid}"})
    assert got.status == 200 and got.json()["state"] == "submitted", got.text
    # Not public: not on the school's page nor its feed, and its URL is not found by the public.
    assert title not in v.get(PREFIX + "/don-vi/thcs-le-loi/pbgdpl/").text
    assert title not in v.get(PREFIX + "/don-vi/thcs-le-loi/pbgdpl/feed.atom").text
    assert v.get(loc).status == 404


# --- Sessions: expiry, logout, login CSRF and rate limit (F6) --------------------------------------

def post_article(v, sid, origin=None):
    return v.request("POST", "/quan-tri/dang-bai", body="title=phien",
                     headers={"Cookie": f"sid={sid}", "Origin": origin or v.base,
                              "Content-Type": "application/x-www-form-urlencoded"})


def test_a_logged_out_session_gets_401(vendor):
    v = vendor
    sid = login(v, source="127.0.0.4")
    # Another site cannot log the user out.
    r = v.request("POST", "/dang-xuat", headers={"Cookie": f"sid={sid}", "Origin": "http://evil.example"})
    assert r.status == 403
    assert post_article(v, sid).status == 201
    r = v.request("POST", "/dang-xuat", headers={"Cookie": f"sid={sid}", "Origin": v.base})
    assert r.status == 200, r.text
    assert "max-age=0" in (r.header("set-cookie") or "").lower()
    assert post_article(v, sid).status == 401


def test_an_expired_session_gets_401():
    # 3 s, not 1: login hashes the password, and on a busy 2-core machine login and the first
    # post took over a second (a fresh-clone run failed so).
    v = Vendor(["--session-ttl-s", "3"])
    try:
        v.start()
        sid = login(v)
        assert post_article(v, sid).status == 201
        time.sleep(3.3)
        assert post_article(v, sid).status == 401
    finally:
        v.cleanup()


def test_login_refuses_cross_site_posts_and_limits_guessing(vendor):
    v = vendor
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    good = "login=co.lan&password=mat-khau-lan"
    # Login CSRF: a page on another site (or one that names none) must not log the visitor in.
    for extra in ({"Origin": "http://evil.example"}, {"Referer": "http://evil.example/x"}, {}):
        r = request_from(v, "127.0.0.5", "POST", "/dang-nhap", body=good, headers={**form, **extra})
        assert r.status == 403, (extra, r.status)
        assert not r.header("set-cookie")
    # Guessing from one address: a burst, then 429 with Retry-After; another address still logs in.
    codes = [request_from(v, "127.0.0.6", "POST", "/dang-nhap", body=f"login=co.lan&password=sai{i}",
                          headers={**form, "Origin": v.base}) for i in range(14)]
    assert [c.status for c in codes[:10]] == [401] * 10
    assert all(c.status == 429 for c in codes[11:]), [c.status for c in codes]
    assert codes[-1].header("retry-after")
    r = request_from(v, "127.0.0.6", "POST", "/dang-nhap", body=good, headers={**form, "Origin": v.base})
    assert r.status == 429  # the right password too: the limit is on attempts
    login(v, source="127.0.0.7")


# --- The server's bounds (F2, F3, F7) ----------------------------------------------------------------

def connect_from(v, source, timeout=2.0):
    s = socket.create_connection(("127.0.0.1", v.port), timeout=timeout, source_address=(source, 0))
    return s


def test_slow_headers_from_one_client_do_not_lock_out_another():
    v = Vendor()  # the default limits: 64 connections, 8 per client address
    socks = []
    try:
        v.start()
        # One client opens more connections than the whole server holds, each one a request that
        # never finishes its headers (slowloris).
        for _ in range(66):
            socks.append(connect_from(v, "127.0.0.2"))
        time.sleep(0.5)
        for s in socks:
            try:
                s.send(b"GET /phap-luat/pbgdpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                pass
        # Those over its share were told so (503, Retry-After), not reset.
        busy = 0
        for s in socks:
            s.settimeout(0.05)
            try:
                got = s.recv(4096)
            except (socket.timeout, OSError):
                continue
            if got.startswith(b"HTTP/1.1 503") and b"Retry-After:" in got:
                busy += 1
        assert busy >= 66 - 8, busy
        # Another client is served at once.
        t0 = time.monotonic()
        r = request_from(v, "127.0.0.1", "GET", PREFIX + "/healthz", timeout=3)
        assert r.status == 200 and time.monotonic() - t0 < 2
    finally:
        for s in socks:
            s.close()
        v.cleanup()


def test_a_request_trickling_in_and_an_idle_connection_are_cut_at_their_deadlines():
    v = Vendor(["--request-timeout-ms", "1000", "--idle-timeout-ms", "1500"])
    try:
        v.start()
        idle = connect_from(v, "127.0.0.1", timeout=5)
        slow = connect_from(v, "127.0.0.1", timeout=0.2)
        t0 = time.monotonic()
        slow.send(b"GET /phap-luat/healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        got, cut = b"", None
        # A header line every 0.2 s: each read is quick, the request as a whole is not.
        while time.monotonic() - t0 < 5:
            try:
                slow.send(b"X-Cham: 1\r\n")
                c = slow.recv(4096)
                if not c:
                    cut = time.monotonic() - t0
                    break
                got += c
            except socket.timeout:
                continue
            except OSError:
                cut = time.monotonic() - t0
                break
        assert cut is not None and cut < 2.5, cut
        assert got.startswith(b"HTTP/1.1 408"), got
        assert idle.recv(100) == b""  # closed, without an answer
        assert time.monotonic() - t0 < 3.5
        slow.close()
        idle.close()
        assert v.get(PREFIX + "/healthz").status == 200
    finally:
        v.cleanup()


def test_a_client_that_never_reads_does_not_stop_sigterm():
    v = Vendor()  # the default 3 s grace after SIGTERM
    s = None
    try:
        v.start()
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", v.port))
        s.setblocking(False)
        req = b"GET /phap-luat/pbgdpl/?lang=en HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        try:
            for _ in range(3000):  # pipelined, and no answer is ever read: the server's write blocks
                s.send(req)
        except BlockingIOError:
            pass
        time.sleep(1)
        t0 = time.monotonic()
        v.proc.send_signal(signal.SIGTERM)
        try:
            code = v.proc.wait(timeout=3 + 2)
        except subprocess.TimeoutExpired:
            code = None
        assert code == 0, "SIGTERM did not finish within grace + 2 s"
        assert time.monotonic() - t0 < 5
        assert "stopped cleanly" in v.log_path.read_text()
    finally:
        if s is not None:
            s.close()
        v.cleanup()


def test_oversized_requests_are_answered_before_the_close(vendor):
    v = vendor
    r = v.request("POST", "/dang-nhap", body=b"x" * (2 * 1024 * 1024),
                  headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": v.base})
    assert r.status == 413, r
    assert r.header("connection") == "close"
    r = v.request("GET", PREFIX + "/healthz", headers={"X-Lon": "a" * (20 * 1024)})
    assert r.status == 431, r
    assert v.get(PREFIX + "/healthz").status == 200


def test_a_client_that_never_reads_is_cut_at_the_write_deadline():
    v = Vendor(["--write-timeout-ms", "1000"])
    s = None
    try:
        v.start()
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", v.port))
        s.setblocking(False)
        req = b"GET /phap-luat/pbgdpl/?lang=en HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        sent = 0
        try:
            for _ in range(3000):
                s.send(req)
                sent += 1
        except BlockingIOError:
            pass
        time.sleep(2.5)  # past the write deadline, nothing read
        # Now read what was answered: the server gave up on this client, so its answers stop short
        # of the requests and the connection ends (a server still writing would answer them all
        # and then keep the connection open).
        s.setblocking(True)
        s.settimeout(3)
        got, ended = b"", False
        try:
            while True:
                c = s.recv(1 << 16)
                if not c:
                    ended = True
                    break
                got += c
        except ConnectionResetError:
            ended = True
        except socket.timeout:
            pass
        assert ended, "the connection was never cut"
        assert got.count(b"HTTP/1.1 200") < sent, (got.count(b"HTTP/1.1 200"), sent)
        assert v.get(PREFIX + "/healthz").status == 200
    finally:
        if s is not None:
            s.close()
        v.cleanup()
