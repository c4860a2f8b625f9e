"""What the Python bindings cost, each beside a peer answering the same question in the same run.

  PYTHONPATH=build/python /usr/bin/python3 benchmarks/python/bench_bindings.py [--articles N]

- model: Article.from_dict (validated decode through the library) and to_dict, beside the
  standard library's json.dumps + json.loads of the same dict (no validation: the floor a
  Python-side representation costs);
- store: N articles created in one transaction from Python, beside the same records through
  Python's sqlite3 (one INSERT of the JSON body each, no index, no search terms, no audit: it does
  far less, printed as the floor), then searches "ke hoach" (our ranked Vietnamese search; the
  peer has none);
- hashing: BLAKE2b-256 of a 64 MiB file through pbgdpl.trust.hash_file and hashlib.blake2b
  (same digest checked), and b2sum -l 256 when installed.
"""
import argparse
import hashlib
import json
import os
import pathlib
import sqlite3
import statistics
import subprocess
import shutil
import tempfile
import time

import pbgdpl
from pbgdpl import Article


def per_op(fn, n):
    t = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t) / n * 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=2000)
    args = ap.parse_args()
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="pbgdpl-bench-py-"))
    seed = pathlib.Path(__file__).resolve().parents[2] / "data" / "seed"
    with pbgdpl.Store.open(tmp / "s.db") as st:
        st.import_dataset(seed)
        sample = next(iter(st.list(Article))).to_dict()
        a = Article.from_dict(sample)
        print(f"model: Article.from_dict {per_op(lambda: Article.from_dict(sample), 2000):.0f} us, "
              f"to_dict {per_op(a.to_dict, 2000):.0f} us; json.loads(json.dumps()) "
              f"{per_op(lambda: json.loads(json.dumps(sample)), 2000):.0f} us")

        def make(i):
            d = dict(sample)
            d.update(id=f"bench-{i}", slug=f"bench-{i}", version=0,
                     title=f"Kế hoạch tuyên truyền pháp luật số {i}", body_markdown=f"Đào tạo **{i}** " * 20)
            d.pop("body_html", None)
            return d
        rows = [make(i) for i in range(args.articles)]
        t = time.perf_counter()
        st.transaction(lambda: [st.create(Article.from_dict(r)) for r in rows])
        ours = time.perf_counter() - t
        db = sqlite3.connect(tmp / "peer.db")
        db.execute("create table r(kind text, id text primary key, body text)")
        t = time.perf_counter()
        with db:
            db.executemany("insert into r values('article', ?, ?)", ((r["id"], json.dumps(r)) for r in rows))
        peer = time.perf_counter() - t
        print(f"store: {args.articles} articles in one transaction {ours:.2f} s ({ours / args.articles * 1e6:.0f} us each); "
              f"sqlite3 module, JSON rows only {peer:.3f} s")
        times = []
        for _ in range(50):
            t = time.perf_counter()
            hits = list(st.search("ke hoach", limit=20))
            times.append((time.perf_counter() - t) * 1000)
        print(f"search 'ke hoach' top 20: p50 {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms, first: {hits[0].title}")
    big = tmp / "big.bin"
    with open(big, "wb") as f:
        f.write(os.urandom(64 << 20))
    t = time.perf_counter(); ours_hash = pbgdpl.trust.hash_file(big); ours = time.perf_counter() - t
    t = time.perf_counter()
    h = hashlib.blake2b(digest_size=32)
    with open(big, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    peer = time.perf_counter() - t
    assert h.hexdigest() == ours_hash, "different digests"
    line = f"hash 64 MiB BLAKE2b-256: pbgdpl {ours * 1000:.0f} ms, hashlib {peer * 1000:.0f} ms (same digest)"
    if shutil.which("b2sum"):
        t = time.perf_counter()
        out = subprocess.run(["b2sum", "-l", "256", str(big)], capture_output=True, text=True, check=True).stdout
        line += f", b2sum {(time.perf_counter() - t) * 1000:.0f} ms" + (" (same)" if out.split()[0] == ours_hash else " (DIFFERENT)")
    print(line)
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
