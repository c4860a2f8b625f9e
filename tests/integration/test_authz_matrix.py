"""The authorisation matrix (issue 21): every principal against every route of /api/openapi.json, on
records of the principal's own school and of another ward's school, drafts included. The expected
answer of each cell comes from the rules (authz_common.allowed, a restatement of
trust/permissions.hpp and docs/security.md), never from what the server answered. An allowed write
must change the stored record; a refused one must leave the whole store as it was.

The routes come from the served OpenAPI document, and every route registered in the API's source
must be in it: a new route without a row here fails the test instead of being forgotten."""
import re

import pytest

from authz_common import (Browser, KEYED_READS, MODELLED, PRINCIPALS, SCHOOL_A, SCHOOL_B, UNITS, Deployment, _fixture_id,
                          allowed, fixture_record)
from portal_proc import SOURCE_DIR

METHODS = ("get", "post", "put", "delete", "patch")


@pytest.fixture(scope="module")
def dep():
    d = Deployment()
    try:
        yield d
    finally:
        d.close()


@pytest.fixture(scope="module")
def spec(dep):
    r = dep.request("GET", "/api/openapi.json")
    assert r.status == 200
    return r.json()


def operations(spec):
    return {(m, p) for p, item in spec["paths"].items() for m in METHODS if m in item}


# --- the routes the source registers must all be documented --------------------------------------

def routes_in_source():
    """(method, /api path) of every route the API registers: literal ones and each collection<T>()."""
    impl = SOURCE_DIR / "include" / "pbgdpl" / "portal" / "impl"
    out = set()
    for f in sorted(impl.glob("api*.ipp")):
        text = f.read_text(encoding="utf-8")
        for m, p in re.findall(r'routes_->(get|post|put|del|patch)\("(/[^"]*)",', text):
            out.add(("delete" if m == "del" else m, "/api" + p))
        for name, writable in re.findall(r'collection<\w+>\("([a-z-]+)", (true|false)\)', text):
            out |= {("get", f"/api/v1/{name}"), ("get", f"/api/v1/{name}/{{id}}")}
            if writable == "true":
                out |= {("post", f"/api/v1/{name}"), ("put", f"/api/v1/{name}/{{id}}"), ("delete", f"/api/v1/{name}/{{id}}")}
    return {(m, re.sub(r"{\w+}", "{}", p)) for m, p in out}


def test_every_route_the_api_registers_is_in_the_served_document(spec):
    documented = {(m, re.sub(r"{\w+}", "{}", p)) for m, p in operations(spec)}
    registered = routes_in_source()
    assert len(registered) > 50, "the route scan found too few routes: has the registration syntax changed?"
    # The index's trailing-slash form only redirects to /api/v1 (test_openapi checks that).
    missing = sorted(r for r in registered - documented if r != ("get", "/api/v1/"))
    assert not missing, f"routes registered but not in /api/openapi.json: {missing}"


# --- the expected answer of each cell ---------------------------------------------------------------

def expect_read_one(principal, collection, unit):
    """GET of a draft (or a record nobody publishes) of `unit`."""
    _, _, _, public = MODELLED[collection]
    if principal == "anonymous":
        return 401 if collection in KEYED_READS else (200 if public else 404)
    return 200 if public or allowed(principal, "read", unit) else 404


def expect_write(principal, collection, unit, verb):
    """POST (create a draft at `unit`), PUT (change its title) or DELETE (archive) it."""
    _, _, right, public = MODELLED[collection]
    if principal == "anonymous":
        return 401
    if verb != "post" and not public and not allowed(principal, "read", unit):
        return 404  # a record the caller may not read is written to as if it did not exist
    if not allowed(principal, right, unit):
        return 403
    return {"post": 201, "put": 200, "delete": 200}[verb]


def case_ids():
    return [(p, c, u) for p in PRINCIPALS for c in MODELLED for u in UNITS]


@pytest.mark.parametrize("principal,collection,unit", case_ids(), ids=lambda x: str(x))
def test_modelled_collections(dep, principal, collection, unit):
    base = f"/api/v1/{collection}"
    fid = _fixture_id(collection, unit, principal)

    # Read one: a draft is 404 to whoever may not read its unit, whatever else they hold.
    r = dep.as_principal(principal, "GET", f"{base}/{fid}")
    want = expect_read_one(principal, collection, unit)
    assert r.status == want, (principal, "GET", fid, r.status, want, r.body[:300])

    # Lists and search never carry a hidden draft.
    lst = dep.as_principal(principal, "GET", f"{base}?limit=100&unit={unit}")
    if principal == "anonymous" and collection in KEYED_READS:
        assert lst.status == 401
    else:
        assert lst.status in (200, 403), (principal, base, lst.status, lst.body[:300])
        if lst.status == 200 and want != 200:
            assert fid not in ids_of(lst), (principal, "a hidden record in the list", fid)

    # Create, update, archive: the outcome the rules give, and the store agrees.
    new_id = (fid + "-new")[:64]
    for verb in ("post", "put", "delete"):
        before = dep.fingerprint()
        target = base if verb == "post" else f"{base}/{fid}"
        body = None
        if verb == "post":
            body = fixture_record(collection, unit, new_id)
        elif verb == "put":
            body = current(dep, collection, fid)
            body["title" if "title" in body else "name"] = "Đã sửa bởi " + principal
        r = dep.as_principal(principal, verb.upper(), target, body=body)
        want = expect_write(principal, collection, unit, verb)
        assert r.status == want, (principal, verb, target, r.status, want, r.body[:400])
        after = dep.fingerprint()
        if want >= 300:
            assert after == before, (principal, verb, target, "a refused write changed the store")
            assert r.json()["error"]["message"] and r.json()["error"]["message_en"]
        else:
            assert after != before, (principal, verb, target, "an allowed write changed nothing")
            got = current(dep, collection, new_id if verb == "post" else fid, archived_ok=True)
            if verb == "put":
                assert "Đã sửa bởi " + principal in (got.get("title") or got.get("name"))
            if verb == "delete":  # archived: out of every list, even for those who read everything
                lst = dep.as_principal("city_official", "GET", f"{base}?limit=100&unit={unit}")
                assert lst.status == 200 and fid not in ids_of(lst), (collection, fid, "still listed after its archive")


def ids_of(listing):
    return {x["id"] for x in listing.json()["items"]}


def current(dep, collection, id_, archived_ok=False):
    """The stored record, read by the city's official (who reads everything in the city)."""
    r = dep.as_principal("city_official", "GET", f"/api/v1/{collection}/{id_}")
    if r.status == 404 and archived_ok:
        r = dep.as_principal("city_official", "GET", f"/api/v1/{collection}/{id_}?archived=1")
    assert r.status == 200, (collection, id_, r.status, r.body[:300])
    return r.json()


# --- every other route of the document, for every principal ---------------------------------------

from apihelp import copy_of  # noqa: E402
from test_openapi import QUERIES, REAL_IDS, anonymous_allowed  # noqa: E402

# Ids of fixture records whose kind the public never sees (drafts, courses): a principal may meet
# one in any answer only if it may read the fixture's unit.
PRIVATE_FIXTURE = re.compile(r"fx-(articles|legal-documents|questions|training-courses)-(%s|%s)-[a-z-]+"
                             % (re.escape(SCHOOL_A), re.escape(SCHOOL_B)))

# Writes outside the modelled collections, each with its rule: a body and who may (None: no one
# beyond the refusals every write shares, see below).
def other_write_rule(method, path):
    if (method, path) == ("post", "/api/v1/units"):
        return "manage_units", lambda n: dict(unit_body(n), parent="vhxh-phuong-ha-dong")
    if (method, path) == ("post", "/api/v1/layouts"):
        return "nobody", lambda n: copy_of("layouts", "doc-hai-vung", n)  # layouts belong to no unit: the right at every root, which no role holds
    if (method, path) == ("post", "/api/v1/webhooks"):
        return "publish_content", lambda n: {"unit": SCHOOL_A, "url": "http://127.0.0.1:9/" + n,
                                             "events": ["article.published"]}
    return None, None


def unit_body(new_id):
    from apihelp import copy_of
    u = copy_of("units", "th-van-yen", new_id, name="Trường kiểm thử quyền " + new_id, short_name=new_id[:20])
    u.pop("history", None)
    u.pop("website", None)
    return u


def modelled_route(method, path):
    c = re.match(r"^/api/v1/([a-z-]+)(/\{id\})?$", path)
    return bool(c and c.group(1) in MODELLED)


@pytest.mark.parametrize("principal", list(PRINCIPALS))
def test_every_other_route(dep, spec, principal):
    """Reads: public ones answer, keyed ones are 401 to the anonymous, device ones are 401 to anyone
    without a device's signature, and no answer carries a private fixture the principal may not
    read. Writes: 401 without a caller; refused and unchanged for the auditor and the account of
    another ward; units, layouts and webhooks by their rules."""
    n = 0
    for method, path in sorted(operations(spec)):
        if modelled_route(method, path):
            continue
        op = spec["paths"][path][method]
        security = {k for s in op.get("security", [{}]) for k in s}
        url = path
        for name in re.findall(r"{(\w+)}", path):
            c = re.match(r"^/api/v1/([a-z-]+)", path).group(1)
            url = url.replace("{" + name + "}", REAL_IDS.get(c, "x-khong-co"))
        url += QUERIES.get(path, "")
        if method == "delete":  # never a seed record (later cases read them): a missing one
            url = re.sub(r"/[^/]+$", "/x-khong-co", url)
        if path == "/api/v1/search":
            url = "/api/v1/search?q=" + "nh%C3%A1p+ki%E1%BB%83m+th%E1%BB%AD"  # the drafts' own words
        n += 1
        if "deviceSignature" in security:
            r = dep.as_principal(principal, method.upper(), url, body={} if method != "get" else None)
            assert r.status == 401, (principal, method, path, r.status)
            continue
        if method == "get":
            r = dep.as_principal(principal, "GET", url)
            if principal == "anonymous" and not anonymous_allowed(op):
                assert r.status == 401, (principal, path, r.status)
                continue
            if anonymous_allowed(op):
                assert r.status == 200 or (path == "/api/v1/search" and r.status == 200), (principal, path, r.status, r.body[:200])
            assert r.status < 500 and r.status != 401, (principal, path, r.status, r.body[:300])
            for m in PRIVATE_FIXTURE.finditer(r.text):
                assert allowed(principal, "read", m.group(2)), (principal, path, "leaks", m.group(0))
            continue
        # Writes.
        right, body_of = other_write_rule(method, path)
        new_id = f"ow-{principal}-{n}".replace("_", "-")
        body = body_of(new_id) if body_of else {"id": new_id}
        if path == "/api/v1/signage/enrol":  # a device's own first call: no caller, a device key
            r = dep.as_principal(principal, "POST", url, body={})
            assert r.status in (400, 422), (principal, path, r.status)
            continue
        before = dep.fingerprint()
        r = dep.as_principal(principal, method.upper(), url, body=body)
        if principal == "anonymous":
            want = {401}
        elif method == "delete":
            want = {404}  # known caller, no such record: 404 whatever the right
        elif right == "nobody":
            want = {403}
        elif right:
            target = "vhxh-phuong-ha-dong" if right == "manage_units" else SCHOOL_A
            want = {201} if allowed(principal, right, target) else {403}
        elif principal in ("auditor", "wrong_unit"):
            want = {400, 403, 404, 409, 422}  # refused: the body of the route, or the right, or the record
        else:
            want = None  # the route's own suite decides (reports, signage enrolment, training links)
        if want is not None:
            assert r.status in want, (principal, method, path, r.status, want, r.body[:300])
        assert r.status < 500, (principal, method, path, r.status, r.body[:300])
        if r.status >= 300:
            assert dep.fingerprint() == before, (principal, method, path, "a refused write changed the store")
    print(f"other routes for {principal}: {n}")


def test_pages_and_feeds_never_show_a_draft(dep):
    """The public site, whoever asks (a signed-in approver's cookie changes nothing there)."""
    for principal in ("anonymous", "city_official"):
        for path in [f"/pbgdpl/bai-viet/{_fixture_id('articles', SCHOOL_A, 'auditor')}",
                     f"/pbgdpl/van-ban/{_fixture_id('legal-documents', SCHOOL_A, 'auditor')}"]:
            assert dep.as_principal(principal, "GET", path).status == 404, (principal, path)
        for path in ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/feed.atom", "/sitemap.xml",
                     "/tim-kiem?q=nh%C3%A1p+ki%E1%BB%83m+th%E1%BB%AD", "/pbgdpl/van-ban-moi/",
                     f"/don-vi/{SCHOOL_A}", f"/don-vi/{SCHOOL_A}/pbgdpl/",
                     f"/don-vi/{SCHOOL_A}/pbgdpl/tien-ich/tin-moi", f"/don-vi/{SCHOOL_A}/pbgdpl/tien-ich/hoi-dap"]:
            r = dep.as_principal(principal, "GET", path)
            assert r.status in (200, 301, 302, 303, 308), (path, r.status)
            assert not PRIVATE_FIXTURE.search(r.text), (principal, path, PRIVATE_FIXTURE.search(r.text).group(0))



# --- the editor's screens of a record ------------------------------------------------------------

# Screen and the right that opens it: a question's screen shows the asker's contacts, so it is
# for those who answer the unit's questions (edit_content), not for every reader.
EDITOR_SCREENS = {"articles": ("/quan-tri/bai-viet/", "read"), "legal-documents": ("/quan-tri/van-ban/", "read"),
                  "questions": ("/quan-tri/cau-hoi/", "edit_content")}


@pytest.mark.parametrize("principal", [p for p in PRINCIPALS if p != "api_key"])
def test_editor_screens_of_drafts(dep, principal):
    """A record's editor screen: sign-in first for the anonymous; 404 (like an unknown id) to whoever
    may not read its unit, so another school's draft ids cannot be confirmed; open to readers."""
    for collection, (screen, right) in EDITOR_SCREENS.items():
        for unit in UNITS:
            path = screen + _fixture_id(collection, unit, "auditor")
            if principal == "anonymous":
                r = dep.request("GET", path)
                assert r.status == 303 and "dang-nhap" in r.header("location", ""), (path, r.status)
                continue
            r = dep.sessions[principal].get(path)
            want = 200 if allowed(principal, right, unit) else 404
            assert r.status == want, (principal, path, r.status, want)


# --- CSRF: every form the editor serves, as each role sees it -------------------------------------

import html.parser  # noqa: E402
import uuid  # noqa: E402

REFUSED_MARK = "CSRF"  # the guarded screens' refusal names the anti-forgery token


class FormParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.links, self._form, self._select, self._text = [], set(), None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href", "").startswith("/quan-tri/"):
            self.links.add(a["href"].split("#")[0])
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input" and a.get("name") and a.get("type") != "file":
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = [a.get("name"), None]
        elif tag == "option" and self._select is not None and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")
        elif tag == "textarea":
            self._text = [a.get("name"), ""]
        elif tag == "button" and a.get("name") and self._form is not None:
            self._form.setdefault("buttons", []).append((a["name"], a.get("value", "")))

    def handle_data(self, data):
        if self._text is not None:
            self._text[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if self._form is not None and self._select[0]:
                self._form["fields"].append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "textarea" and self._text is not None:
            if self._form is not None and self._text[0]:
                self._form["fields"].append(tuple(self._text))
            self._text = None


def crawl(browser, limit=80):
    """Every POST form of the editor pages reachable from the dashboard (GET only)."""
    seen, todo, forms = set(), ["/quan-tri/"], {}
    while todo and len(seen) < limit:
        path = todo.pop(0)
        if path in seen or "/dang-xuat" in path or "/static/" in path or "lang=" in path:
            continue
        seen.add(path)
        r = browser.get(path)
        if r.status != 200 or not r.header("content-type", "").startswith("text/html"):
            continue
        p = FormParser()
        p.feed(r.text)
        for f in p.forms:
            # One form per action shape (the ids of records replaced), as the role saw it first.
            key = re.sub(r"/[0-9a-f]{32}|/fx-[a-z0-9-]+", "/ID", f["action"])
            forms.setdefault(key, dict(f, page=path))
        todo += sorted(l for l in p.links - seen)
    return forms


def encode(form, fields):
    if form["enctype"] == "multipart/form-data":
        boundary = "----pbgdpl-" + uuid.uuid4().hex
        body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
                        for k, v in fields) + f"--{boundary}--\r\n".encode()
        return body, "multipart/form-data; boundary=" + boundary
    import urllib.parse
    return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"


CRAWLERS = ["school_approver", "division_approver", "city_official", "signage_operator", "auditor"]


@pytest.fixture(scope="module")
def editor_forms(dep):
    """(role, key) -> form, every POST form each role is served."""
    out = {}
    for role in CRAWLERS:
        for key, f in crawl(dep.sessions[role]).items():
            out[(role, key)] = f
    assert len({k for _, k in out}) >= 15, sorted({k for _, k in out})
    return out


ATTACKS = ["no_token", "other_session_token", "stale_token", "cross_site_origin", "cross_site_referer",
           "sec_fetch_cross_site"]


def test_csrf_every_editor_form(dep, editor_forms):
    """Each form, each attack: refused (403) and the store unchanged; then the form with its own
    token goes through the CSRF check (the control that lets this test fail)."""
    other = dep.sessions["school_editor"]
    other_token = re.search(r'name="csrf" value="([^"]+)"', other.get("/quan-tri/").text).group(1)
    cases = 0
    # Per role, a token its browser held in a session it has since left (signing in again ends the
    # old session), replayed with the new session.
    stale_of = {}
    for role in {r for r, _ in editor_forms}:
        stale = Browser(dep, PRINCIPALS[role])
        stale.sign_in()
        token = re.search(r'name="csrf" value="([^"]+)"', stale.get("/quan-tri/").text).group(1)
        stale.sign_in()  # the session the token was bound to is revoked here
        stale_of[role] = (stale, token)
    for (role, key), form in sorted(editor_forms.items()):
        b = dep.sessions[role]
        own = [(k, v) for k, v in form["fields"]] + form.get("buttons", [])[:1]
        token = dict(own).get("csrf")
        assert token, (role, key, "a POST form without a CSRF token")
        stale, stale_token = stale_of[role]
        for attack in ATTACKS:
            fields = [(k, v) for k, v in own if k != "csrf"]
            headers, origin = {}, True
            if attack == "other_session_token":
                fields.append(("csrf", other_token))
            elif attack == "stale_token":
                fields.append(("csrf", stale_token))
            elif attack != "no_token":
                fields.append(("csrf", token))
            if attack == "cross_site_origin":
                headers["Origin"] = "https://tan-cong.example"
            elif attack == "cross_site_referer":
                origin = False
                headers["Referer"] = "https://tan-cong.example/trang.html"
            elif attack == "sec_fetch_cross_site":
                origin = False
                headers["Sec-Fetch-Site"] = "cross-site"
            body, ctype = encode(form, fields)
            headers["Content-Type"] = ctype
            before = dep.fingerprint()
            target = stale if attack == "stale_token" else b
            r = target.send("POST", form["action"], body, headers, origin)
            assert r.status == 403, (role, key, attack, r.status, r.text[:300])
            assert dep.fingerprint() == before, (role, key, attack, "a refused form changed the store")
            cases += 1
    # The control: the form as served, token included, is not refused as a forgery.
    for (role, key), form in sorted(editor_forms.items()):
        if key.endswith("/dang-xuat"):
            continue
        b = dep.sessions[role]
        fields = list(form["fields"]) + form.get("buttons", [])[:1]
        body, ctype = encode(form, fields)
        r = b.send("POST", form["action"], body, {"Content-Type": ctype})
        assert REFUSED_MARK not in r.text or r.status != 403, (role, key, "the right token was refused", r.status)
    print(f"CSRF cases: {len(editor_forms)} (role, form) pairs x {len(ATTACKS)} attacks = {cases}")


def test_csrf_sign_in_form(dep):
    """The sign-in form's double-submit token: missing, another browser's, or posted from another
    site, the sign-in is refused and no session is made."""
    victim = Browser(dep, PRINCIPALS["auditor"])
    page = victim.get("/quan-tri/dang-nhap")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    stranger = Browser(dep, PRINCIPALS["auditor"])
    stranger_token = re.search(r'name="csrf" value="([^"]+)"', stranger.get("/quan-tri/dang-nhap").text).group(1)
    pw = dep.passwords[victim.user]
    for fields, headers, origin in [
        ({"username": victim.user, "password": pw}, {}, True),
        ({"csrf": stranger_token, "username": victim.user, "password": pw}, {}, True),
        ({"csrf": token, "username": victim.user, "password": pw}, {"Origin": "https://tan-cong.example"}, True),
        ({"csrf": token, "username": victim.user, "password": pw}, {"Sec-Fetch-Site": "cross-site"}, False),
    ]:
        r = victim.post_form("/quan-tri/dang-nhap", fields, headers, origin)
        assert r.status == 403, (fields.keys(), headers, r.status)
        assert "pbgdpl_phien" not in victim.cookies
    victim.sign_in()  # the control
    assert "pbgdpl_phien" in victim.cookies


# --- sessions -------------------------------------------------------------------------------------

def draft_path():
    return f"/api/v1/articles/{_fixture_id('articles', SCHOOL_A, 'auditor')}"


def test_a_session_planted_before_sign_in_is_not_the_one_after(dep):
    attacker = Browser(dep, PRINCIPALS["school_editor"])
    attacker.sign_in()
    planted = attacker.cookies["pbgdpl_phien"]
    victim = Browser(dep, PRINCIPALS["school_approver"])
    victim.cookies["pbgdpl_phien"] = planted  # set by a sibling site or a shared computer
    victim.sign_in()
    assert victim.cookies["pbgdpl_phien"] != planted
    # The planted session itself ended: the attacker's copy opens nothing.
    r = dep.request("GET", "/quan-tri/", headers={"Cookie": "pbgdpl_phien=" + planted})
    assert r.status == 303 and "dang-nhap" in r.header("location", "")
    # A made-up session id is never adopted either.
    fresh = Browser(dep, PRINCIPALS["auditor"])
    fresh.cookies["pbgdpl_phien"] = "pbs_" + "a" * 64
    fresh.sign_in()
    assert fresh.cookies["pbgdpl_phien"] != "pbs_" + "a" * 64


def test_after_sign_out_the_cookie_and_its_csrf_token_are_refused(dep):
    b = Browser(dep, PRINCIPALS["auditor"])
    b.sign_in()
    old_cookie = b.cookies["pbgdpl_phien"]
    page = b.get("/quan-tri/")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    ambient = {"Cookie": "pbgdpl_phien=" + old_cookie, "Origin": dep.portal.base}
    assert dep.request("GET", draft_path(), headers=ambient).status == 200  # the auditor reads the draft
    r = b.post_form("/quan-tri/dang-xuat", {"csrf": token})
    assert r.status == 303
    assert "pbgdpl_phien" not in b.cookies, "sign-out clears the cookie"
    # The old cookie: the editor sends to sign-in, the API reads as the public (the draft is 404)
    # and refuses writes as unauthenticated.
    r = dep.request("GET", "/quan-tri/", headers={"Cookie": "pbgdpl_phien=" + old_cookie})
    assert r.status == 303 and "dang-nhap" in r.header("location", "")
    assert dep.request("GET", draft_path(), headers=ambient).status == 404
    before = dep.fingerprint()
    w = dep.request("PUT", draft_path(), body={"id": "x"}, headers=dict(ambient, **{"Content-Type": "application/json"}))
    assert w.status == 401, (w.status, w.body[:300])
    # Its CSRF token does not serve the next session.
    b.sign_in()
    r = b.post_form("/quan-tri/xem-truoc", {"csrf": token, "body_markdown": "x"})
    assert r.status == 403
    assert dep.fingerprint() == before


def test_cookies_are_httponly_samesite_strict_and_not_secure_on_plain_loopback(dep):
    """(Secure under an https base URL: test_reverse_proxy.py checks it behind nginx and Apache.)"""
    b = Browser(dep, PRINCIPALS["auditor"])
    b.sign_in()
    lines = [l for l in b.set_cookie_lines if l.startswith(("pbgdpl_phien=", "pbgdpl_csrf_truoc="))]
    assert any(l.startswith("pbgdpl_phien=") for l in lines)
    for l in lines:
        attrs = [a.strip().lower() for a in l.split(";")[1:]]
        assert "httponly" in attrs and "samesite=strict" in attrs and "path=/" in attrs, l
        assert "secure" not in attrs, l  # a browser would drop a Secure cookie on http://127.0.0.1
    m = re.search(r"pbgdpl_phien=pbs_[0-9a-zA-Z_-]+", " ".join(lines))
    assert m, lines


def test_a_disabled_account_cannot_sign_in(dep):
    b = Browser(dep, "ngo.van.khoa")
    b.sign_in(expect=401)
    assert "pbgdpl_phien" not in b.cookies
