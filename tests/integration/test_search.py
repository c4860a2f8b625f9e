"""Vietnamese search through /tim-kiem: with or without diacritics, any case, NFC or NFD; snippets
highlighted with <mark>; hostile FTS syntax and bad UTF-8 answered cleanly, never with a 500."""
import unicodedata
import urllib.parse

import pytest

from apihelp import new_article, now_iso
from htmlcheck import Page

PLAN_DOC = "/pbgdpl/van-ban/kh-19-pgddt-2023"
PLAN_ARTICLE = "/pbgdpl/bai-viet/gioi-thieu-kh19"


def fold(s):
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in s if not unicodedata.combining(c)).lower()


def search(portal, q):
    r = portal.get("/tim-kiem?q=" + urllib.parse.quote(q))
    return r, Page(r.text)


def result_links(p):
    # Results are the links inside <ol class="results"> headings: every link to a content page.
    return {a.get("href") for a in p.find("a")
            if a.get("href", "").startswith(("/pbgdpl/bai-viet/", "/pbgdpl/van-ban/", "/pbgdpl/hoi-dap/"))}


def marks(html):
    out, rest = [], html
    while "<mark>" in rest:
        rest = rest.split("<mark>", 1)[1]
        word, _, rest = rest.partition("</mark>")
        out.append(word)
    return out


@pytest.mark.parametrize("q", ["ke hoach", "Ke Hoach", "KẾ HOẠCH", "kế hoạch",
                               unicodedata.normalize("NFD", "kế hoạch")])
def test_the_plan_is_found_however_the_words_are_typed(portal, q):
    r, p = search(portal, q)
    assert r.status == 200
    links = result_links(p)
    assert PLAN_DOC in links or PLAN_ARTICLE in links, (q, links)
    assert PLAN_DOC in links, "the plan's own document page is among the results"
    ms = marks(r.text)
    assert ms, "snippets highlight the matched words"
    assert all(fold(m) in ("ke", "hoach", "ke hoach") for m in ms), ms


def test_dao_tao_finds_dao_tao_with_diacritics(portal):
    r, p = search(portal, "dao tao")
    assert r.status == 200
    assert "/pbgdpl/van-ban/kh-19-pgddt-2023" in result_links(p)
    results = r.text.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
    assert "Đào tạo" in Page(results).text, "a result carries the words with their diacritics"
    ms = marks(results)
    assert ms and all(fold(m) in ("dao", "tao", "dao tao") for m in ms), ms


def ordered_results(html):
    # The result links in page order (each once): the first is the first result.
    results = html.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
    out = []
    for a in Page(results).find("a"):
        href = a.get("href", "")
        if href.startswith(("/pbgdpl/bai-viet/", "/pbgdpl/van-ban/", "/pbgdpl/hoi-dap/")) and href not in out:
            out.append(href)
    return out


@pytest.mark.parametrize("q,doc", [
    ("19/KH-PGDĐT", PLAN_DOC), ("kh 19/kh-pgddt", PLAN_DOC), ("ke hoach 19/KH-PGDDT", PLAN_DOC),
    (unicodedata.normalize("NFD", "kế hoạch 19/KH-PGDĐT"), PLAN_DOC),
    ("quyết định 1521/QĐ-TTg", "/pbgdpl/van-ban/qd-1521-ttg-2020"),
    ("quyet dinh 1521/qd-ttg", "/pbgdpl/van-ban/qd-1521-ttg-2020")])
def test_a_document_number_lists_that_document_first(portal, q, doc):
    r, _ = search(portal, q)
    assert r.status == 200
    links = ordered_results(r.text)
    assert links and links[0] == doc, (q, links)


def test_snippets_show_no_markdown_syntax(portal):
    r, _ = search(portal, "ke hoach")
    assert r.status == 200
    results = r.text.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
    for syntax in ("**", "](", "~~"):
        assert syntax not in results, syntax


def test_a_word_that_is_nowhere_finds_nothing(portal):
    r, p = search(portal, "khongcotuaynaodauca")
    assert r.status == 200
    assert not result_links(p)
    assert "Không tìm thấy kết quả phù hợp." in p.text


def test_drafts_are_never_search_results(portal):
    r, p = search(portal, "Bé vui học luật giao thông")
    assert "/pbgdpl/bai-viet/mn-van-khe-be-vui-hoc-luat" not in result_links(p)


@pytest.mark.parametrize("q", [
    "' OR 1=1 --", "\"unbalanced", "NEAR(", "*", "^", "ke*", "\"ke\" AND", "OR", "AND NOT", "(", ")", "-", ":",
    "title:ke", "{x}", "ke NEAR/3 hoach", "''", "\\", "%", "_", "; DROP TABLE articles; --", "a" * 3000,
    " ".join(["ke"] * 200), "\u0000ke", "ke\u200bhoach", "🙂", "\"\"\"",
])
def test_hostile_fts_syntax_never_gives_a_500(portal, q):
    r = portal.get("/tim-kiem?q=" + urllib.parse.quote(q))
    assert r.status in (200, 400), (q, r.status)
    assert r.header("content-type").startswith("text/html")
    p = Page(r.text)
    if r.status == 400:
        assert p.text, "a 400 explains itself"
    assert not p.dangers()
    assert portal.get("/healthz").status == 200


@pytest.mark.parametrize("raw", ["%FF", "%C3", "ke%C0%AFhoach", "%ED%A0%80", "%F8%88%80%80%80"])
def test_invalid_utf8_in_the_query_is_400(portal, raw):
    r = portal.get("/tim-kiem?q=" + raw)
    assert r.status == 400, (raw, r.status)
    assert portal.get("/healthz").status == 200


def result_pages(portal, q):
    """Every page of a search, following rel=next: a list of lists of result links, in order."""
    pages, url = [], "/tim-kiem?q=" + urllib.parse.quote(q)
    for _ in range(20):
        r = portal.get(url)
        assert r.status == 200, (url, r.status)
        p = Page(r.text)
        results = r.text.split('<ol class="results">', 1)[1].split("</ol>", 1)[0] if '<ol class="results">' in r.text else ""
        pages.append([a["href"] for a in Page(results).find("a") if a.get("href", "").startswith("/pbgdpl/")])
        nxt = [a["href"] for a in p.find("a") if a.get("rel") == "next"]
        if not nxt:
            return pages
        url = nxt[0].replace("&amp;", "&")
    raise AssertionError("more than 20 pages: the next link does not advance")


def test_search_pages_through_results_without_repeats_or_gaps(fresh_portal):
    # The demo data has too few matches for a second page (10 results a page), so the test makes
    # its own: 25 published articles sharing a word nothing else has, written through the API.
    p = fresh_portal
    word = "phântrangthử"
    made = set()
    for i in range(25):
        r = p.request("POST", "/api/v1/articles",
                      body=new_article(f"tim-phan-trang-{i:02d}", f"Bài {word} số {i:02d}",
                                       body_markdown=f"Nội dung {word} của bài {i:02d}.",
                                       published_at=now_iso(-3600), created_at=now_iso(-3600)),
                      headers=p.auth())
        assert r.status == 201, r.body
        made.add(f"/pbgdpl/bai-viet/tim-phan-trang-{i:02d}")
    for q in (word, fold(word)):
        pages = result_pages(p, q)
        assert len(pages) == 3, (q, [len(x) for x in pages])
        assert [len(x) for x in pages] == [10, 10, 5], "a second page exists, and every page but the last is full"
        seen = [link for page in pages for link in page]
        assert len(seen) == len(set(seen)), "no result is on two pages"
        assert set(seen) == made, "no gaps: every matching article is on some page, nothing else is"
