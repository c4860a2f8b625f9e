"""Red team (issue 19): threads in GIL-released calls while the interpreter exits."""
import os
import subprocess
import sys
import textwrap

import pytest

SCENARIO = """
import os, sys, tempfile, threading, time
import pbgdpl
from pbgdpl import model, text, trust, signage
which = sys.argv[1]
st = pbgdpl.Store.open(os.path.join(tempfile.mkdtemp(), "s.db"))
st.import_dataset(os.environ["PBGDPL_SOURCE_DIR"] + "/data/seed")
kp = trust.KeyPair.generate()
body = "Kế hoạch " * 2000
path = os.path.join(tempfile.mkdtemp(), "f.bin")
with open(path, "wb") as f:
    f.write(b"\\0" * 2_000_000)
def work():
    while True:
        if which == "sign": trust.sign(b"x" * 100_000, kp.secret_key)
        elif which == "hash": trust.hash_file(path)
        elif which == "fold": text.fold(body)
        elif which == "search": list(st.search("ke hoach", limit=None))
        elif which == "rollup": pbgdpl.reports.templates(st)
        elif which == "decode":
            try: model.class_for("unit").from_dict({"id": "u1", "name": body})
            except pbgdpl.ValidationError: pass
for _ in range(3):
    threading.Thread(target=work, daemon=True).start()
time.sleep(0.3)
print("main done")
"""


@pytest.mark.parametrize("which", ["sign", "hash", "fold", "decode", "search", "rollup"])
def test_daemon_threads_in_released_calls_do_not_abort_the_exit(which):
    # The GIL was taken back in gil_scoped_release's destructor: a daemon thread returning during
    # finalization got pthread_exit there, std::terminate, and the process aborted (code 134).
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", textwrap.dedent(SCENARIO), which], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ))
        assert r.returncode == 0, (which, r.returncode, r.stderr[-1000:])
        assert "main done" in r.stdout
        assert "terminate called" not in r.stderr


FINALIZING = """
import os, sys, tempfile
import pbgdpl
from pbgdpl.portal import Portal
d = tempfile.mkdtemp()
try:
    Portal(os.path.join(d, "a"), port=70000)   # refused; the half-made object is collected at exit
except pbgdpl.ValidationError:
    pass
keep = Portal(os.path.join(d, "b")).start()       # still running when the interpreter finalizes
store = pbgdpl.Store.open(os.path.join(d, "s.db"))  # closed by its finalizer, not by us
print("main done")
"""


def test_released_calls_made_by_the_finalizing_main_thread_do_not_park_it():
    # Threads other than the main one are parked when they come back during finalization; the
    # main thread, which finalizes, must take the GIL back (a portal stopped by __del__ at exit
    # parked it forever: the process hung).
    r = subprocess.run([sys.executable, "-c", textwrap.dedent(FINALIZING)], capture_output=True, text=True,
                       timeout=60, env=dict(os.environ))
    assert r.returncode == 0, (r.returncode, r.stderr[-1000:])
    assert "main done" in r.stdout
