"""Reminders before a yearly report's deadline over HTTP (issue 17): the ward's office subscribes a
webhook to "report.reminder" through the API; the portal, started on a day within a week of the
demo's latest round's due date (--clock-offset), sends each of the office's schools whose report
is not in one signed POST, and a restart on the same data sends nothing again."""
import datetime
import hashlib
import hmac
import json
import time
from pathlib import Path

import pytest

from apihelp import DIVISION
from portal_proc import SOURCE_DIR, Portal
from test_webhooks import Receiver

VN = datetime.timezone(datetime.timedelta(hours=7))


def latest_round():
    """The seed's period due last, and the schools under the office on its due date (seed data)."""
    seed = Path(SOURCE_DIR) / "data" / "seed"
    periods = json.loads((seed / "report_periods.json").read_text())
    p = max(periods, key=lambda x: x["due_on"])
    due = datetime.date.fromisoformat(p["due_on"])
    units = json.loads((seed / "units.json").read_text())
    schools = sorted(u["id"] for u in units if u["kind"] == "school" and u.get("parent") == DIVISION
                     and not u.get("closed_on"))
    sent = json.loads((seed / "report_submissions.json").read_text())
    done = {s["unit"] for s in sent if s["period_id"] == p["id"] and s["state"] in ("submitted", "accepted", "excused")}
    return p, due, [s for s in schools if s not in done]


def verify(secret, headers, body):
    want = "sha256=" + hmac.new(secret.encode(), headers["x-pbgdpl-timestamp"].encode() + b"." + body,
                                hashlib.sha256).hexdigest()
    return hmac.compare_digest(want, headers["x-pbgdpl-signature"])


def test_schools_not_yet_in_are_reminded_once_through_the_office_webhook():
    period, due, expected = latest_round()
    # Three days before the due date, 09:00 in Hà Nội: past the 7-day reminder, before the 1-day one.
    target = datetime.datetime(due.year, due.month, due.day, 9, 0, tzinfo=VN) - datetime.timedelta(days=3)
    offset = int(target.timestamp() - time.time())
    if abs(offset) > 360 * 24 * 3600:
        pytest.skip("the demo's latest round is more than a year away from today")
    assert expected, "the seed's office has schools to remind"
    rx = Receiver([])
    # First start, on today's clock: subscribe the office's webhook.
    p = Portal(args=["--webhook-retry-base", "1"]).start()
    try:
        r = p.request("POST", "/api/v1/webhooks", body={"unit": DIVISION, "url": rx.url, "events": ["report.reminder"]},
                      headers=p.auth())
        assert r.status == 201, (r.status, r.body[:400])
        secret = r.json()["secret"]
        assert p.stop() == 0
        # Then on the reminder day: the timer's first run sends, the dispatcher delivers.
        p.args += ["--clock-offset", str(offset)]
        p.start()
        got = rx.wait_for(len(expected), timeout=30)
        assert len(got) == len(expected), [json.loads(b)["data"]["unit"] for _, b, _ in got]
        units = sorted(json.loads(b)["data"]["unit"] for _, b, _ in got)
        assert units == expected
        for h, b, _ in got:
            assert h["x-pbgdpl-event"] == "report.reminder"
            assert verify(secret, h, b)
            data = json.loads(b)["data"]
            assert data["period"] == period["id"]
            assert data["days_before"] == 7
            assert data["due_on"] == period["due_on"]
            assert DIVISION in data["units"]
        assert p.stop() == 0
        # Started again the same day: nothing new.
        p.start()
        time.sleep(3)
        assert len(rx.wait_for(len(expected) + 1, timeout=2)) == len(expected)
        assert p.alive()
        assert p.stop() == 0
    finally:
        p.cleanup()
        rx.close()
