"""SIGKILL during the portal's first start (issue 21): the first start seeds an empty data
directory (the demo's units, accounts, articles, keys, signage content, the demo API key file).
Killed at a moment drawn from a seeded RNG and started again on the same directory, the portal
starts cleanly and holds the whole seed: the same published articles as an undisturbed start, a
demo API key that works, demo accounts that sign in, and a data directory that passes the checks."""
import shutil
import subprocess
import tempfile
import time

from faultkit import Portal, Tally, check_data_dir, kill9, rounds, seeded_rng
from portal_proc import SEED_DIR, SOURCE_DIR, free_port, portal_binary
from test_banner import Session


def published_ids(p):
    r = p.get("/api/v1/articles?limit=100")
    assert r.status == 200
    return sorted(a["id"] for a in r.json()["items"])


def test_sigkill_during_the_first_start_then_a_clean_start():
    rng, seed = seeded_rng("first start")
    tally = Tally("first start (seeding)", seed)
    ref = Portal().start(timeout=60)
    try:
        want = published_ids(ref)
    finally:
        ref.cleanup()
    for n in range(rounds(1)):
        d = tempfile.mkdtemp(prefix="pbgdpl-first-start-")
        p = Portal(data_dir=d)
        try:
            proc = subprocess.Popen([portal_binary(), "--listen", f"127.0.0.1:{free_port()}", "--data", d, "--seed", str(SEED_DIR),
                                     "--quiet", "--threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    cwd=str(SOURCE_DIR))
            time.sleep(rng.uniform(0.0, 2.5))
            proc.kill()
            proc.wait()
            tally.kills += 1
            check_data_dir(d)
            p.start(timeout=60)
            assert published_ids(p) == want
            r = p.get("/api/v1/articles?limit=1", headers=p.auth())
            assert r.status == 200, "the demo API key written at the first start does not work"
            Session(p, "tran.van.hung")  # a demo account signs in with the password written for it
            tally.checked += len(want)
            kill9(p)
            check_data_dir(d)
            tally.rounds += 1
        finally:
            p.cleanup()
            shutil.rmtree(d, ignore_errors=True)
    tally.report()
