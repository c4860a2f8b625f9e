"""Hostile HTTP on raw sockets: malformed requests, oversized headers and bodies, traversal and
header-injection attempts, a slow client. Each gets the right status and the server stays up."""
import socket
import time

import pytest

from portal_proc import status_of


def healthy(portal):
    r = portal.get("/healthz")
    return r.status == 200


@pytest.mark.parametrize("line", [
    b"GARBAGE\r\n\r\n",
    b"GET\r\n\r\n",
    b"GET /pbgdpl/\r\n\r\n",
    b"GET /pbgdpl/ HTTP/1.1 extra\r\nHost: x\r\n\r\n",
    b"GET /pbgdpl/ FTP/1.0\r\nHost: x\r\n\r\n",
    b"GET  /pbgdpl/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x00\x01\x02\x03 / HTTP/1.1\r\n\r\n",
    b"GET /pbg dpl/ HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /pbgdpl/ HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
    b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"GET pbgdpl HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_a_malformed_request_is_400(portal, line):
    out = portal.raw(line, shut_write=True)
    assert status_of(out) == 400, (line, out[:200])
    assert healthy(portal)


def test_an_oversized_header_is_431(portal):
    big = b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (64 * 1024) + b"\r\n\r\n"
    assert status_of(portal.raw(big)) == 431
    many = b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 100) for i in range(400)) + b"\r\n"
    assert status_of(portal.raw(many)) == 431
    long_target = b"GET /pbgdpl/?q=" + b"a" * (64 * 1024) + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert status_of(portal.raw(long_target)) in (414, 431)
    assert healthy(portal)


def test_an_oversized_body_is_413(portal):
    n = 8 * 1024 * 1024
    head = (b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + portal.api_key.encode() + b"\r\nContent-Length: %d\r\n\r\n" % n)
    # Announced but not sent: refused on the header alone.
    assert status_of(portal.raw(head)) == 413
    # Sent for real.
    assert status_of(portal.raw(head + b"{" + b" " * (n - 1))) == 413
    # Chunked, with no length up front.
    chunk = b" " * 65536
    chunked = (b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\n\r\n" + (b"10000\r\n" + chunk + b"\r\n") * 40 + b"0\r\n\r\n")
    assert status_of(portal.raw(chunked)) == 413
    assert healthy(portal)


TRAVERSALS = [
    "/pbgdpl/../../etc/passwd",
    "/pbgdpl/%2e%2e/%2e%2e/etc/passwd",
    "/pbgdpl/%2E%2E/%2E%2E/etc/passwd",
    "/pbgdpl/..%2f..%2fetc%2fpasswd",
    "/pbgdpl/..%2F..%2Fetc%2Fpasswd",
    "/pbgdpl/static/..%2F..%2F..%2Fetc%2Fpasswd",
    "/pbgdpl/static/../../../../etc/passwd",
    "/pbgdpl/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/pbgdpl/static/..%5c..%5c..%5cetc%5cpasswd",
    "/pbgdpl/static/%252e%252e/%252e%252e/etc/passwd",
    "/pbgdpl/static/.%2e/.%2e/etc/passwd",
    "/pbgdpl/static/style.css%00.txt",
    "/pbgdpl/static/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "/don-vi/..%2f..%2f..%2fetc/pbgdpl/",
    "/don-vi/../../etc/passwd",
    "/pbgdpl/bai-viet/..%2f..%2f..%2fetc%2fpasswd",
    "/pbgdpl/van-ban/../../../../etc/passwd",
    "/api/v1/articles/..%2f..%2fetc%2fpasswd",
    "/api/v1/../../etc/passwd",
    "//etc/passwd",
    "/./pbgdpl/",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_never_serves_a_file(portal, path):
    out = portal.raw(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode(), shut_write=True)
    code = status_of(out)
    assert code in (400, 404), (path, code, out[:300])
    assert b"root:x:0:0" not in out and b"/bin/bash" not in out
    assert healthy(portal)


def test_crlf_in_a_path_cannot_inject_a_header(portal):
    out = portal.raw(b"GET /don-vi/x%0D%0ASet-Cookie:%20hacked=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     shut_write=True)
    code = status_of(out)
    assert code is not None
    head = out.split(b"\r\n\r\n", 1)[0]
    assert b"\r\nset-cookie:" not in head.lower(), head
    assert code in (301, 400, 404)
    out = portal.raw(b"GET /pbgdpl/tin-hoat-dong/?sau=%0D%0AX-Injected:%201 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                     shut_write=True)
    assert b"\r\nx-injected:" not in out.split(b"\r\n\r\n", 1)[0].lower()
    assert healthy(portal)


def test_a_hostile_host_header_does_not_reach_the_page(portal):
    out = portal.raw(b'GET /pbgdpl/ HTTP/1.1\r\nHost: "><script>alert(1)</script>\r\nConnection: close\r\n\r\n',
                     shut_write=True)
    assert status_of(out) in (200, 400)
    assert b"<script>alert(1)</script>" not in out
    assert healthy(portal)


def test_a_slow_client_does_not_block_others(portal):
    slow = socket.create_connection(("127.0.0.1", portal.port))
    try:
        slow.sendall(b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        # While it dawdles, other clients are served promptly.
        t = time.monotonic()
        for _ in range(5):
            assert portal.get("/pbgdpl/").status == 200
        assert time.monotonic() - t < 5
    finally:
        slow.close()
    assert healthy(portal)


def test_keep_alive_serves_several_requests_on_one_connection(portal):
    reqs = b"".join(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" for _ in range(3)) + \
        b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    with socket.create_connection(("127.0.0.1", portal.port), timeout=5) as s:
        s.sendall(reqs)
        data = b""
        while True:
            c = s.recv(65536)
            if not c:
                break
            data += c
    assert data.count(b"HTTP/1.1 200") == 4


def test_a_client_that_never_finishes_its_request_is_dropped(portal):
    # The server's read timeout (10 s for a whole request) ends a slowloris connection with 408.
    with socket.create_connection(("127.0.0.1", portal.port), timeout=20) as s:
        s.sendall(b"GET /pbgdpl/ HTTP/1.1\r\nHost: x\r\n")
        t = time.monotonic()
        data = b""
        try:
            while True:
                s.sendall(b"X-Drip: 1\r\n")
                s.settimeout(1.0)
                try:
                    c = s.recv(4096)
                except socket.timeout:
                    assert time.monotonic() - t < 16, "a dripping client is never dropped"
                    continue
                if not c:
                    break
                data += c
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert time.monotonic() - t < 16
    code = status_of(data) if data else None
    assert code in (None, 408, 431), data[:200]
    assert healthy(portal)


def read_until_close(data, port, timeout=5.0):
    """Sends `data` and reads everything until the server closes (or the timeout); returns
    (bytes, closed)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        out = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                c = s.recv(65536)
            except socket.timeout:
                return out, False
            except ConnectionResetError:
                return out, True
            if not c:
                return out, True
            out += c
        return out, False


SMUGGLED = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"


@pytest.mark.parametrize("framing", [
    b"Transfer-Encoding: gzip\r\n",
    b"Transfer-Encoding: identity\r\n",
    b"Transfer-Encoding: xchunked\r\n",
    b"Transfer-Encoding: chunked, gzip\r\n",
    b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
    b"Transfer-Encoding: gzip\r\nContent-Length: %d\r\n" % len(SMUGGLED),
    b"Content-Length: %d\r\nTransfer-Encoding: chunked\r\n" % len(SMUGGLED),
    b"Content-Length: %d\r\nContent-Length: %d\r\n" % (len(SMUGGLED), len(SMUGGLED)),
    b"Content-Length: 0\r\nContent-Length: %d\r\n" % len(SMUGGLED),
    b"Content-Length: %d, %d\r\n" % (len(SMUGGLED), len(SMUGGLED)),
])
def test_ambiguous_framing_is_400_and_the_body_is_never_a_second_request(portal, framing):
    req = (b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\n" + framing +
           b"Content-Type: application/json\r\n\r\n" + SMUGGLED)
    out, closed = read_until_close(req, portal.port)
    assert status_of(out) == 400, out[:300]
    assert closed, "the connection must close after a framing error"
    assert out.count(b"HTTP/1.1 200") == 0 and out.count(b"\r\n\r\nHTTP/1.1") == 0, out
    assert b"connection: close" in out.lower()
    assert healthy(portal)


@pytest.mark.parametrize("req", [
    b"GET /healthz HTTP/1.1\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n\tb\r\n\r\n",
    b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip,\r\n chunked\r\n\r\n0\r\n\r\n",
])
def test_missing_or_repeated_host_and_folded_lines_are_400(portal, req):
    out, closed = read_until_close(req, portal.port)
    assert status_of(out) == 400, out[:300]
    assert closed
    body = out.split(b"\r\n\r\n", 1)[1]
    assert b"message_en" in body and b"message" in body
    assert healthy(portal)


def test_plain_chunked_still_works(portal):
    req = (b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
           b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    out, closed = read_until_close(req, portal.port)
    assert out.count(b"HTTP/1.1 200") == 2, out[:500]
    assert closed


@pytest.mark.parametrize("path", [
    "/don-vi/tr%C6%B0%E1%BB%9Dng",
    "/don-vi/a%20b",
    "/don-vi/a%22%3Cb%3E",
    "/don-vi/x%7Fy",
])
def test_a_redirect_location_is_percent_encoded(portal, path):
    out, _ = read_until_close(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(), portal.port)
    code = status_of(out)
    head = out.split(b"\r\n\r\n", 1)[0]
    if code not in (301, 302, 303, 307, 308):
        assert code in (400, 404), head
        return
    loc = [line for line in head.split(b"\r\n") if line.lower().startswith(b"location:")]
    assert len(loc) == 1, head
    value = loc[0].split(b":", 1)[1].strip()
    assert all(0x21 <= c < 0x7f for c in value), value
    assert b'"' not in value and b"<" not in value and b" " not in value, value


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


@pytest.mark.parametrize("tail", [b"1;a=", b"1\r\nA\r\n0\r\nX-T: "], ids=["chunk-extension", "trailer"])
def test_an_endless_chunk_extension_or_trailer_is_413_and_memory_stays_bounded(portal, tail):
    """Third attack: a chunk-size line or a trailer that never ends. Beast 1.81 limits neither and
    the body limit counts only chunk data: one connection took the portal from 85 MB to 3.6 GB."""
    before = rss_kib(portal.proc.pid)
    head = b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + tail
    block = b"b" * (1 << 20)
    sent = 0
    answer = b""
    closed = False
    peak = before
    with socket.create_connection(("127.0.0.1", portal.port), timeout=5) as s:
        s.sendall(head)
        t = time.monotonic()
        try:
            while sent < (256 << 20) and time.monotonic() - t < 5:
                s.sendall(block)
                sent += len(block)
                peak = max(peak, rss_kib(portal.proc.pid))
        except (BrokenPipeError, ConnectionResetError):
            closed = True  # after the 413 the server drains for 0.5 s (which loopback can fill), then closes
        try:
            s.settimeout(2)
            answer = s.recv(300)
        except (socket.timeout, ConnectionResetError):
            pass
    peak = max(peak, rss_kib(portal.proc.pid))
    print(f"{tail!r}: sent {sent >> 20} MiB ({'closed by the server' if closed else 'never closed'}); "
          f"portal RSS {before >> 10} -> peak {peak >> 10} MiB")
    assert peak - before < 32 * 1024
    assert status_of(answer) in (413, None), answer[:200]  # None: the reset overtook the answer
    assert healthy(portal)


def test_trailer_fields_cannot_pose_as_headers(portal):
    """A trailer Host, Content-Length or Connection changes nothing: trailers are dropped."""
    req = (b"POST /api/v1/articles HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"2\r\n{}\r\n0\r\nAuthorization: Bearer " + portal.api_key.encode() + b"\r\nConnection: close\r\n\r\n")
    out, _ = read_until_close(req + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", portal.port)
    assert status_of(out) == 401, out[:300]  # the key in the trailer did not authenticate the request
    assert out.count(b"HTTP/1.1 ") == 2 and b'"status":"ok"' in out  # its "Connection: close" did not close


def test_answers_the_server_makes_itself_carry_the_security_headers(portal):
    for target in (b"/api/v1/articles/%0D%0AX:1", b"/pbgdpl/%ZZ", b"/pbgdpl/..%2F"):
        out, _ = read_until_close(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", portal.port)
        assert status_of(out) == 400, out[:200]
        head = out.split(b"\r\n\r\n", 1)[0].lower()
        assert b"x-content-type-options: nosniff" in head
        assert b"content-security-policy: default-src 'none'" in head


def test_expect_other_than_100_continue_is_417(portal):
    out, _ = read_until_close(b"GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\n\r\n", portal.port)
    assert status_of(out) == 417


def test_an_absolute_form_target_naming_the_host_is_served(portal):
    out, _ = read_until_close(b"GET http://x/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", portal.port)
    assert status_of(out) == 200 and b'"status":"ok"' in out
    out, _ = read_until_close(b"GET http://evil/healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", portal.port)
    assert status_of(out) == 400
