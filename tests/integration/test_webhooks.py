"""Webhooks and the publication timer over HTTP (issue 14): a webhook made through the API, a
receiver on 127.0.0.1 that fails the first POST and accepts the second, signatures checked with
Python's own hmac, and an article scheduled a few seconds ahead that reaches the feed and fires
its webhook at its time with no request to the portal in between."""
import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest

from apihelp import DIVISION, new_article, now_iso
from portal_proc import Portal, free_port


class Receiver:
    """An HTTP receiver that answers from a script of statuses (200 once it runs out)."""

    def __init__(self, script):
        self.script = list(script)
        self.got = []  # (headers as a dict, body bytes, time received)
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                with outer.lock:
                    outer.got.append(({k.lower(): v for k, v in self.headers.items()}, body, time.time()))
                    status = outer.script.pop(0) if outer.script else 200
                    outer.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/nhan-webhook"

    def wait_for(self, n, timeout):
        with self.lock:
            self.arrived.wait_for(lambda: len(self.got) >= n, timeout=timeout)
            return list(self.got)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def portal():
    p = Portal(args=["--webhook-retry-base", "1"]).start()
    try:
        yield p
        assert p.alive(), "the portal died during the tests:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0, p.log_path.read_text(errors="replace")
    finally:
        p.cleanup()


def verify(secret, headers, body):
    """What a receiver does: HMAC-SHA256 over timestamp + "." + body, compared in constant time."""
    want = "sha256=" + hmac.new(secret.encode(), headers["x-pbgdpl-timestamp"].encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers["x-pbgdpl-signature"])


def make_webhook(portal, url, events=("article.published", "question.answered")):
    r = portal.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": url, "events": list(events)},
                       headers=portal.auth())
    assert r.status == 201, (r.status, r.body[:400])
    return r.json()


def test_webhooks_need_the_right_at_the_unit_and_show_the_secret_once(portal):
    assert portal.get(f"/api/v1/webhooks?unit={DIVISION}").status == 401
    anon = portal.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": "http://127.0.0.1:9/", "events": ["article.published"]})
    assert anon.status == 401
    # Not at a unit where the key's account may publish.
    r = portal.request("POST", "/api/v1/webhooks", body={"unit": "ha-noi", "url": "http://127.0.0.1:9/", "events": ["article.published"]},
                       headers=portal.auth())
    assert r.status == 403, (r.status, r.body[:300])
    assert portal.get("/api/v1/webhooks?unit=ha-noi", headers=portal.auth()).status == 403
    # Only http(s) addresses and known events.
    for url in ("ftp://127.0.0.1/x", "file:///etc/passwd", "gopher://127.0.0.1:25/", "127.0.0.1:9/x"):
        r = portal.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": url, "events": ["article.published"]},
                           headers=portal.auth())
        assert r.status in (400, 422), (url, r.status)
        assert "/url" in r.text
    r = portal.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": "http://127.0.0.1:9/", "events": ["article.deleted"]},
                       headers=portal.auth())
    assert r.status in (400, 422)
    w = make_webhook(portal, "http://127.0.0.1:9/khong-ai-nghe")
    assert len(w["secret"]) == 64 and w["unit"] == DIVISION
    listed = portal.get(f"/api/v1/webhooks?unit={DIVISION}", headers=portal.auth()).json()["items"]
    assert any(x["id"] == w["id"] for x in listed)
    assert all("secret" not in x for x in listed)
    one = portal.get(f"/api/v1/webhooks/{w['id']}", headers=portal.auth())
    assert one.status == 200 and "secret" not in one.json()
    assert portal.get(f"/api/v1/webhooks/{w['id']}").status == 401
    assert portal.get(f"/api/v1/webhooks/{w['id']}/deliveries", headers=portal.auth()).json()["items"] == []


def test_a_scheduled_article_reaches_the_feed_and_its_webhook_at_its_time_retried_after_a_500(portal):
    rx = Receiver([500])
    try:
        w = make_webhook(portal, rx.url)
        # The feed as cached before the article's time.
        before = portal.get("/pbgdpl/feed.atom")
        assert before.status == 200
        ahead = 4
        title = "Bài hẹn giờ kiểm thử webhook"
        a = new_article("hen-gio-webhook", title, published_at=now_iso(ahead))
        due = time.time() + ahead
        r = portal.request("POST", "/api/v1/articles", body=a, headers=portal.auth())
        assert r.status == 201, r.body[:300]
        assert title not in portal.get("/pbgdpl/feed.atom").text  # cached now, without it
        # No request to the portal from here on until the receiver has heard: only the timer can fire it.
        got = rx.wait_for(2, timeout=ahead + 20)
        assert len(got) >= 2, f"the receiver got {len(got)} POSTs:\n" + portal.log_path.read_text(errors="replace")[-2000:]
        (h1, b1, t1), (h2, b2, t2) = got[0], got[1]
        assert t1 >= due - 1.0, "fired at its time, not before"
        assert t1 <= due + 6, "fired by the timer, with no request"
        # The retry waited its backoff (1 s here) on the server's clock, which counts whole seconds.
        assert int(t2) >= int(t1) + 1, (t1, t2)
        for h, b in ((h1, b1), (h2, b2)):
            assert verify(w["secret"], h, b), h
            assert h["x-pbgdpl-event"] == "article.published"
            assert h["content-type"].startswith("application/json")
        assert not verify("sai-khoa-" + w["secret"][9:], h1, b1)
        assert h1["x-pbgdpl-delivery"] == h2["x-pbgdpl-delivery"] and b1 == b2
        payload = json.loads(b1)
        assert payload["event"] == "article.published" and payload["delivery"] == h1["x-pbgdpl-delivery"]
        assert payload["data"]["id"] == "hen-gio-webhook" and payload["data"]["title"] == title
        # Now (the time has passed) the feed shows it.
        feed = portal.get("/pbgdpl/feed.atom")
        assert feed.status == 200 and title in feed.text
        # The delivery log: one delivery, both attempts (the second recorded once its answer came).
        for _ in range(50):
            log = portal.get(f"/api/v1/webhooks/{w['id']}/deliveries", headers=portal.auth()).json()["items"]
            if log and log[0]["state"] != "pending":
                break
            time.sleep(0.1)
        assert len(log) == 1
        d = log[0]
        assert d["state"] == "delivered" and [x["status"] for x in d["attempts"]] == [500, 200]
        assert d["payload"].encode() == b1
        assert d["id"] == h1["x-pbgdpl-delivery"]
        # Saving the article again sends nothing more.
        cur = portal.get("/api/v1/articles/hen-gio-webhook", headers=portal.auth()).json()
        cur["summary"] = "Sửa tóm tắt"
        assert portal.request("PUT", "/api/v1/articles/hen-gio-webhook", body=cur, headers=portal.auth()).status == 200
        time.sleep(2)
        assert len(rx.got) == 2
    finally:
        rx.close()
