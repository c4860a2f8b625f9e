"""Small helpers shared by pbgdpl.reports and pbgdpl.signage: stores, ids, records, key texts and
safe file reading. Not public API."""
from __future__ import annotations

import datetime as _dt
import os
import stat
from typing import Any, Dict, Optional, Union

from .errors import StorageError, ValidationError

PathLike = Union[str, "os.PathLike[str]"]

#: Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving since 1975).
HANOI = _dt.timezone(_dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

#: Key and CSV files larger than this are refused before they are read.
MAX_TEXT_FILE = 16 * 1024 * 1024


def handle(store: Any) -> Any:
    """The _core store handle behind a pbgdpl.Store (or the handle itself)."""
    h = getattr(store, "handle", store)
    if h is None:
        raise StorageError("The store is closed", code="io_error", message_vi="Kho dữ liệu đã đóng")
    return h


def ident(x: Any, what: str = "id") -> str:
    """An id given as text, a model object (its .id) or a dict (its "id")."""
    if isinstance(x, str):
        return x
    if isinstance(x, dict):
        v = x.get("id")
    else:
        v = getattr(x, "id", None)
    if isinstance(v, str) and v:
        return v
    raise ValidationError(f"Expected an id or a record with an id for {what}", code="wrong_type", path="/" + what,
                          message_vi=f"Cần một mã hoặc một bản ghi có mã cho {what}")


def load(kind: str, d: Dict[str, Any]) -> Any:
    """A record dict from the library as the pbgdpl.model object of its kind."""
    from . import model
    return model.load(kind, d)


def as_dict(x: Any) -> Dict[str, Any]:
    """A record as its JSON dict (model objects through to_dict())."""
    if isinstance(x, dict):
        return x
    to_dict = getattr(x, "to_dict", None)
    if to_dict is None:
        raise ValidationError("Expected a record (dict or model object)", code="wrong_type",
                              message_vi="Cần một bản ghi (dict hoặc đối tượng mô hình)")
    return to_dict()


def read_text_file(path: PathLike, what: str = "file") -> str:
    """The UTF-8 text of a regular file, refused without blocking when it is a FIFO, a device or a
    directory, and refused when larger than MAX_TEXT_FILE."""
    p = os.fspath(path)
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        from .errors import NotFoundError
        raise NotFoundError(f"No such {what}: {p}", code="not_found", message_vi=f"Không có tệp: {p}") from None
    except OSError as e:
        raise StorageError(f"Cannot open the {what} {p}: {e.strerror}", code="io_error",
                           message_vi=f"Không mở được tệp {p}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise StorageError(f"Not a regular file: {p}", code="unsafe_path", message_vi=f"Không phải tệp thường: {p}")
        if st.st_size > MAX_TEXT_FILE:
            raise ValidationError(f"The {what} is too large: {p}", code="too_large", message_vi=f"Tệp quá lớn: {p}")
        with os.fdopen(fd, "rb", closefd=True) as f:
            fd = -1
            data = f.read(MAX_TEXT_FILE + 1)
    finally:
        if fd >= 0:
            os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"The {what} is not UTF-8 text: {p}", code="invalid_utf8",
                              message_vi=f"Tệp không phải văn bản UTF-8: {p}") from None


def write_file(path: PathLike, data: Union[str, bytes]) -> None:
    """Writes bytes (or UTF-8 text) to a file, replacing it atomically (a fresh file renamed over
    it): a symbolic link or a FIFO at `path` is replaced, not written through (a FIFO blocked the
    caller; a link wrote outside the directory named), and a failure leaves no half-written file.
    ValidationError for a path with a NUL; StorageError for I/O errors."""
    from . import _core
    p = os.fspath(path)
    p = os.fsdecode(p) if isinstance(p, bytes) else p
    if "\0" in p:
        raise ValidationError("The path contains a NUL character", code="invalid_argument", path="/path",
                              message_vi="Đường dẫn chứa ký tự NUL")
    b = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    _core.trust_write_file(p, b)


def key_text(key: Any, what: str = "key") -> str:
    """A minisign key as its file text: a pbgdpl.trust key object (dumps()), the text itself, bytes,
    or a path (str or PathLike) to a .key/.pub file."""
    if isinstance(key, bytes):
        try:
            return key.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"The {what} is not UTF-8 text", code="invalid_utf8",
                                  message_vi="Khóa không phải văn bản UTF-8") from None
    if isinstance(key, os.PathLike):
        return read_text_file(key, what)
    if isinstance(key, str):
        if "\n" in key or key.startswith("untrusted comment") or not os.path.exists(key):
            return key
        return read_text_file(key, what)
    for attr in ("dumps", "to_file"):
        f = getattr(key, attr, None)
        if callable(f):
            t = f()
            return t.decode("utf-8") if isinstance(t, bytes) else t
    raise ValidationError(f"Expected a minisign {what} (text, path or key object)", code="wrong_type",
                          message_vi="Cần một khóa minisign (văn bản, đường dẫn hoặc đối tượng khóa)")


def from_epoch(seconds: int, tz: Optional[_dt.tzinfo] = None) -> _dt.datetime:
    """UTC epoch seconds as an aware datetime (in Hà Nội time by default)."""
    return _dt.datetime.fromtimestamp(seconds, tz or HANOI)
