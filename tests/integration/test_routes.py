"""Every reader route of the portal on the demo data: status, content type, language, the city
banner, Open Graph tags and feed autodiscovery, over a real socket."""
import json
import re
import xml.etree.ElementTree as ET

import pytest

from htmlcheck import Page
from portal_proc import SEED_DIR

BANNER = "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội"
CATEGORIES = ["tin-hoat-dong", "van-ban-moi", "hoi-dap-phap-luat", "doi-thoai-chinh-sach",
              "bai-viet-chuyen-sau", "an-pham"]


def seed(name):
    return json.loads((SEED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def published_articles():
    return [a for a in seed("articles") if a["state"] == "published"]


def check_html_page(r, lang="vi"):
    assert r.status == 200, (r, r.body[:500])
    assert r.header("content-type").startswith("text/html"), r.header("content-type")
    assert "charset=utf-8" in r.header("content-type").lower()
    p = Page(r.text)
    assert p.html_lang() == lang
    assert BANNER in p.text, "the city-portal banner text must be on every page"
    banner_links = [a for a in p.find("a") if a.get("href") == "https://pbgdpl.hanoi.gov.vn"]
    assert banner_links, "the banner links to the city PBGDPL portal"
    for prop in ("og:title", "og:type", "og:url", "og:description", "og:site_name", "og:locale"):
        assert p.meta_property(prop), f"missing Open Graph {prop}"
    assert p.meta_property("og:url").startswith("http://"), "og:url must be absolute"
    kinds = {a.get("type"): a.get("href") for a in p.find("link") if a.get("rel") == "alternate"}
    assert kinds.get("application/atom+xml", "").endswith("feed.atom")
    assert kinds.get("application/rss+xml", "").endswith("feed.rss")
    assert kinds.get("application/feed+json", "").endswith("feed.json")
    assert p.headings and p.headings[0][0] == 1 or any(h[0] == 1 for h in p.headings), "a page has an h1"
    assert p.title.strip(), "a page has a <title>"
    assert not p.dangers(), p.dangers()
    return p


def test_healthz_answers_json_ok(portal):
    r = portal.get("/healthz")
    assert r.status == 200
    assert r.header("content-type").startswith("application/json")
    assert r.json()["status"] == "ok"
    assert "no-store" in r.header("cache-control", "")


def test_section_home_lists_the_categories_and_new_documents(portal):
    p = check_html_page(portal.get("/pbgdpl/"))
    h2 = [t for lvl, t in p.headings if lvl == 2]
    for label in ("Tin tức hoạt động", "Văn bản pháp luật mới", "Hỏi đáp, tư vấn pháp luật",
                  "Đối thoại chính sách - pháp luật", "Tài liệu, ấn phẩm"):
        assert label in h2, (label, h2)
    assert "19/KH-PGDĐT" in p.text
    hrefs = {a.get("href") for a in p.find("a")}
    for c in CATEGORIES:
        assert f"/pbgdpl/{c}/" in hrefs


def test_root_and_bare_section_redirect_to_the_section(portal):
    for path in ("/", "/pbgdpl"):
        r = portal.get(path)
        assert r.status == 301
        assert r.header("location") == "/pbgdpl/"


@pytest.mark.parametrize("slug", CATEGORIES)
def test_every_category_page_renders(portal, slug):
    p = check_html_page(portal.get(f"/pbgdpl/{slug}/"))
    current = [a for a in p.find("a") if a.get("aria-current") == "page"]
    assert current and current[0]["href"] == f"/pbgdpl/{slug}/"
    r = portal.get(f"/pbgdpl/{slug}")
    assert r.status == 301 and r.header("location") == f"/pbgdpl/{slug}/"


def test_category_pages_show_their_own_articles(portal):
    by_kind = {"activity_news": "tin-hoat-dong", "policy_dialogue": "doi-thoai-chinh-sach",
               "in_depth": "bai-viet-chuyen-sau", "publication": "an-pham"}
    for a in published_articles():
        slug = by_kind.get(a["kind"])
        if slug:
            assert a["title"] in Page(portal.get(f"/pbgdpl/{slug}/").text).text, (slug, a["id"])
    docs = Page(portal.get("/pbgdpl/van-ban-moi/").text).text
    assert "19/KH-PGDĐT" in docs and "14/2012/QH13" in docs


def test_a_bad_pagination_cursor_is_a_400_page_not_a_500(portal):
    for cursor in ("not-a-cursor", "%FF%FE", "'%20OR%201=1--", "A" * 500):
        r = portal.get(f"/pbgdpl/tin-hoat-dong/?sau={cursor}")
        assert r.status in (400, 404), (cursor, r.status)
        # A cursor that is not even UTF-8 is refused before routing, with a JSON error.
        if r.header("content-type").startswith("text/html"):
            assert BANNER in r.text
        else:
            assert r.json()["error"]["message_en"]


def test_every_published_article_has_a_page(portal):
    for a in published_articles():
        r = portal.get(f"/pbgdpl/bai-viet/{a['id']}")
        p = check_html_page(r)
        assert p.meta_property("og:type") == "article"
        assert p.meta_property("og:title") == a["title"]
        assert p.meta_property("article:published_time")
        assert a["title"] in [t for lvl, t in p.headings if lvl == 1]


def test_unpublished_and_unknown_articles_are_not_found(portal):
    drafts = [a for a in seed("articles") if a["state"] != "published"]
    assert drafts, "the seed has an unpublished article to check"
    for a in drafts:
        r = portal.get(f"/pbgdpl/bai-viet/{a['id']}")
        assert r.status == 404
        assert a["title"] not in r.text
    r = portal.get("/pbgdpl/bai-viet/khong-co-bai-nay")
    assert r.status == 404 and r.header("content-type").startswith("text/html") and BANNER in r.text


def test_the_plan_19_document_page_shows_its_metadata(portal):
    p = check_html_page(portal.get("/pbgdpl/van-ban/kh-19-pgddt-2023"))
    assert "Hà Đông, ngày 22 tháng 3 năm 2023" in p.text
    assert "19/KH-PGDĐT" in p.text
    assert "Phòng Giáo dục và Đào tạo" in p.text
    assert any("19/KH-PGDĐT" in t for lvl, t in p.headings if lvl == 1)
    # Related documents link to their own pages.
    hrefs = {a.get("href") for a in p.find("a")}
    assert "/pbgdpl/van-ban/kh-83-ubnd-ha-dong-2023" in hrefs


def test_the_plan_page_is_an_administrative_document_with_its_signer_and_place_date(portal):
    """Issue 13: the place-and-date line is labelled "Nơi, ngày ban hành"; a plan shows its period
    and no validity status; the signature block keeps the signer's name."""
    p = check_html_page(portal.get("/pbgdpl/van-ban/kh-19-pgddt-2023"))
    rows = {}
    for tr in re.findall(r"<tr><th scope=\"row\">(.*?)</th><td[^>]*>(.*?)</td></tr>", portal.get("/pbgdpl/van-ban/kh-19-pgddt-2023").text):
        rows[tr[0]] = re.sub(r"<[^>]+>", " ", tr[1])
    assert rows["Nơi, ngày ban hành"].strip() == "Hà Đông, ngày 22 tháng 3 năm 2023"
    assert rows["Giai đoạn thực hiện"].strip() == "2023–2027"
    assert rows["Nhóm văn bản"].strip() == "Văn bản chỉ đạo, điều hành"
    assert "Tình trạng hiệu lực" not in rows and "Ngày hết hiệu lực" not in rows
    assert " ".join(rows["Người ký"].split()) == "KT. TRƯỞNG PHÒNG PHÓ TRƯỞNG PHÒNG Nguyễn Thị Thu Hương"
    law = Page(portal.get("/pbgdpl/van-ban/luat-pbgdpl-2012").text).text
    assert "Còn hiệu lực" in law and "Văn bản quy phạm pháp luật" in law


def test_the_new_documents_section_is_split_by_family_and_grouped_by_level(portal):
    p = check_html_page(portal.get("/pbgdpl/van-ban-moi/"))
    h2 = [t for lvl, t in p.headings if lvl == 2]
    assert h2[:2] == ["Văn bản quy phạm pháp luật", "Văn bản chỉ đạo, điều hành"], h2
    h3 = [t for lvl, t in p.headings if lvl == 3]
    assert h3 == ["Trung ương", "Trung ương", "Thành phố", "Quận/phường", "Ngành Giáo dục"], h3
    text = p.text
    assert text.count("Còn hiệu lực") == 1, "only the law has a status"
    assert text.index("14/2012/QH13") < text.index("Văn bản chỉ đạo, điều hành") < text.index("19/KH-PGDĐT")


def test_every_legal_document_has_a_page(portal):
    for d in seed("legal_documents"):
        p = check_html_page(portal.get(f"/pbgdpl/van-ban/{d['id']}"))
        assert d["number"] in p.text


def test_published_questions_have_pages_and_unanswered_ones_do_not(portal):
    for q in seed("questions"):
        r = portal.get(f"/pbgdpl/hoi-dap/{q['id']}")
        if q["state"] == "published":
            p = check_html_page(r)
            assert q["title"] in p.text
            assert q.get("asker_email", "@") not in r.text, "the asker's e-mail stays private"
        else:
            assert r.status == 404, q["id"]


def test_search_page_renders(portal):
    p = check_html_page(portal.get("/tim-kiem?q=ke+hoach"))
    assert portal.get("/tim-kiem?q=ke+hoach").header("x-robots-tag") == "noindex"
    assert p.find("input", name="q")[0].get("value") == "ke hoach"
    check_html_page(portal.get("/tim-kiem"))


FEED_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml", "json": "application/feed+json"}


@pytest.mark.parametrize("prefix", ["/pbgdpl/"] + [f"/pbgdpl/{c}/" for c in CATEGORIES])
@pytest.mark.parametrize("ext", sorted(FEED_TYPES))
def test_every_feed_answers_with_its_type(portal, prefix, ext):
    r = portal.get(f"{prefix}feed.{ext}")
    assert r.status == 200, (prefix, ext, r.status)
    assert r.header("content-type").startswith(FEED_TYPES[ext])
    if ext == "json":
        j = r.json()
        assert j["version"].startswith("https://jsonfeed.org/version/1")
    else:
        ET.fromstring(r.body)


def test_sitemap_lists_every_public_page_as_absolute_urls(portal):
    r = portal.get("/sitemap.xml")
    assert r.status == 200
    assert r.header("content-type").startswith("application/xml")
    root = ET.fromstring(r.body)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    base = portal.base
    assert all(l.startswith(base + "/") for l in locs), locs[:3]
    paths = {l[len(base):] for l in locs}
    assert "/pbgdpl/" in paths
    for c in CATEGORIES:
        assert f"/pbgdpl/{c}/" in paths
    for a in published_articles():
        assert f"/pbgdpl/bai-viet/{a['id']}" in paths
    for a in seed("articles"):
        if a["state"] != "published":
            assert f"/pbgdpl/bai-viet/{a['id']}" not in paths
    assert "/pbgdpl/van-ban/kh-19-pgddt-2023" in paths
    # Every URL in the sitemap really answers 200.
    for p in sorted(paths):
        assert portal.get(p).status == 200, p


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_off_the_api(portal):
    r = portal.get("/robots.txt")
    assert r.status == 200
    assert r.header("content-type").startswith("text/plain")
    lines = r.text.splitlines()
    assert "Disallow: /api/" in lines
    assert f"Sitemap: {portal.base}/sitemap.xml" in lines


def test_a_school_section_lives_under_its_unit_prefix(portal):
    p = check_html_page(portal.get("/don-vi/th-van-yen/pbgdpl/"))
    assert "Trường Tiểu học Văn Yên" in p.text
    assert "Ngày Pháp luật" in p.text
    r = portal.get("/don-vi/th-van-yen")
    assert r.status == 301 and r.header("location") == "/don-vi/th-van-yen/pbgdpl/"
    check_html_page(portal.get("/don-vi/th-van-yen/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023"))
    feed = portal.get("/don-vi/th-van-yen/pbgdpl/feed.atom")
    assert feed.status == 200 and "Ngày Pháp luật".encode() in feed.body
    assert "triển khai Kế hoạch".encode() not in feed.body
    # A school shows its own news, not the division's.
    assert portal.get("/don-vi/th-van-yen/pbgdpl/bai-viet/pgddt-trien-khai-kh19").status == 404
    # The division shows its schools' news too.
    assert portal.get("/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023").status == 200


def test_an_unknown_unit_is_not_found(portal):
    r = portal.get("/don-vi/khong-co-truong-nay/pbgdpl/")
    assert r.status == 404


def test_english_pages_say_so(portal):
    p = check_html_page(portal.get("/pbgdpl/?lang=en"), lang="en")
    assert "Legal dissemination and education" in p.text
    assert p.meta_property("og:locale") == "en_US"
    assert portal.get("/pbgdpl/?lang=en").header("content-language") == "en"
    assert portal.get("/pbgdpl/").header("content-language") == "vi"
    p = check_html_page(portal.get("/pbgdpl/van-ban/kh-19-pgddt-2023?lang=en"), lang="en")


def test_unknown_pages_are_html_404s_with_the_banner(portal):
    for path in ("/pbgdpl/khong-co/", "/pbgdpl/bai-viet/", "/khong-co", "/pbgdpl/van-ban/khong-co"):
        r = portal.get(path)
        assert r.status == 404, path
        if r.header("content-type", "").startswith("text/html"):
            assert BANNER in r.text


def test_an_empty_list_says_no_articles_only_where_it_lists_articles(portal):
    # TH Lê Lợi has no articles and no published questions in the demo data.
    q = check_html_page(portal.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/"))
    assert "Chưa có nội dung." in q.text and "Chưa có bài viết." not in q.text
    n = check_html_page(portal.get("/don-vi/th-le-loi/pbgdpl/tin-hoat-dong/"))
    assert "Chưa có bài viết." in n.text and "Chưa có nội dung." not in n.text
    e = check_html_page(portal.get("/don-vi/th-le-loi/pbgdpl/hoi-dap-phap-luat/?lang=en"), lang="en")
    assert "Nothing here yet." in e.text


def test_a_news_article_credits_its_writer_in_the_page_and_the_api(portal):
    p = check_html_page(portal.get("/don-vi/th-van-yen/pbgdpl/bai-viet/th-van-yen-ngay-phap-luat-2023"))
    assert "Tác giả: Nguyễn Thị Lan" in p.text
    a = portal.get("/api/v1/articles/th-van-yen-ngay-phap-luat-2023").json()
    assert a["byline"] == "Nguyễn Thị Lan" and "source" not in a


def test_the_questions_page_says_where_to_send_a_question(portal):
    # No --ask-url: the section's own question form (issue 14; test_questions_form.py).
    p = check_html_page(portal.get("/pbgdpl/hoi-dap-phap-luat/"))
    assert [a["href"] for a in p.find("a") if a.get("class") == "ask"] == ["/pbgdpl/hoi-dap/gui-cau-hoi"]
    assert "Đường dây nóng" not in p.text, "the demo names no hotline: the plan gives none"
    # The division that ended keeps its archive but takes no questions at its old address: its
    # askers go to the form of the unit that took it over.
    p = check_html_page(portal.get("/don-vi/pgddt-ha-dong/pbgdpl/hoi-dap-phap-luat/"))
    assert "mailto:pgddt@hadong.edu.vn" not in p.text
    asks = [a["href"] for a in p.find("a") if a.get("class") == "ask"]
    assert asks and "pgddt-ha-dong" not in asks[0] and asks[0].endswith("/pbgdpl/hoi-dap/gui-cau-hoi"), asks


def test_a_hotline_shows_in_every_footer_and_on_the_questions_page():
    from portal_proc import Portal
    p = Portal(args=["--hotline", "0000 000 000", "--ask-url", "https://example.org/hoi"]).start()
    try:
        q = check_html_page(p.get("/pbgdpl/hoi-dap-phap-luat/"))
        assert "Đường dây nóng: 0000 000 000" in q.text
        assert [a.get("href") for a in q.find("a") if a.get("class") == "ask"] == ["https://example.org/hoi"]
        tels = [a.get("href") for a in q.find("a") if (a.get("href") or "").startswith("tel:")]
        assert tels == ["tel:0000000000"] * 2, tels  # the page and its footer
        home = check_html_page(p.get("/pbgdpl/tin-hoat-dong/?lang=en"), lang="en")
        assert "Hotline: 0000 000 000" in home.text
        assert p.stop() == 0
    finally:
        p.cleanup()


def test_a_404_page_is_headed_in_its_own_language(portal):
    r = portal.get("/pbgdpl/khong-co/")
    assert r.status == 404
    h1 = [t for lvl, t in Page(r.text).headings if lvl == 1]
    assert h1 == ["404 – Không tìm thấy"], h1
    assert "Not Found" not in r.text
    r = portal.get("/pbgdpl/khong-co/?lang=en")
    assert r.status == 404
    assert [t for lvl, t in Page(r.text).headings if lvl == 1] == ["404 – Not Found"]


def test_pages_only_accept_get_and_head(portal):
    r = portal.request("POST", "/pbgdpl/", body="x=1", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 405
    assert "GET" in r.header("allow", "")
    h = portal.request("HEAD", "/pbgdpl/")
    assert h.status == 200 and h.body == b""


def test_security_headers_are_on_every_response(portal):
    for path in ("/pbgdpl/", "/pbgdpl/feed.atom", "/api/v1/articles", "/khong-co", "/healthz"):
        r = portal.get(path)
        assert r.header("x-content-type-options") == "nosniff", path
    csp = portal.get("/pbgdpl/").header("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, csp
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, csp


def test_the_stylesheet_is_served(portal):
    r = portal.get("/pbgdpl/static/style.css")
    assert r.status == 200 and r.header("content-type").startswith("text/css")
    assert "@media" in r.text


def test_favicon_requests_are_not_errors(portal):
    for path in ("/favicon.ico",):
        r = portal.get(path)
        assert r.status in (200, 204), (path, r.status)
        assert r.status != 204 or r.body == b""
