"""examples/vendor_embed as a vendor runs it: its own Beast server, its own login, the portal
mounted under /phap-luat/. Every URL the portal writes on its main pages, feeds, sitemap and
redirects must stay inside the prefix and answer; the vendor's session (and only it) reaches the
API; form-encoded and cross-site writes are refused; a write the vendor makes straight into the
store shows on the next request; SIGTERM stops it cleanly."""
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from htmlcheck import Page
from portal_proc import BINARY_DIR, SOURCE_DIR, Portal, free_port

PREFIX = "/phap-luat"


def binary():
    p = os.environ.get("PBGDPL_VENDOR_EMBED") or str(BINARY_DIR / "examples" / "vendor_embed" / "pbgdpl_vendor_embed")
    if not Path(p).is_file():
        raise RuntimeError(f"the vendor_embed binary is missing: {p}")
    return p


class Vendor(Portal):
    """The vendor's process; reuses Portal's HTTP helpers."""

    def start(self, timeout=30.0):
        self.port = free_port()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([binary(), "--port", str(self.port), "--db", str(self.data_dir / "vendor.sqlite")],
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


def login(v, who="co.lan", password="mat-khau-lan"):
    r = v.request("POST", "/dang-nhap", body=f"login={who}&password={password}",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
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
                if tag == "form":
                    # The search form: its GET with a query answers inside the prefix.
                    assert v.get(p + "?q=ke+hoach").status == 200
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
