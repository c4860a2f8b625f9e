"""Every public page of the demo portal passes the W3C Nu HTML checker (vnu) with no error and
axe-core with no violation of impact serious or critical (issue 14; Vietnam's rules for
public-sector websites follow WCAG), skips no heading level, and on the English pages marks its
Vietnamese parts as such. One vnu run for all pages, one browser. Warnings and minor findings are
printed (pytest -s shows them), not failed.

The pages: every unit's section home (the ended division's is its archive), every category page
of the default unit and of a school, the second page (?sau=) of a category and of a search, every
article, legal document and question of the sitemap, the news from the schools of a ward and of a
school, any other page the home and Q&A pages link to, search with and without hits and refused
as too long, the 404 and 405 pages, each in Vietnamese and in English. Feeds and the sitemap are not HTML."""
import json
import re
import time
import urllib.parse

from html.parser import HTMLParser

import pytest

import a11y
from apihelp import copy_of, new_article
from htmlcheck import Page
from portal_proc import SEED_DIR, Portal

SCHOOL = "th-van-yen"
# More articles and questions than one page holds (options::page_size is 10), so that category
# and search pages have a second page and their paging links are checked too.
EXTRA = 11
# Moderate axe rules the public pages were fixed for: kept failing so they stay fixed.
FIXED_RULES = ("heading-order", "landmark-unique")


def english(path):
    return path + ("&" if "?" in path else "?") + "lang=en"


def links(html, pattern):
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(' + pattern + r')"', html)]


@pytest.fixture(scope="module")
def site():
    # A hotline (a placeholder, as in test_routes) so its markup is checked too; no --ask-url, so
    # "Gửi câu hỏi" leads to the unit's own question form, which is then checked as well.
    # The demo's compliance crawl of its own school sections, so the KPI page is checked filled.
    # --aggregate-local: the news from the schools (issue 15) is read from the portal's own school
    # feeds at start, so that page is checked with entries in it.
    p = Portal(args=["--hotline", "0000 000 000", "--aggregate-interval", "600", "--aggregate-local",
                     "--crawl-schools", "own"]).start()
    try:
        for i in range(EXTRA):
            r = p.request("POST", "/api/v1/articles", body=new_article(f"kiem-tra-trang-{i:02d}", f"Kế hoạch kiểm tra {i:02d}"),
                          headers=p.auth())
            assert r.status == 201, r.body
            q = copy_of("questions", "hoi-xe-may-dien", f"hoi-kiem-tra-{i:02d}", title=f"Câu hỏi kiểm tra {i:02d}")
            r = p.request("POST", "/api/v1/questions", body=q, headers=p.auth())
            assert r.status == 201, r.body
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


@pytest.fixture(scope="module")
def paths(site):
    """The public page paths, Vietnamese then English, discovered from the site itself."""
    home = site.get("/pbgdpl/").text
    categories = sorted(set(links(home, r"/pbgdpl/[a-z0-9-]+/")))
    assert len(categories) >= 6, categories  # news, documents, Q&A, dialogue, in-depth, publications
    units = [u["id"] for u in json.loads((SEED_DIR / "units.json").read_text(encoding="utf-8"))]
    sitemap = site.get("/sitemap.xml").text
    items = [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    items = [u for u in items if re.match(r"/pbgdpl/(bai-viet|van-ban|hoi-dap)/", u)]
    out = ["/pbgdpl/"] + categories + [f"/don-vi/{u}/pbgdpl/" for u in units]
    out += [f"/don-vi/{SCHOOL}{c}" for c in categories]
    # Second pages: any category with a "next" link, and a search with many hits.
    for c in categories:
        out += links(site.get(c).text, r"/pbgdpl/[a-z0-9-]+/\?sau=[^\"]+")[:1]
    search = "/tim-kiem?q=ke+hoach"
    # With hits, newest first, without hits, no query, and a query too long (the error notice).
    out += [search, "/tim-kiem?q=ke+hoach&sap-xep=moi-nhat", "/tim-kiem?q=khongcotrongtrang", "/tim-kiem",
            "/tim-kiem?q=" + urllib.parse.quote("kế hoạch phổ biến pháp luật " * 40)]
    out += links(site.get(search).text, r"/tim-kiem\?[^\"]*sau=[^\"]+")[:1]
    out += items + ["/pbgdpl/khong-co-trang-nay/", "/pbgdpl/bai-viet/khong-co-bai-nay"]
    # The compliance KPI page, once the crawl the portal started has stored its run.
    deadline = time.time() + 90
    while json.loads(site.get("/api/v1/compliance?unit=vhxh-phuong-ha-dong").text)["latest_run"] is None:
        assert time.time() < deadline, "the compliance crawl stored no run"
        time.sleep(0.5)
    out += ["/pbgdpl/kiem-tra-trang-truong/", f"/don-vi/{SCHOOL}/pbgdpl/kiem-tra-trang-truong/"]
    # News from the schools: a ward's (with entries once the first refresh is in) and a school's (none).
    news = "/don-vi/ubnd-phuong-ha-dong/pbgdpl/tin-cac-truong/"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and "school-news-list" not in site.get(news).text:
        time.sleep(0.2)
    out += [news, f"/don-vi/{SCHOOL}/pbgdpl/tin-cac-truong/"]
    # The legal staircase (issue 16): the ward office's screens (those of its schools, with what
    # they play and their approved content), a school with screens, and a school without.
    out += ["/pbgdpl/cau-thang-phap-luat/", "/don-vi/thcs-van-yen/pbgdpl/cau-thang-phap-luat/",
            f"/don-vi/{SCHOOL}/pbgdpl/cau-thang-phap-luat/"]
    # Any other page the home and Q&A pages link to (the public question form, say).
    qa = site.get("/pbgdpl/hoi-dap-phap-luat/").text
    out += [u for u in links(home + qa, r"(?:/don-vi/[a-z0-9-]+)?/pbgdpl/[^\"#?]*")
            if "/feed." not in u and "/static/" not in u and u not in out]
    for must in ("/pbgdpl/van-ban/kh-19-pgddt-2023", "/pbgdpl/hoi-dap-phap-luat/", "/don-vi/pgddt-ha-dong/pbgdpl/"):
        assert must in out, must
    assert any("sau=" in u and u.startswith("/pbgdpl/hoi-dap-phap-luat/") for u in out), "a second Q&A page"
    assert any("sau=" in u and u.startswith("/tim-kiem") for u in out), "a second search page"
    out = list(dict.fromkeys(out))
    return out + [english(u) for u in out]


@pytest.fixture(scope="module")
def served(site, paths):
    """{path: HTML bytes} as served, with the 405 page (a POST) too."""
    out = {}
    for path in paths:
        r = site.get(path)
        assert r.status in (200, 404), (path, r.status)
        assert r.header("content-type", "").startswith("text/html"), (path, r.header("content-type"))
        assert (r.status == 404) == ("khong-co" in path), (path, r.status)
        out[path] = r.body
    for path in ("/pbgdpl/", english("/pbgdpl/")):
        r = site.request("POST", path, body="x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status == 405 and r.header("content-type", "").startswith("text/html"), r
        out["POST " + path] = r.body
    return out


def test_every_public_page_is_valid_html(site, served):
    css = {"/pbgdpl/static/style.css": site.get("/pbgdpl/static/style.css").body}
    messages = a11y.vnu_messages(served, css)
    warnings = [f"{u[:100]}: {a11y.describe(m)}" for u, ms in messages.items() for m in ms if a11y.is_warning(m)]
    for w in warnings:
        print("vnu warning:", w)
    errors = [f"{u[:100]}: {a11y.describe(m)}" for u, ms in messages.items() for m in ms if a11y.is_error(m)]
    # vnu's language detection: a page whose text reads as another language than it declares.
    errors += [w for w in warnings if "appears to be written in" in w]
    assert errors == [], f"{len(errors)} vnu errors:\n" + "\n".join(errors[:40])


def test_every_public_page_has_no_serious_or_critical_axe_violation(browser, site, paths):
    found, minor = [], []
    for path in paths:
        others = []
        found += [f"{path[:100]}: {v}" for v in a11y.axe_check(browser, site.base + path, rules=FIXED_RULES, others=others)]
        minor += [f"{path[:100]}: {v}" for v in others]
    for m in minor:
        print("axe (minor/moderate):", m)
    assert found == [], f"{len(found)} axe violations:\n" + "\n".join(found[:40])


def heading_skip(html):
    """What is wrong with a page's heading levels ("" when nothing): it starts with its h1 and
    never goes down more than one level at a time."""
    levels = [lvl for lvl, _ in Page(html).headings]
    if not levels or levels[0] != 1:
        return f"starts with {levels[:1]}"
    for a, b in zip(levels, levels[1:]):
        if b > a + 1:
            return f"h{a} then h{b} in {levels}"
    return ""


def test_no_public_page_skips_a_heading_level(served):
    # axe calls this "heading-order" (moderate), vnu does not check it: WCAG 1.3.1 all the same.
    bad = [f"{path[:100]}: {why}" for path, body in served.items() if (why := heading_skip(body.decode("utf-8")))]
    assert bad == [], "\n".join(bad)


# Letters only Vietnamese uses (English text has none of them).
VIETNAMESE = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)
# Document numbers (19/KH-PGDĐT, 80-KL/TW) are codes, the same in both languages.
NUMBER = re.compile(r"\S*\d\S*[/-]\S*")


class _OutsideVietnamese(HTMLParser):
    """The body text of a page that no lang="vi" element covers (notices that name units inside
    an English sentence, class "ended", aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.text = [], []

    def handle_starttag(self, tag, attrs):
        if tag in ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"):
            return
        a = dict(attrs)
        self.stack.append((tag, a.get("lang"), "ended" in (a.get("class") or "").split()))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if any(t in ("head", "script", "style") or ended for t, _, ended in self.stack):
            return
        lang = next((lang for _, lang, _ in reversed(self.stack) if lang), None)
        if lang != "vi" and VIETNAMESE.search(NUMBER.sub("", data)):
            self.text.append(" ".join(data.split()))


def unmarked_vietnamese(html, query=""):
    """The texts of a page that are Vietnamese but not inside a lang="vi" element (leaving out
    `query`, a search's echo of the reader's words, in whatever language they typed)."""
    p = _OutsideVietnamese()
    p.feed(html)
    return [t for t in p.text if not (query and query in t)]


def test_english_pages_mark_their_vietnamese_parts_as_vietnamese(served):
    # WCAG 3.1.2 (language of parts): the content stays Vietnamese on the English pages, and a
    # screen reader reading it with an English voice makes it unintelligible.
    bad = []
    for path, body in served.items():
        if "lang=en" not in path:
            continue
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query).get("q", [""])[0].strip()
        bad += [f"{path[:100]}: {t[:80]}" for t in unmarked_vietnamese(body.decode("utf-8"), q)]
    assert bad == [], f"{len(bad)} Vietnamese texts not marked lang=\"vi\":\n" + "\n".join(bad[:60])


# --- the checkers themselves fail on broken pages -------------------------------------------

BROKEN = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Hỏng</title></head>
<body><main><h1>Trang hỏng</h1>
<p>Đoạn <div>khối trong đoạn</div></p>
<img src="anh.png">
<ul><p>không phải mục</p></ul>
<input type="text" id="a"><input type="text" id="a">
<button></button>
</main></body></html>"""

VALID = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Đúng</title></head>
<body><main><h1>Trang đúng</h1><p>Nội dung.</p></main></body></html>"""


def test_vnu_reports_the_errors_of_a_broken_page_and_none_of_a_valid_one():
    res = a11y.vnu_check({"/hong": BROKEN, "/dung": VALID.encode("utf-8")},
                         css_by_url={"/hong.css": "p { colour: red; }"})
    assert res["/dung"] == []
    text = "\n".join(res["/hong"])
    assert len(res["/hong"]) >= 3, text
    assert "alt" in text and "Duplicate ID" in text, text
    assert res["/hong.css"], "a CSS error (an unknown property) is reported too"


def test_the_heading_and_language_checks_see_a_broken_page():
    assert heading_skip(VALID) == ""
    assert heading_skip(BROKEN.replace("<h1>Trang hỏng</h1>", "<h1>Trang hỏng</h1><h3>Mục</h3>")).startswith("h1 then h3")
    assert heading_skip(BROKEN.replace("h1>", "h2>")).startswith("starts with")
    english = ('<!DOCTYPE html><html lang="en"><head><title>Kế hoạch</title></head><body><h1>Plan 19/KH-PGDĐT</h1>'
               '<p lang="vi">Kế hoạch số 19</p><p class="ended">The unit Phòng Giáo dục ended.</p>'
               '<p>Results for “phổ biến”</p><p>Tăng cường ứng dụng</p></body></html>')
    assert unmarked_vietnamese(english, "phổ biến") == ["Tăng cường ứng dụng"]


def test_axe_reports_the_serious_and_critical_violations_of_a_broken_page(browser):
    def data_url(html):
        return "data:text/html;charset=utf-8," + urllib.parse.quote(html)
    found = a11y.axe_check(browser, data_url(BROKEN))
    ids = {v.split(": ")[1] for v in found}
    assert {"image-alt", "button-name", "list"} <= ids, found
    assert a11y.axe_check(browser, data_url(VALID)) == []
    # Without a URL it checks the page the driver shows (a signed-in editor screen, say).
    browser.get(data_url(BROKEN))
    assert a11y.axe_check(browser) == found


def test_served_html_fetches_a_page_with_the_drivers_cookies(browser):
    # What the editor's screens need: vnu sees the HTML the server sent to the signed-in session.
    import http.server
    import threading

    class Echo(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = ("<!DOCTYPE html><title>t</title><p>" + (self.headers.get("Cookie") or "") + "</p>").encode()
            self.send_response(404 if self.path == "/khong-co" else 200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    # Threaded: Chromium keeps idle connections open, which would block a one-at-a-time server.
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        browser.get(base + "/")
        browser.add_cookie({"name": "phien", "value": "abc123", "httpOnly": True})
        assert b"phien=abc123" in a11y.served_html(browser, base + "/quan-tri/")
        assert b"phien=abc123" in a11y.served_html(browser, base + "/khong-co"), "an error page is a page too"
        browser.delete_all_cookies()
    finally:
        server.shutdown()
        server.server_close()
