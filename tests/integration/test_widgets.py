"""The embeddable widgets (issue 20) on the real portal: each widget's three forms (the HTML
fragment, the framable iframe page, the script that inserts the iframe), the 404s and 400s, the
cache and CSP headers, the CSS variables, no request to any origin but the portal's, and a hostile
article title escaped.

The portal runs with --clock-offset so its clock reads 10:00 in Hà Nội, inside the demo screens'
06:00-22:00 schedule (as test_signage_pages.py does)."""
import datetime
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from apihelp import DIVISION, new_article  # noqa: E402
from htmlcheck import Page  # noqa: E402
from portal_proc import Portal  # noqa: E402

HANOI = datetime.timezone(datetime.timedelta(hours=7))
SCHOOL = "/don-vi/thcs-van-yen"
DISPLAY = "thcs-van-yen-cau-thang-a-t2"
W = SCHOOL + "/pbgdpl/tien-ich/"
WIDGETS = ["tin-moi", "bieu-ngu", "hoi-dap", "man-hinh/" + DISPLAY]
HOSTILE = "zqwidget <script>alert(1)</script> \"><img src=x onerror=alert(1)>"


def offset_to(hour):
    now = datetime.datetime.now(HANOI)
    target = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    if target <= now:
        target += datetime.timedelta(days=1)
    return int((target - now).total_seconds())


@pytest.fixture(scope="module")
def portal():
    p = Portal(args=["--clock-offset", str(offset_to(10))]).start(timeout=90)
    try:
        yield p
        assert p.alive(), p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


def resources(html):
    """Every address the document would load by itself (not the links a person may follow)."""
    page = Page(html)
    out = []
    for tag, a in page.tags:
        if tag in ("img", "script", "iframe", "source", "video", "audio", "embed") and a.get("src"):
            out.append(a["src"])
        if tag == "img" and a.get("srcset"):
            out += [part.strip().split()[0] for part in a["srcset"].split(",")]
        if tag == "link" and a.get("href"):
            out.append(a["href"])
        if tag == "object" and a.get("data"):
            out.append(a["data"])
    out += re.findall(r"url\(\s*['\"]?([^'\")]+)", html)
    return out


def own(portal, url):
    return url.startswith(portal.base + "/") or (url.startswith("/") and not url.startswith("//"))


@pytest.mark.parametrize("widget", WIDGETS)
def test_each_widget_as_a_fragment(portal, widget):
    r = portal.get(W + widget)
    assert r.status == 200, r.text[:500]
    assert r.header("content-type").startswith("text/html")
    t = r.text
    assert t.startswith("<section class=\"pbgdpl-w ") and t.endswith("</section>"), t[:200]
    for tag in ("<html", "<head", "<body", "<script", "<style", "style="):
        assert tag not in t, tag
    # Read on another site: every link and image is absolute.
    page = Page(t)
    for tag, a in page.tags:
        for k in ("href", "src"):
            if k in a:
                assert re.match(r"^(https?://|tel:)", a[k]), (tag, k, a[k])
    assert all(own(portal, u) and u.startswith(portal.base) for u in resources(t)), resources(t)
    assert not page.dangers()
    # Cacheable: revalidated with its ETag (a 304 from the portal's cache).
    if widget.startswith("man-hinh"):
        assert r.header("cache-control") == "public, max-age=30"
    else:
        assert r.header("cache-control") == "public, no-cache"
        etag = r.header("etag")
        assert etag
        again = portal.get(W + widget, headers={"If-None-Match": etag})
        assert again.status == 304


@pytest.mark.parametrize("widget", WIDGETS)
def test_each_widget_as_an_iframe_page(portal, widget):
    r = portal.get(W + widget + "/khung")
    assert r.status == 200, r.text[:500]
    t = r.text
    assert t.startswith("<!DOCTYPE html>\n<html lang=\"vi\">")
    assert "<title>" in t and "<h1 " in t and "<main>" in t
    csp = r.header("content-security-policy")
    assert "default-src 'none'" in csp and "style-src 'self'" in csp and "img-src 'self'" in csp
    assert "frame-ancestors *" in csp and "script-src 'self';" in csp and "unsafe" not in csp
    assert r.header("x-frame-options") is None, "the widget page must be framable"
    assert "style=" not in t and "<style" not in t
    # Its one script is the portal's own file (the height for the host's script), never inline.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", t, re.S)
    assert scripts == [(f' src="{SCHOOL}/pbgdpl/tien-ich/khung.js" defer', "")], scripts
    assert portal.get(SCHOOL + "/pbgdpl/tien-ich/khung.js").status == 200
    assert all(own(portal, u) for u in resources(t)), resources(t)
    # Its stylesheet is the portal's and carries the CSS variables.
    css_links = [a["href"] for tag, a in Page(t).tags if tag == "link" and a.get("rel") == "stylesheet"]
    assert css_links and css_links[0].startswith(SCHOOL + "/pbgdpl/tien-ich/tien-ich.css")
    css = portal.get(css_links[0])
    assert css.status == 200 and "var(--pbgdpl-accent" in css.text and "var(--pbgdpl-font" in css.text
    assert all(own(portal, u) for u in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.text))
    # English.
    en = portal.get(W + widget + "/khung?lang=en")
    assert en.status == 200 and en.text.startswith("<!DOCTYPE html>\n<html lang=\"en\">")


def test_the_rest_of_the_site_stays_unframable(portal):
    for path in ("/pbgdpl/", SCHOOL + "/pbgdpl/", SCHOOL + "/pbgdpl/hoi-dap/gui-cau-hoi", W + "tin-moi"):
        r = portal.get(path)
        assert r.header("x-frame-options") == "SAMEORIGIN", path
        assert "frame-ancestors 'self'" in r.header("content-security-policy"), path


def test_the_script_is_static_cacheable_and_safe(portal):
    r = portal.get(W + "tien-ich.js")
    assert r.status == 200
    assert r.header("content-type").startswith("text/javascript")
    assert "max-age=86400" in r.header("cache-control") and r.header("etag")
    js = r.text
    for src in (js, portal.get(W + "khung.js").text):
        for bad in ("eval(", "new Function", "innerHTML", "document.write", "setTimeout(\"", "http://", "https://"):
            assert bad not in src, bad
    # The same bytes under every unit, and at the root.
    assert portal.get("/pbgdpl/tien-ich/tien-ich.js").text == js
    # A vendor's cache-busting query changes nothing (and makes no cache entry).
    assert portal.get(W + "tien-ich.js?v=2").text == js


def test_theme_parameters_become_css_variables_and_bad_ones_are_refused(portal):
    r = portal.get(W + "tin-moi/khung?theme=dark&accent=b00020&bg=ffffff&fg=111111&font=serif")
    assert r.status == 200
    href = [a["href"] for tag, a in Page(r.text).tags if tag == "link"][0]
    assert href == SCHOOL + "/pbgdpl/tien-ich/tien-ich.css?theme=dark&accent=b00020&bg=ffffff&fg=111111&font=serif"
    css = portal.get(href).text
    assert css.startswith(":root{")
    for decl in ("--pbgdpl-accent:#b00020;", "--pbgdpl-bg:#ffffff;", "--pbgdpl-fg:#111111;", "--pbgdpl-font:\"Noto Serif\""):
        assert decl in css, decl
    for q in ("accent=red", "accent=%230b2e6b", "accent=B00020", "n=03", "n=%2B3", "bg=0b2e6", "fg=000000;}body{x:y", "theme=neon", "font=Comic%20Sans",
              "accent=0b2e6b%3C%2Fstyle%3E"):
        bad = portal.get(W + "tin-moi/khung?" + q)
        assert bad.status == 400, q
        assert "</style" not in bad.text and "x:y" not in bad.text
    assert portal.get(W + "tien-ich.css?accent=zzzzzz").status == 400
    # A fragment takes no theme: the host page sets the variables itself.
    assert portal.get(W + "tin-moi?accent=0b2e6b").status == 400


def test_news_is_bounded_and_lists_published_articles_newest_first(portal):
    t = portal.get(W + "tin-moi?n=10").text
    titles = re.findall(r"<li><a [^>]*>([^<]+)</a>", t)
    # The school's newest article (1 December 2023 in the seed) first; the API test below writes
    # to another unit.
    assert titles and titles[0].startswith("Ứng dụng mạng xã hội"), titles
    dates = re.findall(r"<time datetime=\"([^\"]+)\"", t)
    assert dates == sorted(dates, reverse=True) and len(dates) >= 3
    assert len(re.findall(r"<li>", portal.get(W + "tin-moi?n=2").text)) == 2
    for n in ("0", "11", "x", "1e1", "-3", ""):
        assert portal.get(W + "tin-moi?n=" + n).status == 400, n


def test_unknown_or_ended_units_and_foreign_displays_are_404(portal):
    for path in ("/don-vi/khong-ton-tai/pbgdpl/tien-ich/tin-moi", "/don-vi/khong-ton-tai/pbgdpl/tien-ich/tin-moi/khung",
                 # The Hà Đông education division ended on 1 July 2025: its archive stays, its widgets do not.
                 "/don-vi/pgddt-ha-dong/pbgdpl/tien-ich/tin-moi", "/don-vi/pgddt-ha-dong/pbgdpl/tien-ich/hoi-dap/khung",
                 W + "man-hinh/khong-co", W + "man-hinh/khong-co/khung",
                 # Another school's view of this school's screen.
                 "/don-vi/th-le-loi/pbgdpl/tien-ich/man-hinh/" + DISPLAY):
        r = portal.get(path)
        assert r.status == 404, (path, r.status)
        assert "Màn hình cầu thang" not in r.text and "<section" not in r.text
    assert portal.get("/don-vi/pgddt-ha-dong/pbgdpl/").status == 200


def test_the_display_preview_shows_only_approved_content_playing_now(portal):
    r = portal.get(W + "man-hinh/" + DISPLAY + "/khung")
    t = Page(r.text).text
    assert "Đang chiếu trên Màn hình cầu thang A, tầng 2" in t
    assert "Infographic: Quyền và bổn phận của trẻ em" in t
    assert "đã phê duyệt" in t
    # The signage page shows a local notice on this screen; a preview shows only approved content.
    notices = re.findall(r"<li class=\"signage-item\">.*?</li></ul></li>", portal.get(SCHOOL + "/pbgdpl/cau-thang-phap-luat/").text)
    assert notices
    for img in [a["src"] for tag, a in Page(r.text).tags if tag == "img"]:
        got = portal.get(img)
        assert got.status == 200 and got.body[:4] == b"\x89PNG"


def test_the_question_box_links_to_the_protected_form(portal):
    t = portal.get(W + "hoi-dap/khung").text
    links = [a["href"] for tag, a in Page(t).tags if tag == "a"]
    assert SCHOOL + "/pbgdpl/hoi-dap/gui-cau-hoi" in " ".join(links)
    assert "<form" not in t
    assert portal.request("POST", W + "hoi-dap", body="title=x").status == 405


def test_a_hostile_title_is_escaped_and_a_new_article_shows_at_once(portal):
    before = portal.get("/don-vi/" + DIVISION + "/pbgdpl/tien-ich/tin-moi")
    assert before.status == 200 and "zqwidget" not in before.text
    r = portal.request("POST", "/api/v1/articles", body=new_article("bai-widget-xss", HOSTILE), headers=portal.auth())
    assert r.status == 201, r.body
    for form in ("tin-moi", "tin-moi/khung"):
        t = portal.get("/don-vi/" + DIVISION + "/pbgdpl/tien-ich/" + form).text
        assert "zqwidget &lt;script&gt;alert(1)&lt;/script&gt;" in t, t[:2000]
        assert "<script>alert" not in t and "<img src=x" not in t
        # Nothing executable but the frame's own height script.
        own_script = ("script element", {"src": "/don-vi/" + DIVISION + "/pbgdpl/tien-ich/khung.js", "defer": ""})
        assert [d for d in Page(t).dangers() if d != own_script] == []


def test_a_strangers_parameters_make_no_cache_entries(portal):
    def entries():
        return portal.get("/healthz").json()["cache"]["widgets"]["entries"]
    portal.get(W + "bieu-ngu")
    n = entries()
    for i in range(20):
        assert portal.get(W + f"bieu-ngu?utm_source={i}&x{i}=y").status == 200
    assert entries() == n


def test_the_demo_narrows_who_may_frame_the_widgets(tmp_path):
    """--widget-frame-ancestors (the demo program's face of options::widget_frame_ancestors): the
    iframe pages name only those sites; a value that could end the directive is refused at start."""
    import subprocess

    from portal_proc import Portal, portal_binary
    p = Portal(args=["--widget-frame-ancestors", "https://*.edu.vn 'self'"]).start()
    try:
        r = p.get("/pbgdpl/tien-ich/tin-moi/khung")
        assert r.status == 200
        csp = r.header("Content-Security-Policy")
        assert "frame-ancestors https://*.edu.vn 'self'" in csp, csp
        assert r.header("X-Frame-Options") is None
        # Every other page still refuses to be framed.
        assert p.get("/pbgdpl/").header("X-Frame-Options") == "SAMEORIGIN"
        assert p.stop() == 0
    finally:
        p.cleanup()
    bad = subprocess.run([portal_binary(), "--data", str(tmp_path / "never"), "--widget-frame-ancestors", "*; script-src *"],
                         capture_output=True, text=True, timeout=20)
    assert bad.returncode != 0 and "frame-ancestors" in bad.stderr + bad.stdout
    assert not (tmp_path / "never").exists()
