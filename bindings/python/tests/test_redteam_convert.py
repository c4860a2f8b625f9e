"""Red team (issue 19): hostile Python values handed to from_py (every _core function taking a dict)."""
import os
import subprocess
import sys
import textwrap
import time

import pytest

import pbgdpl
from pbgdpl import _core


def run_isolated(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs `code` in a fresh interpreter (a crash must not take the test run down); returns it."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ))


def test_value_dropped_by_its_own_class_check_does_not_crash():
    # The only reference to the value is its dict's; a __class__ property (which isinstance reads)
    # clears the dict. The converter must keep its own reference, not use a freed object.
    r = run_isolated("""
        from pbgdpl import _core
        import pbgdpl
        parent = {}
        junk = []
        class Evil:
            @property
            def __class__(self):
                parent.clear()
                return int
            def __del__(self):
                junk.extend(bytearray(40) for _ in range(1000))
        errors = 0
        for i in range(200):
            parent.clear()
            parent["a"] = Evil()
            try:
                _core.model_decode("unit", parent)
            except pbgdpl.ValidationError:
                errors += 1
        print("ok", errors)
    """)
    assert r.returncode == 0, (r.returncode, r.stderr[-2000:])
    assert r.stdout.startswith("ok 200")


def test_shared_sublists_do_not_blow_up_exponentially():
    # 31 list objects, 2^31 nodes once written out: refused quickly, not hours of work.
    x: list = []
    for _ in range(30):
        x = [x, x]
    t0 = time.monotonic()
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.model_decode("unit", {"id": "u1", "x": x})
    assert info.value.code == "too_large"
    assert time.monotonic() - t0 < 10  # was: hours (2^31 nodes)


def test_one_big_string_repeated_is_refused_before_gigabytes():
    s = "x" * (1 << 20)
    t0 = time.monotonic()
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.model_decode("unit", {"id": "u1", "x": [s] * 3000})  # 3 GiB as JSON
    assert info.value.code == "too_large"
    assert time.monotonic() - t0 < 10  # was: hours (2^31 nodes)


def test_a_large_but_reasonable_value_still_converts():
    # Well under the budget: 8 MiB of text in 8 fields reaches the library's own checks.
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.model_decode("unit", {f"f{i}": "y" * (1 << 20) for i in range(8)})
    assert info.value.code != "too_large"


def test_budget_is_per_call():
    # Many calls each below the budget never add up to a refusal.
    s = "z" * (1 << 20)
    for _ in range(100):
        with pytest.raises(pbgdpl.ValidationError) as info:
            _core.model_decode("unit", {"x": s})
        assert info.value.code != "too_large"


def test_budget_of_one_thread_is_not_reset_by_another():
    # Thread A's conversion runs Python code (a to_dict()) and lets thread B start its own
    # from_py; A finishing first must not leave B with A's (empty) budget: B's value is small.
    import threading

    a_in, b_in, a_done = threading.Event(), threading.Event(), threading.Event()

    class Waits:
        kind = "unit"

        def __init__(self, mine, other):
            self.mine, self.other = mine, other

        def to_dict(self):
            self.mine.set()
            assert self.other.wait(10)
            return {}

    results = {}

    def run(name, value, after=None):
        try:
            _core.model_decode("unit", value)
        except pbgdpl.ValidationError as e:
            results[name] = e.code
        if after:
            after.set()

    ta = threading.Thread(target=run, args=("a", {"x": Waits(a_in, b_in)}, a_done))
    ta.start()
    assert a_in.wait(10)
    tb = threading.Thread(target=run, args=("b", {"x": Waits(b_in, a_done), "y": "small"}))
    tb.start()
    ta.join(20)
    tb.join(20)
    assert results.get("a") and results["a"] != "too_large"
    assert results.get("b") and results["b"] != "too_large", results


import datetime as dt  # noqa: E402
import json as _json  # noqa: E402
import pathlib  # noqa: E402

from conftest import SEED_DIR  # noqa: E402


def _article():
    return _json.loads((SEED_DIR / "articles.json").read_text(encoding="utf-8"))[0]


@pytest.mark.parametrize("when", [
    dt.datetime(1, 1, 1, 3),  # naive = Hà Nội: the year 0 in UTC
    dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-14))),  # the year 10000 in UTC
])
def test_datetime_past_the_calendar_is_a_validation_error(when):
    # Was a bare OverflowError from astimezone (not a pbgdpl.Error).
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core.model_encode("article", {**_article(), "created_at": when})
    assert info.value.code == "out_of_range" and info.value.path == "/created_at"


def test_datetime_subclass_overrides_are_not_trusted():
    class Odd(dt.datetime):
        def astimezone(self, tz=None):
            return "not a datetime"

        def strftime(self, fmt):
            return "1999-01-01T00:00:00Z"

    out = _core.model_encode("article", {**_article(), "created_at": Odd(2023, 3, 22, 8, 30)})
    assert out["created_at"] == "2023-03-22T08:30:00+07:00"


def test_a_year_below_1000_keeps_four_digits():
    # strftime("%Y") wrote "999-..." which the library read as malformed text.
    from pbgdpl import _core as c
    j = c.model_encode("article", {**_article(), "created_at": dt.datetime(2023, 1, 1, tzinfo=dt.timezone.utc)})
    assert j["created_at"].startswith("2023-01-01T07:00:00")
    with pytest.raises(pbgdpl.ValidationError) as info:
        c.model_encode("article", {**_article(), "created_at": dt.datetime(999, 1, 1, tzinfo=dt.timezone.utc)})
    assert "look like" not in info.value.message_en  # the year itself is judged, not its spelling


def test_pathlike_giving_bytes_becomes_its_text_not_its_repr():
    class BytesPath:
        def __fspath__(self):
            return "/tmp/bá".encode()

    import os
    os.PathLike.register(BytesPath)
    out = _core.model_encode("article", {**_article(), "title": BytesPath()})
    assert out["title"] == "/tmp/bá"
    assert _core.model_encode("article", {**_article(), "title": pathlib.PurePosixPath("/a/b")})["title"] == "/a/b"
