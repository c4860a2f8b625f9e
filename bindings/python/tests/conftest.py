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
