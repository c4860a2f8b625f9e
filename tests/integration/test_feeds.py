"""Feeds: Atom and RSS parse with feedparser without complaint, JSON Feed 1.1 has what readers
need, and entry ids never change (not between fetches, not across a restart on another port)."""
import json
import xml.etree.ElementTree as ET

import feedparser

from portal_proc import Portal, SEED_DIR

ATOM = "{http://www.w3.org/2005/Atom}"


def published_titles():
    arts = json.loads((SEED_DIR / "articles.json").read_text(encoding="utf-8"))
    return {a["title"] for a in arts if a["state"] == "published"}, \
        {a["title"] for a in arts if a["state"] != "published"}


def atom_ids(p, path="/pbgdpl/feed.atom"):
    d = feedparser.parse(p.get(path).body)
    return d.feed.get("id"), [e.id for e in d.entries]


def test_the_atom_feed_parses_without_errors(portal):
    r = portal.get("/pbgdpl/feed.atom")
    d = feedparser.parse(r.body)
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.version == "atom10"
    assert d.feed.title.startswith("Phổ biến, giáo dục pháp luật")
    pub, unpub = published_titles()
    titles = {e.title for e in d.entries}
    assert titles == pub, "the division feed has every published article and nothing else"
    assert not titles & unpub
    for e in d.entries:
        assert e.id.startswith("tag:")
        assert e.link.startswith(portal.base + "/pbgdpl/bai-viet/")
        assert e.get("published") and e.get("updated")
        assert e.get("summary")
    # The same document is well-formed XML with the RFC 4287 required elements.
    root = ET.fromstring(r.body)
    assert root.tag == ATOM + "feed"
    for need in ("id", "title", "updated"):
        assert root.find(ATOM + need) is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    for entry in root.findall(ATOM + "entry"):
        for need in ("id", "title", "updated"):
            assert entry.find(ATOM + need) is not None


def test_entries_link_to_pages_that_exist(portal):
    d = feedparser.parse(portal.get("/pbgdpl/feed.atom").body)
    for e in d.entries:
        assert portal.get(e.link[len(portal.base):]).status == 200, e.link


def test_category_atom_feeds_hold_only_their_category(portal):
    d = feedparser.parse(portal.get("/pbgdpl/tin-hoat-dong/feed.atom").body)
    assert d.bozo == 0
    arts = json.loads((SEED_DIR / "articles.json").read_text(encoding="utf-8"))
    want = {a["title"] for a in arts if a["state"] == "published" and a["kind"] == "activity_news"}
    assert {e.title for e in d.entries} == want
    assert d.feed.id != feedparser.parse(portal.get("/pbgdpl/feed.atom").body).feed.id


def test_the_rss_feed_parses_without_errors(portal):
    r = portal.get("/pbgdpl/feed.rss")
    d = feedparser.parse(r.body)
    assert d.bozo == 0, d.get("bozo_exception")
    assert d.version.startswith("rss2")
    pub, _ = published_titles()
    assert {e.title for e in d.entries} == pub
    for e in d.entries:
        assert e.get("id"), "RSS items carry a guid"
        assert e.link.startswith(portal.base)
        assert e.get("published_parsed")
    root = ET.fromstring(r.body)
    assert root.tag == "rss" and root.get("version") == "2.0"
    # guids equal the Atom ids: one identity per article whatever the format.
    atom = {e.title: e.id for e in feedparser.parse(portal.get("/pbgdpl/feed.atom").body).entries}
    assert {e.title: e.id for e in d.entries} == atom


def test_the_json_feed_is_json_feed_1_1(portal):
    r = portal.get("/pbgdpl/feed.json")
    j = r.json()
    assert j["version"] == "https://jsonfeed.org/version/1.1"
    assert j["title"] and j["home_page_url"].startswith(portal.base)
    assert j["feed_url"] == portal.base + "/pbgdpl/feed.json"
    pub, _ = published_titles()
    assert {i["title"] for i in j["items"]} == pub
    atom = {e.title: e.id for e in feedparser.parse(portal.get("/pbgdpl/feed.atom").body).entries}
    for item in j["items"]:
        assert item["id"] == atom[item["title"]]
        assert item["url"].startswith(portal.base)
        assert "content_html" in item or "content_text" in item
        assert item["date_published"]


def test_feed_ids_are_stable_across_fetches(portal):
    assert atom_ids(portal) == atom_ids(portal)
    assert atom_ids(portal, "/pbgdpl/an-pham/feed.atom") == atom_ids(portal, "/pbgdpl/an-pham/feed.atom")


def test_feed_ids_survive_a_restart_on_another_port(tmp_path):
    first = Portal(tmp_path).start()
    try:
        before = atom_ids(first)
        port_before = first.port
        assert first.stop() == 0
        second = Portal(tmp_path).start()
        try:
            after = atom_ids(second)
            assert before == after
            assert before[1], "the feed has entries"
            assert all(str(port_before) not in i for i in before[1]), "ids do not carry the host or port"
            assert second.stop() == 0
        finally:
            second.cleanup()
    finally:
        first.cleanup()


def test_a_restart_reuses_the_data_and_the_api_key(tmp_path):
    first = Portal(tmp_path).start()
    try:
        key = first.api_key
        assert first.stop() == 0
        second = Portal(tmp_path).start()
        try:
            assert second.api_key == key
            r = second.get("/api/v1/articles?state=submitted", headers={"Authorization": "Bearer " + key})
            assert r.status == 200
            assert second.stop() == 0
        finally:
            second.cleanup()
    finally:
        first.cleanup()


def test_a_school_article_has_one_id_in_the_school_feed_and_the_division_feed(portal):
    # The id is a tag URI on the owning unit's domain, so a reader subscribed to both feeds
    # sees a school's article once.
    school_feed = "/don-vi/thcs-van-yen/pbgdpl/feed.atom"
    d_school = feedparser.parse(portal.get(school_feed).body)
    assert d_school.bozo == 0
    assert d_school.entries, "the school has published articles in the seed"
    d_division = feedparser.parse(portal.get("/pbgdpl/feed.atom").body)
    division_ids = {e.link.rsplit("/", 1)[1]: e.id for e in d_division.entries}
    for e in d_school.entries:
        slug = e.link.rsplit("/", 1)[1]
        assert e.id.startswith("tag:thcsvanyen.hadong.edu.vn,"), e.id
        assert division_ids[slug] == e.id
    # The division's own articles stay on the division's domain.
    assert any(i.startswith("tag:pgdhadong.edu.vn,") for i in division_ids.values())
