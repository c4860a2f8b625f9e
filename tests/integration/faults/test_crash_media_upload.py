"""SIGKILL during media uploads (issue 21): the school's approver uploads images through the
editor's "Tệp và ảnh" form (multipart, CSRF) one after another while the portal is killed with
SIGKILL after a delay from a seeded RNG. After the restart: every upload answered with its redirect
is recorded exactly once, its files byte for byte what was sent (faultkit checks every asset's hash)
and served; one in flight is recorded whole or not at all; nothing a killed upload left on disk
(a .tmp- directory, an unrecorded asset directory) is served."""
import json
import sqlite3
import threading
import time

from faultkit import Portal, Tally, check_data_dir, integrity_after_restart, kill9, rounds, seeded_rng
from test_banner import Session, multipart
from test_disk_full import noise_png

UNIT = "th-van-yen"


def assets_by_title(p):
    db = sqlite3.connect(str(p.data_dir / "pbgdpl.db"), timeout=30)
    try:
        out = {}
        for (b,) in db.execute("SELECT body FROM entities WHERE kind='media_asset'"):
            j = json.loads(b)
            out.setdefault(j.get("title", ""), []).append(j)
        return out
    finally:
        db.close()


class Uploader(threading.Thread):
    def __init__(self, p, s, n, sent):
        super().__init__(daemon=True)
        self.p, self.s, self.n, self.sent = p, s, n, sent  # sent: title -> {"bytes", "acked"}
        self.failure = None

    def run(self):
        k = 0
        try:
            while True:
                csrf = Session.csrf(self.s.get("/quan-tri/tep").text)
                title = f"Ảnh vòng {self.n} số {k}"
                image = noise_png(96 + k % 7, 96, hash(title) & 0xFFFF)
                self.sent[title] = {"bytes": image, "acked": False}
                body, ctype = multipart({"csrf": csrf, "unit": UNIT, "alt_text": "Ảnh thử", "title": title},
                                        "anh.png", image, "image/png")
                r = self.s.post("/quan-tri/tep", body, ctype)
                assert r.status == 303, (r.status, r.text[:500])
                self.sent[title]["acked"] = True
                k += 1
        except OSError:
            pass  # the portal died
        except Exception as e:  # noqa: BLE001
            self.failure = e


def test_sigkill_during_media_uploads():
    rng, seed = seeded_rng("media upload")
    tally = Tally("media upload", seed)
    p = Portal().start(timeout=60)
    sent = {}
    try:
        for n in range(rounds(3)):
            if n:
                p.start()
                integrity_after_restart(p)
            u = Uploader(p, Session(p, "tran.van.hung"), n, sent)
            u.start()
            time.sleep(rng.uniform(0.1, 1.2))
            kill9(p)
            tally.kills += 1
            u.join(timeout=30)
            assert not u.is_alive()
            if u.failure:
                raise u.failure
            found = check_data_dir(p.data_dir)  # every recorded asset's files match its hash
            tally.temp_left = max(tally.temp_left, found["temp_left"])
            p.start()
            have = assets_by_title(p)
            for title, s in sent.items():
                got = have.get(title, [])
                assert len(got) <= 1, f"{title}: recorded {len(got)} times"
                if s["acked"]:
                    tally.checked += 1
                    assert got, f"{title}: acknowledged but not recorded after the crash"
                    r = p.get(f"/don-vi/{UNIT}/pbgdpl/tep/{got[0]['id']}/original.png")
                    assert r.status == 200 and r.body == s["bytes"], (title, r.status)
                elif got:
                    tally.in_flight += 1
                    r = p.get(f"/don-vi/{UNIT}/pbgdpl/tep/{got[0]['id']}/original.png")
                    assert r.status == 200 and r.body == s["bytes"]
            # What a killed upload left is not served.
            media = p.data_dir / "media"
            recorded = {a["id"] for v in have.values() for a in v}
            for d in (media.iterdir() if media.is_dir() else []):
                if d.name not in recorded:
                    for f in ("original.png", "thumb.png"):
                        assert p.get(f"/don-vi/{UNIT}/pbgdpl/tep/{d.name}/{f}").status == 404, d.name
            tally.acked = sum(1 for s in sent.values() if s["acked"])
            kill9(p)
            tally.rounds += 1
        assert tally.acked > 0
    finally:
        tally.report()
        p.cleanup()
