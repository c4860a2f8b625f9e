#!/usr/bin/env python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ from real inputs: data/seed, minisign's
own files (made with the minisign program), feeds, pages, robots.txt and sitemaps as Vietnamese
school sites publish them, images made with Pillow. Run once; the files are committed, so a
clone needs neither minisign nor Pillow. Usage: tests/fuzz/make_corpus.py [repo root]"""
import io, json, os, subprocess, sys, tempfile

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
seed = os.path.join(root, "data", "seed")
out = os.path.join(root, "tests", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)


def load(name):
    with open(os.path.join(seed, name + ".json"), encoding="utf-8") as f:
        return json.load(f)


def js(v):
    return json.dumps(v, ensure_ascii=False, indent=2)


# --- minisign: keys and signatures as the minisign program writes them -----------------------
with tempfile.TemporaryDirectory() as t:
    pub, key, doc = (os.path.join(t, n) for n in ("k.pub", "k.key", "ke-hoach-19.pdf"))
    with open(doc, "wb") as f:
        f.write("Kế hoạch số 19/KH-PGDĐT ngày 22/3/2023\n".encode())
    subprocess.run(["minisign", "-G", "-W", "-p", pub, "-s", key], check=True, capture_output=True)
    subprocess.run(["minisign", "-S", "-s", key, "-m", doc, "-t", "Phê duyệt: Phòng GDĐT Hà Đông"], check=True, capture_output=True)
    put("minisign", "pub", open(pub).read())
    put("minisign", "pub-bare", open(pub).read().splitlines()[1])
    put("minisign", "key-unencrypted", open(key).read())
    put("minisign", "sig-prehashed", open(doc + ".minisig").read())
    subprocess.run(["minisign", "-S", "-l", "-s", key, "-m", doc], check=True, capture_output=True)
    put("minisign", "sig-legacy", open(doc + ".minisig").read())

# --- bundle manifests ----------------------------------------------------------------------
h = "0" * 64
put("bundle_manifest", "video", js({"format": "pbgdpl/bundle/1", "content_id": "video-an-toan-giao-thong",
    "title": "Video: An toàn giao thông cho học sinh", "metadata": {"topic": "giao-thong", "language": "vi", "duration": 93},
    "created_at": "2023-09-05T08:00:00+07:00",
    "files": [{"path": "video/atgt.mp4", "size": 1048576, "media_type": "video/mp4", "blake2b": h},
              {"path": "phu-de/atgt.vi.vtt", "size": 2048, "media_type": "text/vtt", "blake2b": "ab" * 32}]}))
put("bundle_manifest", "single", js({"format": "pbgdpl/bundle/1", "content_id": "to-gap-atgt", "created_at": "2024-01-02T00:00:00Z",
    "files": [{"path": "Tờ gấp an toàn giao thông.pdf", "size": 0, "media_type": "application/pdf", "blake2b": h}]}))
put("bundle_manifest", "path-dotdot", js({"format": "pbgdpl/bundle/1", "content_id": "x", "created_at": "2024-01-02T00:00:00Z",
    "files": [{"path": "a/../../etc/passwd", "size": 1, "media_type": "text/plain", "blake2b": h}]}))

# --- signage manifests: byte 0 even = the body, odd = the wire form --------------------------
layouts, schedules = load("layouts"), load("schedules")
body = {"format": "pbgdpl/signage-manifest/1", "display": "cau-thang-1", "unit": "thcs-van-yen", "authority": "pgddt-ha-dong",
        "sequence": 7, "issued_at": "2026-09-01T00:00:00Z", "expires_at": "2026-09-08T00:00:00Z",
        "time_zone": "Asia/Ho_Chi_Minh", "use": "signage_school", "width": 1080, "height": 1920, "layouts": layouts,
        "playlists": [{"id": "pl-cau-thang-thcs-van-yen", "name": "Cầu thang pháp luật", "layout": "doc-hai-vung",
                       "ticker": "Tháng an toàn giao thông", "items": [
                           {"media": "video-an-toan-giao-thong", "title": "An toàn giao thông", "blake2b": "ab" * 32, "size": 1048576,
                            "media_type": "video/mp4", "duration_seconds": 93, "zone": "thong-bao", "legal": False}]}],
        "entries": schedules[:2], "delegations": [], "units": {"thcs-van-yen": "pgddt-ha-dong"}}
put("signage_manifest", "body", b"\x00" + js(body).encode())
put("signage_manifest", "wire", b"\x01" + json.dumps({"manifest": js(body) + "\n", "signature":
    "untrusted comment: signature from pbgdpl secret key\nRUQAAAAAAAAAAA==\ntrusted comment: {}\nAAAA==\n"}).encode())

# --- feeds ---------------------------------------------------------------------------------
put("feed", "rss", """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>THCS Văn Yên - Tin tức</title><link>https://thcsvanyen.edu.vn/</link>
<atom:link href="https://thcsvanyen.edu.vn/rss" rel="self" type="application/rss+xml"/>
<item><title>Hưởng ứng Ngày Pháp luật 9/11</title><link>/tin-tuc/ngay-phap-luat</link><guid isPermaLink="false">42</guid>
<pubDate>Thu, 09 Nov 2023 08:30:00 +0700</pubDate><description>&lt;p&gt;Học sinh &lt;b&gt;tham gia&lt;/b&gt; cuộc thi&lt;/p&gt;</description>
<content:encoded><![CDATA[<p>Nội dung <img src="/anh.jpg" onerror="x()"> đầy đủ</p><script>alert(1)</script>]]></content:encoded></item>
<item><title>Kế hoạch số 19/KH-PGDĐT</title><link>https://thcsvanyen.edu.vn/ke-hoach-19</link><pubDate>22 Mar 23 07:00 GMT</pubDate></item>
</channel></rss>""")
put("feed", "atom", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi"><title type="html">Phòng GD&amp;amp;ĐT Hà Đông</title>
<id>tag:pgdhadong.edu.vn,2023:feed</id><updated>2023-11-20T08:30:00+07:00</updated>
<link rel="alternate" href="https://pgdhadong.edu.vn/"/><link rel="self" href="https://pgdhadong.edu.vn/atom.xml"/>
<entry><id>tag:pgdhadong.edu.vn,2023:1</id><title>Triển khai Luật Phổ biến, giáo dục pháp luật</title>
<link href="bai/1"/><published>2023-11-20T08:30:00.123Z</published><updated>2023-11-21</updated>
<author><name>Nguyễn Thu Hà</name></author><summary type="text">Tóm tắt &lt;không phải thẻ&gt;</summary>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Đoạn <a href="javascript:alert(1)">một</a></p></div></content></entry>
</feed>""")
put("feed", "rdf", """<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://a.edu.vn/"><title>Trường A</title><link>https://a.edu.vn/</link></channel>
<item rdf:about="https://a.edu.vn/1"><title>Bài 1</title><link>https://a.edu.vn/1</link><dc:date>2023-03-22T07:00:00+07:00</dc:date></item></rdf:RDF>""")
put("feed", "jsonfeed", json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Trường Tiểu học Văn Yên",
    "home_page_url": "https://thvanyen.edu.vn/", "feed_url": "https://thvanyen.edu.vn/feed.json", "items": [
        {"id": "1", "url": "/tin/1", "title": "Ngày Pháp luật", "content_html": "<p>Chào <em>các em</em></p>",
         "summary": "Tóm tắt", "date_published": "2023-11-09T08:00:00+07:00", "authors": [{"name": "Cô Lan"}]},
        {"id": "2", "content_text": "Chỉ văn bản", "date_modified": "2023-11-10"}]}, ensure_ascii=False))
put("feed", "windows-1258", "<?xml version=\"1.0\" encoding=\"windows-1258\"?><rss version=\"2.0\"><channel><title>Tr\xaf\xf5\xf2ng</title><item><title>Lu\xe2\xf2t</title></item></channel></rss>".encode("latin-1"))
put("feed", "doctype", """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x "xxxxxxxx">]><rss><channel><title>&x;&x;</title></channel></rss>""")

# --- crawled HTML --------------------------------------------------------------------------
put("html", "school-page", """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Trường THCS Văn Yên | Tin tức</title>
<meta name="description" content="Tin tức pháp luật"><meta property="article:published_time" content="2023-11-09T08:00:00+07:00">
<link rel="alternate" type="application/rss+xml" href="/rss"></head><body><nav class="menu"><ul><li class="it-menu"><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc" title="Tin">Tin tức</a></li></ul></nav><article><h1>Hưởng ứng Ngày Pháp luật</h1><time datetime="2023-11-09">9/11/2023</time>
<p>Ngày 22 tháng 3 năm 2023, nhà trường <b>tổ chức</b> <a href="bai/2"><img src="a.jpg" alt="Ảnh"></a></p>
<table><tr><td>Lớp</td><td>6A</td></tr></table></article></body></html>""")
put("html", "xss", """<div><script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:alert(1)">a</a><a href=" jav&#x09;ascript:x">b</a>
<svg onload=alert(1)><iframe src="data:text/html,x"></iframe><p style="background:url(javascript:x)" onclick="y">p</p>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>
<form action="javascript:x"><input formaction=javascript:x></form><a href="HTTPS://ok.vn/x?a=1&amp;b=2">ok</a><object data="x"></object></div>""")
put("html", "windows-1258", "<html><head><meta charset=\"windows-1258\"><title>Tr\xaf\xf5\xf2ng</title></head><body><p>Lu\xe2\xf2t</p></body></html>".encode("latin-1"))
put("html", "nesting", "<div>" * 300 + "<b><i><u>" * 30 + "text")

# --- robots.txt, sitemaps, dates: byte 0 picks (0 robots, 1 XML list, 2 dates) -------------
put("robots_sitemap", "robots", "\x00\ufeff# comment\nUser-agent: *\nDisallow: /\n\nUser-agent: Googlebot\nUser-agent: pbgdpl\n"
    "Disallow: /Timkiem\nDisallow: /private/\nAllow: /private/ok\nDisallow: /*.pdf$\nAllow: /tie\nDisallow: /tie\n"
    "Disallow: /%E1%BA%A1*x*y*z$\nSitemap: https://a.edu.vn/sitemap.xml\n")
put("robots_sitemap", "sitemap", "\x01" + """<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://a.edu.vn/tin-tuc/1</loc><lastmod>2023-11-09</lastmod></url><url><loc>https://a.edu.vn/2</loc><lastmod>2023-11-09T08:00+07:00</lastmod></url></urlset>""")
put("robots_sitemap", "sitemap-index", "\x01" + """<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.edu.vn/sitemap-1.xml</loc><lastmod>2023-11-09T08:00:00Z</lastmod></sitemap></sitemapindex>""")
put("robots_sitemap", "rss", "\x01<rss><channel><item><title>Bài</title><link>https://a.edu.vn/1</link><guid>1</guid><pubDate>Fri, 20 Nov 2026 08:00:00 +0700</pubDate></item></channel></rss>")
put("robots_sitemap", "dates", "\x02Hà Đông, ngày 22 tháng 3 năm 2023; cập nhật 22/03/2023 và 2023-03-22T07:00:00+07:00, Fri, 20 Nov 2026 08:00:00 GMT")

# --- HTTP requests through the portal ------------------------------------------------------
H = "Host: 127.0.0.1:8080\r\n"
reqs = {
    "home": "GET / HTTP/1.1\r\n" + H + "\r\n",
    "news": "GET /tin-tuc HTTP/1.1\r\n" + H + "Accept-Encoding: gzip\r\nAccept-Language: vi\r\n\r\n",
    "article": "GET /tin-tuc/hoc-sinh-chua-du-16-tuoi-co-duoc-di-xe-may-dien HTTP/1.1\r\n" + H + "If-None-Match: \"x\"\r\n\r\n",
    "search": "GET /tim-kiem?q=ke+hoach&trang=2 HTTP/1.1\r\n" + H + "\r\n",
    "search-vi": "GET /tim-kiem?q=K%E1%BA%BF%20ho%E1%BA%A1ch HTTP/1.1\r\n" + H + "\r\n",
    "feed": "GET /feed.xml HTTP/1.1\r\n" + H + "\r\nGET /sitemap.xml HTTP/1.1\r\n" + H + "\r\n",
    "api": "GET /api/v1/articles?limit=5 HTTP/1.1\r\n" + H + "Accept: application/json\r\n\r\n",
    "head": "HEAD /van-ban HTTP/1.0\r\n\r\n",
    "question": "POST /hoi-dap HTTP/1.1\r\n" + H + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 39\r\n\r\nname=An&question=H%E1%BB%8Fi+g%C3%AC%3F",
    "signin": "POST /dang-nhap HTTP/1.1\r\n" + H + "Content-Type: application/x-www-form-urlencoded\r\nCookie: pbgdpl_csrf=abc\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nuser=a&pw\r\n3\r\n=b1\r\n0\r\n\r\n",
    "api-post": "POST /api/v1/articles HTTP/1.1\r\n" + H + "Content-Type: application/json\r\nAuthorization: Bearer x\r\nContent-Length: 17\r\n\r\n{\"title\": \"B\xe1\"}",
    "traversal": "GET /media/..%2f..%2fetc%2fpasswd HTTP/1.1\r\n" + H + "\r\n",
    "widget": "GET /widgets/tin-moi?so=5 HTTP/1.1\r\n" + H + "Origin: https://truong.edu.vn\r\n\r\n",
    "options": "OPTIONS * HTTP/1.1\r\n" + H + "\r\n",
}
for k, v in reqs.items():
    put("http_request", k, v.encode("utf-8", "surrogateescape") if isinstance(v, str) else v)

# --- Markdown: every body in the seed, and the shapes cmark is slow on ----------------------
n = 0
for kind in ("articles", "legal_documents", "questions"):
    for r in load(kind):
        for field in ("body_markdown", "summary_markdown", "answer_markdown", "content_markdown"):
            if isinstance(r.get(field), str) and r[field].strip() and n < 24:
                put("markdown", f"{kind}-{n}", r[field])
                n += 1
put("markdown", "brackets", "![[]()" * 200 + "\n\n" + "[a](" * 200)
put("markdown", "quotes", "> " * 50 + "- " * 50 + "x\n" + "* * *\n1. a\n   2. b\n<script>x</script>\n[x](javascript:alert(1))")

# --- images (Pillow) ----------------------------------------------------------------------
try:
    from PIL import Image
    for fmt, ext, mode in (("PNG", "png", "RGBA"), ("PNG", "png-palette", "P"), ("JPEG", "jpg", "RGB"), ("GIF", "gif", "P")):
        img = Image.new(mode if mode != "P" else "RGB", (23, 17), (200, 30, 40))
        if mode == "P":
            img = img.convert("P")
        b = io.BytesIO()
        img.save(b, fmt, **({"progressive": True} if fmt == "JPEG" else {}))
        put("image", ext, b.getvalue())
    b = io.BytesIO()
    Image.new("L", (64, 8), 128).save(b, "JPEG")
    put("image", "jpg-gray", b.getvalue())
except ImportError:
    print("Pillow missing: no image corpus written", file=sys.stderr)

# --- report imports: byte 0 even = CSV, odd = a submission checked against a seed template --
put("report_import", "csv", "\x00\ufeffunit,period,indicator,breakdown,value,comment\r\n"
    "thcs-van-yen,hk1-2023,so_buoi,,12,\r\nthcs-van-yen,hk1-2023,co_ke_hoach,,true,\"Có, \"\"đủ\"\"\"\r\n"
    "pgddt-ha-dong,hk1-2023,so_buoi,thcs,'=1+1,ghi chú\r\n".encode())
put("report_import", "csv-lf", b"\x02unit,period,indicator,breakdown,value,comment\nx,y,z,,\"a\nb\",\n")
for i, s in enumerate(load("report_submissions")[:4]):
    put("report_import", f"submission-{i}", bytes([2 * i + 1]) + js(s).encode())

# --- plugin manifests ---------------------------------------------------------------------
put("plugin_manifest", "store", js({"id": "pg-store", "library": "libpbgdpl_pg.so", "abi": {"major": 1, "minor": 0},
    "kinds": ["store"], "version": "0.1.0", "license": "LGPL-2.1-or-later", "description": "Kho PostgreSQL"}))
put("plugin_manifest", "many", js({"id": "da-nang", "library": "plugin.so", "abi": {"major": 1, "minor": 4294967295},
    "kinds": ["publisher", "notifier", "exporter", "connector"], "version": "2", "license": "MIT", "description": "Nhiều loại"}))
put("plugin_manifest", "traversal", js({"id": "x", "library": "../../lib/evil.so", "abi": {"major": 1, "minor": 0},
    "kinds": ["store"], "version": "1", "license": "MIT", "description": "d"}))

# --- the C API: byte 0 picks the function, byte 1 the kind or variant, 0xFF splits two JSON args
arts = load("articles")
capi = {
    "create-article": (0, 0, js(dict(arts[0], id=""))),
    "create-unit": (0, 1, js(load("units")[0])),
    "update": (1, 0, js(arts[1])),
    "search": (2, 0, js({"q": "ke hoach", "kinds": ["article", "legal_document"], "limit": 5, "order": "newest"})),
    "search-unpublished": (2, 0, js({"q": "luật giao thông", "include_unpublished": False})),
    "timeline": (3, 0, js({"entries": load("schedules"), "playlists": load("playlists"), "day": "2023-11-09"})),
    "validate": (4, 0, js(load("report_submissions")[0])),
    "validate-split": (4, 0, js(load("report_templates")[0]) + "\xff" + js(load("report_submissions")[0])),
    "open-draft": (5, 0, js({"period": load("report_periods")[0]["id"], "unit": "thcs-van-yen", "account": load("accounts")[0]["id"]})),
    "save-values": (5, 1, js({"submission_id": load("report_submissions")[0]["id"], "account": load("accounts")[0]["id"],
                               "values": [{"code": "so_buoi", "number": 3}]})),
    "approval-verify": (6, 0, js({"roots": [{"authority": "pgddt-ha-dong", "key": "untrusted comment: x\nRWQ=\n", "level": "division_approver",
                                            "parents": {"thcs-van-yen": "pgddt-ha-dong"}}], "delegations": []}) + "\xff" + js({"use": "portal"})),
    "approval-sign": (7, 0, js({"content_id": "bai-1", "approver_unit": "thcs-van-yen", "approver_role": "school_approver", "use": "portal",
                                 "valid_from": "2025-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z", "sequence": 3}) + "\xff" +
                      js({"authority": "pgddt-ha-dong", "unit": "thcs-van-yen", "approver_role": "school_approver", "uses": ["portal"],
                          "valid_from": "2025-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z", "sequence": 1})),
    "bundle-pack": (8, 0, js({"content_id": "goi-1", "title": "Gói", "metadata": {}, "statement": {"approver_unit": "thcs-van-yen",
                              "approver_role": "school_approver", "use": "signage_school", "valid_from": "2025-01-01T00:00:00Z",
                              "valid_until": "2030-01-01T00:00:00Z", "sequence": 1}})),
    "bundle-verify": (8, 1, js({"roots": []}) + "\xff" + js({"use": "signage_school", "allow_unlisted_files": True})),
}
for k, (fn, var, text) in capi.items():
    put("c_api", k, bytes([fn, var]) + text.encode("utf-8", "surrogateescape").replace("\xff".encode(), b"\xff"))
