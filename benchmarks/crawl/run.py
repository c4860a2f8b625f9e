#!/usr/bin/env python3
"""Compliance crawler benchmark (issue 15): `pbgdpl crawl` over N local fake school sites
(tests/integration/fake_sites.py: compliant, section only, no banner, news only, in turn) served
on one loopback port, with concurrency J. Prints sites per second (wall), the crawler's CPU
seconds, its peak RSS (getrusage ru_maxrss of the child) and the requests the sites answered.
The fake sites are one Python process: on a small machine they, not the crawler, set the pace,
so the crawler's CPU per site is printed too.
Usage: benchmarks/crawl/run.py BUILD_DIR [N=1000] [J=32]"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "tests", "integration"))
import fake_sites  # noqa: E402

build = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
j = int(sys.argv[3]) if len(sys.argv) > 3 else 32
cli = os.path.join(build, "examples", "pbgdpl_cli", "pbgdpl")

sites = fake_sites.bench_sites(n)
server = fake_sites.FakeSites(sites).start()
requests = {"n": 0}
handler = server.server.RequestHandlerClass
orig = handler.do_GET


def counted(self):
    requests["n"] += 1
    return orig(self)


handler.do_GET = counted
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "sites.json")
    with open(path, "w") as f:
        json.dump([{"url": f"http://{h}/", "unit": h.split(".")[0]} for h in sites], f)
    out = os.path.join(d, "out.json")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run([cli, "crawl", path, "-o", out, "-j", str(j), "--division", fake_sites.DIVISION,
                    "--today", fake_sites.TODAY, "--connect-to", f"127.0.0.1:{server.port}", "--allow-private",
                    "--no-ocr", "-q"], check=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results = json.load(open(out))
server.stop()
compliant = sum(all(c["verdict"] == "met" for c in r["criteria"]) for r in results)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
print(f"sites={n} concurrency={j} wall_s={wall:.2f} sites_per_s={n / wall:.1f} crawler_cpu_s={cpu:.2f} "
      f"crawler_cpu_ms_per_site={1000 * cpu / n:.2f} peak_rss_mib={after.ru_maxrss / 1024:.1f} "
      f"requests={requests['n']} compliant={compliant}")
