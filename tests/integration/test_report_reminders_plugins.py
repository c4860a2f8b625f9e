"""Report reminders through notifier plugins (issue 18). By e-mail: the portal, started with
--notifier smtp on a day within a week of the demo's latest round's due date, sends each school
whose report is not in one UTF-8 mail to a local SMTP sink, at the school's own address from the
configuration (schools without one get nothing); a restart sends nothing again; a plugin that does
not load stops the portal before it serves. By webhook: the webhook plugin's POSTs are signed as
the portal's own, and reach a host only when the portal allows it."""
import datetime
import email.parser
import email.policy
import json
import socketserver
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from portal_proc import BINARY_DIR, SEED_DIR, Portal, free_port, portal_binary
from test_report_reminders import VN, latest_round

PLUGIN_DIR = BINARY_DIR / "plugins"


class SmtpSink:
    """A mail server that takes everything and keeps each message with its envelope."""

    def __init__(self):
        self.messages = []  # (MAIL FROM line, [recipients], message bytes)
        self.cond = threading.Condition()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                out = self.wfile
                out.write(b"220 sink.test ESMTP\r\n")
                mail_from, rcpt = None, []
                while True:
                    line = self.rfile.readline(4096)
                    if not line:
                        return
                    cmd = line.rstrip(b"\r\n")
                    verb = cmd[:4].upper()
                    if verb == b"EHLO":
                        out.write(b"250-sink.test\r\n250 8BITMIME\r\n")
                    elif verb in (b"HELO", b"RSET", b"NOOP"):
                        out.write(b"250 OK\r\n")
                    elif verb == b"MAIL":
                        mail_from, rcpt = cmd.decode(), []
                        out.write(b"250 OK\r\n")
                    elif verb == b"RCPT":
                        rcpt.append(cmd[cmd.index(b"<") + 1:cmd.index(b">")].decode())
                        out.write(b"250 OK\r\n")
                    elif verb == b"DATA":
                        out.write(b"354 go ahead\r\n")
                        lines = []
                        while True:
                            l = self.rfile.readline(100000)
                            if not l or l == b".\r\n":
                                break
                            lines.append(l[1:] if l.startswith(b"..") else l)
                        with outer.cond:
                            outer.messages.append((mail_from, rcpt, b"".join(lines)))
                            outer.cond.notify_all()
                        out.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        out.write(b"221 bye\r\n")
                        return
                    else:
                        out.write(b"502 unknown\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, n, timeout):
        end = time.time() + timeout
        with self.cond:
            while len(self.messages) < n and time.time() < end:
                self.cond.wait(end - time.time())
            return list(self.messages)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def unit_names():
    units = json.loads((SEED_DIR / "units.json").read_text())
    return {u["id"]: u["name"] for u in units}


def test_schools_not_yet_in_are_reminded_once_by_email_through_the_smtp_plugin():
    if not (PLUGIN_DIR / "smtp.json").is_file():
        pytest.fail(f"the smtp plugin is not built in {PLUGIN_DIR}")
    period, due, expected = latest_round()
    target = datetime.datetime(due.year, due.month, due.day, 9, 0, tzinfo=VN) - datetime.timedelta(days=3)
    offset = int(target.timestamp() - time.time())
    if abs(offset) > 360 * 24 * 3600:
        pytest.skip("the demo's latest round is more than a year away from today")
    assert expected, "the seed's office has schools to remind"
    sink = SmtpSink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "smtp.json"
        cfg.write_text(json.dumps({
            "host": "127.0.0.1", "port": sink.port, "helo": "portal.test",
            "from": "Phòng GD&ĐT <pbgdpl@pgd.example>",
            "to_by_unit": {u: [f"hieutruong@{u}.example"] for u in expected},
            "portal_url": "https://pgd.example/pbgdpl/",
            "state_dir": str(Path(tmp) / "state"),
        }))
        p = Portal(args=["--clock-offset", str(offset), "--plugin-dir", str(PLUGIN_DIR),
                         "--notifier", "smtp", "--notifier-config", "@" + str(cfg)])
        try:
            p.start()
            got = sink.wait_for(len(expected), timeout=30)
            assert len(got) == len(expected)
            names = unit_names()
            seen_units = []
            for mail_from, rcpt, raw in got:
                assert mail_from.startswith("MAIL FROM:<pbgdpl@pgd.example>")
                msg = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw)
                assert msg["Subject"].startswith("Nhắc hạn nộp báo cáo: ")
                assert due.strftime("%d/%m/%Y") in msg["Subject"]
                assert msg.get_content_type() == "text/plain"
                assert msg.get_content_charset() == "utf-8"
                body = msg.get_content().replace("\r\n", "\n")
                unit = next(u for u in expected if f"Kính gửi: {names[u]}\n" in body)
                seen_units.append(unit)
                assert rcpt == [f"hieutruong@{unit}.example"]
                assert msg["To"] == rcpt[0]
                assert "(còn 3 ngày)" not in body  # the reminder is the 7-day one
                assert "(còn 7 ngày)" in body
                assert "https://pgd.example/pbgdpl/" in body
            assert sorted(seen_units) == sorted(expected)
            assert p.stop() == 0
            # Started again the same day: nothing new (the store's claims, the plugin's memory).
            p.start()
            time.sleep(3)
            assert len(sink.wait_for(len(expected) + 1, timeout=2)) == len(expected)
            assert p.alive()
            assert p.stop() == 0
        finally:
            p.cleanup()
            sink.close()


def test_a_notifier_plugin_that_does_not_load_stops_the_portal_before_it_serves():
    with tempfile.TemporaryDirectory() as tmp:
        def run(*extra):
            return subprocess.run([portal_binary(), "--listen", f"127.0.0.1:{free_port()}", "--data", tmp,
                                   "--seed", str(SEED_DIR), "--quiet", *extra],
                                  capture_output=True, text=True, timeout=60)
        bad_config = run("--plugin-dir", str(PLUGIN_DIR), "--notifier", "smtp", "--notifier-config", '{"port": "x"}')
        assert bad_config.returncode != 0
        assert "LỖI / ERROR" in bad_config.stderr
        missing = run("--plugin-dir", str(PLUGIN_DIR), "--notifier", "no-such-plugin", "--notifier-config", "{}")
        assert missing.returncode != 0
        assert "not_found" in missing.stderr or "no-such-plugin" in missing.stderr
        not_json = run("--notifier", "smtp", "--notifier-config", "{not json")
        assert not_json.returncode != 0
        assert "JSON" in not_json.stderr


def test_the_webhook_plugin_signs_reminders_and_reaches_only_hosts_the_portal_allows():
    from test_report_reminders import verify
    from test_webhooks import Receiver
    period, due, expected = latest_round()
    target = datetime.datetime(due.year, due.month, due.day, 9, 0, tzinfo=VN) - datetime.timedelta(days=3)
    offset = int(target.timestamp() - time.time())
    if abs(offset) > 360 * 24 * 3600:
        pytest.skip("the demo's latest round is more than a year away from today")
    rx = Receiver([])
    secret = "a-secret-of-at-least-16-bytes"
    cfg = json.dumps({"endpoints": [{"url": rx.url, "secret": secret, "id": "so-gd", "events": ["report.reminder"]}]})
    base = ["--clock-offset", str(offset), "--plugin-dir", str(PLUGIN_DIR), "--notifier", "webhook", "--notifier-config", cfg]
    # Loopback not allowed: the host refuses the plugin's POSTs and nothing arrives.
    p = Portal(args=base)
    try:
        p.start()
        time.sleep(3)
        assert rx.wait_for(1, timeout=1) == []
        assert p.stop() == 0
        # Allowed: every reminder arrives, signed as the portal's own webhooks are.
        p.args += ["--plugin-allow-loopback"]
        p.start()
        got = rx.wait_for(len(expected), timeout=30)
        units = {json.loads(b)["data"]["unit"] for _, b, _ in got}
        assert set(expected) <= units
        for h, b, _ in got:
            assert verify(secret, h, b)
            body = json.loads(b)
            assert body["webhook"] == "so-gd"
            assert body["event"] == "report.reminder" == h["x-pbgdpl-event"]
            assert body["delivery"] == h["x-pbgdpl-delivery"]
        assert p.stop() == 0
    finally:
        p.cleanup()
