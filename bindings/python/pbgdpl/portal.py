"""The reference portal, served from inside a Python process.

:class:`Portal` starts the library's portal (the pages of every unit's PBGDPL section, the feeds,
search, the JSON API under ``/api/v1/``, the editor under ``/quan-tri/``, ``/healthz``) on
background threads, over a data directory (its SQLite store ``<data_dir>/pbgdpl.db``, created,
with the portal's keys and uploaded media beside it) or over a store the caller already holds::

    from pbgdpl.portal import Portal

    with Portal("var", seed="data/seed") as portal:      # port 0: a free port
        print(portal.url + "/pbgdpl/")                    # http://127.0.0.1:PORT/pbgdpl/
        urllib.request.urlopen(portal.url + "/healthz")

The server's threads run without the GIL: Python threads (an HTTP client in the same process
included) keep running while it serves. A port already in use raises
:class:`pbgdpl.StorageError` (code ``io_error``, path ``/port``; binding a port is the I/O the
portal could not do), with the message in Vietnamese and English. Portals still running when the
interpreter exits are stopped then (no hang at exit).
"""
from __future__ import annotations

import atexit
import datetime
import os
import threading
import weakref
from typing import Any, Optional, Union

from . import _core
from .errors import ValidationError

__all__ = ["Portal"]

PathArg = Union[str, "os.PathLike[str]"]

# Portals started and not yet stopped: stopped at interpreter exit (their C++ threads would
# otherwise outlive the objects they read).
_running: "weakref.WeakSet[Portal]" = weakref.WeakSet()
_running_lock = threading.Lock()


def _stop_all() -> None:
    with _running_lock:
        portals = list(_running)
    for p in portals:
        try:
            p.stop()
        except Exception:  # pragma: no cover - exit must go on
            pass


atexit.register(_stop_all)


def _store_handle(store: Any) -> Optional[Any]:
    """The _core.StoreHandle of a pbgdpl.Store (its ``.handle``) or of a StoreHandle itself."""
    if store is None:
        return None
    handle = getattr(store, "handle", store)
    if not isinstance(handle, getattr(_core, "StoreHandle", ())):
        raise ValidationError("store must be a pbgdpl.Store or a _core.StoreHandle", code="wrong_type",
                              path="/store", message_vi="store phải là một pbgdpl.Store hoặc _core.StoreHandle")
    return handle


class Portal:
    """The reference portal on background threads; a context manager (``with`` starts and stops it).

    ``data_dir``: directory of the SQLite store, keys and media (created if missing). ``store``: a
    :class:`pbgdpl.Store` to serve instead of ``<data_dir>/pbgdpl.db``; with a store and no
    data_dir, the parts that need files (signage devices, media uploads, syndication signing)
    are off. ``seed``: a dataset directory (the demo's ``data/seed``) imported at the first start
    into a store that has no units yet. ``host``/``port``: where to listen (an IP address, or
    "localhost" for 127.0.0.1; port 0 = a free port, read back from :attr:`port` / :attr:`url`
    once started; keep 127.0.0.1 unless you mean to expose it). ``threads``: the server's worker threads. ``default_unit``: the unit served at
    the root (default: the education division, or the unit that took its duties over).
    ``page_cache=False`` renders every page per request. ``editor``: mount the editor at
    ``/quan-tri/``. ``webhooks``: run the webhook dispatcher and the publication timer (scheduled
    articles appear at their time).

    Raises ValidationError for a bad port, thread count or argument type; start() raises
    StorageError when the port cannot be bound or the store cannot be opened.
    """

    def __init__(self, data_dir: Optional[PathArg] = None, *, store: Any = None, seed: Optional[PathArg] = None,
                 host: str = "127.0.0.1", port: int = 0, threads: int = 2, default_unit: Optional[str] = None,
                 page_cache: bool = True, editor: bool = True, webhooks: bool = True) -> None:
        if data_dir is None and store is None:
            raise ValidationError("a data directory or a store is needed", code="invalid_argument", path="/data_dir",
                                  message_vi="cần thư mục dữ liệu hoặc một kho dữ liệu")
        for name, value, low, high in (("port", port, 0, 65535), ("threads", threads, 1, 256)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(f"{name} must be an int", code="wrong_type", path="/" + name,
                                      message_vi=f"{name} phải là số nguyên")
            if not low <= value <= high:  # a huge int was a TypeError listing the overloads
                raise ValidationError(f"{name} must be within {low}-{high}", code="out_of_range", path="/" + name,
                                      message_vi=f"{name} phải trong khoảng {low}-{high}")
        if not isinstance(host, str):
            raise ValidationError("host must be a str", code="wrong_type", path="/host",
                                  message_vi="host phải là chuỗi")
        self._store = store
        self._server = _core.PortalServer(
            data_dir=data_dir, store=_store_handle(store), seed=seed, host=host, port=port, threads=threads,
            default_unit=default_unit or "", page_cache=page_cache, editor=editor, webhooks=webhooks)

    # --- lifecycle ---
    def start(self) -> "Portal":
        """Open the store (importing the seed the first time), bind, and serve on background threads.

        Idempotent: a running portal is left as it is. Returns self. Raises StorageError when the
        port is in use (code ``io_error``, path ``/port``) or the store cannot be opened.
        """
        self._server.start()
        with _running_lock:
            _running.add(self)
        return self

    def stop(self) -> None:
        """Stop gracefully: no new connections, requests under way get up to 2 s, threads joined,
        the port released. Idempotent; the portal may be started again afterwards."""
        self._server.stop()
        with _running_lock:
            _running.discard(self)

    def __del__(self) -> None:
        # A running portal dropped without stop(): stop it here, where the GIL is released during
        # the stop (the compiled object's own destructor would hold it for the grace period).
        server = getattr(self, "_server", None)
        if server is not None:
            try:
                server.stop()
            except Exception:  # pragma: no cover - never raise from a finaliser
                pass

    def __enter__(self) -> "Portal":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # --- where it is ---
    @property
    def running(self) -> bool:
        """True between start() and stop()."""
        return self._server.running

    @property
    def port(self) -> int:
        """The bound port while running (the configured one, maybe 0, otherwise)."""
        return self._server.port

    @property
    def url(self) -> str:
        """``http://host:port`` of the running portal (no trailing slash)."""
        return self._server.url

    @property
    def default_unit(self) -> str:
        """The id of the unit served at the root (known once started)."""
        return self._server.default_unit

    @property
    def seeded(self) -> int:
        """How many records the seed import wrote at the first start (0: none, or the store had data)."""
        return self._server.seeded

    # --- its data ---
    @property
    def store_handle(self) -> Any:
        """The ``_core.StoreHandle`` of the store being served (opened now if not yet started).

        Writes through it (or through a Store over it) show on the portal's next request."""
        return self._server.store_handle()

    @property
    def store(self) -> Any:
        """The :class:`pbgdpl.Store` being served: the one given, or one over ``<data_dir>/pbgdpl.db``.

        It shares the portal's connection; closing it does not stop the portal, but the portal
        keeps its own reference to the store."""
        if self._store is None:
            from .store import Store
            self._store = Store(self.store_handle)
        return self._store

    def issue_api_key(self, account: str, *, label: str = "Python",
                      lifetime: datetime.timedelta = datetime.timedelta(days=1)) -> str:
        """A new API key for the stored account ``account`` (its text, returned once; only its hash is
        kept), for ``Authorization: Bearer <key>`` on the JSON API's writes. What it may write is
        what the account's grants allow. Raises NotFoundError for an unknown account and
        ValidationError for a lifetime outside 1 second .. 10 years."""
        if not isinstance(lifetime, datetime.timedelta):
            raise ValidationError("lifetime must be a datetime.timedelta", code="wrong_type", path="/lifetime",
                                  message_vi="lifetime phải là datetime.timedelta")
        return self._server.issue_api_key(account, label, int(lifetime.total_seconds()))

    def __repr__(self) -> str:
        state = self.url if self.running else "stopped"
        return f"<pbgdpl.Portal {state}>"
