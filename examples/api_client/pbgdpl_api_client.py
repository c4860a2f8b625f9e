#!/usr/bin/env python3
"""A minimal client of the pbgdpl JSON API, with nothing but Python's standard library.

What a vendor's integration does first, in any language: read the index, search ("ke hoach" finds
"Kế hoạch"), read one legal document, then write with an API key (an article published by the
key's account) and read the bilingual error of a bad request. The same calls in .NET, Java or PHP
come from a client generated from /api/openapi.json (every operation has an operationId).

    pbgdpl_api_client.py --base http://127.0.0.1:8080 [--key-file var/demo-api-key.txt]
                         [--unit vhxh-phuong-ha-dong] [--json]

Without a key only the public reads run. Exit status: 0 all calls behaved, 1 one did not.
"""
import argparse
import datetime as dt
import json
import sys
import urllib.error
import urllib.parse
import urllib.request


class ApiError(Exception):
    """An answer that is not 2xx: the API's error object {"error": {code, message, message_en}}."""

    def __init__(self, status, body):
        self.status = status
        try:
            self.error = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            self.error = {"code": "not_json", "message": body[:200], "message_en": body[:200]}
        super().__init__(f"HTTP {status} {self.error.get('code')}: {self.error.get('message_en')}")


class Client:
    def __init__(self, base, key=None, timeout=10.0):
        self.base = base.rstrip("/")
        self.key = key
        self.timeout = timeout

    def call(self, method, path, query=None, body=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")  # the API refuses any other (415)
        if self.key:
            req.add_header("Authorization", "Bearer " + self.key)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                return json.loads(r.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            raise ApiError(e.code, e.read().decode("utf-8", "replace")) from None


def run(c, unit):
    out = {}
    index = c.call("GET", "/api/v1")
    out["collections"] = sorted(p for p in index["paths"] if "{" not in p)
    hits = c.call("GET", "/api/v1/search", {"q": "ke hoach", "limit": 5})["items"]
    out["search_ke_hoach"] = [{"kind": h["kind"], "id": h["id"], "title": h["title"]} for h in hits]
    docs = c.call("GET", "/api/v1/search", {"q": "19/KH-PGDĐT", "limit": 1})["items"]
    if docs and docs[0]["kind"] == "legal_document":
        d = c.call("GET", "/api/v1/legal-documents/" + urllib.parse.quote(docs[0]["id"]))
        out["plan"] = {"number": d.get("number"), "title": d.get("title"), "issued": d.get("issued_on")}
    if not c.key:
        return out
    stamp = dt.datetime.now().strftime("%Y%m%d%H%M%S")
    # Only what the article says: the server owns and fills in the rest (author = the key's
    # account, created_at, updated_at, published_at, the revision and the HTML made from the
    # Markdown), replacing whatever a client sends there. Without "id" the server draws one.
    article = {
        "id": "vi-du-api-" + stamp, "kind": "activity_news", "unit": unit, "state": "published",
        "title": "Ví dụ: bài viết gửi qua API lúc " + stamp, "summary": "Gửi từ pbgdpl_api_client.py",
        "body_markdown": "Bài viết mẫu do **ứng dụng của nhà cung cấp** gửi qua API JSON.",
        "category": "Phổ biến, giáo dục pháp luật", "tags": ["ví dụ"], "documents": [],
    }
    made = c.call("POST", "/api/v1/articles", body=article)
    out["created"] = {"id": made["id"], "version": made["version"], "state": made["state"],
                      "author": made["author"], "published_at": made.get("published_at")}
    try:
        c.call("POST", "/api/v1/articles", body=b'{"id": ')
        out["bad_request"] = "accepted (wrong)"
    except ApiError as e:
        out["bad_request"] = {"status": e.status, "code": e.error.get("code"),
                              "vi": e.error.get("message"), "en": e.error.get("message_en")}
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="http://127.0.0.1:8080", help="the portal's origin (and prefix)")
    ap.add_argument("--key-file", help="a file holding an API key (the demo writes var/demo-api-key.txt)")
    ap.add_argument("--unit", default="vhxh-phuong-ha-dong", help="the unit the new article belongs to")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    a = ap.parse_args(argv)
    key = open(a.key_file, encoding="utf-8").read().strip() if a.key_file else None
    try:
        out = run(Client(a.base, key), a.unit)
    except (ApiError, OSError) as e:
        print(f"pbgdpl_api_client: {e}", file=sys.stderr)
        return 1
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(f"{len(out['collections'])} endpoints; search 'ke hoach':")
        for h in out["search_ke_hoach"]:
            print(f"  [{h['kind']}] {h['title']}")
        if "plan" in out:
            print(f"plan: {out['plan']['number']} {out['plan']['title']}")
        if "created" in out:
            print(f"created article {out['created']['id']} (version {out['created']['version']})")
            b = out["bad_request"]
            print(f"bad request -> {b['status']} {b['code']}: {b['vi']} / {b['en']}")
    return 0 if out.get("bad_request", {"status": 400}) != "accepted (wrong)" else 1


if __name__ == "__main__":
    sys.exit(main())
