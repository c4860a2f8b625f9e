"""SIGKILL on the signage device path (issue 21). A device without a screen (pbgdpl_fault_device:
the library's own player core) enrols, is authorised through the API, then
 - downloads its content (the manifest's files by digest, in small Range chunks into its
   content-addressed cache) while either the portal or the device itself is killed with SIGKILL
   after a delay from a seeded RNG; after the restart the next sync resumes, and every file in the
   cache matches its BLAKE2b name (a partial file is only ever a .part, never a cached name);
 - uploads proof of play (signed, hash-chained lines) a few at a time while the portal is killed;
   after the restart every line the device saw acknowledged is recorded, the server's chain head
   equals the records it holds (none without the other), the device sends the rest, and in the end
   every line it recorded is on the server, once."""
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from faultkit import Portal, Tally, blake2b_hex, check_data_dir, integrity_after_restart, kill9, rounds, seeded_rng

DISPLAY = "thcs-van-yen-cau-thang-a-t2"


def device_binary():
    d = os.environ.get("PBGDPL_FAULT_DEVICE")
    if not d:
        from portal_proc import BINARY_DIR
        d = str(BINARY_DIR / "tests" / "integration" / "faults" / "pbgdpl_fault_device")
    if not Path(d).is_file():
        raise RuntimeError(f"the fault device is missing: {d} (build pbgdpl_fault_device)")
    return d


def device(state, p, *args, timeout=60):
    r = subprocess.run([device_binary(), str(state), p.base, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    lines = [json.loads(l) for l in r.stdout.splitlines() if l.strip()]
    return r.returncode, lines, r.stderr


def enrolled_device(p, where):
    code, out, err = device(where, p, "enrol")
    assert code == 0 and out[0]["state"] == "pending", (out, err)
    r = p.request("POST", "/api/v1/signage/enrolments/authorise", body={"code": out[0]["code"], "display": DISPLAY},
                  headers=p.auth())
    assert r.status == 200, r.body[:300]
    code, out, err = device(where, p, "enrol")
    assert code == 0 and out[0]["state"] == "authorised" and out[0]["display"] == DISPLAY, (out, err)
    return where


def check_cache(state):
    cache = Path(state) / "cache"
    complete = partial = 0
    for f in cache.iterdir():
        if f.name.endswith(".part"):
            partial += 1
            continue
        assert blake2b_hex(f.read_bytes()) == f.name, f"{f.name}: a cached file whose bytes do not match its name"
        complete += 1
    return complete, partial


@pytest.fixture
def world():
    p = Portal().start(timeout=60)
    tmp = Path(tempfile.mkdtemp(prefix="pbgdpl-fault-device-"))
    try:
        yield p, tmp
    finally:
        p.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


def test_sigkill_of_portal_or_device_during_content_download_then_resume(world):
    p, tmp = world
    rng, seed = seeded_rng("content download")
    tally = Tally("signage content download", seed)
    template = enrolled_device(p, tmp / "template")
    # What a complete sync holds: the reference for every round.
    ref = tmp / "reference"
    shutil.copytree(template, ref)
    t0 = time.monotonic()
    code, out, err = device(ref, p, "sync", 2048)
    took = time.monotonic() - t0  # a whole sync in the chunks the rounds use: the kills fall inside it
    assert code == 0 and out[0]["result"] == "updated", (out, err)
    want = sorted(e["name"] for e in out[0]["cache"])
    assert len(want) >= 2, out
    for n in range(rounds(5)):
        state = tmp / f"round-{n}"
        shutil.copytree(template, state)  # enrolled, nothing downloaded yet
        victim = rng.choice(["portal", "device"])
        dev = subprocess.Popen([device_binary(), str(state), p.base, "sync", "2048"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        # Mostly after the first chunk arrived (a .part file exists), sometimes at once.
        if rng.random() < 0.8:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and dev.poll() is None and not any((state / "cache").glob("*.part")):
                time.sleep(0.002)
        time.sleep(rng.uniform(0.0, took * 0.6))
        if victim == "portal":
            kill9(p)
            dev.wait(timeout=60)  # the device sees the portal gone: offline, the partial file kept
        else:
            dev.kill()
            dev.wait()
        dev.stdout.close()
        dev.stderr.close()
        tally.kills += 1
        complete, partial = check_cache(state)
        tally.temp_left += partial  # .part files: resumed below, never served as content
        if complete < len(want):
            tally.in_flight += 1  # killed with the download unfinished
        if victim == "portal":
            check_data_dir(p.data_dir)
            p.start()
            integrity_after_restart(p)
        code, out, err = device(state, p, "sync", 1 << 20)
        assert code == 0 and out[0]["result"] in ("updated", "unchanged"), (victim, out, err)
        assert sorted(e["name"] for e in out[0]["cache"]) == want, (victim, out[0]["cache"])
        complete, partial = check_cache(state)
        assert complete == len(want) and partial == 0
        tally.checked += complete
        tally.rounds += 1
        shutil.rmtree(state)
    # The kills must land mid-download, not only before or after it (else this tests nothing).
    assert tally.in_flight > 0, "no kill landed before the download finished: retune the delays"
    tally.report()


def server_plays(p):
    db = sqlite3.connect(str(p.data_dir / "pbgdpl.db"), timeout=30)
    try:
        heads = [json.loads(b).get("plays_seq", 0) for (b,) in db.execute(
            "SELECT body FROM entities WHERE kind='display_enrolment' AND json_extract(body, '$.display') = ?", (DISPLAY,))]
        records = db.execute("SELECT count(*) FROM entities WHERE kind='play_record' AND json_extract(body, '$.display') = ?",
                             (DISPLAY,)).fetchone()[0]
        return sum(heads), records
    finally:
        db.close()


def test_sigkill_during_proof_of_play_upload(world):
    p, tmp = world
    rng, seed = seeded_rng("proof of play")
    tally = Tally("signage proof-of-play upload", seed)
    state = enrolled_device(p, tmp / "device")
    code, out, err = device(state, p, "sync", 1 << 20)
    assert code == 0 and out[0]["result"] == "updated", (out, err)
    acked = 0
    for n in range(rounds(5)):
        if n:
            p.start()
            integrity_after_restart(p)
        dev = subprocess.Popen([device_binary(), str(state), p.base, "plays", "100000"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.1, 1.0))
        kill9(p)
        tally.kills += 1
        out, err = dev.communicate(timeout=60)
        lines = [json.loads(l) for l in out.splitlines() if l.strip()]
        assert lines and "error" not in lines[-1], (lines[-3:], err)
        acked += sum(l.get("acked", 0) for l in lines)
        check_data_dir(p.data_dir)
        head, records = server_plays(p)
        assert head == records, f"the chain head says {head}, the server holds {records} play records"
        assert head >= acked, f"{acked} lines acknowledged, {head} recorded: lost"
        tally.in_flight += head - acked
        tally.checked = head
        tally.rounds += 1
    # Everything the device recorded reaches the server once, none twice.
    p.start()
    code, out, err = device(state, p, "plays", 0)
    assert code == 0, (out, err)
    acked += sum(l.get("acked", 0) for l in out)
    head, records = server_plays(p)
    log = [json.loads(l) for l in (Path(state) / "plays.log").read_text().splitlines() if l.strip()]
    last = max(x["seq"] for x in log)
    assert head == records == last, f"the device recorded {last} plays, the server holds {records} (head {head})"
    tally.acked = acked
    assert tally.acked > 0
    tally.report()
