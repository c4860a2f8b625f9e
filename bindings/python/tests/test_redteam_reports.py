"""Red team (issue 19, round 2): where pbgdpl.reports writes its exports."""
import os
import threading

import pytest

import pbgdpl
from pbgdpl import reports
from pbgdpl.store import Store

PERIOD_2023 = "kh19-2023-2024-dot-2"
DIVISION = "pgddt-ha-dong"


@pytest.fixture
def rollup(tmp_path, seed_dir):
    with Store.sqlite(tmp_path / "r.db") as s:
        s.import_dataset(seed_dir)
        yield reports.rollup(s, PERIOD_2023, DIVISION, include_submitted=True)


def write_in_thread(fn, timeout=20):
    done = []

    def run():
        try:
            fn()
            done.append("ok")
        except pbgdpl.Error as e:
            done.append(e.code)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    return done


def test_an_export_to_a_fifo_does_not_hang(tmp_path, rollup):
    # write_file() opened the path for writing: a FIFO there blocked until a reader came.
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    done = write_in_thread(lambda: rollup.to_csv(fifo))
    if not done:
        fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # let the stuck writer go
        os.close(fd)
    assert done, "Rollup.to_csv(path) hung on a FIFO"


def test_an_export_replaces_a_planted_link_instead_of_writing_through_it(tmp_path, rollup):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = tmp_path / "out.csv"
    os.symlink(victim, link)
    text = rollup.to_csv(link)
    assert victim.read_text() == "precious\n"
    assert not link.is_symlink()
    assert link.read_bytes() == text.encode("utf-8")


def test_a_pdf_export_is_written_whole(tmp_path, rollup):
    data = rollup.to_pdf(tmp_path / "r.pdf")
    assert data.startswith(b"%PDF") and (tmp_path / "r.pdf").read_bytes() == data
    with pytest.raises(pbgdpl.ValidationError):
        rollup.to_csv(str(tmp_path / "x.csv") + "\0.txt")


@pytest.mark.parametrize("year,code", [(True, "wrong_type"), (2026.0, "wrong_type"), ("2026", "wrong_type"),
                                       (10 ** 30, "out_of_range"), (0, "out_of_range")])
def test_ensure_periods_refuses_a_bool_or_odd_year_and_stores_nothing(tmp_path, seed_dir, year, code):
    # True is 1: ensure_periods(store, t, True) stored the two periods of the year 1.
    with Store.memory() as s:
        s.import_dataset(seed_dir)
        before = s.count("report_period")
        with pytest.raises(pbgdpl.ValidationError) as info:
            reports.ensure_periods(s, "bc-kh19", year)
        assert info.value.code == code
        assert s.count("report_period") == before
        with pytest.raises(pbgdpl.ValidationError):
            reports.period_id_for("bc-kh19", year, 1)


@pytest.mark.parametrize("rnd", [True, 0, 3, 1.0])
def test_period_id_for_refuses_a_bool_or_odd_round(rnd):
    with pytest.raises(pbgdpl.ValidationError):
        reports.period_id_for("bc-kh19", 2026, rnd)


def test_save_values_refuses_a_bool_version(tmp_path, seed_dir):
    with Store.memory() as s:
        s.import_dataset(seed_dir)
        with pytest.raises(pbgdpl.ValidationError) as info:
            reports.save_values(s, "bc-th-van-yen-2023-2024-dot-2", [], actor="acc-school-editor",
                                expected_version=True)
        assert info.value.code == "wrong_type"
