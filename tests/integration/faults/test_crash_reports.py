"""SIGKILL during report submission (issue 21): the demo school's principal fills and sends (signs
with the password) its yearly report while the ward office's reviewer returns it, round after
round, and the portal is killed with SIGKILL after a delay from a seeded RNG. After each kill the
data directory is checked and the portal restarted on it: the submission is exactly what the last
acknowledged answer said, or wholly the step that was in flight (a sent report always with its
signature and signer key and its history's last step "submit"; a returned one with its note)."""
import random
import threading
import time
import urllib.parse

from faultkit import Portal, Tally, check_data_dir, integrity_after_restart, kill9, rounds, seeded_rng
from test_reports import PRINCIPAL, REVIEWER, Session, complete, passwords, round2, the_draft


class Steps(threading.Thread):
    """Sends, returns and sends again the school's report until the portal dies."""

    def __init__(self, p, state, rng):
        super().__init__(daemon=True)
        self.p, self.state, self.rng = p, state, rng
        self.acked = 0
        self.failure = None

    def run(self):
        try:
            self.loop()
        except OSError:
            pass  # the portal died mid-step: the step stays pending
        except Exception as e:  # noqa: BLE001 - raised again by the test
            self.failure = e

    def loop(self):
        s, r, st = self.principal, self.reviewer, self.state
        path = "/api/v1/reports/submissions/" + urllib.parse.quote(st["acked"]["id"])
        while True:
            cur = st["acked"]
            if cur["state"] in ("draft", "returned"):
                st["pending"] = "values"
                saved = complete(s, cur)  # raises OSError when the portal is gone
                st["acked"], st["pending"] = saved, None
                self.acked += 1
                st["pending"] = "submit"
                code, sent = s.json("POST", path + "/submit", {"password": passwords(self.p)[PRINCIPAL]})
                assert code == 200, (code, sent)
                st["acked"], st["pending"] = sent, None
                self.acked += 1
            elif cur["state"] == "submitted":
                st["pending"] = "return"
                note = f"Bổ sung số liệu lần {self.rng.randrange(10**6)}"
                st["note"] = note
                code, back = r.json("POST", path + "/return", {"note": note})
                assert code == 200, (code, back)
                st["acked"], st["pending"] = back, None
                self.acked += 1
            else:
                raise AssertionError(f"unexpected state {cur['state']}")


def consistent(sub):
    if sub["state"] == "submitted":
        assert sub.get("signature", "").startswith("untrusted comment:") and sub.get("signer_key"), sub
        assert sub["history"][-1]["action"] == "submit", sub["history"][-3:]
    elif sub["state"] == "returned":
        assert sub.get("review_note") and sub["history"][-1]["action"] == "return", sub


def test_sigkill_during_report_submission_and_return():
    rng, seed = seeded_rng("report submission")
    tally = Tally("report submission", seed)
    p = Portal().start(timeout=60)
    try:
        state = {"acked": None, "pending": None}
        for n in range(rounds(4)):
            if n:
                p.start()
                integrity_after_restart(p)
            s, r = Session(p, PRINCIPAL), Session(p, REVIEWER)
            got = the_draft(s, round2(s))
            if state["acked"] is not None:
                tally.checked += 1
                acked, pending = state["acked"], state["pending"]
                if got != acked:
                    want = {"values": acked["state"], "submit": "submitted", "return": "returned"}.get(pending)
                    if pending and got["version"] > acked["version"] and got["state"] == want:
                        tally.in_flight += 1  # the step in flight landed, whole
                    else:
                        tally.lost += 1
                        diff = {k: (acked.get(k), got.get(k)) for k in set(acked) | set(got) if acked.get(k) != got.get(k)}
                        raise AssertionError(f"the report is not what was acknowledged (pending {pending}): {diff}")
                elif pending:
                    tally.in_flight += 1
            consistent(got)
            state["acked"], state["pending"] = got, None
            t = Steps(p, state, random.Random(rng.random()))
            t.principal, t.reviewer = s, r
            t.start()
            time.sleep(rng.uniform(0.05, 1.5))
            kill9(p)
            tally.kills += 1
            t.join(timeout=60)
            assert not t.is_alive()
            if t.failure:
                raise t.failure
            tally.acked += t.acked
            found = check_data_dir(p.data_dir)
            tally.temp_left = max(tally.temp_left, found["temp_left"])
            tally.rounds += 1
        assert tally.acked > 0
        assert tally.lost == 0
    finally:
        tally.report()
        p.cleanup()
