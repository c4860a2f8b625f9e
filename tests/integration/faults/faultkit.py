"""Crash harness shared by the fault-injection suites (issue 21): a portal killed with SIGKILL at a
random moment (the delay from a seeded RNG: the seed is printed, PBGDPL_FAULT_SEED replays it),
restarted on the same data directory, and the data directory checked for what a crash may leave:
SQLite's own checks, records whose JSON does not parse or disagrees with its columns, a record
without its audit entry, media and signage files that do not match their hashes, temporary files
that are served.

PBGDPL_FAULT_ROUNDS sets the rounds per scenario (the brief form in `make test` uses a few; the
long form, run_long.sh, a thousand)."""
import hashlib
import json
import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from portal_proc import Portal  # noqa: E402,F401


def rounds(default):
    return int(os.environ.get("PBGDPL_FAULT_ROUNDS", default))


def seeded_rng(name):
    seed = int(os.environ.get("PBGDPL_FAULT_SEED", random.SystemRandom().randrange(1 << 32)))
    # Printed so a failing run can be replayed (pytest shows captured output of a failed test).
    print(f"[faults] {name}: PBGDPL_FAULT_SEED={seed}", flush=True)
    return random.Random(seed), seed


def kill9(p):
    """SIGKILL the whole portal process (no handler runs, nothing is flushed by it)."""
    if p.proc is not None and p.proc.poll() is None:
        os.kill(p.proc.pid, signal.SIGKILL)
        p.proc.wait()
    p.proc = None


def blake2b_hex(data):
    return hashlib.blake2b(data, digest_size=32).hexdigest()


class Damage(AssertionError):
    pass


def check_data_dir(data_dir):
    """Everything a crash must not leave behind, checked on the data directory of a dead portal.
    Returns counts (records, media files, signage files, temporary files left and ignored)."""
    data_dir = Path(data_dir)
    found = {"records": 0, "media_files": 0, "signage_files": 0, "temp_left": 0}
    db = sqlite3.connect(str(data_dir / "pbgdpl.db"), timeout=30)
    try:
        ic = db.execute("PRAGMA integrity_check").fetchall()
        if ic != [("ok",)]:
            raise Damage(f"integrity_check: {ic[:5]}")
        fk = db.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            raise Damage(f"foreign_key_check: {fk[:5]}")
        last_audit = {}
        for kind, id_, version in db.execute("SELECT kind, id, version FROM audit_log ORDER BY seq"):
            last_audit[(kind, id_)] = version
        media = []
        for kind, id_, version, body in db.execute("SELECT kind, id, version, body FROM entities"):
            found["records"] += 1
            try:
                j = json.loads(body)
            except ValueError as e:
                raise Damage(f"{kind} {id_}: its JSON does not parse ({e})")
            if j.get("id") != id_:
                raise Damage(f"{kind} {id_}: the JSON names id {j.get('id')!r}")
            if "version" in j and j["version"] != version:
                raise Damage(f"{kind} {id_}: column version {version}, JSON version {j['version']}")
            # Every write through the store appends its audit entry in the same transaction: a
            # record newer than its last audit entry was written half.
            if (kind, id_) in last_audit and last_audit[(kind, id_)] != version:
                raise Damage(f"{kind} {id_}: version {version} but the audit log ends at {last_audit[(kind, id_)]}")
            if kind == "media_asset":
                media.append(j)
    finally:
        db.close()
    media_dir = data_dir / "media"
    for m in media:
        d = media_dir / m["id"]
        if not d.is_dir():
            continue  # a record imported with the seed has no files; the portal shows none
        orig = [f for f in d.iterdir() if f.name.startswith("original.")]
        if len(orig) != 1 or not (d / "thumb.png").is_file():
            raise Damage(f"media {m['id']}: files {[f.name for f in d.iterdir()]}")
        data = orig[0].read_bytes()
        if len(data) != m["size"] or blake2b_hex(data) != m["blake2b"]:
            raise Damage(f"media {m['id']}: {orig[0].name} does not match its record's size and hash")
        found["media_files"] += 1
    content = data_dir / "signage" / "content"
    if content.is_dir():
        for f in content.iterdir():
            if len(f.name) == 64 and all(c in "0123456789abcdef" for c in f.name):
                if blake2b_hex(f.read_bytes()) != f.name:
                    raise Damage(f"signage content {f.name}: the bytes do not match the name")
                found["signage_files"] += 1
            else:
                found["temp_left"] += 1
    for root, dirs, files in os.walk(data_dir):
        for n in dirs + files:
            if ".tmp-" in n or n.endswith(".part") or n.endswith(".tmp"):
                found["temp_left"] += 1
    return found


def integrity_after_restart(p):
    """The restarted portal answers and its store is readable end to end."""
    assert p.get("/healthz").status == 200
    r = p.get("/api/v1/articles?limit=100", headers=p.auth())
    assert r.status == 200, r.body[:300]


class Tally:
    """What a scenario did, printed at the end and written for RESULTS.md by run_long.sh."""

    def __init__(self, name, seed):
        self.name, self.seed = name, seed
        self.rounds = self.kills = self.acked = self.checked = self.lost = self.half = 0
        self.in_flight = 0
        self.temp_left = 0

    def report(self):
        line = (f"[faults] {self.name}: seed={self.seed} rounds={self.rounds} kills={self.kills} "
                f"acknowledged={self.acked} checked={self.checked} in_flight_at_kill={self.in_flight} "
                f"lost={self.lost} half_written={self.half} temp_files_left_ignored={self.temp_left}")
        print(line, flush=True)
        out = os.environ.get("PBGDPL_FAULT_TALLY")
        if out:
            with open(out, "a") as f:
                f.write(line + "\n")
        return line


def check_in_namespace(holder_pid, data_dir):
    """check_data_dir() run inside another mount namespace (the disk-full tests' tmpfs): SQLite
    resolves /proc/<pid>/root to "/" of the caller, so the check must run in the namespace."""
    import subprocess
    r = subprocess.run(["nsenter", "-t", str(holder_pid), "-m", sys.executable, __file__, "check", str(data_dir)],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise Damage(r.stdout + r.stderr)
    return json.loads(r.stdout)


def query_in_namespace(holder_pid, data_dir, sql):
    import subprocess
    r = subprocess.run(["nsenter", "-t", str(holder_pid), "-m", sys.executable, __file__, "query", str(data_dir), sql],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


if __name__ == "__main__":
    if sys.argv[1] == "check":
        print(json.dumps(check_data_dir(sys.argv[2])))
    elif sys.argv[1] == "query":
        db = sqlite3.connect(str(Path(sys.argv[2]) / "pbgdpl.db"), timeout=30)
        print(json.dumps(db.execute(sys.argv[3]).fetchall()))
