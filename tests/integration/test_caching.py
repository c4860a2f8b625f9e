"""HTTP caching: ETag and Last-Modified on pages and feeds, 304 for If-None-Match and
If-Modified-Since, and a write through the API that changes what the next reader gets."""
import email.utils
import time

import pytest

from apihelp import new_article

PAGES = ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/bai-viet/gioi-thieu-kh19", "/pbgdpl/van-ban/kh-19-pgddt-2023",
         "/sitemap.xml", "/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/feed.json",
         "/pbgdpl/tin-hoat-dong/feed.atom", "/api/v1/articles", "/api/v1/articles/gioi-thieu-kh19"]
FEEDS = ["/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/feed.json", "/pbgdpl/tin-hoat-dong/feed.atom"]


@pytest.mark.parametrize("path", PAGES)
def test_validators_are_present_and_stable(portal, path):
    a, b = portal.get(path), portal.get(path)
    assert a.status == 200
    etag = a.header("etag")
    assert etag and etag.startswith('"') and etag.endswith('"'), etag
    assert b.header("etag") == etag, "the same bytes keep the same ETag"
    assert a.body == b.body
    assert email.utils.parsedate_to_datetime(a.header("last-modified")), a.header("last-modified")


@pytest.mark.parametrize("path", PAGES)
def test_if_none_match_gives_304_without_a_body(portal, path):
    etag = portal.get(path).header("etag")
    r = portal.get(path, headers={"If-None-Match": etag})
    assert r.status == 304
    assert r.body == b""
    assert r.header("etag") == etag
    assert portal.get(path, headers={"If-None-Match": '"not-the-etag"'}).status == 200
    assert portal.get(path, headers={"If-None-Match": f'"x", {etag}'}).status == 304
    assert portal.get(path, headers={"If-None-Match": "*"}).status == 304


@pytest.mark.parametrize("path", FEEDS)
def test_if_modified_since_gives_304_on_feeds(portal, path):
    r = portal.get(path)
    lm = r.header("last-modified")
    assert portal.get(path, headers={"If-Modified-Since": lm}).status == 304
    later = email.utils.format_datetime(email.utils.parsedate_to_datetime(lm).replace(year=2099), usegmt=True)
    assert portal.get(path, headers={"If-Modified-Since": later}).status == 304
    assert portal.get(path, headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status == 200
    # A garbage date is ignored, not an error.
    assert portal.get(path, headers={"If-Modified-Since": "yesterday-ish"}).status == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    assert portal.get(path, headers={"If-None-Match": '"other"', "If-Modified-Since": lm}).status == 200


def test_feed_last_modified_is_the_newest_entry(portal):
    lm = email.utils.parsedate_to_datetime(portal.get("/pbgdpl/feed.atom").header("last-modified"))
    assert lm.year == 2023, "the seed's newest article is from 2023, not the time of the request"


def test_a_write_through_the_api_changes_pages_and_feeds(fresh_portal):
    p = fresh_portal
    watched = ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/feed.json",
               "/pbgdpl/tin-hoat-dong/feed.atom", "/sitemap.xml", "/api/v1/articles"]
    before = {}
    for path in watched:
        r = p.get(path)
        assert r.status == 200
        assert p.get(path, headers={"If-None-Match": r.header("etag")}).status == 304  # now cached
        before[path] = r
    title = "Tin mới sau khi ghi qua API"
    r = p.request("POST", "/api/v1/articles", body=new_article("tin-moi-sau-ghi", title), headers=p.auth())
    assert r.status == 201, r.body
    for path in watched:
        now = p.get(path)
        assert now.status == 200
        assert now.header("etag") != before[path].header("etag"), path
        assert title.encode() in now.body or b"tin-moi-sau-ghi" in now.body, path
        old = p.get(path, headers={"If-None-Match": before[path].header("etag")})
        assert old.status == 200, f"the old ETag of {path} must not give 304 after a write"
    for path in ("/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/feed.json"):
        old_lm = before[path].header("last-modified")
        assert p.get(path, headers={"If-Modified-Since": old_lm}).status == 200, path

    # An update shows at once on the article page; an archive takes it down.
    cur = p.get("/api/v1/articles/tin-moi-sau-ghi").json()
    page_etag = p.get("/pbgdpl/bai-viet/tin-moi-sau-ghi").header("etag")
    r = p.request("PUT", "/api/v1/articles/tin-moi-sau-ghi", body=dict(cur, title="Tiêu đề đã sửa"), headers=p.auth())
    assert r.status == 200, r.body
    page = p.get("/pbgdpl/bai-viet/tin-moi-sau-ghi")
    assert "Tiêu đề đã sửa" in page.text and page.header("etag") != page_etag
    assert "Tiêu đề đã sửa" in p.get("/pbgdpl/feed.atom").text
    r = p.request("DELETE", "/api/v1/articles/tin-moi-sau-ghi", headers=p.auth())
    assert r.status == 200
    assert p.get("/pbgdpl/bai-viet/tin-moi-sau-ghi").status == 404
    assert "Tiêu đề đã sửa" not in p.get("/pbgdpl/feed.atom").text
    assert "tin-moi-sau-ghi" not in p.get("/sitemap.xml").text


def test_a_failed_write_does_not_change_the_etag(fresh_portal):
    p = fresh_portal
    etag = p.get("/pbgdpl/").header("etag")
    r = p.request("POST", "/api/v1/articles", body=new_article("ngoai", "Ngoài quyền", unit="ha-noi"), headers=p.auth())
    assert r.status == 403
    assert p.get("/pbgdpl/", headers={"If-None-Match": etag}).status == 304


def test_authenticated_api_reads_are_not_served_from_the_public_cache(portal):
    public = portal.get("/api/v1/articles?limit=100").json()["items"]
    private = portal.get("/api/v1/articles?limit=100", headers=portal.auth()).json()["items"]
    assert {a["state"] for a in public} == {"published"}
    assert "submitted" in {a["state"] for a in private}
    # and the other way round: the public never gets the authenticated answer.
    again = portal.get("/api/v1/articles?limit=100").json()["items"]
    assert {a["state"] for a in again} == {"published"}
