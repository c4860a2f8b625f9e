"""pytest fixtures: a real portal process per test module, stopped with SIGTERM at the end
(its exit status must be 0: a graceful shutdown)."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from portal_proc import Portal  # noqa: E402


@pytest.fixture(scope="module")
def portal():
    p = Portal().start()
    try:
        yield p
        assert p.alive(), "the portal died during the tests:\n" + p.log_path.read_text(errors="replace")
        code = p.stop()
        assert code == 0, f"SIGTERM should stop the portal gracefully (exit 0), got {code}:\n" + \
            p.log_path.read_text(errors="replace")
    finally:
        p.cleanup()


@pytest.fixture
def fresh_portal():
    """A portal of its own for a test that writes."""
    p = Portal().start()
    try:
        yield p
        assert p.alive(), "the portal died during the test:\n" + p.log_path.read_text(errors="replace")
        assert p.stop() == 0
    finally:
        p.cleanup()
