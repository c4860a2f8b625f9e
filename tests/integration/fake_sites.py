"""Fake school sites for the compliance crawler's tests and benchmark: many host names served from
ONE loopback port, told apart by the Host header (the crawler reaches them with --connect-to).
They are modelled on the platforms school sites run on (docs/design.md, "Compliance crawler"):
Quang Ich (/{slug}/c/{id}, /{cat}/{post}/ct/{cat}/{id}, sitemap.xml, ad columns with image-only
banners), NukeViet (/news/rss/), WordPress (/feed/), Liferay (/-/slug) and custom PHP, plus the
broken and hostile ones (redirect loops, slow, huge, non-UTF-8, billion laughs, script in titles).

EXPECTED maps each host to the verdicts and first evidence methods the crawler must give with
TODAY as "today", 30 days as "recent" and DIVISION as the division portal.
"""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TODAY = "2026-11-30T10:00:00+07:00"
DIVISION = "https://pgdhadong.edu.vn/"
CITY = "https://pbgdpl.hanoi.gov.vn/"
SENTENCE = "Trang thông tin điện tử phổ biến pháp luật thành phố Hà Nội"


def cp1258(text):
    """windows-1258 bytes of Vietnamese text: precomposed where the charset has the letter, else the
    base letter (with its circumflex, breve or horn) and the tone as a combining mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base, marks = d[0], d[1:]
        # Keep circumflex (0302), breve (0306), horn (031B) on the base; the tone goes apart.
        keep = "".join(m for m in marks if m in "\u0302\u0306\u031b")
        tone = "".join(m for m in marks if m not in "\u0302\u0306\u031b")
        out += unicodedata.normalize("NFC", base + keep).encode("cp1258") + tone.encode("cp1258")
    return out


def render_text_image(text):
    """The sentence drawn in a picture (TIFF) by tesseract's own text2image, or None if it is missing."""
    exe = shutil.which("text2image")
    fonts = "/usr/share/fonts/truetype/dejavu"
    if not exe or not os.path.isdir(fonts):
        return None
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "s.txt")
        with open(src, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        try:
            subprocess.run([exe, f"--text={src}", f"--outputbase={d}/b", "--font=DejaVu Sans Bold",
                            f"--fonts_dir={fonts}", "--ptsize=12", "--xsize=3600", "--ysize=200", "--margin=20",
                            "--distort_image=false", "--degrade_image=false"],
                           check=True, capture_output=True, timeout=60, cwd=d, env={**os.environ, "HOME": d})
            with open(f"{d}/b.tif", "rb") as f:
                return f.read()
        except (subprocess.SubprocessError, OSError):
            return None


def page(body, title="Trường học", head=""):
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>" + title + "</title>" + head +
            "</head><body>" + body + "</body></html>")


def qig_home(section_title, section_slug, banner_alt=SENTENCE, banner_href=CITY, division=True, extra=""):
    ads_left = (f"<div id='qctrai'><div id='divAdLeft'><a target=_blank href='{DIVISION}'>"
                "<img src='/UploadImages/Advertising/L1.png' alt=''></a></div></div>") if division else ""
    banner = (f"<div id='qcphai'><div id='divAdRight'><a target=_blank href='{banner_href}'>"
              f"<img class='qiwithqctraiphai' alt='{banner_alt}' src='/UploadImages/Advertising/R1.png'></a></div></div>"
              if banner_href else "")
    menu = ("<ul class='menu'><li class='it-menu'><a href='/gioi-thieu/c/100' title='Giới thiệu'>Giới thiệu</a></li>"
            f"<li class='it-menu'><a href='/{section_slug}/c/101' title='{section_title}'>{section_title}</a></li></ul>")
    return page(menu + ads_left + banner + extra + "<a href='https://qig.vn'>Powered by QI</a>")


def qig_site(section_title="Phổ biến giáo dục pháp luật", section_slug="pho-bien-giao-duc-phap-luat",
             lastmod="2026-11-20", **home):
    post = f"/{section_slug}/huong-ung-ngay-phap-luat-viet-nam/ct/101/5001"
    return {
        "/robots.txt": ("text/plain", "User-agent: *\nDisallow: /Timkiem\n"),
        "/": ("text/html; charset=utf-8", qig_home(section_title, section_slug, **home)),
        f"/{section_slug}/c/101": ("text/html; charset=utf-8",
                                   page(f"<div class='list'><a href='{post}'>Hưởng ứng Ngày Pháp luật Việt Nam</a></div>")),
        "/sitemap.xml": ("application/xml",
                         "<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                         f"<url><loc>http://HOST{post}</loc><lastmod>{lastmod}</lastmod></url></urlset>"),
    }


def build_sites(image_with_sentence=None, image_without=None):
    """host → {path: (content type, body) | callable(handler) }"""
    s = {}
    s["compliant.hadong.edu.vn"] = qig_site()
    s["pbpl.hadong.edu.vn"] = qig_site("Phổ biến pháp luật", "pho-bien-phap-luat")
    s["hdtt.hadong.edu.vn"] = qig_site("Hoạt động tuyên truyền", "hoat-dong-tuyen-truyen")
    s["goc.hadong.edu.vn"] = qig_site("Góc tuyên truyền", "goc-tuyen-truyen", lastmod="2026-08-01")
    s["no-banner.hadong.edu.vn"] = qig_site(banner_href=None)
    s["no-sentence.hadong.edu.vn"] = qig_site(banner_alt="")
    if image_without:
        s["no-sentence.hadong.edu.vn"]["/UploadImages/Advertising/R1.png"] = ("image/tiff", image_without)
    s["ocr.hadong.edu.vn"] = qig_site(banner_alt="")
    if image_with_sentence:
        s["ocr.hadong.edu.vn"]["/UploadImages/Advertising/R1.png"] = ("image/tiff", image_with_sentence)
    s["no-division.hadong.edu.vn"] = qig_site(division=False)
    # Legal posts only in general news (the "second family": /tin-tuc-su-kien/...html).
    news_post = "/tin-tuc-su-kien/tin-cua-truong/truong-huong-ung-ngay-phap-luat-9-11.html"
    s["news-only.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", page(
            "<nav><a href='/tin-tuc-su-kien/tin-cua-truong'>Tin của trường</a></nav>"
            f"<div class='news'><a href='{news_post}'>Trường hưởng ứng Ngày Pháp luật 9/11</a>"
            "<a href='/tin-tuc-su-kien/tin-cua-truong/le-khai-giang-nam-hoc-moi.html'>Lễ khai giảng năm học mới</a></div>"
            f"<a href='{DIVISION}'>Phòng GD&ĐT</a><a href='{CITY}'>{SENTENCE}</a>")),
        news_post: ("text/html; charset=utf-8", page(
            "<div class='top'>Thứ hai, 30/11/2026</div><h1>Trường hưởng ứng Ngày Pháp luật 9/11</h1>"
            "<p>Ngày 10 tháng 11 năm 2026, nhà trường tổ chức tuyên truyền.</p>")),
    }
    # WordPress with its feed: duplicate ids, an ETag that changes while Last-Modified does not.
    wp_post = "/2026/11/25/tuyen-truyen-luat-giao-thong-duong-bo/"
    feed = ("<?xml version='1.0'?><rss version='2.0'><channel><title>THCS WP</title>" +
            2 * ("<item><title>Tuyên truyền luật giao thông</title>"
                 f"<link>http://wp.hadong.edu.vn{wp_post}</link><guid>dup-1</guid>"
                 "<pubDate>Wed, 25 Nov 2026 08:00:00 +0700</pubDate></item>") + "</channel></rss>")
    s["wp.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", page(
            "<nav class='menu'><a href='/goc-tuyen-truyen/'>Góc tuyên truyền</a></nav>"
            f"<a href='{DIVISION}'>Phòng</a><a href='{CITY}' title='{SENTENCE}'><img src='/wp-content/b.png'></a>",
            head="<meta name='generator' content='WordPress 6.4'>")),
        "/goc-tuyen-truyen/": ("text/html; charset=utf-8", page(f"<a href='{wp_post}'>Tuyên truyền luật giao thông</a>")),
        "/feed/": "etag-feed",
        "/feed/body": ("application/rss+xml", feed),
    }
    # NukeViet: generator, /news/rss/ (Atom here), no section of its own.
    s["nukeviet.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", page(
            f"<a href='{CITY}'><img src='/b.png' alt='{SENTENCE}'></a><a href='{DIVISION}'>Phòng</a>",
            head="<meta name='generator' content='NukeViet v4.5'>")),
        "/news/rss/": ("application/atom+xml",
                       "<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry>"
                       "<title>Hưởng ứng Ngày Pháp luật</title>"
                       "<link href='http://nukeviet.hadong.edu.vn/news/hoat-dong/huong-ung-ngay-phap-luat-12.html'/>"
                       "<id>x</id><updated>2026-11-28T00:00:00Z</updated></entry></feed>"),
    }
    # Liferay: /-/slug posts, a section by menu title.
    s["liferay.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", page(
            "<nav><a href='/web/thcs/pho-bien-phap-luat'>Phổ biến pháp luật</a></nav>"
            f"<a href='{CITY}'>{SENTENCE}</a><a href='{DIVISION}'>Phòng</a>")),
        "/web/thcs/pho-bien-phap-luat": ("text/html; charset=utf-8", page(
            "<div class='asset-publisher'><a href='/web/thcs/-/to-chuc-tuyen-truyen-ngay-phap-luat-nam-2026'>"
            "Tổ chức tuyên truyền Ngày Pháp luật năm 2026</a></div>")),
        "/web/thcs/-/to-chuc-tuyen-truyen-ngay-phap-luat-nam-2026": ("text/html; charset=utf-8", page(
            "<h1>Tổ chức tuyên truyền Ngày Pháp luật năm 2026</h1><time datetime='2026-11-09'>09/11/2026</time>")),
    }
    # Broken HTML: unclosed, misnested; still read.
    s["broken.hadong.edu.vn"] = {
        "/": ("text/html", "<html><body><div id=menu><ul><li><a href='/pho-bien-phap-luat/c/7' title='Phổ biến pháp luật'>"
                           "PBPL<li><a href=/x>x</ul></span></b><table><tr><td><a href='" + CITY + "'>" + SENTENCE +
                           "</table><a href='" + DIVISION + "'>Phòng"),
        "/pho-bien-phap-luat/c/7": ("text/html", "<p><a href='/pho-bien-phap-luat/bai-1/ct/7/1'>Bài tuyên truyền pháp luật"),
    }
    # windows-1258, declared in a meta.
    s["cp1258.hadong.edu.vn"] = {
        "/": ("text/html", b"<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'></head>"
                           b"<body><div id='menu'><a href='/index.php?chucnang=chude&amp;chudecode=4'>" +
              cp1258("Phổ biến pháp luật") + b"</a></div><a href='" + CITY.encode() + b"'>" + cp1258(SENTENCE) +
              b"</a></body></html>"),
        "/index.php": ("text/html", b"<html><body>" + cp1258("Chưa có bài") + b"</body></html>"),
    }
    # Redirects: a loop and an endless chain.
    s["loop.hadong.edu.vn"] = {"/": ("redirect", "/a"), "/a": ("redirect", "/")}
    s["endless.hadong.edu.vn"] = {"/": ("redirect", "/r/1"), "prefix:/r/": "endless"}
    s["slow.hadong.edu.vn"] = {"/": "slow"}
    # Huge: 8 MB after a normal top (the crawler keeps the top).
    s["huge.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", qig_home("Phổ biến pháp luật", "pho-bien-phap-luat") .replace(
            "</body>", "<p>" + "x" * (8 * 1024 * 1024) + "</p></body>")),
    }
    # Hostile: script in titles, a billion-laughs sitemap, deep nesting.
    lol = "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
    prev = "lol"
    for i in range(1, 12):
        lol += f"<!ENTITY lol{i} '" + ("&" + prev + ";") * 10 + "'>"
        prev = f"lol{i}"
    lol += "]><urlset><url><loc>&" + prev + ";</loc></url></urlset>"
    s["hostile.hadong.edu.vn"] = {
        "/": ("text/html; charset=utf-8", page(
            "<nav><a href='/pho-bien-phap-luat/c/9' title='Phổ biến pháp luật &lt;script&gt;alert(1)&lt;/script&gt;'>"
            "Phổ biến pháp luật<script>alert(2)</script></a></nav>" + "<div>" * 50000 + "deep",
            title="<script>alert(3)</script>")),
        "/sitemap.xml": ("application/xml", lol),
    }
    s["robots-deny.hadong.edu.vn"] = qig_site()
    s["robots-deny.hadong.edu.vn"]["/robots.txt"] = ("text/plain", "User-agent: *\nDisallow: /\n")
    return s


# host → {criterion: (verdict, first evidence method or None)}
EXPECTED = {
    "compliant.hadong.edu.vn": {"section": ("met", "menu-title"), "division_link": ("met", "href-host"),
                                "city_banner": ("met", "alt"), "recent_post": ("met", "sitemap-lastmod")},
    "pbpl.hadong.edu.vn": {"section": ("met", "menu-title")},
    "hdtt.hadong.edu.vn": {"section": ("met", "menu-title")},
    "goc.hadong.edu.vn": {"section": ("met", "menu-title"), "recent_post": ("not_met", "sitemap-lastmod")},
    "no-banner.hadong.edu.vn": {"city_banner": ("not_met", None)},
    "no-sentence.hadong.edu.vn": {"city_banner": ("not_met", "no-sentence")},
    "no-division.hadong.edu.vn": {"division_link": ("not_met", None)},
    "news-only.hadong.edu.vn": {"section": ("met", "post-title"), "recent_post": ("met", "text-date"),
                                "city_banner": ("met", "link-text")},
    "wp.hadong.edu.vn": {"section": ("met", "menu-title"), "city_banner": ("met", "title"),
                         "recent_post": ("met", "feed-date")},
    "nukeviet.hadong.edu.vn": {"section": ("met", "post-title"), "city_banner": ("met", "alt"),
                               "recent_post": ("met", "feed-date")},
    "liferay.hadong.edu.vn": {"section": ("met", "menu-title"), "recent_post": ("met", "time-element")},
    "broken.hadong.edu.vn": {"section": ("met", "menu-title"), "city_banner": ("met", "link-text"),
                             "division_link": ("met", "href-host")},
    "cp1258.hadong.edu.vn": {"section": ("met", "menu-title"), "city_banner": ("met", "link-text")},
    "loop.hadong.edu.vn": {c: ("unknown", None) for c in ("section", "division_link", "city_banner", "recent_post")},
    "endless.hadong.edu.vn": {c: ("unknown", None) for c in ("section", "division_link", "city_banner", "recent_post")},
    "slow.hadong.edu.vn": {c: ("unknown", None) for c in ("section", "division_link", "city_banner", "recent_post")},
    "huge.hadong.edu.vn": {"section": ("met", "menu-title"), "city_banner": ("met", "alt")},
    "hostile.hadong.edu.vn": {"section": ("met", "menu-title")},
    "robots-deny.hadong.edu.vn": {c: ("unknown", None) for c in ("section", "division_link", "city_banner", "recent_post")},
}
EXPECTED_ERRORS = {"loop.hadong.edu.vn": "redirect_loop", "endless.hadong.edu.vn": "too_many_redirects",
                   "slow.hadong.edu.vn": "timeout", "robots-deny.hadong.edu.vn": "robots",
                   "hostile.hadong.edu.vn": "sitemap"}


def bench_sites(n):
    """n sites cycling through four kinds: compliant, section only, no banner, news only."""
    base = build_sites()
    kinds = ["compliant.hadong.edu.vn", "pbpl.hadong.edu.vn", "no-banner.hadong.edu.vn", "news-only.hadong.edu.vn"]
    return {f"s{i}.bench.edu.vn": base[kinds[i % len(kinds)]] for i in range(n)}


class FakeSites:
    """Serves `sites` on 127.0.0.1:<free port>; .port after start()."""

    def __init__(self, sites, slow_seconds=3.0):
        self.sites = sites
        self.slow_seconds = slow_seconds
        self.etag_counter = 0
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def send(self, status, ctype, body, extra=()):
                if isinstance(body, str):
                    body = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in extra:
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                site = outer.sites.get(host)
                path = self.path.split("?")[0]
                if site is None:
                    return self.send(404, "text/plain", "no such site")
                entry = site.get(path)
                if entry is None:
                    for k, v in site.items():
                        if k.startswith("prefix:") and path.startswith(k[7:]):
                            entry = v
                if entry is None:
                    return self.send(404, "text/plain", "not found")
                if entry == "slow":
                    time.sleep(outer.slow_seconds)
                    return self.send(200, "text/html", page("late"))
                if entry == "endless":
                    n = int(path.rsplit("/", 1)[1] or 0)
                    return self.send(302, "text/plain", "", [("Location", f"/r/{n + 1}")])
                if entry == "etag-feed":
                    with outer.lock:
                        outer.etag_counter += 1
                        tag = f'"v{outer.etag_counter}"'
                    ctype, body = site["/feed/body"]
                    return self.send(200, ctype, body, [("ETag", tag),
                                                        ("Last-Modified", "Wed, 25 Nov 2026 01:00:00 GMT")])
                ctype, body = entry
                if ctype == "redirect":
                    return self.send(302, "text/plain", "", [("Location", body)])
                if isinstance(body, str):
                    body = body.replace("http://HOST", f"http://{host}")
                return self.send(200, ctype, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 256
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    import sys
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    fs = FakeSites(bench_sites(n) if n else build_sites(render_text_image(SENTENCE),
                                                       render_text_image("Chào mừng năm học mới"))).start()
    print(fs.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fs.stop()
