"""SIGKILL during API writes and publishing (issue 21, crash and fault injection): three writers
create, edit, publish (draft -> published through the workflow) and archive articles through
/api/v1 while the portal is killed with SIGKILL after a delay drawn from a seeded RNG; then the
data directory is checked (faultkit.check_data_dir) and the portal restarted on it. Every write
whose 2xx answer a writer received is there, byte for byte the record it was answered with; a
write in flight at the kill is either wholly there or wholly absent; the published ones are on
their public page and the drafts are not."""
import random
import threading
import time

from apihelp import new_article, now_iso
from editorhelp import EditorClient
from faultkit import Portal, Tally, check_data_dir, integrity_after_restart, kill9, rounds, seeded_rng

WRITERS = 3
EDITOR = "le.thu.trang"  # the division's editor: writes drafts; the approver (the API key) publishes them


def editor_cookie(p):
    """Signs the division editor in; the session cookie lets the same JSON API calls be made as
    that person (same-origin writes carry Origin)."""
    pw = dict(line.split() for line in (p.data_dir / "demo-accounts.txt").read_text().splitlines())[EDITOR]
    c = EditorClient(p.base)
    c.sign_in(EDITOR, pw)
    return \
        "; ".join(f"{k.name}={k.value}" for h in c.opener.handlers if hasattr(h, "cookiejar") for k in h.cookiejar)


class Writer(threading.Thread):
    def __init__(self, p, n, rng, ids, cookie):
        super().__init__(daemon=True)
        self.editor_headers = {"Cookie": cookie, "Origin": p.base}
        self.p, self.n, self.rng, self.ids = p, n, rng, ids  # ids: id -> {"acked": rec|None, "pending": rec|None}
        self.acked = 0
        self.stop = False
        self.failure = None  # an unexpected answer, raised by the test after join()

    def send(self, id_, method, path, body, want, as_editor=False):
        self.ids[id_]["pending"] = body
        try:
            r = self.p.request(method, path, body=body, timeout=10,
                               headers=self.editor_headers if as_editor else self.p.auth())
        except OSError:
            return False  # the portal died: the write stays pending (either outcome allowed)
        if r.status == want:
            self.ids[id_]["acked"] = r.json()
            self.acked += 1
        elif r.status != 429:  # rate limited: nothing written
            raise AssertionError(f"{method} {path}: {r.status} {r.body[:300]!r}")
        self.ids[id_]["pending"] = None
        return True

    def run(self):
        try:
            self.loop()
        except Exception as e:  # noqa: BLE001 - reported by the test thread
            self.failure = e

    def loop(self):
        k = 0
        while not self.stop:
            mine = [i for i, s in self.ids.items() if s["acked"] and s["acked"]["state"] != "archived"]
            op = self.rng.random()
            if op < 0.35 or not mine:
                k += 1
                id_ = f"w{self.n}-{self.rng.randrange(1 << 30):x}-{k}"
                self.ids[id_] = {"acked": None, "pending": None}
                state = self.rng.choice(["draft", "published"])
                extra = {} if state == "published" else {"published_at": None}
                body = new_article(id_, f"Bài {id_} Kế hoạch phổ biến", state=state,
                                   body_markdown="Nội dung " + "pháp luật " * self.rng.randrange(1, 400), **extra)
                ok = self.send(id_, "POST", "/api/v1/articles", body, 201, as_editor=state == "draft")
            else:
                id_ = self.rng.choice(mine)
                cur = dict(self.ids[id_]["acked"])
                if cur["state"] == "draft" and op < 0.6:  # the editor sends it for approval
                    cur["state"] = "submitted"
                    ok = self.send(id_, "PUT", f"/api/v1/articles/{id_}", cur, 200, as_editor=True)
                elif cur["state"] == "submitted":  # the approver publishes it (the workflow's approve + publish)
                    cur["state"] = "published"
                    cur["published_at"] = now_iso()
                    ok = self.send(id_, "PUT", f"/api/v1/articles/{id_}", cur, 200)
                elif op < 0.9:  # an edit: a draft by its editor, a published article by the approver
                    cur["title"] = cur["title"].split(" #")[0] + f" #{self.rng.randrange(10**6)}"
                    cur["body_markdown"] = "Sửa " + "điều khoản " * self.rng.randrange(1, 400)
                    ok = self.send(id_, "PUT", f"/api/v1/articles/{id_}", cur, 200, as_editor=cur["state"] == "draft")
                else:
                    cur["state"] = "archived"
                    ok = self.send(id_, "DELETE", f"/api/v1/articles/{id_}?version={cur['version']}", cur, 200)
            if not ok:
                return


def same_write(got, want):
    keys = ("title", "body_markdown", "state")
    return all(got.get(k) == want.get(k) for k in keys)


def verify(p, ids, tally):
    for id_, s in ids.items():
        r = p.get(f"/api/v1/articles/{id_}", headers=p.auth())
        got = r.json() if r.status == 200 else None
        acked, pending = s["acked"], s["pending"]
        if acked is not None:
            tally.checked += 1
        if pending is not None:
            tally.in_flight += 1
            if got is not None and same_write(got, pending) and (acked is None or got["version"] > acked["version"]):
                s["acked"], s["pending"] = got, None  # the write in flight landed, whole: the next round builds on it
                continue
        if acked is None:
            assert got is None, f"{id_}: a create nobody saw acknowledged is half there? {got}"
            continue
        if got is None:
            tally.lost += 1
            raise AssertionError(f"{id_}: acknowledged (version {acked['version']}) but gone after the crash")
        if got != acked:
            tally.lost += 1
            diff = {k: (acked.get(k), got.get(k)) for k in set(acked) | set(got) if acked.get(k) != got.get(k)}
            raise AssertionError(f"{id_}: not what was acknowledged: {diff}")
        if got["state"] == "published":
            page = p.get(f"/pbgdpl/bai-viet/{id_}")
            assert page.status == 200 and got["title"] in page.text, (id_, page.status)
            assert got.get("body_html"), f"{id_}: published without its rendered HTML"
        elif got["state"] in ("draft", "submitted", "archived"):
            assert p.get(f"/pbgdpl/bai-viet/{id_}").status == 404, f"{id_}: a {got['state']} article is public"
            assert p.get(f"/api/v1/articles/{id_}").status == 404
        s["pending"] = None


def test_sigkill_during_concurrent_api_writes_and_publishing():
    rng, seed = seeded_rng("api writes")
    tally = Tally("api writes and publishing", seed)
    p = Portal().start(timeout=60)
    ids = {}
    try:
        for n in range(rounds(5)):
            if n:
                p.start()
                integrity_after_restart(p)
            # Each writer keeps its own ids (no two writers race on one record's version).
            cookie = editor_cookie(p)
            writers = [Writer(p, w, random.Random(rng.random()), {i: s for i, s in ids.items() if i.startswith(f"w{w}-")},
                              cookie) for w in range(WRITERS)]
            for w in writers:
                w.start()
            time.sleep(rng.uniform(0.05, 0.9))
            kill9(p)
            tally.kills += 1
            for w in writers:
                w.join(timeout=30)
                assert not w.is_alive()
                if w.failure:
                    raise w.failure
                ids.update(w.ids)
                tally.acked += w.acked
            found = check_data_dir(p.data_dir)
            tally.temp_left = max(tally.temp_left, found["temp_left"])
            p.start()
            verify(p, ids, tally)
            kill9(p)
            tally.rounds += 1
        assert tally.acked > 0, "no write was acknowledged: the scenario tested nothing"
        assert tally.lost == 0 and tally.half == 0
    finally:
        tally.report()
        p.cleanup()
