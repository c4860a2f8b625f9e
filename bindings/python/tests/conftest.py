"""Shared fixtures for the pbgdpl Python suite. Run through CTest (`make test`), which puts the
built package on PYTHONPATH and names the build's plugins and CLI in the environment."""
import os
import pathlib

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("PBGDPL_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[3]))
BINARY_DIR = pathlib.Path(os.environ.get("PBGDPL_BINARY_DIR", SOURCE_DIR / "build"))
SEED_DIR = SOURCE_DIR / "data" / "seed"


@pytest.fixture
def seed_dir() -> pathlib.Path:
    return SEED_DIR


@pytest.fixture
def plugin_dir() -> pathlib.Path:
    return pathlib.Path(os.environ.get("PBGDPL_PLUGIN_DIR", BINARY_DIR / "plugins"))


# Under CTest (`make test`) every prerequisite is built and installed, so a skipped test means
# something is missing that should not be: PBGDPL_STRICT_SKIPS=1 turns skips into failures.
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("PBGDPL_STRICT_SKIPS") == "1" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped under PBGDPL_STRICT_SKIPS=1 (make test builds and installs everything): {report.longrepr}"


def _postgres_from_test_dir() -> None:
    # The CTest fixture's PostgreSQL (scripts/pg-test-server.sh) writes its conninfo to DIR/conninfo.
    d = os.environ.get("PBGDPL_PG_TEST_DIR")
    if d and not os.environ.get("PBGDPL_TEST_PG"):
        f = pathlib.Path(d) / "conninfo"
        if f.is_file():
            os.environ["PBGDPL_TEST_PG"] = f.read_text(encoding="utf-8").strip()


_postgres_from_test_dir()
