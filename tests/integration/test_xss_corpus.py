"""Issue 21: the XSS corpus (tests/data/xss/corpus.jsonl: the OWASP filter-evasion cases, polyglots,
mutation XSS, SVG/MathML, script URLs, encodings, Vietnamese) written through the API into every
text field a key can write, then every place the portal shows them read back: the public pages
(found by crawling from the home page, the sitemap and each record's own page), the searches (their
highlighted snippets), the widgets, the feeds, the JSON API and the editor's pages (stored XSS
against an approver). No element, attribute or URL from a payload may become markup.

Brief form (make test): each payload once in each collection, spread over the fields; a crawl of
at most PAGES pages. PBGDPL_XSS_FULL=1: every payload in every field, and a longer crawl."""
import copy
import json
import os
import re
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

import pytest

from apihelp import DIVISION, copy_of, new_article
from editorhelp import EditorClient
from portal_proc import Portal
from xsscheck import Checker, corpus, xml_html_parts

FULL = os.environ.get("PBGDPL_XSS_FULL") == "1"
PAGES = 2500 if FULL else 300
PAYLOADS = corpus()


def marker(i):
    return f"xq{i:03d}z"  # a word in front of payload i, to find where it shows


# What a key may write, the seed record each new one starts from, and its free-text fields (a
# path into the record: "signed_by.name", "tags.0"). Ids, units, states, dates, codes (the
# signing authority: TM., KT., ...) and URLs are the server's vocabulary, not free text; URLs are
# checked on their own (test_script_urls_in_url_fields_are_refused_or_inert).
TARGETS = {
    "articles": (lambda i: new_article(i, "x", byline="x", source={"name": "x"}),
                 ["title", "summary", "body_markdown", "byline", "category", "tags.0", "tags.1", "source.name"],
                 lambda i: f"/pbgdpl/bai-viet/{i}"),
    "legal-documents": (lambda i: _doc(i),
                        ["title", "summary", "body_markdown", "issuer", "parent_issuer", "place", "fields.0",
                         "recipients.0", "signed_by.name", "signed_by.position", "signed_by.authority_title"],
                        lambda i: f"/pbgdpl/van-ban/{i}"),
    "questions": (lambda i: copy_of("questions", "hoi-xe-may-dien", i),
                  ["title", "body", "answer_markdown", "asker_name", "category"],
                  lambda i: f"/pbgdpl/hoi-dap/{i}"),
    "training-courses": (lambda i: copy_of("training_courses", "tap-huan-cntt-pbgdpl-2023", i, unit=DIVISION),
                         ["title", "description", "organizer", "topics.0"], None),
    "channels": (lambda i: copy_of("channels", "facebook-th-van-yen", i, unit=DIVISION), ["name"], None),
    "channel-posts": (lambda i: copy_of("channel_posts", "fb-th-van-yen-2026-03-ngay-phap-luat", i, unit=DIVISION,
                                        channel="xss-kenh"), ["title"], None),
    "display-groups": (lambda i: copy_of("display_groups", "cau-thang-thcs-van-yen", i), ["name"], None),
    "displays": (lambda i: copy_of("displays", "thcs-van-yen-cau-thang-a-t2", i, public_key=""),
                 ["name", "location", "building", "staircase"], None),
    "playlists": (lambda i: copy_of("playlists", "pl-cau-thang-thcs-van-yen", i), ["name"], None),
    "media": (lambda i: copy_of("media", "anh-bia-kh19", i), ["title", "alt_text"], None),
}


def _doc(i):
    d = copy_of("legal_documents", "kh-19-pgddt-2023", i, number=f"{abs(hash(i)) % 9000 + 1000}/KH-XSS")
    d.setdefault("signed_by", {})
    for k in ("name", "position", "authority", "authority_title"):
        d["signed_by"].setdefault(k, "x")
    d["parent_issuer"] = d.get("parent_issuer") or "x"
    d["fields"] = (d.get("fields") or []) + ["x"]
    d["recipients"] = (d.get("recipients") or []) + ["x"]
    return d


def put_path(rec, path, value):
    keys = path.split(".")
    o = rec
    for k in keys[:-1]:
        o = o[int(k)] if isinstance(o, list) else o.setdefault(k, {})
    last = keys[-1]
    if isinstance(o, list):
        while len(o) <= int(last):
            o.append("x")
        o[int(last)] = value
    else:
        o[last] = value


def editor(p):
    """A GET function for the editor's pages, signed in as the division's approver."""
    import urllib.error
    passwords = dict(line.split()[:2] for line in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if line.strip())
    ed = EditorClient(p.base)
    ed.sign_in("nguyen.thi.thu.huong", passwords["nguyen.thi.thu.huong"])

    def get(path):
        try:
            with ed.opener.open(p.base + path, timeout=30) as r:
                return r.status, r.headers.get("content-type", ""), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, "", ""
    return get


# Where a record holds a URL that pages make a link of, and URLs that must never become one.
URL_FIELDS = [("articles", lambda i: new_article(i, "Nguồn " + i, source={"name": "Nguồn"}), "source.url"),
              ("channels", lambda i: copy_of("channels", "facebook-th-van-yen", i, unit=DIVISION), "url"),
              ("channel-posts", lambda i: copy_of("channel_posts", "fb-th-van-yen-2026-03-ngay-phap-luat", i, unit=DIVISION,
                                                  channel="xss-kenh"), "url"),
              ("training-courses", lambda i: copy_of("training_courses", "tap-huan-cntt-pbgdpl-2023", i, unit=DIVISION), "url")]
SCRIPT_URLS = ["javascript:alert(1)", " javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\nscript:alert(1)",
               "jav&#x09;ascript:alert(1)", "javascript&colon;alert(1)", "data:text/html,<script>alert(1)</script>",
               "vbscript:msgbox(1)", "https://vi.example/\" onmouseover=\"alert(1)", "https://vi.example/'><script>alert(1)</script>",
               "//evil.example/x", "\\\\evil.example\\x", "https:javascript:alert(1)", "http://[::1]:80@evil.example/"]
url_results = []


class Writer:
    """API writes, each from its own client address (the portal trusts 127.0.0.1 as a proxy here),
    so the per-client write rate does not make the corpus take minutes."""

    def __init__(self, portal):
        self.p, self.n = portal, 0

    def post(self, collection, body):
        self.n += 1
        h = self.p.auth({"X-Forwarded-For": f"10.{self.n // 65536 % 256}.{self.n // 256 % 256}.{self.n % 256}"})
        return self.p.request("POST", "/api/v1/" + collection, body=body, headers=h, timeout=30)


@pytest.fixture(scope="module")
def stored():
    p = Portal(args=["--trusted-proxy", "127.0.0.1"]).start(timeout=90)
    try:
        check = Checker()
        # The portal's own pages first, public and the editor's, before any payload is written:
        # what they hold (their scripts, styles, icons, forms) is the baseline.
        crawl(p, check, ["/", "/pbgdpl/", "/pbgdpl/bai-viet/gioi-thieu-kh19", "/tim-kiem?q=ke+hoach",
                         "/pbgdpl/tien-ich/tin-moi/khung", "/don-vi/thcs-van-yen/pbgdpl/tien-ich/man-hinh/thcs-van-yen-cau-thang-a-t2/khung",
                         "/pbgdpl/cau-thang-phap-luat/"], [], 80, learn=True)
        ed = editor(p)
        crawl(p, check, ["/quan-tri/", "/quan-tri/bai-viet/moi", "/quan-tri/bai-viet/gioi-thieu-kh19",
                         "/quan-tri/cau-hoi/hoi-xe-may-dien"], [], 50, get=ed, learn=True)
        w = Writer(p)
        assert w.post("channels", copy_of("channels", "facebook-th-van-yen", "xss-kenh", unit=DIVISION)).status == 201
        written = {}  # marker -> [(collection, id, field)]
        url_results.clear()
        refused = []
        for coll, (make, fields, _) in TARGETS.items():
            n = len(PAYLOADS)
            # Brief: record r carries payload (r*F + f) in field f, so each payload goes once
            # through each collection. Full: record i carries payload i in every field.
            # (Brief: a collection of one or two fields takes every fourth payload, or the corpus
            # would cost 200 writes for each; the others take all of it.)
            step = 1 if FULL or len(fields) > 2 else 4
            plan = ([[(f, i) for f in fields] for i in range(n)] if FULL else
                    [[(f, (r * len(fields) + k) * step % n if step > 1 else (r * len(fields) + k) % n)
                      for k, f in enumerate(fields)]
                     for r in range((n + len(fields) * step - 1) // (len(fields) * step))])
            for r, cells in enumerate(plan):
                rid = f"xss-{coll}-{r}"
                rec = make(rid)
                for f, i in cells:
                    put_path(rec, f, marker(i) + " " + PAYLOADS[i])
                res = w.post(coll, rec)
                if res.status == 201:
                    for f, i in cells:
                        written.setdefault(marker(i), []).append((coll, rid, f))
                    continue
                # Refused as a whole: then a field at a time, to know which payload and field.
                assert res.status in (400, 413, 422), (coll, res.status, res.body[:300])
                e = res.json()["error"]
                assert e["message"] and e["message_en"], "a bilingual reason"
                for f, i in cells:
                    one = make(f"{rid}-{f.replace('.', '-')}")
                    put_path(one, f, marker(i) + " " + PAYLOADS[i])
                    r1 = w.post(coll, one)
                    if r1.status == 201:
                        written.setdefault(marker(i), []).append((coll, one["id"], f))
                    else:
                        assert r1.status in (400, 413, 422), (coll, f, r1.status, r1.body[:300])
                        assert p.get(f"/api/v1/{coll}/{one['id']}", headers=p.auth()).status == 404
                        refused.append((coll, f, i, r1.json()["error"]["message_en"]))
        # URL fields: a script URL is refused, or stored and never made a link (the crawls check).
        for j, (coll, make, path) in enumerate(URL_FIELDS):
            for k, u in enumerate(SCRIPT_URLS):
                rec = make(f"xss-url-{j}-{k}")
                put_path(rec, path, u)
                res = w.post(coll, rec)
                url_results.append((coll, path, u, res.status))
                assert res.status in (201, 400, 422), (coll, path, u, res.status, res.body[:300])
                if res.status != 201:
                    e = res.json()["error"]
                    assert e["message"] and e["message_en"], "a bilingual reason"
        yield p, check, written, refused, ed
        assert p.alive(), "the portal died under the corpus:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()


def test_the_corpus_is_stored_not_just_refused(stored):
    p, check, written, refused, _ = stored
    # A refusal is fine (a clear 4xx): the store refuses control characters (NUL, TAB, U+0001) in
    # every text field. Every other payload must go in, or the views would check nothing.
    missing = [i for i in range(len(PAYLOADS)) if marker(i) not in written]
    assert all(re.search(r"[\x00-\x09\x0b\x0c\x0e-\x1f]", PAYLOADS[i]) for i in missing), \
        [(i, PAYLOADS[i]) for i in missing]
    # Each of them refused, in some field, for its control characters (a short field may have
    # refused it first for its length).
    assert all(any("control characters" in why for _, _, j, why in refused if j == i) for i in missing)
    reasons = {}
    for _, _, _, why in refused:
        key = re.sub(r'"[^"]*"|\d+', "…", why)
        reasons[key] = reasons.get(key, 0) + 1
    print("refusals:", dict(sorted(reasons.items(), key=lambda kv: -kv[1])[:6]))
    cells = sum(len(v) for v in written.values())
    print(f"\nXSS corpus: {len(PAYLOADS)} payloads, {sum(len(f) for _, f, _ in TARGETS.values())} fields in "
          f"{len(TARGETS)} collections, {cells} stored (payload, field) cells, {len(refused)} refused")
    # The API gives back exactly what was written: data, not markup.
    for m, where in list(written.items())[:60]:
        coll, rid, field = where[0]
        rec = p.get(f"/api/v1/{coll}/{rid}", headers=p.auth())
        assert rec.header("content-type").startswith("application/json") and rec.header("x-content-type-options") == "nosniff"
        v = rec.json()
        for k in field.split("."):
            v = v[int(k)] if isinstance(v, list) else v[k]
        i = int(m[2:5])
        assert v.startswith(m) and v[len(m) + 1:].replace("\u0000", "") in (PAYLOADS[i], PAYLOADS[i].replace("\u0000", "")) \
            or v == (m + " " + PAYLOADS[i]).strip(), (coll, field, v[:200], PAYLOADS[i][:200])


def test_script_urls_in_url_fields_are_refused_or_inert(stored):
    p, check, written, _, _ = stored
    assert len(url_results) == len(URL_FIELDS) * len(SCRIPT_URLS)
    kept = [(c, f, u) for c, f, u, st in url_results if st == 201]
    print(f"\nURL fields: {len(url_results)} writes, {len(kept)} kept: {kept}")
    # Kept only if it is a web address the pages may link to; every page crawled below checks
    # that no href holds a script URL.
    for c, f, u in kept:
        assert u.startswith(("https://", "http://", "//")), (c, f, u)
    r = p.get("/pbgdpl/bai-viet/xss-url-0-8")
    if r.status == 200:
        assert not check.dangers(r.text, [])


REFLECTED = ["/tim-kiem?q={}", "/tim-kiem?q=ke+hoach&sau={}", "/tim-kiem?q=ke+hoach&loai={}", "/tim-kiem?q=ke+hoach&sap-xep={}",
             "/pbgdpl/?lang={}", "/pbgdpl/?sau={}", "/pbgdpl/tin-hoat-dong/?sau={}", "/pbgdpl/hoi-dap/?sau={}",
             "/pbgdpl/bai-viet/{}", "/pbgdpl/van-ban/{}", "/don-vi/{}/pbgdpl/", "/pbgdpl/tien-ich/tin-moi/khung?n={}",
             "/pbgdpl/tien-ich/tin-moi/khung?lang={}", "/pbgdpl/tien-ich/tien-ich.css?theme={}", "/quan-tri/dang-nhap?sau={}",
             "/quan-tri/dang-nhap?da={}", "/pbgdpl/hoi-dap/theo-doi/{}", "/pbgdpl/cau-thang-phap-luat/kiosk/{}",
             "/pbgdpl/hoi-dap/gui-cau-hoi?unit={}", "/api/v1/search?q={}", "/api/v1/articles?cursor={}", "/{}"]


def test_reflected_parameters_and_paths_are_escaped(stored):
    """Nothing from the request comes back as markup: queries, cursors, languages, path segments."""
    p, check, _, _, _ = stored
    failures, n, statuses = [], 0, {}
    sample = PAYLOADS if FULL else PAYLOADS[::5]
    for i, x in enumerate(sample):
        m = f"xr{i:03d}z"
        v = urllib.parse.quote(m + " " + x, safe="")
        for t in REFLECTED:
            r = p.get(t.format(v))
            n += 1
            statuses[r.status] = statuses.get(r.status, 0) + 1
            assert r.status < 500, (t, x, r.status)
            ctype = r.header("content-type") or ""
            if "html" in ctype:
                d = check.dangers(r.text, [m])
                if d:
                    failures.append((t, x, d[:3]))
            elif "json" in ctype:
                assert r.header("x-content-type-options") == "nosniff", t
                r.json()
            elif "css" in ctype:
                assert "alert" not in r.text and "</style" not in r.text.lower(), (t, x)
    print(f"\nreflected: {n} requests, statuses {statuses}")
    assert not failures, failures[:5]


def crawl(p, check, start, markers, budget, headers=None, get=None, learn=False):
    """Follows same-origin links from `start`; checks every HTML page; returns (pages, shown) where
    shown maps a marker to the pages that show it."""
    import html5lib  # noqa: F401 (the checker's parser; imported here so a missing one names itself)
    from htmlcheck import Page
    seen, queue, shown, failures = set(), list(start), {}, []
    fetch = get or (lambda path: p.get(path, headers=headers))
    while queue and len(seen) < budget:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        r = fetch(path)
        status, ctype, text = (r.status, r.header("content-type") or "", r.text) if hasattr(r, "status") else r
        if status != 200 or "text/html" not in ctype:
            continue
        if learn:
            check.learn(text)
        else:
            d = check.dangers(text, markers)
            if d:
                failures.append((path, d[:3]))
        for m in markers:
            if m in text:
                shown.setdefault(m, set()).add(path)
        for tag, a in Page(text).tags:
            href = a.get("href") if tag == "a" else None
            if not href:
                continue
            try:
                u = urllib.parse.urlsplit(urllib.parse.urljoin("http://h" + path, href))
            except ValueError:  # a URL urllib cannot split (the API refuses http://[::1]:80@evil.example/ now): not ours to follow
                continue
            if u.netloc != "h" or u.path.startswith(("/api/", "/quan-tri/dang-xuat")) or \
                    u.path.endswith((".atom", ".rss", ".json", ".png", ".jpg", ".css", ".js", ".pdf", ".docx", ".xlsx", ".minisig", ".pub")):
                continue
            nxt = u.path + ("?" + u.query if u.query else "")
            if nxt not in seen and len(queue) < 20000:
                queue.append(nxt)
    return seen, shown, failures


def test_every_public_page_shows_the_payloads_as_text(stored):
    p, check, written, _, ed = stored
    start = ["/", "/pbgdpl/"]
    for where in written.values():
        for coll, rid, _ in where:
            page = TARGETS[coll][2]
            if page:
                start.append(page(rid))
    import re
    start += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", p.get("/sitemap.xml").text)]
    t0 = time.monotonic()
    seen, shown, failures = crawl(p, check, list(dict.fromkeys(start)), list(written), PAGES)
    print(f"\npublic crawl: {len(seen)} pages in {time.monotonic() - t0:.1f} s; {len(shown)} payloads shown, "
          f"{sum(len(v) for v in shown.values())} (payload, page) views; {check.checks} checks")
    assert not failures, failures[:5]
    assert len(shown) >= len(PAYLOADS) * 0.9, "the crawl reached the pages that show the corpus"


def test_search_snippets_highlight_without_markup(stored):
    p, check, written, _, ed = stored
    failures, hits, searches = [], 0, 0
    words = ["alert", "script", "onerror", "javascript", "Kế hoạch", "ke hoach", "svg", "img", "xss", "style"]
    words += [marker(i) for i in range(0, len(PAYLOADS), 1 if FULL else 7)]
    for q in words:
        for path in (f"/tim-kiem?q={urllib.parse.quote(q)}", f"/don-vi/{DIVISION}/tim-kiem?q={urllib.parse.quote(q)}"):
            # Searches are rated per client: each from its own address (the portal trusts the
            # test as a proxy), as the writes are.
            searches += 1
            r = p.get(path, headers={"X-Forwarded-For": f"10.200.{searches // 256 % 256}.{searches % 256}"})
            assert r.status == 200, (path, r.status)
            hits += r.text.count("<mark")
            d = check.dangers(r.text, list(written))
            if d:
                failures.append((path, d[:3]))
        searches += 1
        j = p.get(f"/api/v1/search?q={urllib.parse.quote(q)}",
                  headers={"X-Forwarded-For": f"10.201.{searches // 256 % 256}.{searches % 256}"}).json()
        for item in j.get("items", []):
            for k, v in item.items():
                if isinstance(v, str) and ("<" in v) and k.endswith(("html", "snippet", "highlight")):
                    d = check.fragment_dangers(v)
                    if d:
                        failures.append(("api search", q, k, d[:3]))
    assert not failures, failures[:5]
    assert hits > 0, "the searches highlighted something (so the snippets were checked)"


@pytest.mark.parametrize("path", ["/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/tin-hoat-dong/feed.atom",
                                  "/sitemap.xml", f"/don-vi/{DIVISION}/pbgdpl/feed.atom"])
def test_xml_feeds_stay_well_formed_and_their_html_inert(stored, path):
    p, check, written, _, ed = stored
    r = p.get(path)
    assert r.status == 200, (path, r.status)
    root, parts = xml_html_parts(r.body)  # raises if a payload broke the XML
    for el in root.iter():
        assert el.tag.rsplit("}", 1)[-1].lower() not in ("script", "img", "iframe", "svg", "a"), (path, el.tag)
    bad = [(path, d) for part in parts for d in check.fragment_dangers(part)]
    assert not bad, bad[:5]
    if path != "/sitemap.xml":
        assert any(m in r.text for m in written), "the feed carries some of the corpus"


def test_json_feed_and_api_lists_hold_data_and_inert_html(stored):
    p, check, written, _, ed = stored
    r = p.get("/pbgdpl/feed.json")
    assert r.header("x-content-type-options") == "nosniff"
    j = r.json()
    bad = [d for it in j["items"] for k in ("content_html",) if k in it for d in check.fragment_dangers(it[k])]
    assert not bad, bad[:5]
    # "summary" is plain text in JSON Feed 1.1: the payload as data, exactly.
    assert any(m in it.get("summary", "") and "<" in it["summary"] for it in j["items"] for m in written)
    for coll in TARGETS:
        r = p.get(f"/api/v1/{coll}?limit=100", headers=p.auth())
        assert r.status == 200 and r.header("content-type").startswith("application/json"), coll
        assert r.header("x-content-type-options") == "nosniff", coll

        def walk(o):
            if isinstance(o, dict):
                for k, v in o.items():
                    if k.endswith("_html") and isinstance(v, str):
                        yield from check.fragment_dangers(v)
                    else:
                        yield from walk(v)
            elif isinstance(o, list):
                for v in o:
                    yield from walk(v)
        bad = list(walk(r.json()))
        assert not bad, (coll, bad[:5])


def test_widgets_show_the_payloads_inert(stored):
    p, check, written, _, ed = stored
    failures, views = [], 0
    for unit in (DIVISION, "thcs-van-yen"):
        for w in ("tin-moi", "tin-moi/khung", "hoi-dap", "hoi-dap/khung", "bieu-ngu", "bieu-ngu/khung",
                  "man-hinh/thcs-van-yen-cau-thang-a-t2", "man-hinh/thcs-van-yen-cau-thang-a-t2/khung"):
            path = f"/don-vi/{unit}/pbgdpl/tien-ich/{w}"
            r = p.get(path)
            if r.status != 200:
                continue
            views += 1
            d = check.dangers(r.text, list(written))
            if d:
                failures.append((path, d[:3]))
    assert views >= 6
    assert not failures, failures[:5]


def test_the_editor_shows_the_payloads_inert_to_an_approver(stored):
    """Stored XSS against the people who approve: the editor's lists and forms for every record."""
    p, check, written, _, ed = stored
    start = ["/quan-tri/"]
    for where in written.values():
        for coll, rid, _ in where:
            if coll == "articles":
                start.append(f"/quan-tri/bai-viet/{rid}")
            elif coll == "questions":
                start.append(f"/quan-tri/cau-hoi/{rid}")
            elif coll == "legal-documents":
                start.append(f"/quan-tri/van-ban/{rid}")
    get = ed
    seen, shown, failures = crawl(p, check, list(dict.fromkeys(start)), list(written), 600 if FULL else 150, get=get)
    print(f"\neditor crawl: {len(seen)} pages; {len(shown)} payloads shown")
    assert not failures, failures[:5]
    assert len(shown) >= 30, "the editor pages showed the corpus"



def test_the_checker_sees_the_corpus_when_it_is_not_escaped():
    """The checks can fail: the raw payloads pasted into a page are caught (all but the ones that
    are only text until some other bug, e.g. a plain "javascript:alert(1)" or a Markdown link)."""
    check = Checker()
    caught = [i for i, x in enumerate(PAYLOADS)
              if check.dangers(f"<!doctype html><html><body><p>{x}</p></body></html>", [marker(i)])
              or check.dangers(f'<!doctype html><html><body><a title="{x}">t</a></body></html>', [marker(i)])]
    print(f"\nthe checker flags {len(caught)} of {len(PAYLOADS)} payloads when not escaped")
    assert len(caught) >= len(PAYLOADS) * 0.7, [PAYLOADS[i] for i in range(len(PAYLOADS)) if i not in caught][:40]


def test_report_narratives_and_comments_stay_text_in_the_report_views(stored):
    """A school's yearly report (issue 17): the narrative and every indicator's comment hold the
    corpus, a batch at a time; the Decree 30 document (HTML), the JSON and the editor's report page
    show it as text."""
    import json as _json
    import urllib.request
    import urllib.error
    p, check, _, _, _ = stored
    pw = dict(l.split()[:2] for l in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if l.strip())
    ed = EditorClient(p.base)
    ed.sign_in("tran.van.hung", pw["tran.van.hung"])  # the school's principal (school_approver of th-van-yen)

    def call(method, path, body=None):
        data = None if body is None else _json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(p.base + path, data=data, method=method,
                                     headers={"Origin": p.base, "Content-Type": "application/json"})
        try:
            with ed.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode(), r.headers.get("content-type", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers.get("content-type", "")
    st, body, _ = call("GET", "/api/v1/reports/submissions?unit=th-van-yen")
    assert st == 200, body[:300]
    drafts = [s for s in _json.loads(body)["items"] if s["state"] == "draft"]
    assert drafts, "the demo school has a draft report"
    sub = drafts[0]
    sid = urllib.parse.quote(sub["id"])
    st, body, _ = call("GET", "/api/v1/reports/templates")
    tmpl = next(t for t in _json.loads(body)["items"] if t["id"] == sub["template_id"])
    codes = [i["code"] for i in tmpl["indicators"]]
    text_codes = {i["code"] for i in tmpl["indicators"] if i["kind"] == "text"}
    usable = [i for i, x in enumerate(PAYLOADS) if not re.search(r"[\x00-\x09\x0b\x0c\x0e-\x1f]", x)]
    batch = len(codes) + len(text_codes)
    # The document's own print layout (an inline <style>, allowed by its CSP) joins the baseline,
    # read before any payload is in the report (a style holding a payload is still caught: the
    # check looks for the payloads' markers inside every style and script).
    st, html, _ = call("GET", f"/api/v1/reports/submissions/{sid}/document?format=html")
    assert st == 200
    check.learn(html)
    shown, views, version = set(), 0, sub["version"]
    # A comment needs a value beside it (or a computed figure under it): each non-text indicator
    # without a computed figure gets a plain valid value, so every comment is kept.
    st, js, _ = call("GET", f"/api/v1/reports/submissions/{sid}")
    computed = {v["code"] for v in _json.loads(js)["values"]
                if v.get("computed_number") is not None or v.get("computed_flag") is not None}
    by_code = {i["code"]: i for i in tmpl["indicators"]}

    def plain_value(c):
        ind = by_code[c]
        if c in text_codes or c in computed:
            return {}
        if ind["kind"] == "boolean":
            return {"flag": True}
        lo = ind.get("min") if ind.get("min") is not None else 0
        return {"number": max(lo, 1) if ind.get("max") is None or ind["max"] >= 1 else lo}

    for start in range(0, len(usable) if FULL else min(len(usable), 3 * batch), batch):
        chunk = iter(usable[start:start + batch])
        values, mine = [], []
        for c in codes:
            v = {"code": c, **plain_value(c)}
            for k in (["text"] if c in text_codes else []) + ["comment"]:
                i = next(chunk, None)
                if i is not None:
                    v[k] = f"xp{i:03d}z {PAYLOADS[i]}"
                    mine.append(f"xp{i:03d}z")
            values.append(v)
        st, body, _ = call("PUT", f"/api/v1/reports/submissions/{sid}/values", {"values": values, "version": version})
        assert st == 200, body[:400]
        version = _json.loads(body)["version"]
        for path in (f"/api/v1/reports/submissions/{sid}/document?format=html",
                     f"/quan-tri/bao-cao/{urllib.parse.quote(sub['period_id'])}/th-van-yen"):
            st, html, ctype = call("GET", path)
            assert st == 200 and "html" in ctype, (path, st, html[:300])
            views += 1
            d = check.dangers(html, mine)
            assert not d, (path, d[:3])
            shown |= {m for m in mine if m in html}
        st, js, ctype = call("GET", f"/api/v1/reports/submissions/{sid}")
        assert ctype.startswith("application/json")
        got = {v["code"]: v for v in _json.loads(js)["values"]}
        for v in values:
            for k in ("text", "comment"):
                if k in v:
                    assert v["code"] in got, (v["code"], "a comment sent with a value is kept")
                    # Stored as typed, in NFC (the corpus has an NFD line).
                    assert got[v["code"]].get(k) == unicodedata.normalize("NFC", v[k]), (v["code"], k)
    print(f"\nreports: {len(shown)} payloads in narratives and comments, {views} views checked")
    assert len(shown) >= batch, "the document and the editor show the comments"


def test_dialogues_written_in_the_editor_stay_text(stored):
    """Dialogue sessions have no API route: the corpus goes in through the editor's form (as the
    division's approver, who may close a session and so publish its conclusion), then the public
    session pages, the list and the editor's own form are read back."""
    p, check, _, _, _ = stored
    pw = dict(l.split()[:2] for l in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if l.strip())
    ed = EditorClient(p.base)
    ed.sign_in("nguyen.thi.thu.huong", pw["nguyen.thi.thu.huong"])
    fields = ["title", "description", "host", "conclusion_markdown"]
    usable = [i for i, x in enumerate(PAYLOADS) if not re.search(r"[\x00-\x09\x0b\x0c\x0e-\x1f]", x)]
    if not FULL:
        usable = usable[::2]
    made, failures, shown = [], [], set()
    for r in range(0, len(usable), len(fields)):
        cells = list(zip(fields, usable[r:r + len(fields)]))
        values = {f: f"xd{i:03d}z {PAYLOADS[i]}" for f, i in cells}
        ed.get("/quan-tri/doi-thoai/moi")
        ed.submit(action="/quan-tri/doi-thoai/moi", unit=DIVISION, starts_at="2026-01-05T08:00",
                  ends_at="2026-01-05T10:00", state="closed", url="", **values)
        m = re.search(r"/quan-tri/doi-thoai/([^/?#]+)$", ed.url)
        if not m:
            # Refused next to a field (a title over its limit): the form says so and saves nothing.
            assert "field-error" in ed.page, (ed.url, ed.page[:500])
            continue
        made.append((m.group(1), [f"xd{i:03d}z" for _, i in cells]))
        d = check.dangers(ed.page, list(values.values()))
        if d:
            failures.append(("editor form", d[:3]))
    assert len(made) >= len(range(0, len(usable), len(fields))) * 0.8, "most sessions were saved"
    for did, markers in made:
        for path in (f"/don-vi/{DIVISION}/pbgdpl/doi-thoai/{did}", "/pbgdpl/doi-thoai/"):
            r = p.get(path)
            if r.status != 200:
                continue
            d = check.dangers(r.text, markers)
            if d:
                failures.append((path, d[:3]))
            shown |= {m for m in markers if m in r.text}
    print(f"\ndialogues: {len(made)} sessions through the editor's form, {len(shown)} payloads shown publicly")
    assert not failures, failures[:5]
    assert len(shown) >= len(made), "the public pages show the sessions"


def test_the_editors_live_preview_answers_inert_html(stored):
    """The editor's live preview puts the server's answer into the page with innerHTML (which runs
    onerror and friends, not <script>): every payload as a body must come back sanitised."""
    p, check, _, _, _ = stored
    pw = dict(l.split()[:2] for l in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if l.strip())
    ed = EditorClient(p.base)
    ed.sign_in("nguyen.thi.thu.huong", pw["nguyen.thi.thu.huong"])
    page = ed.get("/quan-tri/bai-viet/moi")
    tag = re.search(r'<div[^>]*id="live-preview"[^>]*>', page)
    assert tag, "the new-article form has its live preview"
    url = re.search(r'data-url="([^"]+)"', tag.group(0)).group(1)
    csrf = re.search(r'data-csrf="([^"]+)"', tag.group(0)).group(1)
    url = url.replace("&amp;", "&")
    failures, answered = [], 0
    for i, x in enumerate(PAYLOADS):
        body = urllib.parse.urlencode({"body_markdown": f"xv{i:03d}z {x}", "csrf": csrf}).encode()
        req = urllib.request.Request(p.base + url if url.startswith("/") else url, data=body,
                                     headers={"Origin": p.base, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with ed.opener.open(req, timeout=30) as r:
                html = r.read().decode()
        except urllib.error.HTTPError as e:
            assert e.code in (400, 413, 422), (i, e.code)
            continue
        answered += 1
        assert f"xv{i:03d}z" in html, (i, html[:300])  # the preview is of this body
        d = check.fragment_dangers(html)
        if d:
            failures.append((x, d[:3]))
    print(f"\nlive preview: {answered} of {len(PAYLOADS)} payloads rendered, all checked")
    assert answered >= len(PAYLOADS) * 0.9
    assert not failures, failures[:5]
