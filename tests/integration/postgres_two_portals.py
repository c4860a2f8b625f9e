"""Two portal processes on one PostgreSQL schema (the "postgres" store plugin): a write through one
portal's API shows on the other's next request, pages the other had cached included (each portal
polls the store's changes at every request), and search on PostgreSQL finds "Kế hoạch" from
"ke hoach". Run by CTest under the fixture that starts the test server (the file is not named
test_*.py so that the ordinary integration glob leaves it out)."""
import json
import os
import random
import string
import urllib.parse
from pathlib import Path

import pytest

from apihelp import new_article
from portal_proc import BINARY_DIR, Portal


def conninfo():
    c = os.environ.get("PBGDPL_TEST_PG")
    if not c and os.environ.get("PBGDPL_PG_TEST_DIR"):
        f = Path(os.environ["PBGDPL_PG_TEST_DIR"]) / "conninfo"
        if f.is_file():
            c = f.read_text().strip()
    assert c, "no PostgreSQL test server: set PBGDPL_TEST_PG, or run through CTest (its fixture starts one)"
    return c


@pytest.fixture(scope="module")
def two_portals(tmp_path_factory):
    schema = "it_" + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(12))
    cfg = tmp_path_factory.mktemp("pgcfg") / "store.json"
    cfg.write_text(json.dumps({"conninfo": conninfo(), "schema": schema}))
    os.chmod(cfg, 0o600)
    plugin_dir = os.environ.get("PBGDPL_PLUGIN_DIR", str(BINARY_DIR / "plugins"))
    args = ["--plugin-dir", plugin_dir, "--store", "postgres", "--store-config", "@" + str(cfg)]
    first = Portal(args=args)
    second = Portal(args=args)
    try:
        first.start(timeout=90)  # seeds the schema
        second.start(timeout=90)  # finds it seeded
        yield first, second
        for p in (first, second):
            assert p.alive(), "a portal died during the tests:\n" + p.log_path.read_text(errors="replace")
            assert p.stop() == 0, p.log_path.read_text(errors="replace")
    finally:
        first.cleanup()
        second.cleanup()
        try:  # the schema goes with the test (psql from postgresql-client)
            import subprocess
            subprocess.run(["psql", conninfo(), "-q", "-c", f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {schema} CASCADE"],
                           check=False, capture_output=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            pass


def test_both_portals_serve_the_seed_from_one_database(two_portals):
    a, b = two_portals
    for p in (a, b):
        r = p.get("/pbgdpl/van-ban/kh-19-pgddt-2023")
        assert r.status == 200, r
    ids_a = {x["id"] for x in a.get("/api/v1/articles?limit=100").json()["items"]}
    ids_b = {x["id"] for x in b.get("/api/v1/articles?limit=100").json()["items"]}
    assert ids_a and ids_a == ids_b
    # Each portal keeps its own data directory (keys, media) but not its own records.
    assert not (a.data_dir / "pbgdpl.db").exists() and not (b.data_dir / "pbgdpl.db").exists()


def test_a_write_on_one_portal_shows_on_the_other_even_on_a_cached_page(two_portals):
    a, b = two_portals
    watched = ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/feed.atom", "/api/v1/articles"]
    before = {}
    for path in watched:
        r = b.get(path)
        assert r.status == 200, (path, r)
        assert b.get(path, headers={"If-None-Match": r.header("etag")}).status == 304, path  # B has it cached
        before[path] = r
    title = "Tin ghi ở cổng thứ nhất, đọc ở cổng thứ hai"
    r = a.request("POST", "/api/v1/articles", body=new_article("tin-hai-cong", title), headers=a.auth())
    assert r.status == 201, r.body
    for path in watched:
        now = b.get(path)
        assert now.status == 200, path
        assert title.encode() in now.body or b"tin-hai-cong" in now.body, path
        assert now.header("etag") != before[path].header("etag"), path
    page = b.get("/pbgdpl/bai-viet/tin-hai-cong")
    assert page.status == 200 and title in page.text

    # An update through B shows on A's cached article page; a delete through A takes it off B.
    cached = a.get("/pbgdpl/bai-viet/tin-hai-cong")
    assert a.get("/pbgdpl/bai-viet/tin-hai-cong", headers={"If-None-Match": cached.header("etag")}).status == 304
    cur = b.get("/api/v1/articles/tin-hai-cong").json()
    r = b.request("PUT", "/api/v1/articles/tin-hai-cong", body=dict(cur, title="Đã sửa ở cổng thứ hai"), headers=b.auth())
    assert r.status == 200, r.body
    assert "Đã sửa ở cổng thứ hai" in a.get("/pbgdpl/bai-viet/tin-hai-cong").text
    # A stale version written through A (which read before B's update) is a conflict, not a silent overwrite.
    r = a.request("PUT", "/api/v1/articles/tin-hai-cong", body=dict(cur, title="Ghi đè cũ"), headers=a.auth())
    assert r.status == 409, r.body
    r = a.request("DELETE", "/api/v1/articles/tin-hai-cong", headers=a.auth())
    assert r.status == 200, r.body
    assert b.get("/pbgdpl/bai-viet/tin-hai-cong").status == 404


@pytest.mark.parametrize("q", ["ke hoach", "Kế hoạch", "KE HOACH"])
def test_search_on_postgresql_finds_ke_hoach_without_marks(two_portals, q):
    a, b = two_portals
    for p in (a, b):
        r = p.get("/tim-kiem?q=" + urllib.parse.quote(q))
        assert r.status == 200
        results = r.text.split('<ol class="results">', 1)[1].split("</ol>", 1)[0]
        assert "/pbgdpl/van-ban/kh-19-pgddt-2023" in results, q
        assert "<mark>Kế hoạch</mark>" in results or "<mark>Kế</mark>" in results, results[:2000]


def test_a_new_article_is_found_by_search_on_the_other_portal(two_portals):
    a, b = two_portals
    r = a.request("POST", "/api/v1/articles", body=new_article("tin-tim-kiem-hai-cong", "Hội thi Rung chuông vàng pháp luật"),
                  headers=a.auth())
    assert r.status == 201, r.body
    r = b.get("/tim-kiem?q=" + urllib.parse.quote("rung chuong vang"))
    assert r.status == 200
    assert "/pbgdpl/bai-viet/tin-hoi-thi" in r.text or "tin-tim-kiem-hai-cong" in r.text
