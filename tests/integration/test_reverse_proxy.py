"""The demo portal behind a real nginx (Debian's /usr/sbin/nginx) and a real Apache (apache2-bin),
mounted under /phap-luat/ with examples/reverse_proxy/nginx.conf and apache.conf, each as it is
(issue 20): every link on the main pages, in the feeds and in the
sitemap resolves through the proxy and starts with the public prefix; redirects and cookie paths
keep it; forged X-Forwarded-* headers from a peer that is not a trusted proxy change nothing, and
proxied and direct answers never share a cache entry.
"""
import html.parser
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest

from portal_proc import SOURCE_DIR, Portal, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PREFIX = "/phap-luat"
CONF = SOURCE_DIR / "examples" / "reverse_proxy" / "nginx.conf"


class Proxy:
    """A proxy server in the foreground, one process, everything under its own temp directory: the
    example configuration with its tokens filled in, started, waited for, stopped."""

    name = ""

    def __init__(self, port, conf, tokens):
        self.port = port
        self.tmp = tempfile.TemporaryDirectory(prefix=f"pbgdpl-{self.name}-")
        self.dir = d = Path(self.tmp.name)
        self.site = d / "site"  # the school's own pages (@SITE@)
        self.site.mkdir()
        # Apache drops to User/Group when started as root (CI): they must read the site.
        os.chmod(d, 0o755)
        os.chmod(self.site, 0o755)
        text = conf.read_text()
        for k, v in {**tokens, "@TEMP@": str(d), "@SITE@": str(self.site)}.items():
            text = text.replace(k, v)
        assert "@" not in re.sub(r"#.*", "", text), f"a token of {conf.name} was left unfilled"
        (d / conf.name).write_text(text)
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=open(d / "stderr.log", "wb"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} did not start:\n" + (d / "stderr.log").read_text() + self.log())
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not listen:\n" + self.log())

    def log(self):
        p = self.dir / "error.log"
        return p.read_text(errors="replace") if p.exists() else ""

    @property
    def origin(self):
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.tmp.cleanup()


class Nginx(Proxy):
    """Debian's nginx running examples/reverse_proxy/nginx.conf, as this user."""

    name = "nginx"

    def __init__(self, backend_port, port):
        super().__init__(port, CONF, {"@LISTEN@": f"127.0.0.1:{port}", "@BACKEND@": f"127.0.0.1:{backend_port}"})

    def command(self):
        d = self.dir
        return [NGINX, "-p", str(d), "-e", str(d / "error.log"), "-c", str(d / "nginx.conf"),
                "-g", "daemon off; master_process off;"]

    def ssi(self, path):
        return f'<!--# include virtual="{path}" -->'


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
APACHE_CONF = SOURCE_DIR / "examples" / "reverse_proxy" / "apache.conf"
APACHE_MODULES = Path("/usr/lib/apache2/modules")


class Apache(Proxy):
    """Apache httpd (Debian's apache2-bin) in the foreground (-X: one process), with
    examples/reverse_proxy/apache.conf included as a site would include it."""

    name = "apache"

    def __init__(self, backend_port, port):
        super().__init__(port, APACHE_CONF, {"@BACKEND@": f"127.0.0.1:{backend_port}"})

    def command(self):
        d = self.dir
        mods = "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n"
                       for m in ("mpm_event", "authz_core", "proxy", "proxy_http", "headers", "alias", "include", "mime"))
        root = "User nobody\nGroup nogroup\n" if os.geteuid() == 0 else ""
        (d / "httpd.conf").write_text(
            f'ServerRoot "{d}"\nServerName 127.0.0.1\nListen 127.0.0.1:{self.port}\nPidFile {d}/httpd.pid\n'
            f"ErrorLog {d}/error.log\nLogLevel warn\nDefaultRuntimeDir {d}\n{mods}TypesConfig /dev/null\n{root}"
            f"Include {d}/apache.conf\n")
        return [APACHE, "-X", "-f", str(d / "httpd.conf")]

    def ssi(self, path):
        return f'<!--#include virtual="{path}" -->'


def fetch(port, path, headers=None, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, headers=headers or {})
        r = c.getresponse()
        body = r.read()
        return r.status, r.getheaders(), body
    finally:
        c.close()


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


@pytest.fixture(scope="module", params=["nginx", "apache"])
def mounted(request):
    """(portal, proxy): nginx or Apache, each running its example configuration in front of a
    portal that trusts 127.0.0.1 (the proxy) and knows its public origin."""
    proxy_port = free_port()
    portal = Portal(args=["--trusted-proxy", "127.0.0.1", "--base-url", f"http://127.0.0.1:{proxy_port}"]).start()
    proxy = None
    try:
        proxy = (Nginx if request.param == "nginx" else Apache)(portal.port, proxy_port)
        yield portal, proxy
        assert portal.alive(), portal.log_path.read_text(errors="replace")
        assert portal.stop() == 0
    finally:
        if proxy:
            proxy.stop()
        portal.cleanup()


class Links(html.parser.HTMLParser):
    """Every URL an HTML page points at: href, src, srcset, action, and Open Graph's og:url/og:image."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name in ("href", "src", "action", "poster", "data"):
            if a.get(name):
                self.urls.append(a[name])
        if a.get("srcset"):
            self.urls += [part.strip().split()[0] for part in a["srcset"].split(",") if part.strip()]
        if tag == "meta" and (a.get("property") or "").startswith("og:") and (a.get("content") or "").startswith(("http", "/")):
            if a["property"] in ("og:url", "og:image"):
                self.urls.append(a["content"])


def links_of(content_type, body):
    text = body.decode("utf-8")
    if "html" in content_type:
        p = Links()
        p.feed(text)
        return p.urls
    if "json" in content_type:
        out = []

        def walk(v, key=""):
            if isinstance(v, dict):
                for k, x in v.items():
                    walk(x, k)
            elif isinstance(v, list):
                for x in v:
                    walk(x, key)
            elif isinstance(v, str) and (key.endswith("url") or key in ("id", "image")) and v.startswith(("http", "/")):
                out.append(v)
        walk(json.loads(text))
        return out
    # Atom, RSS, sitemap: href="", <link>, <id>, <guid>, <loc> that hold URLs (tag: ids are no links).
    urls = re.findall(r'href="([^"]+)"', text)
    urls += [m.strip() for m in re.findall(r"<(?:link|id|guid|loc|url)>([^<]+)</", text)]
    return [html.unescape(u.strip()) for u in urls if u.strip().startswith(("http", "/"))]


def resolve(page_url, link, proxy):
    """The link as an absolute URL, or None when it points off this site on purpose
    (another host, mailto:, tel:, data:, a fragment)."""
    u = urllib.parse.urljoin(page_url, link)
    p = urllib.parse.urlsplit(u)
    if p.scheme not in ("http", "https"):
        return None
    if p.hostname not in ("127.0.0.1", "localhost"):
        return None  # another site (a legal text's original, the ministry): not ours to check
    return u


def check_link(page, link, proxy, portal):
    """Errors of one link found on `page` (public URL)."""
    u = resolve(page, link, proxy)
    if u is None:
        return []
    p = urllib.parse.urlsplit(u)
    errs = []
    if p.port != proxy.port:
        errs.append(f"{page}: {link!r} escapes to port {p.port} (the backend is {portal.port})")
    if not (p.path == PREFIX + "/" or p.path.startswith(PREFIX + "/")):
        errs.append(f"{page}: {link!r} is not under {PREFIX}/")
    if link.startswith("/") and not link.startswith(PREFIX + "/"):
        errs.append(f"{page}: {link!r} is a root-relative link without the prefix")
    if link.startswith("http") and not link.startswith(proxy.origin + PREFIX + "/"):
        errs.append(f"{page}: absolute {link!r} does not start with {proxy.origin}{PREFIX}/")
    return errs


MAIN_PAGES = [
    "/pbgdpl/",
    "/pbgdpl/hoi-dap-phap-luat/",
    "/pbgdpl/cau-thang-phap-luat/",
    "/tim-kiem?q=ke+hoach",
    "/pbgdpl/van-ban/kh-19-pgddt-2023",
    "/sitemap.xml",
    "/pbgdpl/feed.atom",
    "/pbgdpl/feed.rss",
    "/pbgdpl/feed.json",
]


def test_every_link_resolves_through_the_proxy(mounted):
    portal, proxy = mounted
    pages = [PREFIX + p for p in MAIN_PAGES]
    # A category and an article: the first the section's page links to.
    st, hs, body = fetch(proxy.port, PREFIX + "/pbgdpl/")
    assert st == 200, body[:300]
    home = body.decode()
    cats = re.findall(r'href="(/phap-luat/pbgdpl/[a-z0-9-]+/)"', home)
    arts = re.findall(r'href="(/phap-luat/pbgdpl/bai-viet/[^"?#]+)"', home)
    cats = [c for c in cats if not c.endswith(("/hoi-dap-phap-luat/", "/cau-thang-phap-luat/", "/doi-thoai/", "/bieu-ngu/"))]
    assert cats and arts, "the section's page links to no category or article:\n" + home[:2000]
    pages += [cats[0], arts[0]]

    errors, targets = [], {}
    for page in pages:
        st, hs, body = fetch(proxy.port, page)
        assert st == 200, f"{page}: {st} through the proxy\n{body[:500]!r}\n{proxy.log()}"
        ctype = (header(hs, "Content-Type") or [""])[0]
        links = links_of(ctype, body)
        assert links, f"{page}: no links found ({ctype})"
        page_url = proxy.origin + page
        for link in links:
            errors += check_link(page_url, link, proxy, portal)
            u = resolve(page_url, link, proxy)
            if u:
                targets.setdefault(u.split("#")[0], page)
        # The backend's own address never shows, whether as a port or a bare path.
        assert f":{portal.port}" not in body.decode(), f"{page} names the backend's port"
    assert not errors, "\n".join(errors[:40])

    # Every link answers through the proxy: 200, or a redirect to a prefixed location.
    assert len(targets) > 30, f"too few links crawled: {len(targets)}"
    assert len(targets) < 2000, "the crawl is unbounded"
    bad = []
    for u, page in sorted(targets.items()):
        p = urllib.parse.urlsplit(u)
        path = p.path + ("?" + p.query if p.query else "")
        st, hs, _ = fetch(proxy.port, path)
        if st in (301, 302, 303, 307, 308):
            loc = (header(hs, "Location") or [""])[0]
            if not (loc.startswith(PREFIX + "/") or loc.startswith(proxy.origin + PREFIX + "/")):
                bad.append(f"{u} (on {page}): {st} to {loc!r}, outside {PREFIX}/")
        elif st != 200:
            bad.append(f"{u} (on {page}): {st}")
    assert not bad, "\n".join(bad[:40])


def test_redirects_and_cookies_keep_the_prefix(mounted):
    portal, proxy = mounted
    for path, to in [("/pbgdpl", "/pbgdpl/"), ("/", "/pbgdpl/"), ("/pbgdpl/tin-hoat-dong", "/pbgdpl/tin-hoat-dong/")]:
        st, hs, _ = fetch(proxy.port, PREFIX + path)
        assert st in (301, 302, 303, 307, 308), (path, st)
        loc = header(hs, "Location")[0]
        assert loc in (PREFIX + to, proxy.origin + PREFIX + to), (path, loc)
    # The proxy itself sends /phap-luat to /phap-luat/ (nginx: the location ends with '/';
    # Apache: the RedirectMatch).
    st, hs, _ = fetch(proxy.port, PREFIX)
    assert st == 301 and header(hs, "Location")[0].endswith(PREFIX + "/"), (st, hs)

    # The editor: a stranger is sent to the sign-in screen under the prefix, whose cookie is
    # scoped to the prefix (the browser sends it back only there).
    st, hs, body = fetch(proxy.port, PREFIX + "/quan-tri/")
    assert st in (302, 303), (st, body[:300])
    loc = header(hs, "Location")[0]
    assert loc.startswith(PREFIX + "/quan-tri/"), loc
    st, hs, body = fetch(proxy.port, urllib.parse.urlsplit(loc).path)
    assert st == 200, st
    cookies = header(hs, "Set-Cookie")
    assert cookies and all(f"Path={PREFIX}/;" in c for c in cookies), cookies
    assert f'action="{PREFIX}/quan-tri/' in body.decode()
    # Straight to the backend (no X-Forwarded-Prefix): the cookie is scoped to its own root.
    r = portal.get("/quan-tri/dang-nhap")
    assert "Path=/;" in (r.header("set-cookie") or ""), r.headers


def test_the_api_names_the_prefix(mounted):
    portal, proxy = mounted
    st, _, body = fetch(proxy.port, PREFIX + "/api/openapi.json")
    assert st == 200
    servers = [s["url"] for s in json.loads(body)["servers"]]
    assert servers and all(u == PREFIX or u.startswith(proxy.origin + PREFIX) for u in servers), servers
    st, _, body = fetch(proxy.port, PREFIX + "/api/v1")
    index = json.loads(body)
    assert index["openapi"] == PREFIX + "/api/openapi.json"
    assert all(u.startswith(PREFIX + "/api/") for u in index["paths"].values())
    st, _, _ = fetch(proxy.port, index["paths"]["/api/v1/articles"])
    assert st == 200
    # Straight to the backend the same document has no prefix (and is another cache entry).
    assert PREFIX not in json.dumps(portal.get("/api/openapi.json").json().get("servers", []))


def test_proxied_and_direct_answers_never_share_a_cache_entry(mounted):
    portal, proxy = mounted
    for path in ["/pbgdpl/", "/sitemap.xml", "/pbgdpl/feed.atom"]:
        for _ in range(2):  # the second of each is served from the cache
            proxied = fetch(proxy.port, PREFIX + path)[2].decode()
            direct = portal.get(path).text
            assert f'{PREFIX}/pbgdpl/' in proxied, path
            assert f'"{PREFIX}/' not in direct and f"{PREFIX}/pbgdpl/" not in direct.replace(proxy.origin, ""), path
    # An https proxy is another entry again: scheme in the links, same prefix.
    r = portal.get("/pbgdpl/feed.atom", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Prefix": PREFIX,
                                                 "X-Forwarded-Host": f"127.0.0.1:{proxy.port}"})
    assert f"https://127.0.0.1:{proxy.port}{PREFIX}/pbgdpl/" in r.text
    assert "http://127.0.0.1" not in r.text
    assert f"http://127.0.0.1:{proxy.port}{PREFIX}/" in fetch(proxy.port, PREFIX + "/pbgdpl/feed.atom")[2].decode()


def test_invalid_forwarded_values_from_the_trusted_proxy_are_ignored(mounted):
    portal, proxy = mounted
    plain = portal.get("/pbgdpl/feed.atom")
    for h in [{"X-Forwarded-Host": "evil.example"}, {"X-Forwarded-Host": "evil.example:80"},
              {"X-Forwarded-Proto": "javascript"},
              {"X-Forwarded-Prefix": "/a\"><script>"}, {"X-Forwarded-Prefix": "/%2e%2e"}]:
        r = portal.get("/pbgdpl/feed.atom", headers=h)
        assert r.status == 200 and r.body == plain.body, h
        assert b"evil" not in r.body and b"script" not in r.body
    # Empty segments are dropped: a prefix is a path on this origin, never "//host".
    r = portal.get("/pbgdpl/feed.atom", headers={"X-Forwarded-Prefix": "//evil.example"})
    assert b"/evil.example/pbgdpl/" in r.body and b"//evil.example" not in r.body


def test_forged_forwarded_headers_from_an_untrusted_peer_change_nothing():
    # This portal trusts only 192.0.2.1 (a documentation address): the test client, 127.0.0.1, is
    # a stranger whose forged headers must change no byte and create no cache entry.
    p = Portal(args=["--trusted-proxy", "192.0.2.1"]).start()
    try:
        forged = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "127.0.0.1:1", "X-Forwarded-Prefix": "/evil",
                  "X-Forwarded-For": "192.0.2.1"}
        for path in ["/pbgdpl/", "/pbgdpl/feed.atom", "/pbgdpl/feed.json", "/sitemap.xml", "/robots.txt"]:
            first = p.get(path, headers=forged)  # forged first: were it believed, it would poison the entry
            entries = p.get("/healthz").json()["cache"]["pages"]["entries"]
            plain = p.get(path)
            again = p.get(path, headers=forged)
            assert first.status == plain.status == again.status == 200, path
            assert first.body == plain.body == again.body, path
            assert b"/evil" not in first.body and b"https://127.0.0.1" not in first.body, path
            assert p.get("/healthz").json()["cache"]["pages"]["entries"] == entries, path
        r = p.get("/quan-tri/dang-nhap", headers=forged)
        assert "Path=/;" in r.header("set-cookie"), r.headers
        r = p.get("/pbgdpl", headers=forged)
        assert r.header("location") == "/pbgdpl/", r.headers
        assert p.stop() == 0
    finally:
        p.cleanup()


def test_cookies_are_secure_behind_an_https_proxy():
    # The documented deployment: the portal on loopback behind nginx, public at https://. Its
    # session and form cookies must be Secure (the browser talks https); on plain-http loopback
    # without an https base they are not (a browser would drop them).
    p = Portal(args=["--trusted-proxy", "127.0.0.1", "--base-url", "https://truong.edu.vn"]).start()
    try:
        r = p.get("/quan-tri/dang-nhap", headers={"X-Forwarded-Prefix": "/phap-luat"})
        assert r.status == 200
        assert "Path=/phap-luat/;" in r.header("set-cookie") and "; Secure" in r.header("set-cookie"), r.headers
        assert p.stop() == 0
    finally:
        p.cleanup()
    p = Portal(args=[]).start()
    try:
        assert "; Secure" not in p.get("/quan-tri/dang-nhap").header("set-cookie")
        assert p.stop() == 0
    finally:
        p.cleanup()


def test_the_demo_refuses_a_bad_base_url_or_prefix(tmp_path):
    from portal_proc import portal_binary
    for args, vi in [(["--base-url", "ftp://truong.edu.vn"], "Địa chỉ gốc công khai"),
                     (["--base-url", "https://truong.edu.vn/phap-luat"], "Địa chỉ gốc công khai"),
                     (["--base-url", 'http://a"><script>'], "Địa chỉ gốc công khai"),
                     (["--public-prefix", "/phap luat"], "Tiền tố đường dẫn công khai"),
                     (["--public-prefix", "/a/../b"], "Tiền tố đường dẫn công khai")]:
        r = subprocess.run([portal_binary(), "--data", str(tmp_path / "never"), *args], capture_output=True, text=True, timeout=20)
        assert r.returncode != 0, args
        assert vi in r.stderr + r.stdout and "ERROR" in r.stderr + r.stdout, (args, r.stderr)
        assert not (tmp_path / "never").exists(), "nothing is written before the options are checked"


def test_a_school_page_includes_the_news_widget_through_server_side_includes(mounted):
    """The fragment form of a widget, assembled into a page of the school's own site by the proxy
    (nginx.conf's `location /` with `ssi on`, apache.conf's mod_include): its links carry the
    public prefix, and the page around it is the school's."""
    portal, proxy = mounted
    (proxy.site / "tin-phap-luat.html").write_text(
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trường</title></head><body>'
        "<p>Trang của trường</p>\n" + proxy.ssi("/phap-luat/pbgdpl/tien-ich/tin-moi?n=3") + "\n"
        "</body></html>", encoding="utf-8")
    st, _, body = fetch(proxy.port, "/tin-phap-luat.html")
    page = body.decode("utf-8")
    assert st == 200, page
    assert "<!--#" not in page, "the proxy did not process the include"
    assert "Trang của trường" in page and "pbgdpl-w" in page, page
    direct = portal.get("/pbgdpl/tien-ich/tin-moi?n=3")
    assert direct.status == 200
    # The fragment the proxy included is the same list of news, its links under the prefix.
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert hrefs, page
    for h in hrefs:
        if "pbgdpl.hanoi.gov.vn" in h:
            continue
        assert h.startswith(proxy.origin + PREFIX + "/"), (h, page)
    titles = re.findall(r">([^<>]{20,})</a>", direct.text)
    assert titles and all(t in page for t in titles), (titles, page)
