"""Feed aggregation over HTTP (issue 15): fake school feeds served on 127.0.0.1 by this test, the
real `pbgdpl aggregate` tool reading them into a real portal's store, and the portal's "Tin từ các
trường" page and Atom feed showing them: cached pages dropped when entries arrive, script in the
feeds inert, atom:source kept, conditional GET on the second read, a failing feed backing off,
and the portal's own background refresh picking up a new entry with no tool run."""
import http.server
import os
import subprocess
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from htmlcheck import Page
from portal_proc import BINARY_DIR, Portal

ATOM = "{http://www.w3.org/2005/Atom}"
WARD = "ubnd-phuong-ha-dong"  # th-van-yen and thcs-van-yen are below it (through its office)
NEWS = f"/don-vi/{WARD}/pbgdpl/tin-cac-truong/"


def cli_binary():
    p = os.environ.get("PBGDPL_CLI") or str(BINARY_DIR / "examples" / "pbgdpl_cli" / "pbgdpl")
    if not Path(p).is_file():
        raise RuntimeError(f"the pbgdpl tool is missing: {p} (set PBGDPL_CLI)")
    return p


def atom(feed_id, title, entries):
    x = f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><id>{feed_id}</id>' \
        f'<title>{title}</title><link href="http://school.example/"/><updated>2024-11-20T08:00:00Z</updated>'
    for eid, link, t, published, summary in entries:
        x += f'<entry><id>{eid}</id><link href="{link}"/><title type="html">{t}</title><published>{published}</published>' \
             f'<updated>{published}</updated><summary type="html">{summary}</summary></entry>'
    return x + "</feed>"


class Feeds:
    """Fake school feeds: path -> (status, body, etag); every request's conditional headers kept."""

    def __init__(self):
        self.routes = {}
        self.seen = []  # (path, If-None-Match, If-Modified-Since)
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with outer.lock:
                    outer.seen.append((self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
                    status, body, etag = outer.routes.get(self.path, (404, "", None))
                if etag and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
                if etag:
                    self.send_header("ETag", etag)
                    self.send_header("Last-Modified", "Wed, 20 Nov 2024 01:00:00 GMT")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)  # port 0, read back
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def set(self, path, status, body, etag=None):
        with self.lock:
            self.routes[path] = (status, body, etag)

    def requests_to(self, path):
        with self.lock:
            return [s for s in self.seen if s[0] == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


HOSTILE_TITLE = "&lt;script&gt;alert('tiêu đề')&lt;/script&gt;Ngày Pháp luật 9/11"
HOSTILE_SUMMARY = "&lt;p onclick=\"alert(1)\"&gt;Học sinh&lt;script&gt;alert(2)&lt;/script&gt;" \
                  "&lt;a href=\"javascript:alert(3)\"&gt;x&lt;/a&gt;&lt;h1&gt;Tiêu đề trong bài&lt;/h1&gt;&lt;/p&gt;"


@pytest.fixture(scope="module")
def world():
    feeds = Feeds()
    feeds.set("/van-yen.atom", 200, atom("urn:th-van-yen", "Tin TH Văn Yên", [
        ("tag:a,2024:1", "http://school.example/1", HOSTILE_TITLE, "2024-11-09T08:00:00+07:00", HOSTILE_SUMMARY),
        ("tag:a,2024:2", "http://school.example/2", "Tuyên truyền Luật Giao thông", "2024-10-01T08:00:00+07:00", "Tóm tắt"),
    ]), etag='"v1"')
    feeds.set("/thcs.atom", 200, atom("urn:thcs-van-yen", "Tin THCS Văn Yên", [
        ("tag:b,2024:1", "http://school.example/b1", "Hội thi tìm hiểu pháp luật", "2024-11-15T08:00:00+07:00", "Hội thi"),
    ]))
    feeds.set("/bad.atom", 500, "")
    p = Portal().start()
    try:
        yield p, feeds
        assert p.alive(), "the portal died during the tests:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()
        feeds.close()


def aggregate(portal, *args):
    r = subprocess.run([cli_binary(), "aggregate", "--data", str(portal.data_dir), "--allow-private", "--no-discover",
                        "--timeout", "10", *args], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout, r.stderr


def test_the_news_page_fills_after_a_refresh_and_the_cached_empty_page_is_dropped(world):
    p, feeds = world
    before = p.get(NEWS)
    assert before.status == 200
    assert "Chưa có tin nào từ các trường" in before.text
    code, out, err = aggregate(p, "--subscribe", f"th-van-yen={feeds.url('/van-yen.atom')}",
                               "--subscribe", f"thcs-van-yen={feeds.url('/thcs.atom')}",
                               "--subscribe", f"th-le-loi={feeds.url('/bad.atom')}")
    assert code == 0, err
    assert "tin mới / new: 3" in out
    assert "failed\tth-le-loi" in out and "HTTP 500" in out
    page = Page(p.get(NEWS).text)
    # Newest first, each school named; the page's own outline stays h1 then h2 per entry.
    assert page.headings[:4] == [(1, "Tin từ các trường"), (2, "Hội thi tìm hiểu pháp luật"),
                                 (2, "Ngày Pháp luật 9/11"), (2, "Tuyên truyền Luật Giao thông")]
    assert "Trường Tiểu học Văn Yên" in page.text and "Trường THCS Văn Yên" in page.text
    assert page.html_lang() == "vi"


def test_script_from_a_feed_never_reaches_the_page_or_the_feed(world):
    p, _ = world
    r = p.get(NEWS)
    page = Page(r.text)
    assert page.dangers() == []
    assert "alert" not in r.text
    assert "Tiêu đề trong bài" in page.text  # a school's heading kept as text, not as a heading
    feed = p.get(NEWS + "feed.atom")
    assert feed.status == 200
    assert "alert" not in feed.text


def test_the_feed_republishes_each_entry_with_its_atom_source(world):
    p, feeds = world
    root = ET.fromstring(p.get(NEWS + "feed.atom").body)
    entries = root.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "id") for e in entries] == ["tag:b,2024:1", "tag:a,2024:1", "tag:a,2024:2"]
    src = entries[1].find(ATOM + "source")
    assert src.findtext(ATOM + "id") == "urn:th-van-yen"
    assert src.findtext(ATOM + "title") == "Tin TH Văn Yên"
    assert src.find(ATOM + "link[@rel='self']").get("href") == feeds.url("/van-yen.atom")


def test_english_page(world):
    p, _ = world
    page = Page(p.get(NEWS + "?lang=en").text)
    assert page.headings[0] == (1, "News from our schools")
    assert page.html_lang() == "en"
    # Schools' Vietnamese titles are marked as Vietnamese inside the English page.
    assert any(t == "h2" and a.get("lang") == "vi" for t, a in page.tags)


def test_a_second_read_is_conditional_and_the_failing_feed_waits(world):
    p, feeds = world
    code, out, err = aggregate(p)
    assert code == 0, err
    seen = feeds.requests_to("/van-yen.atom")
    assert seen[-1][1] == '"v1"'  # If-None-Match
    assert seen[-1][2] == "Wed, 20 Nov 2024 01:00:00 GMT"
    assert "not_modified\tth-van-yen" in out
    assert "waiting\tth-le-loi" in out  # backing off: not asked again yet
    assert len(feeds.requests_to("/bad.atom")) == 1


def test_the_portal_refreshes_in_the_background(tmp_path):
    feeds = Feeds()
    feeds.set("/a.atom", 200, atom("urn:a", "A", [("1", "http://school.example/x1", "Bài một", "2024-11-01T08:00:00Z", "x")]))
    # The subscription is made while no portal runs (a first start seeds the store), so the
    # portal's own timer is the only reader afterwards.
    first = Portal(data_dir=tmp_path).start()
    assert first.stop() == 0
    code, out, err = aggregate(first, "--subscribe", f"th-van-yen={feeds.url('/a.atom')}")
    assert code == 0, err
    p = Portal(data_dir=tmp_path, args=["--aggregate-interval", "1", "--aggregate-allow-private"]).start()
    try:
        assert "Bài một" in p.get(NEWS).text
        feeds.set("/a.atom", 200, atom("urn:a", "A", [
            ("1", "http://school.example/x1", "Bài một", "2024-11-01T08:00:00Z", "x"),
            ("2", "http://school.example/x2", "Bài hai từ nền", "2024-11-02T08:00:00Z", "y")]))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "Bài hai từ nền" not in p.get(NEWS).text:
            time.sleep(0.3)
        assert "Bài hai từ nền" in p.get(NEWS).text
        assert p.stop() == 0
    finally:
        p.cleanup()
        feeds.close()
