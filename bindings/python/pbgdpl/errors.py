"""The exceptions pbgdpl raises.

Every error of the library is an instance of :class:`Error` (or one of its subclasses, chosen by
the error's code) with the same four facts the C++ library and the HTTP API give:

``code``        a stable identifier such as ``"conflict"`` or ``"bad_signature"``;
``path``        a JSON pointer to the field at fault (``"/title"``), empty when not about a field;
``message_vi``  what happened, in Vietnamese; ``message_en``  the same in English;
``details``     further errors of the same kind (a validation reports every field at once).

``str(e)`` reads ``"path: English / Vietnamese"``.
"""
from __future__ import annotations

from typing import List, Sequence

__all__ = [
    "Error", "ValidationError", "NotFoundError", "ConflictError", "SignatureError",
    "AccessDeniedError", "StorageError", "PluginError", "InternalError", "error_class_for",
]


class Error(Exception):
    """Base class of every pbgdpl error."""

    code: str
    path: str
    message_vi: str
    message_en: str
    details: List["Error"]

    def __init__(self, message_en: str = "", *, code: str = "internal", path: str = "",
                 message_vi: str = "", details: Sequence["Error"] = ()) -> None:
        self.code = code
        self.path = path
        self.message_en = message_en
        self.message_vi = message_vi or message_en
        self.details = list(details)
        text = (path + ": " if path else "") + message_en
        if message_vi and message_vi != message_en:
            text += " / " + message_vi
        super().__init__(text)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, path={self.path!r}, message_en={self.message_en!r})"


class ValidationError(Error, ValueError):
    """Input that is malformed or breaks a rule: bad JSON, wrong types, missing fields, text
    that is not UTF-8, a date or document number that does not parse, a value out of range."""


class NotFoundError(Error, LookupError):
    """The record, key, file or plugin asked for does not exist."""


class ConflictError(Error):
    """Someone else changed the record since it was read (its version moved on), or it already
    exists. Read it again and retry."""


class SignatureError(Error):
    """A signature, key or approval does not check out: bad or unknown signature, tampered
    content, an expired, revoked or superseded approval, a key used for the wrong purpose."""


class AccessDeniedError(Error, PermissionError):
    """The caller may not do this: no permission, not signed in, or throttled."""


class StorageError(Error, OSError):
    """The storage failed: an I/O error, corrupt or too new data, read-only or full storage,
    busy, or a path that is not safe to use."""


class PluginError(Error):
    """A plugin could not be found, checked, loaded or used."""


class InternalError(Error):
    """A bug or an unexpected state inside the library."""


_CLASSES = {
    ValidationError: ("invalid_argument", "invalid_utf8", "parse_error", "missing_field", "wrong_type",
                      "out_of_range", "too_large", "bad_date", "bad_document_number",
                      "validation_failed"),
    NotFoundError: ("not_found",),
    ConflictError: ("conflict", "already_exists"),
    StorageError: ("io_error", "corrupt", "unsupported_version", "read_only", "storage_full", "busy",
                   "unsafe_path"),
    AccessDeniedError: ("permission_denied", "unauthenticated", "csrf", "too_many_attempts"),
    SignatureError: ("bad_signature", "unknown_key", "tampered", "expired", "not_yet_valid", "revoked",
                     "superseded", "wrong_use", "bad_key", "clock_rollback"),
    InternalError: ("internal",),
}
_BY_CODE = {code: cls for cls, codes in _CLASSES.items() for code in codes}


def error_class_for(code: str) -> type:
    """The exception class raised for a library error code (``Error`` for an unknown code)."""
    return _BY_CODE.get(code, Error)


def _from_core(code: str, path: str, message_vi: str, message_en: str, details: list) -> Error:
    # Called by pbgdpl._core to build the exception for a library error.
    return error_class_for(code)(message_en, code=code, path=path, message_vi=message_vi, details=details)
