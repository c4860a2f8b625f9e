"""Red team (issue 19, round 2): a Store closed on another thread while reports, signage or the
store itself still use it; transactions that close or re-enter the store."""
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import pbgdpl
from pbgdpl.store import Store

SRC = pathlib.Path(__file__).resolve().parents[1] / "src"


def run(code: str, tmp_path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(pathlib.Path(pbgdpl.__file__).resolve().parents[1]))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_close_during_a_report_call_does_not_free_the_store_under_it(tmp_path, seed_dir):
    # reports_* kept only h.get()'s reference across the GIL release: a close() on another thread
    # destroyed the SQLite store under the running call ("prepare: bad parameter or other API
    # misuse", an InternalError from a freed connection; a crash at other moments).
    code = f"""
        import sqlite3, threading, time
        from pbgdpl import _core
        from pbgdpl.store import Store
        path = {str(tmp_path / "a.db")!r}
        s = Store.sqlite(path, busy_timeout_ms=3000)
        s.import_dataset({str(seed_dir)!r})
        h = s.handle
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # the call's write waits here, GIL released
        out = []
        def call():
            try:
                out.append(_core.reports_ensure_periods(h, "bc-kh19", 2031, None, "system"))
            except Exception as e:
                out.append(e)
        t = threading.Thread(target=call)
        t.start()
        time.sleep(0.4)
        s.close()
        time.sleep(0.2)
        other.execute("ROLLBACK")
        other.close()
        t.join()
        r = out[0]
        assert isinstance(r, list) and len(r) == 2, repr(r)
        print("ok")
    """
    p = run(code, tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "ok"


@pytest.mark.parametrize("name", ["reports.cpp", "reports_rollup.cpp", "signage.cpp"])
def test_no_binding_keeps_only_a_reference_to_the_store_across_a_gil_release(name):
    # store.cpp's rule: take h.shared() under the GIL, then release it. A bare h.get() reference
    # lets a close() on another thread free the store while the call uses it.
    text = (SRC / name).read_text(encoding="utf-8")
    assert not re.search(r"auto\s*&\s*\w+\s*=\s*h\.get\(\)", text)


def test_a_backup_is_owner_only_like_the_database(tmp_path, seed_dir):
    # The database is 0600 (askers' contact details); Store.backup() wrote its copy with the
    # umask's mode (0644 here: readable by every local user).
    old = os.umask(0o022)
    try:
        with Store.sqlite(tmp_path / "a.db") as s:
            s.import_dataset(seed_dir)
            s.backup(tmp_path / "copy.db")
    finally:
        os.umask(old)
    assert os.stat(tmp_path / "a.db").st_mode & 0o777 == 0o600
    assert os.stat(tmp_path / "copy.db").st_mode & 0o777 == 0o600
    with Store.sqlite(tmp_path / "copy.db") as c:
        assert c.count("unit") > 0


@pytest.mark.parametrize("how", ["open", "backup"])
def test_a_dangling_link_as_the_database_or_backup_is_refused(tmp_path, how):
    # SQLite followed the link and created the file where it pointed (outside the directory
    # named, mode 0644).
    target = tmp_path / "elsewhere" / "x.db"
    target.parent.mkdir()
    link = tmp_path / "link.db"
    os.symlink(target, link)
    with pytest.raises(pbgdpl.Error) as info:
        if how == "open":
            Store.sqlite(link)
        else:
            with Store.memory() as m, Store.sqlite(tmp_path / "a.db") as s:
                s.backup(link)
    assert info.value.code == "unsafe_path"
    assert not target.exists()


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_a_report_call_while_another_thread_holds_a_transaction_does_not_deadlock(tmp_path, seed_dir, backend):
    # actor_of() read the account holding the GIL: the transaction's thread holds the store's lock
    # and waits for the GIL when its callable wakes; the report call holds the GIL and waits for
    # the lock. Both threads hung for ever.
    code = f"""
        import faulthandler, threading, time
        faulthandler.dump_traceback_later(20, exit=True)
        from pbgdpl import _core
        from pbgdpl.store import Store
        s = Store.memory() if {backend!r} == "memory" else Store.sqlite({str(tmp_path / "d.db")!r})
        s.import_dataset({str(seed_dir)!r})
        entered = threading.Event()
        def tx():
            entered.set()
            time.sleep(0.5)  # the GIL is free, the store stays locked by this transaction
            return 1
        t = threading.Thread(target=lambda: s.transaction(tx))
        t.start()
        entered.wait()
        time.sleep(0.1)
        d = _core.reports_open_draft(s.handle, "kh19-2023-2024-dot-2", "th-van-yen", "acc-school-editor", None)
        t.join()
        assert d["unit"] == "th-van-yen", d
        print("ok")
    """
    p = run(code, tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "ok"
