"""Builds pbgdpl._core with CMake for pip (setuptools, offline: no download at any step).

    python3 -m pip install --no-build-isolation ./bindings/python

configures the repository root (two levels up) in a temporary directory with
PBGDPL_BUILD_TESTS=OFF, PBGDPL_BUILD_PYTHON=ON, PBGDPL_SEPARATE_COMPILATION=ON, Release and the
interpreter running pip (Python_EXECUTABLE), builds the target ``pbgdpl_python`` and puts the module
in the wheel beside the pure-Python package, its stubs (_core.pyi) and py.typed.

Environment:
  PBGDPL_PYTHON_BUILD_DIR  an existing CMake build directory of this repository: its target
                           pbgdpl_python is built (brought up to date) and reused, nothing is
                           configured (the test suite uses its own build this way).
  PBGDPL_CMAKE_ARGS        extra arguments for the configure step (e.g. a compiler launcher).
  CMAKE_BUILD_PARALLEL_LEVEL  jobs for the build (default: the number of CPUs).

Nothing is written in the source tree: setuptools' build/ and *.egg-info go to a temporary
directory removed when the build ends.
"""
from __future__ import annotations

import atexit
import glob
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# setuptools' scratch space (build/, bdist, *.egg-info) outside the source tree.
SCRATCH = Path(tempfile.mkdtemp(prefix="pbgdpl-pip-"))
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def version() -> str:
    text = (ROOT / "include" / "pbgdpl" / "version.hpp").read_text(encoding="utf-8")
    m = re.search(r'#define\s+PBGDPL_VERSION_STRING\s+"([^"]+)"', text)
    if not m:
        raise RuntimeError("cannot read PBGDPL_VERSION_STRING from include/pbgdpl/version.hpp")
    return m.group(1)


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Builds the CMake target pbgdpl_python and copies its module where setuptools wants it."""

    def run(self) -> None:
        for ext in self.extensions:
            self.build_cmake(ext)

    def _run(self, cmd: list[str]) -> None:
        print("pbgdpl:", " ".join(shlex.quote(c) for c in cmd), flush=True)
        subprocess.run(cmd, check=True)

    def build_cmake(self, ext: Extension) -> None:
        if shutil.which("cmake") is None:
            sys.exit("pbgdpl: cmake is needed to build pbgdpl._core (apt-get install cmake)")
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        reuse = os.environ.get("PBGDPL_PYTHON_BUILD_DIR")
        if reuse:
            build_dir = Path(reuse).resolve()
            if not (build_dir / "CMakeCache.txt").is_file():
                sys.exit(f"pbgdpl: PBGDPL_PYTHON_BUILD_DIR={reuse} is not a configured CMake build directory")
        else:
            build_dir = SCRATCH / "cmake"
            cmd = ["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                   "-DPBGDPL_BUILD_TESTS=OFF", "-DPBGDPL_BUILD_PYTHON=ON", "-DPBGDPL_SEPARATE_COMPILATION=ON",
                   f"-DPython_EXECUTABLE={sys.executable}"]
            if shutil.which("ninja"):
                cmd += ["-G", "Ninja"]
            cmd += shlex.split(os.environ.get("PBGDPL_CMAKE_ARGS", ""))
            self._run(cmd)
        self._run(["cmake", "--build", str(build_dir), "--target", "pbgdpl_python", "--parallel", jobs])

        suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
        built = build_dir / "python" / "pbgdpl" / ("_core" + suffix)
        if not built.is_file():
            found = sorted(glob.glob(str(build_dir / "python" / "pbgdpl" / "_core*")))
            sys.exit(f"pbgdpl: no {built.name} in {built.parent} (found: {found or 'nothing'}); "
                     f"was that build configured for this interpreter ({sys.executable})?")
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, dest)
        os.chmod(dest, 0o755)


setup(
    version=version(),
    ext_modules=[CMakeExtension("pbgdpl._core")],
    cmdclass={"build_ext": CMakeBuild},
    options={
        "build": {"build_base": str(SCRATCH / "build")},
        "egg_info": {"egg_base": str(SCRATCH)},
    },
    zip_safe=False,
)
