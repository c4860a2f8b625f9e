"""pbgdpl/_core.pyi names exactly what pbgdpl._core has (functions and classes), so editors and
type checkers see the real module."""
import ast
import pathlib

from pbgdpl import _core

STUB = pathlib.Path(__file__).resolve().parents[1] / "pbgdpl" / "_core.pyi"


def stub_names():
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def module_names():
    return {n for n in dir(_core) if not n.startswith("__")}


def test_every_module_name_is_stubbed():
    assert sorted(module_names() - stub_names()) == []


def test_every_stub_name_exists():
    assert sorted(stub_names() - module_names() - {"__version__"}) == []


def test_every_public_function_has_a_docstring():
    missing = [n for n in module_names() if not n.startswith("_") and callable(getattr(_core, n))
               and not (getattr(_core, n).__doc__ or "").strip()]
    assert missing == []
