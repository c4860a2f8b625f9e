"""Library errors arrive as pbgdpl's exception classes with code, path and both messages."""
import pytest

import pbgdpl
from pbgdpl import _core
from pbgdpl.errors import error_class_for


@pytest.mark.parametrize("code,cls", [
    ("validation_failed", pbgdpl.ValidationError), ("missing_field", pbgdpl.ValidationError),
    ("invalid_utf8", pbgdpl.ValidationError), ("not_found", pbgdpl.NotFoundError),
    ("conflict", pbgdpl.ConflictError), ("already_exists", pbgdpl.ConflictError),
    ("bad_signature", pbgdpl.SignatureError), ("tampered", pbgdpl.SignatureError),
    ("permission_denied", pbgdpl.AccessDeniedError), ("corrupt", pbgdpl.StorageError),
    ("internal", pbgdpl.InternalError),
])
def test_codes_map_to_classes(code, cls):
    with pytest.raises(cls) as info:
        _core._raise_for_test(code, "/title")
    e = info.value
    assert isinstance(e, pbgdpl.Error)
    assert e.code == code and e.path == "/title"
    assert e.message_vi and e.message_en and e.message_vi != e.message_en
    assert str(e).startswith("/title: ")


def test_python_bases_for_idiomatic_catching():
    assert issubclass(pbgdpl.ValidationError, ValueError)
    assert issubclass(pbgdpl.NotFoundError, LookupError)
    assert issubclass(pbgdpl.AccessDeniedError, PermissionError)
    assert error_class_for("no_such_code") is pbgdpl.Error


def test_every_library_code_has_a_class():
    # Every code the C++ library can raise maps to a specific class (not the bare base).
    import re
    header = (pytest.importorskip("pathlib").Path(__file__).resolve().parents[3]
              / "include/pbgdpl/core/errors.hpp").read_text(encoding="utf-8")
    body = header[header.index("enum class errc"):header.index("};", header.index("enum class errc"))]
    codes = [c for c in re.findall(r"^\s+(\w+) = \d+", body, re.M) if c != "ok"]
    assert len(codes) > 30
    unmapped = [c for c in codes if error_class_for(c) is pbgdpl.Error]
    assert unmapped == []


def test_error_texts_with_invalid_bytes_still_raise_the_error():
    with pytest.raises(pbgdpl.ValidationError) as info:
        _core._raise_invalid_text_for_test()
    assert info.value.code == "parse_error"
    assert "\ufffd" in info.value.message_en and "\ufffd" in info.value.path
