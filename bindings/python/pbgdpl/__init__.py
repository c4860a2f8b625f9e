"""pbgdpl: legal dissemination and education (PBGDPL) for Vietnamese schools, from Python.

The same library as the C++ headers (``<pbgdpl/pbgdpl.hpp>``), in Pythonic form:

- :mod:`pbgdpl.model`: one class per stored kind (``Article``, ``LegalDocument``, ``Unit``,
  ``ReportTemplate``...) with attributes, ``to_dict``/``from_dict``, JSON and ``validate()``;
- :mod:`pbgdpl.text`: Vietnamese folding (``fold("Kế hoạch") == "ke hoach"``), NFC, slugs, dates
  ("ngày 22 tháng 3 năm 2023"), document numbers ("19/KH-PGDĐT");
- :mod:`pbgdpl.store`: the SQLite (or in-memory, or plugin) store with Vietnamese search;
- :mod:`pbgdpl.trust`: minisign-compatible keys and signatures, approvals, signed media bundles;
- :mod:`pbgdpl.reports`: report templates, the signed workflow, validation, roll-ups, exports;
- :mod:`pbgdpl.signage`: the signage scheduler (what plays when, in Hà Nội time);
- :mod:`pbgdpl.portal`: the reference portal served from background threads;
- :mod:`pbgdpl.plugins`: loading plugins (store backends, notifiers, exporters).

Errors are :class:`pbgdpl.Error` and its subclasses (:mod:`pbgdpl.errors`).
"""
from __future__ import annotations

from .errors import (AccessDeniedError, ConflictError, Error, InternalError, NotFoundError, PluginError,
                     SignatureError, StorageError, ValidationError)
from . import _core

__version__: str = _core.__version__

from . import model, text, trust, store, reports, signage, plugins, portal  # noqa: E402
from .model import *  # noqa: E402,F401,F403  (Model, Field and the 36 kind classes)
from .model import __all__ as _model_names  # noqa: E402
from .text import (DocumentNumber, fold, nfc, parse_document_number, place_date, slug,  # noqa: E402
                   vietnamese_date)
from .store import AuditEntry, Page, SearchHit, SearchPage, Store  # noqa: E402
from .trust import KeyPair, Keyring, PublicKey, SecretKey, SequenceTracker, Signature  # noqa: E402
from .plugins import PluginHost, PluginInfo  # noqa: E402
from .portal import Portal  # noqa: E402

__all__ = [
    "__version__",
    # errors
    "Error", "ValidationError", "NotFoundError", "ConflictError", "SignatureError", "AccessDeniedError",
    "StorageError", "PluginError", "InternalError",
    # submodules
    "model", "text", "trust", "store", "reports", "signage", "plugins", "portal",
    # text
    "fold", "nfc", "slug", "vietnamese_date", "place_date", "DocumentNumber", "parse_document_number",
    # store, trust, plugins, portal
    "Store", "SearchHit", "SearchPage", "Page", "AuditEntry",
    "KeyPair", "PublicKey", "SecretKey", "Signature", "Keyring", "SequenceTracker",
    "PluginHost", "PluginInfo", "Portal",
] + [n for n in _model_names if n not in ("load", "kinds", "class_for", "HANOI")]
