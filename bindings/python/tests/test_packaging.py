"""pip packaging: `pip install --no-build-isolation` of bindings/python builds pbgdpl._core through
setup.py (here reusing the suite's own CMake build through PBGDPL_PYTHON_BUILD_DIR, to stay within
the time budget) and installs a package that works outside the source and build trees, and pip
leaves nothing behind in the source tree."""
import os
import pathlib
import subprocess
import sys
import textwrap
import types

import pytest

from conftest import BINARY_DIR, SOURCE_DIR

PACKAGE_SOURCE = SOURCE_DIR / "bindings" / "python"


def tree_snapshot(root: pathlib.Path):
    """Every path under root (relative), skipping __pycache__ (the suite's own imports write them)."""
    out = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__" and d != ".pytest_cache"]
        for name in dirnames + filenames:
            out.add(str(pathlib.Path(dirpath, name).relative_to(root)))
    return out


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON") and k != "PIP_TARGET"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    if not (BINARY_DIR / "CMakeCache.txt").is_file():
        pytest.skip(f"no CMake build in {BINARY_DIR} to reuse")
    target = tmp_path_factory.mktemp("site")
    before = tree_snapshot(PACKAGE_SOURCE)
    staged = sorted((BINARY_DIR / "python" / "pbgdpl").glob("*.py"))
    staged_times = {p.name: p.stat().st_mtime_ns for p in staged}
    cmd = [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
           "--disable-pip-version-check", "--target", str(target), str(PACKAGE_SOURCE)]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, cwd=str(target),
                         env=clean_env(PBGDPL_PYTHON_BUILD_DIR=str(BINARY_DIR)))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    after = tree_snapshot(PACKAGE_SOURCE)
    return types.SimpleNamespace(target=target, before=before, after=after, staged_before=staged_times,
                                 staged_after={p.name: p.stat().st_mtime_ns for p in staged})


def test_reusing_the_build_leaves_the_staged_package_alone(installed):
    # Other suites import <build>/python/pbgdpl while this one runs (ctest -j): pip's build of the
    # reused tree must not rewrite unchanged modules under them.
    assert installed.staged_before and installed.staged_before == installed.staged_after


def test_pip_leaves_the_source_tree_as_it_was(installed):
    assert sorted(installed.after - installed.before) == []
    assert not (PACKAGE_SOURCE / "build").exists()
    assert not list(PACKAGE_SOURCE.glob("*.egg-info"))


def test_installs_the_module_stubs_and_marker(installed):
    target = installed.target
    pkg = target / "pbgdpl"
    assert list(pkg.glob("_core*.so"))
    for name in ("__init__.py", "errors.py", "portal.py", "_core.pyi", "py.typed"):
        assert (pkg / name).is_file(), name
    # The pure-Python modules are the source's, byte for byte.
    for py in PACKAGE_SOURCE.joinpath("pbgdpl").glob("*.py"):
        assert (pkg / py.name).read_bytes() == py.read_bytes(), py.name
    dist = list(target.glob("pbgdpl-*.dist-info"))
    assert len(dist) == 1
    assert "Name: pbgdpl" in (dist[0] / "METADATA").read_text(encoding="utf-8")


def test_the_installed_package_works_outside_the_trees(installed, tmp_path):
    target = installed.target
    code = textwrap.dedent("""
        import json, pathlib, sys, urllib.request
        import pbgdpl
        from pbgdpl.portal import Portal
        print(json.dumps({"file": pbgdpl.__file__, "core": pbgdpl._core.__file__, "version": pbgdpl.__version__}))
        try:
            Portal("var", port=70000)
        except pbgdpl.ValidationError as e:
            print("error", e.code, e.path)
        with Portal("var") as p:
            with urllib.request.urlopen(p.url + "/healthz", timeout=10) as r:
                print("healthz", r.status)
    """)
    # Run from an empty directory with only the target on sys.path: not the source, not the build.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(tmp_path), env=clean_env(PYTHONPATH=str(target)))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    info = __import__("json").loads(lines[0])
    assert pathlib.Path(info["file"]).resolve().is_relative_to(target.resolve())
    assert pathlib.Path(info["core"]).resolve().is_relative_to(target.resolve())
    assert info["version"] == __import__("pbgdpl").__version__
    assert "error out_of_range /port" in lines
    assert "healthz 200" in lines


def test_a_build_dir_that_is_not_one_is_refused(tmp_path):
    out = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                          "--disable-pip-version-check", "--target", str(tmp_path / "t"), str(PACKAGE_SOURCE)],
                         capture_output=True, text=True, timeout=300, cwd=str(tmp_path),
                         env=clean_env(PBGDPL_PYTHON_BUILD_DIR=str(tmp_path)))
    assert out.returncode != 0
    assert "not a configured CMake build directory" in out.stdout + out.stderr
    assert not (tmp_path / "t" / "pbgdpl").exists()
