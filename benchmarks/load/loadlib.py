"""Load and slow clients against a running portal (issue 21): the pieces shared by the CTest test
(tests/integration/test_load.py, a few seconds each) and the long form (benchmarks/load/run.sh,
a minute each). Standard library only; wrk does the fast clients, this file the slow ones.

  hold       wrk with many keep-alive connections; every body checked against one fetch
             (check_body.lua); the server's RSS and open descriptors sampled from /proc
  slowloris  connections spread over several 127.0.0.x source addresses that send a request a
             byte at a time (header: never finishing the headers; body: a declared body, slowly)
             and record when and how the server dropped each one

Run as a script (the long form): python3 loadlib.py hold|slowloris ... prints one JSON object.
"""
import argparse
import json
import os
import re
import resource
import selectors
import socket
import subprocess
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CHECK_BODY_LUA = os.path.join(HERE, "check_body.lua")


def raise_open_files(want):
    """Soft RLIMIT_NOFILE to at least `want` (raising the hard limit too when root). Returns None,
    or why it cannot (not root and the hard limit is lower)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, want))
            return None
        except (ValueError, OSError) as e:
            return f"the open-file hard limit is {hard} < {want} and cannot be raised ({e}); run as root or raise it (ulimit -Hn)"
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return None


class Sampler(threading.Thread):
    """Every `interval` seconds: (seconds since start, VmRSS KiB, open descriptors) of `pid`."""

    def __init__(self, pid, interval=1.0):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.samples = []
        self._done = threading.Event()

    def sample(self):
        try:
            with open(f"/proc/{self.pid}/status") as f:
                rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
            fds = len(os.listdir(f"/proc/{self.pid}/fd"))
        except (OSError, StopIteration):
            return None
        return rss, fds

    def run(self):
        t0 = time.monotonic()
        while True:
            s = self.sample()
            if s:
                self.samples.append((round(time.monotonic() - t0, 2), *s))
            if self._done.wait(self.interval):
                break

    def stop(self):
        self._done.set()
        self.join()
        return self.samples


def _ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    if not m:
        return None
    x = float(m.group(1))
    return {"us": x / 1000, "ms": x, "s": x * 1000, "m": x * 60000}[m.group(2)]


def parse_wrk(text):
    """wrk --latency output (with check_body.lua's lines) as a dict."""
    r = {"requests": 0, "rps": 0.0, "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
         "non2xx": 0, "checked": None, "body_mismatches": None}
    for line in text.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0] in ("50%", "90%", "99%"):
            r["p" + f[0][:-1] + "_ms"] = _ms(f[1])
        elif f[:1] == ["Latency"] and len(f) >= 4:
            r["latency_max_ms"] = _ms(f[3])
        elif line.startswith("Requests/sec:"):
            r["rps"] = float(f[1])
        elif re.match(r"\s*\d+ requests in", line):
            r["requests"] = int(f[0])
        elif "Socket errors:" in line:
            for k, v in re.findall(r"(connect|read|write|timeout) (\d+)", line):
                r["socket_errors"][k] = int(v)
        elif line.startswith("Non-2xx or 3xx responses:"):
            r["non2xx"] = max(r["non2xx"], int(f[-1]))
        elif f[:1] == ["non2xx"]:
            r["non2xx"] = max(r["non2xx"], int(f[1]))
        elif f[:1] == ["checked"]:
            r["checked"] = int(f[1])
        elif f[:1] == ["body_mismatches"]:
            r["body_mismatches"] = int(f[1])
    r["errors"] = sum(r["socket_errors"].values()) + r["non2xx"] + (r["body_mismatches"] or 0)
    return r


def wrk(url, connections, duration, threads=2, timeout="30s", expect_file=None, pin=None):
    """Runs wrk and returns parse_wrk's dict (plus the raw output). `expect_file`: every body is
    compared with it. `timeout` is wrk's per-request timeout: with 10,000 connections on two
    cores a request waits its turn for hundreds of ms, which is latency (reported), not a failure."""
    cmd = list(pin or []) + ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}",
                             f"--timeout", timeout, "--latency"]
    if expect_file:
        cmd += ["-s", CHECK_BODY_LUA, url, "--", expect_file]
    else:
        cmd += [url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=_secs(duration) + 120)
    r = parse_wrk(out.stdout)
    r["output"] = out.stdout + out.stderr
    r["exit"] = out.returncode
    if out.returncode != 0:
        r["errors"] += 1  # wrk itself failed (e.g. "unable to connect")
    return r


def _secs(d):
    d = str(d)
    return float(d[:-1]) * {"s": 1, "m": 60, "h": 3600}[d[-1]] if d[-1] in "smh" else float(d)


def hold(url, pid, connections, duration, expect_file, threads=2, pin=None):
    """wrk with `connections` keep-alive connections for `duration`, the server `pid` sampled each
    second. Returns the wrk dict plus: samples [(t, rss KiB, fds)], peak_fds, rss_start_kib (the
    first sample holding all connections), rss_end_kib (the last one still holding them),
    rss_peak_kib."""
    s = Sampler(pid, 1.0 if _secs(duration) > 10 else 0.5)
    s.start()
    r = wrk(url, connections, duration, threads=threads, expect_file=expect_file, pin=pin)
    samples = s.stop()
    full = [x for x in samples if x[2] >= connections]
    r["samples"] = samples
    r["peak_fds"] = max((x[2] for x in samples), default=0)
    r["rss_peak_kib"] = max((x[1] for x in samples), default=0)
    r["rss_start_kib"] = full[0][1] if full else None
    r["rss_end_kib"] = full[-1][1] if full else None
    r["seconds_holding_all"] = round(full[-1][0] - full[0][0], 2) if full else 0
    return r


# --- slow clients -----------------------------------------------------------------------------

HEADER_START = b"GET /pbgdpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
BODY_HEADERS = (b"POST /pbgdpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\n")


class _Slow:
    __slots__ = ("sock", "source", "first", "sent", "answer", "dropped")

    def __init__(self, sock, source):
        self.sock, self.source = sock, source
        self.first = None
        self.sent = 0
        self.answer = b""
        self.dropped = None


def slowloris(port, count, sources, mode="header", every=1.0, hold=30.0, reconnect=False,
              connected=None, host="127.0.0.1"):
    """`count` connections over `sources` (127.0.0.x addresses), each sending a request that never
    ends: mode "header" sends the request line and headers one byte every `every` seconds and never
    the blank line; mode "body" sends whole headers declaring a 100,000-byte body, then the body one
    byte every `every` seconds. Stops when every connection is dropped, or after `hold` seconds.
    With `reconnect`, a dropped connection is replaced at once (pressure for the whole `hold`).
    `connected` (a threading.Event) is set once all are open. Returns a dict: opened,
    refused (connect failed or closed before the first byte), dropped, answered (status -> count:
    what the server said before closing, "none" for a silent close), drop_seconds (since each one's
    first byte, sorted), still_open, elapsed."""
    sel = selectors.DefaultSelector()
    live = {}
    stats = {"opened": 0, "refused": 0, "dropped": 0, "answered": {}, "drop_seconds": []}
    t0 = time.monotonic()

    def open_one(i):
        source = sources[i % len(sources)]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.bind((source, 0))
            s.settimeout(5)
            s.connect((host, port))
            s.setblocking(False)
        except OSError:
            s.close()
            stats["refused"] += 1
            return
        c = _Slow(s, source)
        c.first = time.monotonic()
        try:
            if mode == "body":
                s.sendall(BODY_HEADERS)
            s.send(HEADER_START[:1] if mode == "header" else b"a")
            c.sent = 1
        except OSError:
            s.close()
            stats["refused"] += 1
            return
        live[s.fileno()] = c
        sel.register(s, selectors.EVENT_READ, c)
        stats["opened"] += 1

    def drop(c, now):
        sel.unregister(c.sock)
        del live[c.sock.fileno()]
        c.sock.close()
        c.dropped = now - c.first
        stats["dropped"] += 1
        stats["drop_seconds"].append(round(c.dropped, 3))
        m = re.match(rb"HTTP/1\.[01] (\d{3})", c.answer)
        k = m.group(1).decode() if m else "none"
        stats["answered"][k] = stats["answered"].get(k, 0) + 1

    for i in range(count):
        open_one(i)
    if connected is not None:
        connected.set()
    next_send = time.monotonic() + every
    opened_total = count
    while live or (reconnect and time.monotonic() - t0 < hold):
        now = time.monotonic()
        if now - t0 >= hold:
            break
        for key, _ in sel.select(timeout=max(0.0, min(next_send, t0 + hold) - now)):
            c = key.data
            try:
                data = c.sock.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                c.answer += data
            else:
                drop(c, time.monotonic())
                if reconnect:
                    open_one(opened_total)
                    opened_total += 1
        now = time.monotonic()
        if now >= next_send:
            for c in list(live.values()):
                payload = HEADER_START[c.sent:c.sent + 1] if mode == "header" else b""
                try:
                    c.sock.send(payload or b"a")
                    c.sent += 1
                except OSError:
                    pass  # a reset: the read side sees it and drops the connection
            next_send = now + every
    stats["still_open"] = len(live)
    for c in list(live.values()):
        c.sock.close()
    sel.close()
    stats["drop_seconds"].sort()
    stats["elapsed"] = round(time.monotonic() - t0, 2)
    return stats


def sources_for(count, per_address, base="127.0.2."):
    """Enough loopback addresses for `count` connections at `per_address` each."""
    n = max(1, -(-count // per_address))
    return [f"{base}{i + 1}" for i in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    h = sub.add_parser("hold")
    h.add_argument("--url", required=True)
    h.add_argument("--pid", type=int, required=True)
    h.add_argument("--connections", type=int, default=10000)
    h.add_argument("--duration", default="60s")
    h.add_argument("--threads", type=int, default=2)
    h.add_argument("--expect", help="the page's bytes from one fetch; every body is compared")
    s = sub.add_parser("slowloris")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--count", type=int, default=1000)
    s.add_argument("--per-address", type=int, default=50)
    s.add_argument("--base", default="127.0.2.")
    s.add_argument("--mode", choices=["header", "body"], default="header")
    s.add_argument("--every", type=float, default=1.0)
    s.add_argument("--hold", type=float, default=60.0)
    s.add_argument("--reconnect", action="store_true")
    a = ap.parse_args()
    if a.cmd == "hold":
        why = raise_open_files(a.connections + 1000)
        if why:
            raise SystemExit(why)
        r = hold(a.url, a.pid, a.connections, a.duration, a.expect, threads=a.threads)
        r.pop("output", None) if r["exit"] == 0 else None
    else:
        why = raise_open_files(a.count + 1000)
        if why:
            raise SystemExit(why)
        r = slowloris(a.port, a.count, sources_for(a.count, a.per_address, a.base), mode=a.mode,
                      every=a.every, hold=a.hold, reconnect=a.reconnect)
    print(json.dumps(r))


if __name__ == "__main__":
    main()
