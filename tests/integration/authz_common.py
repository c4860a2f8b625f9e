"""What the authorisation matrix, CSRF and session tests share (issue 21): a portal on a copy of the
seed with two more accounts and one fixture record per (kind, unit, principal), signed-in
principals, the rules of trust/permissions.hpp restated as a table, and a fingerprint of the whole
store so a refused request can be shown to have changed nothing.

The store is the demo's SQLite file, or PostgreSQL when PBGDPL_AUTHZ_STORE=postgres (CTest runs the
same tests a second time under the fixture that starts a PostgreSQL server)."""
import copy
import hashlib
import json
import os
import random
import re
import shutil
import sqlite3
import string
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from portal_proc import BINARY_DIR, SEED_DIR, Portal

STORE = os.environ.get("PBGDPL_AUTHZ_STORE", "sqlite")

SCHOOL_A = "th-van-yen"            # the seeded school staff's school
SCHOOL_B = "thcs-le-quy-don"       # a school of another ward (phường Dương Nội)
UNITS = (SCHOOL_A, SCHOOL_B)

# Two accounts the seed lacks: an editor of another ward's school (the wrong unit for everything at
# SCHOOL_A) and a disabled approver of SCHOOL_A. Their passwords come from demo-accounts.txt too.
EXTRA_ACCOUNTS = [
    {"id": "acc-wrong-unit", "username": "vu.thi.khac", "display_name": "Vũ Thị Khác", "email": "khac.vt@lequydon.edu.vn",
     "grants": [{"r": "school_editor", "unit": SCHOOL_B}], "disabled": False,
     "created_at": "2024-01-01T08:00:00+07:00", "schema_version": 1, "version": 1},
    {"id": "acc-disabled", "username": "ngo.van.khoa", "display_name": "Ngô Văn Khóa", "email": "khoa.nv@thvanyen.hadong.edu.vn",
     "grants": [{"r": "school_approver", "unit": SCHOOL_A}], "disabled": True,
     "created_at": "2024-01-01T08:00:00+07:00", "schema_version": 1, "version": 1},
]

# Every principal of the matrix: a username (signed in through the editor, its session cookie then
# calls the API as a browser would), "anonymous", or "api_key" (the demo's key: the division
# approver's account through Authorization: Bearer).
PRINCIPALS = {
    "anonymous": None,
    "school_editor": "nguyen.thi.lan",
    "school_approver": "tran.van.hung",
    "division_editor": "le.thu.trang",
    "division_approver": "nguyen.thi.thu.huong",
    "city_official": "pham.minh.duc",
    "signage_operator": "do.van.nam",
    "auditor": "hoang.thi.mai",
    "wrong_unit": "vu.thi.khac",
    "api_key": None,
}


# --- the rules (trust/permissions.hpp, docs/security.md), restated from the seed's unit tree ---

def _units():
    return {u["id"]: u for u in json.loads((SEED_DIR / "units.json").read_text(encoding="utf-8"))}


UNIT_ROWS = _units()
ENDED = {k for k, u in UNIT_ROWS.items() if u.get("closed_on")}


def within(target, ancestor):
    seen = set()
    while target and target not in seen:
        if target == ancestor:
            return True
        seen.add(target)
        target = UNIT_ROWS.get(target, {}).get("parent")
    return False


def city_of(u):
    while u and UNIT_ROWS[u].get("kind") != "city":
        u = UNIT_ROWS[u].get("parent")
    return u


def grants_of(principal):
    seeded = {a["username"]: a for a in json.loads((SEED_DIR / "accounts.json").read_text(encoding="utf-8")) + EXTRA_ACCOUNTS}
    if principal == "anonymous":
        return []
    if principal == "api_key":
        principal = "division_approver"
    return [(g["r"], g["unit"]) for g in seeded[PRINCIPALS[principal]]["grants"]]


def allowed(principal, action, target):
    """May `principal` do `action` (read, edit_content, publish_content, manage_displays,
    manage_units) at `target`? Today's tree, targets that have not ended."""
    for role, unit in grants_of(principal):
        reading = action == "read"
        if unit in ENDED and not reading:
            continue
        own, below = target == unit, within(target, unit)
        ok = {
            "school_editor": own and action in ("read", "edit_content"),
            "school_approver": own and action in ("read", "edit_content", "publish_content", "manage_displays"),
            "division_editor": below if reading else own and action == "edit_content",
            "division_approver": (own and action == "edit_content") or
                                 (below and action in ("read", "publish_content", "manage_displays")),
            "city_official": within(target, city_of(unit)) and action in ("read", "publish_content", "manage_units"),
            "signage_operator": below and action in ("read", "manage_displays"),
            "auditor": below and reading,
        }[role]
        if ok:
            return True
    return False


# --- the portal ---------------------------------------------------------------------------------

def _fixture_id(collection, unit, principal):
    return f"fx-{collection}-{unit}-{principal}".replace("_", "-")


# One record per (collection, unit, principal), so each principal's update and delete act on a
# record of their own and outcomes never depend on the order of the cases. `seed_file`, the seed
# record copied, the right a draft's update and archive need, whether the public sees it.
MODELLED = {
    "articles": ("articles", "th-van-yen-ngay-phap-luat-2023", "edit_content", False),
    "legal-documents": ("legal_documents", "kh-19-pgddt-2023", "edit_content", False),
    "questions": ("questions", "hoi-xe-may-dien", "edit_content", False),
    "media": ("media", "anh-bia-kh19", "publish_content", True),
    "training-courses": ("training_courses", "tap-huan-cntt-pbgdpl-2023", "edit_content", False),
    "channels": ("channels", "facebook-th-van-yen", "edit_content", True),
    "display-groups": ("display_groups", "cau-thang-thcs-van-yen", "manage_displays", True),
}
# Reads of these need a key or a session (security: apiKey in the document): anonymous is 401.
KEYED_READS = {"training-courses"}


def fixture_record(collection, unit, new_id, principal=None):
    seed_file, seed_id, _, _ = MODELLED[collection]
    rows = json.loads((SEED_DIR / f"{seed_file}.json").read_text(encoding="utf-8"))
    x = copy.deepcopy(next(r for r in rows if r["id"] == seed_id))
    x["id"] = new_id
    x["unit"] = unit
    x["version"] = 0
    if collection == "articles":
        x.update(state="draft", slug=new_id, author="acc-school-editor", title="Nháp kiểm thử quyền " + new_id)
        x.pop("published_at", None)
    elif collection == "legal-documents":
        x.update(state="draft", number=f"{random.randint(100, 999999)}/KH-KT", title="Văn bản nháp " + new_id)
    elif collection == "questions":
        x.update(state="asked", title="Câu hỏi chờ trả lời " + new_id)
        for k in ("answer_markdown", "answered_at", "answered_by"):
            x.pop(k, None)
    elif collection == "display-groups":
        x.pop("parent", None)
        x["name"] = "Nhóm màn hình " + new_id
    elif collection == "channels":
        x["url"] = "https://www.facebook.com/" + new_id
        x["name"] = "Kênh " + new_id
    else:
        x["title"] = "Bản ghi kiểm thử " + new_id
    return x


def write_seed(dest):
    """The seed plus the two extra accounts and the fixture records (version 1, as a seed's)."""
    shutil.copytree(SEED_DIR, dest)
    accounts = json.loads((dest / "accounts.json").read_text(encoding="utf-8")) + EXTRA_ACCOUNTS
    (dest / "accounts.json").write_text(json.dumps(accounts, ensure_ascii=False), encoding="utf-8")
    for collection, (seed_file, _, _, _) in MODELLED.items():
        rows = json.loads((dest / f"{seed_file}.json").read_text(encoding="utf-8"))
        for unit in UNITS:
            for principal in PRINCIPALS:
                r = fixture_record(collection, unit, _fixture_id(collection, unit, principal))
                r["version"] = 1
                rows.append(r)
        (dest / f"{seed_file}.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")


def pg_conninfo():
    c = os.environ.get("PBGDPL_TEST_PG")
    if not c and os.environ.get("PBGDPL_PG_TEST_DIR"):
        f = Path(os.environ["PBGDPL_PG_TEST_DIR"]) / "conninfo"
        if f.is_file():
            c = f.read_text().strip()
    assert c, "no PostgreSQL test server: set PBGDPL_TEST_PG, or run through CTest (its fixture starts one)"
    return c


class Deployment:
    """One portal on the matrix's seed, with every principal signed in once."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="pbgdpl-authz-")
        root = Path(self.tmp.name)
        self.seed = root / "seed"
        write_seed(self.seed)
        # --trusted-proxy: each request names its own client in X-Forwarded-For, so the per-client
        # rate of API writes (5/s) does not pace a matrix of several hundred writes.
        args = ["--seed", str(self.seed), "--trusted-proxy", "127.0.0.1"]
        self.schema = None
        self._psql = None
        if STORE == "postgres":
            self.schema = "authz_" + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(12))
            cfg = root / "store.json"
            cfg.write_text(json.dumps({"conninfo": pg_conninfo(), "schema": self.schema}))
            os.chmod(cfg, 0o600)
            plugin_dir = os.environ.get("PBGDPL_PLUGIN_DIR", str(BINARY_DIR / "plugins"))
            args += ["--plugin-dir", plugin_dir, "--store", "postgres", "--store-config", "@" + str(cfg)]
        (root / "data").mkdir()
        self.portal = Portal(data_dir=root / "data", args=args)
        self.portal.start(timeout=90)
        self._client = 0
        self.passwords = dict(line.split() for line in (self.portal.data_dir / "demo-accounts.txt").read_text().splitlines())
        self.sessions = {}
        for name, user in PRINCIPALS.items():
            if user:
                self.sessions[name] = Browser(self, user)
                self.sessions[name].sign_in()

    def client(self):
        self._client += 1
        return f"10.{(self._client >> 16) & 255}.{(self._client >> 8) & 255}.{self._client & 255}"

    def request(self, method, path, body=None, headers=None):
        h = {"X-Forwarded-For": self.client()}
        h.update(headers or {})
        return self.portal.request(method, path, body=body, headers=h, timeout=30)

    def as_principal(self, principal, method, path, body=None, headers=None):
        """The API request as `principal` makes it: a browser's session with its own Origin, the
        Bearer key, or nothing."""
        h = dict(headers or {})
        if principal == "api_key":
            h["Authorization"] = "Bearer " + self.portal.api_key
        elif principal != "anonymous":
            s = self.sessions[principal]
            h.update({"Cookie": s.cookie_header(), "Origin": self.portal.base})
        if body is not None and not isinstance(body, (bytes, str)):
            h.setdefault("Content-Type", "application/json")
        return self.request(method, path, body=body, headers=h)

    def fingerprint(self):
        """Every record's kind, id, version and archived flag, in one digest (every write of a record
        bumps its version; sessions and the audit log are left out: sign-ins write those)."""
        if STORE == "sqlite":
            db = sqlite3.connect(f"file:{self.portal.data_dir / 'pbgdpl.db'}?mode=ro", uri=True, timeout=30)
            try:
                rows = db.execute("SELECT kind, id, version, archived FROM entities "
                                  "WHERE kind NOT IN ('access_token') ORDER BY kind, id").fetchall()
            finally:
                db.close()
            h = hashlib.sha256()
            for r in rows:
                h.update(repr(r).encode())
            return h.hexdigest()
        # One psql kept open (a new one per query costs ~0.5 s here: several hundred writes).
        if self._psql is None:
            self._psql = subprocess.Popen(["psql", pg_conninfo(), "-qAtX", "-v", "ON_ERROR_STOP=1"], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, text=True, bufsize=1)
            self._psql.stdin.write(f"SET search_path TO {self.schema};\n")
        self._psql.stdin.write("SELECT md5(coalesce(string_agg(kind || '/' || id || '/' || version || '/' || archived::text, "
                               "',' ORDER BY kind, id), '')) FROM entities WHERE kind <> 'access_token';\n")
        self._psql.stdin.flush()
        line = self._psql.stdout.readline().strip()
        assert re.fullmatch(r"[0-9a-f]{32}", line), ("psql", line, self._psql.poll())
        return line

    def close(self):
        try:
            assert self.portal.alive(), "the portal died:\n" + self.portal.log_path.read_text(errors="replace")
            assert self.portal.stop() == 0, self.portal.log_path.read_text(errors="replace")
        finally:
            self.portal.cleanup()
            if self._psql is not None:
                self._psql.stdin.close()
                self._psql.wait(timeout=10)
            if self.schema:
                subprocess.run(["psql", pg_conninfo(), "-q", "-c",
                                f"SET client_min_messages = warning; DROP SCHEMA IF EXISTS {self.schema} CASCADE"],
                               check=False, capture_output=True, timeout=30)
            self.tmp.cleanup()


class Browser:
    """A cookie jar and the editor's forms, as a browser without JavaScript uses them."""

    def __init__(self, dep, user):
        self.dep, self.user = dep, user
        self.cookies = {}
        self.set_cookie_lines = []

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep(self, r, raw_headers):
        for k, v in raw_headers:
            if k.lower() == "set-cookie":
                self.set_cookie_lines.append(v)
                name, _, rest = v.partition("=")
                value = rest.split(";")[0]
                if value:
                    self.cookies[name] = value
                else:
                    self.cookies.pop(name, None)
        return r

    def send(self, method, path, body=None, headers=None, origin=True):
        import http.client
        from portal_proc import Response
        h = {"X-Forwarded-For": self.dep.client()}
        if self.cookies:
            h["Cookie"] = self.cookie_header()
        if origin:
            h["Origin"] = self.dep.portal.base
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.dep.portal.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            r = Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data)
            return self._keep(r, resp.getheaders())
        finally:
            conn.close()

    def get(self, path):
        return self.send("GET", path)

    def post_form(self, path, fields, headers=None, origin=True):
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.send("POST", path, urllib.parse.urlencode(fields).encode(), h, origin)

    def sign_in(self, password=None, expect=303):
        page = self.get("/quan-tri/dang-nhap")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        r = self.post_form("/quan-tri/dang-nhap", {"csrf": token, "username": self.user,
                                                   "password": password or self.dep.passwords[self.user]})
        assert r.status == expect, (self.user, r.status, r.text[:600])
        return r
