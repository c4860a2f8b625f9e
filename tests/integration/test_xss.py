"""Stored XSS: hostile text written through the API into every text field must come out inert in
every page, feed and API answer (escaped in HTML and XML, plain data in JSON)."""
import json
import xml.etree.ElementTree as ET

import feedparser
import pytest

from apihelp import assert_json_error, copy_of, new_article
from htmlcheck import Page

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_LINK = "javascript:alert(1)"
MARK = "zxqvxss"  # a word nothing else contains, to find the article by search

TITLE = f"{MARK} {SCRIPT} {IMG}"
SUMMARY = f"Tóm tắt {IMG} {SCRIPT} <a href=\"{JS_LINK}\">bấm</a>"
BODY = "\n\n".join([
    f"Đoạn đầu {MARK}.",
    SCRIPT,
    IMG,
    f"[bấm vào đây]({JS_LINK})",
    f"<a href=\"{JS_LINK}\">liên kết</a>",
    "![ảnh](javascript:alert(1))",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<svg onload=alert(1)></svg>",
    f"[dữ liệu](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<div style=\"background:url(javascript:alert(1))\" onclick=\"alert(1)\">div</div>",
])
TAGS = [SCRIPT, IMG, JS_LINK]


def assert_inert_html(html, where):
    p = Page(html)
    assert not p.dangers(), (where, p.dangers())
    # Escaped text may spell "onerror=alert(1)"; what must never appear is a raw tag opening.
    for bad in ("<script>alert", "<img src=x", "<iframe", "<svg onload", "<div style"):
        assert bad not in html, (where, bad)
    return p


@pytest.fixture(scope="module")
def hostile(portal):
    r = portal.request("POST", "/api/v1/articles",
                       body=new_article("bai-xss", TITLE, summary=SUMMARY, body_markdown=BODY, tags=TAGS),
                       headers=portal.auth())
    assert r.status == 201, r.body
    doc = copy_of("legal_documents", "kh-19-pgddt-2023", "van-ban-xss", number="99/KH-PGDĐT",
                  title=TITLE, summary=SUMMARY, body_markdown=BODY, signed_by=None)
    doc.pop("signed_by")
    doc["issuer"] = IMG
    doc["fields"] = TAGS
    doc["recipients"] = [SCRIPT]
    r = portal.request("POST", "/api/v1/legal-documents", body=doc, headers=portal.auth())
    assert r.status == 201, r.body
    q = copy_of("questions", "hoi-xe-may-dien", "hoi-xss", title=TITLE, body=BODY, answer_markdown=BODY,
                asker_name=IMG)
    r = portal.request("POST", "/api/v1/questions", body=q, headers=portal.auth())
    assert r.status == 201, r.body
    return portal


def test_the_article_page_shows_the_payload_as_text(hostile):
    r = hostile.get("/pbgdpl/bai-viet/bai-xss")
    assert r.status == 200
    p = assert_inert_html(r.text, "article page")
    h1 = [t for lvl, t in p.headings if lvl == 1]
    assert TITLE in h1, "the title is shown, escaped, not dropped"
    assert p.meta_property("og:title") == TITLE
    assert SCRIPT in p.text and IMG in p.text  # the tags and summary as visible text
    assert "&lt;script&gt;" in r.text


@pytest.mark.parametrize("path", ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", f"/tim-kiem?q={MARK}",
                                  "/pbgdpl/van-ban/van-ban-xss", "/pbgdpl/van-ban-moi/", "/pbgdpl/hoi-dap/hoi-xss",
                                  "/pbgdpl/?lang=en", "/pbgdpl/bai-viet/bai-xss?lang=en"])
def test_listing_document_question_and_search_pages_are_inert(hostile, path):
    r = hostile.get(path)
    assert r.status == 200, (path, r.status)
    p = assert_inert_html(r.text, path)
    assert MARK in p.text, path


def test_search_finds_the_article_and_stays_inert(hostile):
    p = Page(hostile.get(f"/tim-kiem?q={MARK}").text)
    assert "/pbgdpl/bai-viet/bai-xss" in {a.get("href") for a in p.find("a")}


def test_a_reflected_query_is_escaped(hostile):
    for q in ("%3Cscript%3Ealert(1)%3C/script%3E", "%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E",
              "%3C/title%3E%3Cscript%3Ealert(1)%3C/script%3E"):
        r = hostile.get("/tim-kiem?q=" + q)
        assert r.status in (200, 400)
        assert_inert_html(r.text, q)


@pytest.mark.parametrize("path", ["/pbgdpl/feed.atom", "/pbgdpl/tin-hoat-dong/feed.atom"])
def test_the_atom_feed_escapes_the_payload(hostile, path):
    body = hostile.get(path).body
    d = feedparser.parse(body)
    assert d.bozo == 0, d.get("bozo_exception")
    root = ET.fromstring(body)  # well-formed: nothing broke out of its element
    ns = "{http://www.w3.org/2005/Atom}"
    entry = next(e for e in root.findall(ns + "entry") if MARK in (e.findtext(ns + "title") or ""))
    assert entry.findtext(ns + "title") == TITLE, "the title is data, round-tripping exactly"
    assert not [c for c in entry if c.tag in ("script", "img")]
    content = entry.find(ns + "content")
    assert content is not None and content.get("type") == "html"
    assert MARK in content.text, "the body is in the feed (so the check below checks something)"
    assert_inert_html(content.text, "atom content")
    summary = entry.find(ns + "summary")
    if summary is not None:
        assert summary.get("type") in (None, "text") or not Page(summary.text or "").dangers()


def test_the_rss_feed_escapes_the_payload(hostile):
    body = hostile.get("/pbgdpl/feed.rss").body
    d = feedparser.parse(body)
    assert d.bozo == 0, d.get("bozo_exception")
    root = ET.fromstring(body)
    item = next(i for i in root.iter("item") if MARK in (i.findtext("title") or ""))
    assert item.findtext("title") == TITLE
    desc = item.findtext("description") or ""
    assert MARK in desc
    assert_inert_html(desc, "rss description")
    for c in item:
        if c.tag.endswith("encoded"):
            assert_inert_html(c.text or "", "rss content:encoded")


def test_the_json_feed_carries_the_payload_as_data(hostile):
    j = hostile.get("/pbgdpl/feed.json").json()
    item = next(i for i in j["items"] if MARK in i["title"])
    assert item["title"] == TITLE
    assert MARK in item["content_html"]
    assert_inert_html(item["content_html"], "json feed content_html")


def test_the_api_returns_the_payload_as_data(hostile):
    r = hostile.get("/api/v1/articles/bai-xss")
    assert r.header("content-type").startswith("application/json")
    a = r.json()
    assert a["title"] == TITLE and a["summary"] == SUMMARY and a["body_markdown"] == BODY and a["tags"] == TAGS
    # No raw "<" in the JSON text: safe even if someone serves it as HTML by mistake.
    assert r.header("x-content-type-options") == "nosniff"
    d = hostile.get("/api/v1/legal-documents/van-ban-xss").json()
    assert d["title"] == TITLE and d["issuer"] == IMG


def test_the_sitemap_stays_well_formed(hostile):
    ET.fromstring(hostile.get("/sitemap.xml").body)


def test_og_and_meta_attributes_do_not_break_out(hostile):
    r = hostile.get("/pbgdpl/bai-viet/bai-xss")
    p = Page(r.text)
    assert p.meta_property("og:description") == SUMMARY
    assert not [a for a in p.find("img") if a.get("src") == "x"], "the payload's <img> never becomes an element"
    assert not [a for a in p.find("meta") if "onerror" in a]
