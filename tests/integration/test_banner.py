"""The banner kit over a real socket: the banner images answer PNGs of their slot's size (cacheable,
ETag), every public page carries the banner link to the city portal with the required sentence as
the image's alt text, the "Bộ biểu ngữ" page shows a snippet for each size, and a unit's publisher
can replace the default with the unit's own image (and go back), the others cannot."""
import re
import struct
import urllib.parse
import zlib
from html.parser import HTMLParser

import pytest

from htmlcheck import Page
from portal_proc import Portal

BANNER = "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội"
CITY = "https://pbgdpl.hanoi.gov.vn"
SIZES = [(300, 100), (600, 200), (1200, 400)]


def png_size(body):
    assert body[:8] == b"\x89PNG\r\n\x1a\n", body[:16]
    assert body[12:16] == b"IHDR"
    return struct.unpack(">II", body[16:24])


def make_png(w, h, colour=(200, 30, 30)):
    """A PNG of stripes, written by hand (RGB, no filter)."""
    rows = b""
    for y in range(h):
        row = bytearray()
        for x in range(w):
            row += bytes(colour) if (x // 10 + y // 10) % 2 else b"\xff\xff\xff"
        rows += b"\x00" + bytes(row)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class _Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = None  # the href of the <a> we are inside, or None
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: (v or "") for k, v in attrs}
        if tag == "a":
            self.open = attrs.get("href", "")
        elif tag == "img" and attrs.get("alt") == BANNER:
            self.found.append((self.open, attrs))

    def handle_endtag(self, tag):
        if tag == "a":
            self.open = None


def banner_image_link(html):
    """(href of the enclosing link or None, img attributes) of each image whose alt is the sentence."""
    p = _Links()
    p.feed(html)
    p.close()
    return p.found


@pytest.mark.parametrize("unit_prefix", ["", "/don-vi/th-van-yen"])
def test_the_banner_images_are_pngs_of_their_slot(portal, unit_prefix):
    for w, h in SIZES:
        r = portal.get(f"{unit_prefix}/pbgdpl/bieu-ngu/{w}x{h}.png")
        assert r.status == 200, r
        assert r.header("content-type") == "image/png"
        assert r.header("x-content-type-options") == "nosniff"
        assert png_size(r.body) == (w, h)
        etag = r.header("etag")
        assert etag, "the image carries an ETag"
        assert "public" in r.header("cache-control")
        again = portal.get(f"{unit_prefix}/pbgdpl/bieu-ngu/{w}x{h}.png", headers={"If-None-Match": etag})
        assert again.status == 304
    for bad in ("301x100.png", "300x100.jpg", "0x0.png", "..%2Fstatic%2Fstyle.css", "300x100.png.png"):
        r = portal.get(f"{unit_prefix}/pbgdpl/bieu-ngu/{bad}")
        assert r.status in (400, 404), (bad, r)
        assert r.header("content-type") != "image/png"


def test_every_public_page_carries_the_banner_image_linking_the_city_portal(portal):
    pages = ["/pbgdpl/", "/pbgdpl/tin-hoat-dong/", "/pbgdpl/van-ban-moi/", "/pbgdpl/hoi-dap-phap-luat/",
             "/pbgdpl/doi-thoai/", "/pbgdpl/bieu-ngu/", "/tim-kiem?q=ke+hoach", "/pbgdpl/?lang=en",
             "/don-vi/th-van-yen/pbgdpl/", "/don-vi/thcs-van-yen/pbgdpl/an-pham/?lang=en", "/pbgdpl/khong-co-trang-nay/"]
    for path in pages:
        r = portal.get(path)
        assert r.status in (200, 404), (path, r)
        assert r.header("content-type").startswith("text/html")
        p = Page(r.text)
        links = banner_image_link(r.text)
        in_aside = [(href, img) for href, img in links if href == CITY]
        assert in_aside, f"{path}: no image link to {CITY} with the required sentence as alt"
        href, img = in_aside[0]
        assert img["src"].endswith("/pbgdpl/bieu-ngu/300x100.png"), img
        assert (img["width"], img["height"]) == ("300", "100")
        assert "600x200.png 2x" in img.get("srcset", "")
        src = urllib.parse.urlsplit(urllib.parse.urljoin(portal.base + path, img["src"])).path
        im = portal.get(src)
        assert im.status == 200 and png_size(im.body) == (300, 100), (path, src)
        kit = [a for a in p.find("a") if a.get("href", "").split("?")[0].endswith("/pbgdpl/bieu-ngu/")]
        assert kit, f"{path}: no link to the banner kit"


def test_the_kit_page_shows_each_size_and_a_snippet_to_paste(portal):
    r = portal.get("/pbgdpl/bieu-ngu/")
    assert r.status == 200
    p = Page(r.text)
    assert p.html_lang() == "vi"
    assert [h for h in p.headings if h[0] == 1] == [(1, "Bộ biểu ngữ")]
    assert [t for lvl, t in p.headings if lvl == 2 and "×" in t] == [f"{w}×{h}" for w, h in SIZES]
    areas = p.find("textarea")
    assert len(areas) == len(SIZES)
    for (w, h), area in zip(SIZES, areas):
        label = [lb for lb in p.find("label") if lb.get("for") == area["id"]]
        assert label, "each snippet box has its label"
        want = (f'<a href="{CITY}" rel="noopener"><img src="{portal.base}/pbgdpl/bieu-ngu/{w}x{h}.png" '
                f'alt="{BANNER}" width="{w}" height="{h}"></a>')
        assert want in p.text, (want, p.text[:3000])
        # The snippet is markup another site pastes: its image answers.
        snippet = Page(want)
        src = snippet.find("img")[0]["src"]
        im = portal.get(urllib.parse.urlsplit(src).path)
        assert im.status == 200 and png_size(im.body) == (w, h)
    # The snippet is shown as text, never as live markup of this page.
    assert '<textarea' in r.text and f'&lt;a href=&quot;{CITY}&quot;' in r.text
    en = portal.get("/pbgdpl/bieu-ngu/?lang=en")
    assert en.status == 200 and Page(en.text).html_lang() == "en"
    assert (1, "Banner kit") in Page(en.text).headings
    sm = portal.get("/sitemap.xml")
    assert f"{portal.base}/pbgdpl/bieu-ngu/</loc>" in sm.text


# --- the editor: a unit's own banner -----------------------------------------------------------

def passwords(p):
    return dict(line.split() for line in (p.data_dir / "demo-accounts.txt").read_text().splitlines())


class Session:
    def __init__(self, portal, user):
        self.p = portal
        self.cookies = {}
        r = self.get("/quan-tri/dang-nhap")
        csrf = self.csrf(r.text)
        body = urllib.parse.urlencode({"csrf": csrf, "username": user, "password": passwords(portal)[user]})
        r = self.post("/quan-tri/dang-nhap", body, "application/x-www-form-urlencoded")
        assert r.status == 303, (r, r.text[:1000])
        assert "pbgdpl_phien" in self.cookies

    def _keep(self, r):
        for k, v in r.raw_headers:
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return r

    def _headers(self, extra=None):
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Origin": self.p.base}
        h.update(extra or {})
        return h

    def get(self, path):
        return self._keep(request(self.p, "GET", path, None, self._headers()))

    def post(self, path, body, content_type):
        return self._keep(request(self.p, "POST", path, body, self._headers({"Content-Type": content_type})))

    @staticmethod
    def csrf(html):
        m = re.search(r'name="csrf" value="([^"]+)"', html)
        assert m, html[:2000]
        return m.group(1)


def request(p, method, path, body, headers):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", p.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        from portal_proc import Response
        out = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        out.raw_headers = r.getheaders()
        return out
    finally:
        conn.close()


def multipart(fields, file_name, file_bytes, file_type):
    boundary = "----pbgdpl-banner-test"
    out = b""
    for k, v in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").encode()
    out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n"
            f"Content-Type: {file_type}\r\n\r\n").encode() + file_bytes + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}"


def test_a_units_publisher_replaces_the_banner_and_goes_back_to_the_default(fresh_portal):
    p = fresh_portal
    own_path = "/don-vi/th-van-yen/pbgdpl/bieu-ngu/300x100.png"
    default = p.get(own_path).body
    other_default = p.get("/don-vi/thcs-van-yen/pbgdpl/bieu-ngu/300x100.png").body
    assert default == other_default
    page_before = p.get("/don-vi/th-van-yen/pbgdpl/")  # cached now: the upload must drop it
    assert page_before.status == 200

    # The school's editor does not publish: no banner for them.
    clerk = Session(p, "nguyen.thi.lan")
    r = clerk.get("/quan-tri/bieu-ngu")
    assert r.status == 403

    head = Session(p, "tran.van.hung")  # school_approver of th-van-yen
    r = head.get("/quan-tri/bieu-ngu")
    assert r.status == 200 and "Biểu ngữ" in r.text
    csrf = Session.csrf(r.text)
    image = make_png(600, 150)

    # Without the session's CSRF token: refused, nothing changes.
    body, ctype = multipart({"csrf": "x" * 64, "unit": "th-van-yen"}, "bieu-ngu.png", image, "image/png")
    assert head.post("/quan-tri/bieu-ngu", body, ctype).status == 403
    # A PNG that calls itself a GIF, and a unit the account does not publish for: refused.
    body, ctype = multipart({"csrf": csrf, "unit": "th-van-yen"}, "bieu-ngu.gif", image, "image/gif")
    r = head.post("/quan-tri/bieu-ngu", body, ctype)
    assert r.status == 422 and "không khớp" in r.text, r.text[:3000]
    body, ctype = multipart({"csrf": csrf, "unit": "thcs-van-yen"}, "bieu-ngu.png", image, "image/png")
    assert head.post("/quan-tri/bieu-ngu", body, ctype).status == 422
    assert p.get(own_path).body == default

    body, ctype = multipart({"csrf": csrf, "unit": "th-van-yen"}, "bieu-ngu.png", image, "image/png")
    r = head.post("/quan-tri/bieu-ngu", body, ctype)
    assert r.status == 303, (r, r.text[:2000])
    for w, h in SIZES:
        im = p.get(f"/don-vi/th-van-yen/pbgdpl/bieu-ngu/{w}x{h}.png")
        assert im.status == 200 and png_size(im.body) == (w, h)
    mine = p.get(own_path).body
    assert mine != default, "the unit's own banner is served"
    assert p.get("/don-vi/thcs-van-yen/pbgdpl/bieu-ngu/300x100.png").body == default, "other units keep the default"
    kit = p.get("/don-vi/th-van-yen/pbgdpl/bieu-ngu/")
    assert "biểu ngữ riêng của đơn vị" in kit.text
    page_after = p.get("/don-vi/th-van-yen/pbgdpl/")
    assert page_after.status == 200
    assert any(href == CITY for href, _ in banner_image_link(page_after.text))

    r = head.get("/quan-tri/bieu-ngu")
    csrf = Session.csrf(r.text)
    r = head.post("/quan-tri/bieu-ngu/mac-dinh", urllib.parse.urlencode({"csrf": csrf, "unit": "th-van-yen"}),
                  "application/x-www-form-urlencoded")
    assert r.status == 303
    assert p.get(own_path).body == default
    assert "biểu ngữ mặc định" in p.get("/don-vi/th-van-yen/pbgdpl/bieu-ngu/").text
