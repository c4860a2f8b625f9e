#!/usr/bin/env python3
"""Serve the reference PBGDPL portal from Python until Ctrl+C (or SIGTERM).

    python3 serve_portal.py --data var --seed data/seed --port 8080

The portal runs on background threads (pbgdpl.portal.Portal); this script only waits. It prints
one line ``listening on http://HOST:PORT/`` once the portal accepts connections (with --port 0,
the port the system chose), then the main pages. Exit status 0 after a clean stop, 1 when the
portal could not start (the error in Vietnamese and English on stderr).
"""
from __future__ import annotations

import argparse
import pathlib
import signal
import sys
import threading

import pbgdpl
from pbgdpl.portal import Portal


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Serve the PBGDPL portal (Cổng thông tin PBGDPL) from Python.")
    ap.add_argument("--data", type=pathlib.Path, default=pathlib.Path("var"),
                    help="data directory: SQLite store, keys, media (default: ./var)")
    ap.add_argument("--seed", type=pathlib.Path, default=None,
                    help="dataset directory imported at the first start (the demo's data/seed)")
    ap.add_argument("--host", default="127.0.0.1", help="listening address (default 127.0.0.1)")
    ap.add_argument("--port", type=int, default=8080, help="port (0: a free one; default 8080)")
    ap.add_argument("--threads", type=int, default=2, help="server worker threads (default 2)")
    args = ap.parse_args(argv)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        portal = Portal(args.data, seed=args.seed, host=args.host, port=args.port, threads=args.threads).start()
    except pbgdpl.Error as e:
        print(f"serve_portal: LỖI / ERROR: {e.message_vi} / {e.message_en}", file=sys.stderr)
        return 1
    with portal:
        print(f"listening on {portal.url}/", flush=True)
        if portal.seeded:
            print(f"  Đã nạp dữ liệu mẫu / seeded: {portal.seeded} records")
        for label, path in (("Chuyên mục / section", "/pbgdpl/"), ("Tìm kiếm / search", "/tim-kiem?q=ke+hoach"),
                            ("Tin / feed", "/pbgdpl/feed.atom"), ("API", "/api/v1/legal-documents"),
                            ("Tình trạng / health", "/healthz")):
            print(f"  {label}: {portal.url}{path}")
        print("Nhấn Ctrl+C để dừng / press Ctrl+C to stop.", flush=True)
        while not stop.wait(0.5):
            pass
    print("Đã dừng / stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
