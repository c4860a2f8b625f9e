#!/usr/bin/env python3
"""How much of the page cache survives a write in one school (issue 14, item 5).

Starts the real pbgdpl_portal over a fresh copy of the demo data, reads every public page the
sitemap lists (each unit's section, categories, articles, documents, questions) plus each unit's
feeds until all are cached, then changes one published article of one school through the API and
reads every page again. Prints the page cache's hit rate over that second pass (from /healthz's
counters), which pages were rendered again, and checks that the change shows at once where it
should (the school's article page, its section, its feed).

    benchmarks/portal/cache_hit_rate.py [build-dir]     (default: build)
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build"
SCHOOL = "th-van-yen"
ARTICLE = "th-van-yen-ngay-phap-luat-2023"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path, headers=None):
    req = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def counters(base):
    return json.loads(get(base, "/healthz")[1])["cache"]["pages"]


def main():
    binary = BUILD / "examples" / "portal" / "pbgdpl_portal"
    data = Path(tempfile.mkdtemp(prefix="pbgdpl-cache-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([str(binary), "--listen", f"127.0.0.1:{port}", "--data", str(data), "--seed",
                             str(ROOT / "data" / "seed"), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            try:
                if get(base, "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.05)
        # Every unit's pages: its section home, and every page of its own section the home links
        # to (categories, articles, documents, questions), plus its feeds.
        units = [u["id"] for u in json.loads(get(base, "/api/v1/units?limit=100")[1])["items"]]
        paths = []
        for u in units:
            home = f"/don-vi/{u}/pbgdpl/"
            status, html = get(base, home)
            if status != 200:
                continue  # an archived unit has no section
            links = {h for h in re.findall(r'href="(/don-vi/' + re.escape(u) + r'/pbgdpl/[^"?#]*)"', html)}
            paths += [home] + sorted(l for l in links if not l.startswith(f"/don-vi/{u}/pbgdpl/static"))
            paths += [f"/don-vi/{u}/pbgdpl/feed.{ext}" for ext in ("atom", "rss", "json")]
        paths = list(dict.fromkeys(paths))
        for _ in range(2):  # the second pass finds everything cached
            for p in paths:
                get(base, p)
        before = counters(base)
        # One write: a published article of one school, through the API.
        key = (data / "demo-api-key.txt").read_text().strip()
        auth = {"Authorization": "Bearer " + key}
        art = json.loads(get(base, f"/api/v1/articles/{ARTICLE}", auth)[1])
        art["title"] = art["title"] + " (cập nhật)"
        req = urllib.request.Request(base + f"/api/v1/articles/{ARTICLE}", data=json.dumps(art).encode(), method="PUT",
                                     headers=dict(auth, **{"Content-Type": "application/json"}))
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200, r.status
        # /healthz passes the cache too (never stored): each read of the counters is one miss of its
        # own, counted before it answers. A page missed when the counter moved by two.
        missed, reads = [], 0
        for p in paths:
            h0 = counters(base)["misses"]
            get(base, p)
            if counters(base)["misses"] - h0 == 2:
                missed.append(p)
            reads += 2
        after = counters(base)
        reads += 1
        hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"] - reads
        rate = hits / max(1, hits + misses)
        # The change shows at once where it should.
        title = art["title"]
        shows = {
            "article page": title in get(base, f"/don-vi/{SCHOOL}/pbgdpl/bai-viet/{ARTICLE}")[1],
            "school section": title in get(base, f"/don-vi/{SCHOOL}/pbgdpl/")[1],
            "school feed": title in get(base, f"/don-vi/{SCHOOL}/pbgdpl/feed.atom")[1],
        }
        missed_units = sorted({(re.findall(r"^/don-vi/([^/]+)/", p) or ["(by Host)"])[0] for p in missed})
        print(f"pages cached before the write: {len(paths)} ({len(units)} units)")
        print(f"after one write at {SCHOOL}: {hits} hits, {misses} misses, hit rate {rate:.1%}")
        print(f"rendered again, by unit: {', '.join(missed_units)}")
        print(f"change visible at once: {shows}")
        ok = all(shows.values())
        return 0 if ok else 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
