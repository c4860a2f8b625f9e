"""Issue 21: path traversal through every path and file name the portal takes. URL paths (../,
%2e%2e, %252e, backslashes, //, overlong UTF-8, NUL, Unicode dots) against the static files, the
media, the banners, the bundles, the widgets, the kiosk, the screens' snapshots and the report
exports, anonymous and signed in; uploaded file names (the media library) with ../, absolute paths,
NUL, reserved names, very long and NFD names; names in records (a legal document's file names).

A canary file sits next to the data directory: no answer may carry it, nor /etc/passwd, nor the
data directory's own secrets (the database, the keys); nothing may be written outside the data
directory, and inside it only under names the portal makes (never one from a client)."""
import json
import os
import re
import secrets
import socket
import struct
import tempfile
import unicodedata
import urllib.parse
import zlib
from pathlib import Path

import pytest

from apihelp import DIVISION, copy_of
from portal_proc import Portal, status_of

CANARY = "canary-" + secrets.token_hex(8)  # the file's name (a request may echo it in a 404)
CONTENT = "secret-" + secrets.token_hex(16)  # what the file holds: no answer may carry it

# The prefixes a file or a name follows in a URL: the static files, the media library, the
# banners, the bundles, the widgets, the kiosk, the content store, the editor's screen snapshots
# and the report exports (the last two signed in).
BASES = ["/pbgdpl/static/", "/static/", "/don-vi/thcs-van-yen/pbgdpl/tep/anh-bia-kh19/", "/pbgdpl/tep/",
         "/don-vi/thcs-van-yen/pbgdpl/tep/", "/pbgdpl/bieu-ngu/", "/don-vi/th-van-yen/pbgdpl/bieu-ngu/",
         "/pbgdpl/lien-thong/noi-dung/", "/pbgdpl/lien-thong/phe-duyet/", "/pbgdpl/lien-thong/",
         "/content/", "/api/v1/signage/content/", "/pbgdpl/tien-ich/", "/don-vi/thcs-van-yen/pbgdpl/tien-ich/man-hinh/",
         "/pbgdpl/cau-thang-phap-luat/anh/anh-bia-kh19/", "/pbgdpl/cau-thang-phap-luat/kiosk/",
         "/pbgdpl/cau-thang-phap-luat/kiosk/thcs-van-yen-cau-thang-a-t2/noi-dung/", "/pbgdpl/bai-viet/",
         "/don-vi/", "/quan-tri/man-hinh/anh/", "/quan-tri/bao-cao/", "/api/v1/reports/submissions/",
         "/api/v1/media/", "/"]
# What follows a prefix: the ways to say "up" that a server might decode after checking.
UPS = ["../", "..%2f", "%2e%2e/", "%2e%2e%2f", "%2E%2E%2F", "%252e%252e%252f", "..%252f", "..\\", "..%5c", "%2e%2e%5c",
       "....//", "..;/", ".%2e/", "%c0%ae%c0%ae/", "%c0%ae%c0%ae%c0%af", "..%c0%af", "%e0%80%ae%e0%80%ae/",
       "..%ef%bc%8f", "%ef%bc%8e%ef%bc%8e/", "%e2%80%a4%e2%80%a4/", "..%00/", "%00../", "/..", "./../"]
TARGETS = [CANARY + ".txt", "etc/passwd", "pbgdpl.db", "demo-api-key.txt", "signage-authority.key", "syndication.key",
           "data/" + CANARY + ".txt"]
ABSOLUTE = ["/etc/passwd", "//etc/passwd", "%2fetc%2fpasswd", "%2F%2Fetc%2Fpasswd", "\\etc\\passwd",
            "C:%5cWindows%5cwin.ini", "file:///etc/passwd", "%00", "a%00.css", "style.css%00.txt", "style.css/..",
            "CON", "nul.png", "aux", ".%2e", "%2e", "~", ".git/config", ".env", "..", "...", "x" * 3000]


@pytest.fixture(scope="module")
def world():
    top = Path(tempfile.mkdtemp(prefix="pbgdpl-traversal-"))
    (top / (CANARY + ".txt")).write_text(CONTENT + " outside the data directory\n")
    data = top / "data"
    data.mkdir()
    p = Portal(data_dir=data)
    try:
        p.start(timeout=90)
        secrets_ = [CONTENT.encode(), b"root:x:0:", b"SQLite format 3", p.api_key.encode()]
        for key in ("signage-authority.key", "syndication.key"):
            lines = (data / key).read_text().splitlines()
            secrets_.append(lines[-1].strip().encode())  # the secret key's base64 line
        yield p, top, data, secrets_
        assert p.alive(), "the portal died:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()
        import shutil
        shutil.rmtree(top, ignore_errors=True)


def raw_get(p, target: bytes, cookie=None):
    req = b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if cookie:
        req += b"Cookie: " + cookie.encode() + b"\r\n"
    return p.raw(req + b"\r\n", timeout=10.0, shut_write=False)


def sign_in(p, user="nguyen.thi.thu.huong"):
    """A session cookie of the division's approver (who sees screens and reports)."""
    pw = dict(l.split()[:2] for l in (p.data_dir / "demo-accounts.txt").read_text().splitlines() if l.strip())[user]
    r = p.get("/quan-tri/dang-nhap")
    cookies = {}

    def keep(resp):
        for k, v in resp.headers.items():
            if k == "set-cookie":
                n, _, rest = v.partition("=")
                cookies[n] = rest.split(";")[0]
    keep(r)
    csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
    r = p.request("POST", "/quan-tri/dang-nhap", body=urllib.parse.urlencode({"csrf": csrf, "username": user, "password": pw}),
                  headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": p.base,
                           "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())})
    keep(r)
    assert r.status == 303, r.body[:500]
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def listing(top):
    return sorted(str(x.relative_to(top)) for x in top.rglob("*"))


def test_no_url_path_reads_outside_or_the_data_dirs_secrets(world):
    p, top, data, leaks = world
    cookie = sign_in(p)
    before = listing(top)
    targets = []
    for base in BASES:
        for up in UPS:
            for depth in (1, 2, 4, 8):
                for t in TARGETS:
                    targets.append(base + up * depth + t)
        targets += [base + a for a in ABSOLUTE]
    statuses, sent = {}, 0
    for t in targets:
        for ck in ((None, cookie) if t.startswith("/quan-tri/") else (None,)):
            resp = raw_get(p, t.encode("latin-1"), ck)
            sent += 1
            st = status_of(resp)
            statuses[st] = statuses.get(st, 0) + 1
            assert st is not None, (t, resp[:200])
            assert st < 500, (t, st, resp[:300])
            for s in leaks:
                assert s not in resp, (t, s[:20], resp[:300])
            if st in (301, 302, 303, 307, 308):
                loc = re.search(rb"\r\n[Ll]ocation: ([^\r]*)", resp)
                assert loc and not loc.group(1).startswith((b"//", b"http://e", b"\\")), (t, loc)
    # Bytes no URL encoder would send: raw NUL, raw backslashes, raw overlong UTF-8, a raw dot leader.
    for t in (b"/pbgdpl/static/..\x00/style.css", b"/pbgdpl/static/\\..\\..\\" + CANARY.encode() + b".txt",
              b"/pbgdpl/static/\xc0\xae\xc0\xae/\xc0\xae\xc0\xae/" + CANARY.encode() + b".txt",
              b"/pbgdpl/static/\xe2\x80\xa4\xe2\x80\xa4/pbgdpl.db", b"/../../../../etc/passwd", b"../../etc/passwd",
              b"/pbgdpl/static/../../../../../../etc/passwd", b"*", b"/pbgdpl/static/%"):
        resp = raw_get(p, t)
        sent += 1
        st = status_of(resp)
        assert st is None or st < 500, (t, resp[:200])
        for s in leaks:
            assert s not in resp, (t, s[:20])
    assert p.get("/healthz").status == 200
    assert listing(top) == before or all(x.startswith("data/") for x in set(listing(top)) - set(before))
    print(f"\npath traversal: {sent} requests over {len(BASES)} prefixes; statuses {dict(sorted((str(k), v) for k, v in statuses.items()))}")
    assert sent > 4000


def make_png(w=40, h=30):
    rows = b"".join(b"\x00" + b"".join(bytes((x * 6 % 256, y * 8 % 256, 90)) for x in range(w)) for y in range(h))

    def chunk(kind, d):
        return struct.pack(">I", len(d)) + kind + d + struct.pack(">I", zlib.crc32(kind + d) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


UPLOAD_NAMES = ["../../" + CANARY + "-up.png", "../" + CANARY + "-up.png", "/tmp/" + CANARY + "-abs.png",
                "..\\..\\" + CANARY + "-bs.png", "C:\\Windows\\" + CANARY + ".png", "a\x00.png", "a.png\x00.txt",
                "CON.png", "nul.png", "AUX", "..png", ".htaccess.png", "....png", "x" * 1000 + ".png",
                "Ả\u0301nh bi\u0300a NFD.png", "%2e%2e%2f" + CANARY + ".png", "media/../../" + CANARY + ".png",
                "ảnh\u202egnp.exe", "<img src=x onerror=alert(1)>.png", "\"; filename=evil.png", ""]


def multipart(fields, file_name: bytes, body, ctype="image/png"):
    b = b"----pbgdpl-traversal"
    out = b""
    for k, v in fields.items():
        out += b"--" + b + b"\r\nContent-Disposition: form-data; name=\"" + k.encode() + b"\"\r\n\r\n" + v.encode() + b"\r\n"
    out += (b"--" + b + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + file_name + b"\"\r\n"
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body + b"\r\n--" + b + b"--\r\n")
    return out, "multipart/form-data; boundary=" + b.decode()


def test_uploaded_file_names_never_name_a_path(world):
    p, top, data, leaks = world
    cookie = sign_in(p)
    before = listing(top)
    png = make_png()
    stored, refused = [], []
    for name in UPLOAD_NAMES:
        r = p.request("GET", "/quan-tri/tep", headers={"Cookie": cookie})
        assert r.status == 200, r.status
        csrf = re.search(r'name="csrf" value="([^"]+)"', r.text).group(1)
        fn = name.replace('"', "%22").encode("utf-8")
        body, ctype = multipart({"csrf": csrf, "unit": DIVISION, "title": "Tên tệp kiểm thử " + name[:40], "alt_text": "ảnh"}, fn, png)
        r = p.request("POST", "/quan-tri/tep", body=body, headers={"Cookie": cookie, "Content-Type": ctype, "Origin": p.base})
        assert r.status in (303, 400, 413, 422), (name[:60], r.status, r.body[:400])
        (stored if r.status == 303 else refused).append(name)
    after = listing(top)
    new = set(after) - set(before)
    # Only the media directory grew, and only under names the portal makes (the asset's id, then
    # original.png and thumb.png): never a name from the upload.
    for x in new:
        assert x == "data/media" or x.startswith(("data/media/", "data/pbgdpl.db")), x
        parts = x.split("/")
        if len(parts) >= 3 and parts[1] == "media":
            assert re.fullmatch(r"[0-9a-f]{32}", parts[2]), x
            assert len(parts) == 3 or parts[3] in ("original.png", "thumb.png"), x
    assert CANARY not in " ".join(after).replace(CANARY + ".txt", "")
    assert not list(Path("/tmp").glob(CANARY + "*"))
    # The stored names are shown as text in the library and each file is served under its id.
    assert stored, "some names are kept (made harmless), not all refused"
    lib = p.request("GET", "/quan-tri/tep", headers={"Cookie": cookie}).text
    assert "<img src=x onerror" not in lib
    ms = p.get("/api/v1/media?limit=100", headers=p.auth()).json()["items"]
    ours = [m for m in ms if m.get("title", "").startswith("Tên tệp kiểm thử ")]
    assert len(ours) == len(stored), (len(ours), stored)
    for m in ours:
        assert "/" not in m["file_name"] and "\\" not in m["file_name"] and "\x00" not in m["file_name"], m["file_name"]
        assert unicodedata.is_normalized("NFC", m["file_name"]), m["file_name"]
        r = p.get(f"/don-vi/{DIVISION}/pbgdpl/tep/{m['id']}/original.png")
        assert r.status == 200 and r.body == png
    print(f"\nupload names: {len(UPLOAD_NAMES)} tried, {len(stored)} kept (as {[m['file_name'][:30] for m in ours]}), "
          f"{len(refused)} refused")


def test_file_names_in_records_are_names_not_paths(world):
    """A legal document's attachments name files: ../, absolute or NUL names are refused or shown
    as text, and the document's page links only to the portal's own file routes."""
    p, top, data, leaks = world
    results = {}
    for i, name in enumerate(["../../" + CANARY + ".txt", "/etc/passwd", "..\\..\\win.ini", "a\x00.pdf",
                              "x" * 2000 + ".pdf", "Ke\u0302\u0301 hoa\u0323ch.pdf", "CON.pdf"]):
        d = copy_of("legal_documents", "kh-19-pgddt-2023", f"vb-ten-tep-{i}", number=f"{700 + i}/KH-TT")
        for f in d.get("files", []):
            f["file_name"] = name
        r = p.request("POST", "/api/v1/legal-documents", body=d, headers=p.auth())
        results[name[:20]] = r.status
        assert r.status in (201, 400, 413, 422), (name[:40], r.status, r.body[:300])
        if r.status != 201:
            e = r.json()["error"]
            assert e["message"] and e["message_en"]
            continue
        page = p.get(f"/pbgdpl/van-ban/vb-ten-tep-{i}")
        assert page.status == 200
        for href in re.findall(r'href="([^"]*)"', page.text):
            assert ".." not in urllib.parse.unquote(href) or href.startswith("http"), href
            assert not urllib.parse.unquote(href).startswith(("/etc", "file:")), href
        for s in leaks:
            assert s.decode("latin-1") not in page.text
    print(f"\nrecord file names: {results}")
