"""pbgdpl: legal dissemination and education (PBGDPL) for Vietnamese schools, from Python.

The same library as the C++ headers (``<pbgdpl/pbgdpl.hpp>``), in Pythonic form: model objects with
attributes and ``to_dict``/``from_dict``, a SQLite store with Vietnamese search, minisign keys and
signed approvals and bundles, the yearly reports, the signage scheduler, the portal server and
plugins. Errors are :class:`pbgdpl.Error` and its subclasses (see :mod:`pbgdpl.errors`).
"""
from __future__ import annotations

from .errors import (AccessDeniedError, ConflictError, Error, InternalError, NotFoundError, PluginError,
                     SignatureError, StorageError, ValidationError)
from . import _core

__version__: str = _core.__version__

__all__ = [
    "Error", "ValidationError", "NotFoundError", "ConflictError", "SignatureError", "AccessDeniedError",
    "StorageError", "PluginError", "InternalError", "__version__",
]
from .store import AuditEntry, Page, SearchHit, SearchPage, Store
from .plugins import Exporter, Notifier, PluginHost, PluginInfo
from .trust import KeyPair, Keyring, PublicKey, SecretKey, SequenceTracker, Signature  # noqa: E402,F401  (helper trust)
from . import model, text  # noqa: E402  (helper model: pbgdpl.model, pbgdpl.text)
from .portal import Portal  # noqa: E402,F401  (helper portal)
