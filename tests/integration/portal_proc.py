"""Starts the real pbgdpl_portal binary on 127.0.0.1 with a fresh data directory and talks to it.

Shared by the integration and browser suites. The binary, the source tree and the build tree come
from the environment (PBGDPL_PORTAL, PBGDPL_SOURCE_DIR, PBGDPL_BINARY_DIR) that CTest sets.
"""
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("PBGDPL_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BINARY_DIR = Path(os.environ.get("PBGDPL_BINARY_DIR", SOURCE_DIR / "build"))
SEED_DIR = SOURCE_DIR / "data" / "seed"


def portal_binary():
    p = os.environ.get("PBGDPL_PORTAL")
    if not p:
        p = str(BINARY_DIR / "examples" / "portal" / "pbgdpl_portal")
    if not Path(p).is_file():
        raise RuntimeError(f"the portal binary is missing: {p} (set PBGDPL_PORTAL)")
    return p


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-case name -> value (last one wins; fine for our headers)
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def __repr__(self):
        return f"<Response {self.status} {self.headers.get('content-type')} {len(self.body)} bytes>"


class Portal:
    """One portal process. start() seeds a fresh data dir (unless `data_dir` is reused)."""

    def __init__(self, data_dir=None, args=()):
        self._tmp = None
        self.args = list(args)  # more command-line options ("--hotline", "...")
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="pbgdpl-portal-")
            data_dir = self._tmp.name
        self.data_dir = Path(data_dir)
        self.proc = None
        self.port = None
        self.log_path = self.data_dir / "portal.log"

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_key(self):
        return (self.data_dir / "demo-api-key.txt").read_text().strip()

    def start(self, timeout=30.0):
        # A port picked by binding to 0 can be taken by someone else before we use it: retry.
        last = None
        for _ in range(5):
            self.port = free_port()
            log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(
                [portal_binary(), "--listen", f"127.0.0.1:{self.port}", "--data", str(self.data_dir),
                 "--seed", str(SEED_DIR), "--quiet", "--threads", "2", *self.args],
                stdout=log, stderr=subprocess.STDOUT, cwd=str(SOURCE_DIR))
            log.close()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    r = self.request("GET", "/healthz", timeout=2)
                    if r.status == 200:
                        return self
                except OSError:
                    pass
                time.sleep(0.05)
            last = self.log_path.read_text(errors="replace")
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        raise RuntimeError("the portal did not become healthy:\n" + (last or ""))

    def stop(self, timeout=15.0):
        """SIGTERM, then the exit status (0 = a graceful shutdown)."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.proc = None
                raise AssertionError("the portal did not stop within %.0f s of SIGTERM" % timeout)
        code = self.proc.returncode
        self.proc = None
        return code

    def cleanup(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def request(self, method, path, body=None, headers=None, timeout=10):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body, ensure_ascii=False).encode("utf-8")
                h.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                body = body.encode("utf-8")
            conn.request(method, path, body=body, headers=h)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def auth(self, extra=None):
        h = {"Authorization": "Bearer " + self.api_key}
        h.update(extra or {})
        return h

    def raw(self, data, timeout=5.0, shut_write=False):
        """Sends bytes on a fresh socket and returns whatever comes back until close or timeout."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as s:
            try:
                s.sendall(data)
                if shut_write:
                    s.shutdown(socket.SHUT_WR)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may refuse early (413) and close while we still send
            chunks = []
            try:
                while True:
                    c = s.recv(65536)
                    if not c:
                        break
                    chunks.append(c)
                    # One response is enough: stop at the end of its body if Content-Length says so.
                    got = b"".join(chunks)
                    if b"\r\n\r\n" in got:
                        head, _, rest = got.partition(b"\r\n\r\n")
                        for line in head.split(b"\r\n")[1:]:
                            k, _, v = line.partition(b":")
                            if k.strip().lower() == b"content-length" and len(rest) >= int(v.strip()):
                                return got
            except (socket.timeout, ConnectionResetError):
                pass
            return b"".join(chunks)


def status_of(raw_response):
    line = raw_response.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
        return None
    return int(parts[1])
