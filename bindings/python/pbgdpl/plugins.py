"""Plugins: shared libraries with a JSON manifest that add a store backend (PostgreSQL), a notifier
(e-mail, webhooks), an exporter or a connector (the national legal bookcase) without rebuilding
pbgdpl.

>>> with PluginHost(["/opt/pbgdpl/plugins"]) as host:
...     for p in host.plugins():
...         print(p.id, p.version, p.kinds)
...     with host.open_store("postgres", {"conninfo": "host=127.0.0.1 dbname=pbgdpl"}) as store:
...         print(store.count("article"))

Loading code is off in the library unless configured: a :class:`PluginHost` enables it for the
directories it is given only (and ``PBGDPL_PLUGIN_PATH`` with ``use_env_path=True``). Every
library is checked before it is loaded (a plain file beside its manifest, not writable by others,
the ABI version, the descriptor against the manifest). Failures raise
:class:`pbgdpl.PluginError` whose ``path`` names the failure (``"abi_minor_too_new"``,
``"manifest_invalid"``, ``"create_failed"``...; :data:`LOAD_ERRORS` lists them).
"""
from __future__ import annotations

import os
import pathlib
from dataclasses import dataclass
from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from .errors import PluginError, ValidationError
from .model import Model
from .store import Store

__all__ = ["PluginHost", "PluginInfo", "Notifier", "Exporter", "LOAD_ERRORS"]

PathLike = Union[str, "os.PathLike[str]"]

#: The values of PluginError.path for a failure to load or start a plugin.
LOAD_ERRORS: Tuple[str, ...] = tuple(_core.plugins_load_error_names())


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin's manifest declares (read before any of its code is loaded)."""

    id: str
    version: str
    license: str
    description: str
    #: what it provides: "store", "publisher", "notifier", "exporter", "connector"
    kinds: Tuple[str, ...]
    #: the ABI version it was built for (major, minor)
    abi: Tuple[int, int]
    #: the manifest file
    path: pathlib.Path
    #: the library file the manifest names (beside it)
    library: pathlib.Path

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> "PluginInfo":
        return cls(d["id"], d["version"], d["license"], d["description"], tuple(d["kinds"]), tuple(d["abi"]),
                   pathlib.Path(d["path"]), pathlib.Path(d["library"]))


class Notifier:
    """A plugin's notifier (a channel the yearly reports' reminders go out on)."""

    __slots__ = ("_handle",)

    def __init__(self, handle: _core.PluginNotifierHandle) -> None:
        self._handle = handle

    @property
    def handle(self) -> _core.PluginNotifierHandle:
        """The compiled notifier, for other areas' functions."""
        return self._handle

    @property
    def name(self) -> str:
        """The channel's name ("email", "webhook")."""
        return self._handle.name

    def send(self, event: str, data: Mapping[str, Any]) -> int:
        """Sends `event` with its data (at least "id", "unit", "units", "occurred_at"); returns
        how many recipients it was handed to (0: nobody listens)."""
        return self._handle.send(event, dict(data))


class Exporter:
    """A plugin's exporter: writes records in the formats it lists."""

    __slots__ = ("_handle",)

    def __init__(self, handle: _core.PluginExporterHandle) -> None:
        self._handle = handle

    @property
    def formats(self) -> List[Tuple[str, str, str]]:
        """(format, content type, file extension) of each format it writes."""
        return list(self._handle.formats)

    def export(self, format: str, records: Iterable[Model]) -> bytes:
        """The file of `records` (model objects, each checked by its kind's rules) in `format`.
        ValidationError for a bad record or a format the plugin does not list."""
        return self._handle.export_records(format, list(records))


def _paths(dirs: Union[PathLike, Iterable[PathLike], None]) -> List[PathLike]:
    if dirs is None:
        return []
    if isinstance(dirs, (str, os.PathLike)):
        return [dirs]
    out = list(dirs)
    for d in out:
        if not isinstance(d, (str, os.PathLike)):
            raise ValidationError("dirs must be paths (str or os.PathLike)", code="wrong_type", path="/dirs",
                                  message_vi="dirs phải là các đường dẫn (chuỗi hoặc os.PathLike)")
    return out


class PluginHost:
    """Finds, checks and loads plugins from `dirs` (one path or a list). ``use_env_path`` also
    searches ``PBGDPL_PLUGIN_PATH``; ``allowed_hosts`` are the only hosts plugins' HTTP requests
    may reach (none by default); ``allow_loopback`` lets them reach 127.0.0.1 (tests, mocks).
    A context manager: closing the host leaves the stores it opened usable."""

    __slots__ = ("_handle",)

    def __init__(self, dirs: Union[PathLike, Iterable[PathLike], None] = None, *, use_env_path: bool = False,
                 allowed_hosts: Sequence[str] = (), allow_loopback: bool = False) -> None:
        if isinstance(allowed_hosts, str):
            allowed_hosts = [allowed_hosts]
        self._handle = _core.plugins_open_host(_paths(dirs), use_env_path=use_env_path,
                                               allowed_hosts=list(allowed_hosts), allow_loopback=allow_loopback)

    @property
    def handle(self) -> _core.PluginHostHandle:
        """The compiled host."""
        return self._handle

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle.closed

    @property
    def search_path(self) -> List[pathlib.Path]:
        """The directories searched, in order."""
        return [pathlib.Path(p) for p in self._handle.search_path()]

    def plugins(self) -> List[PluginInfo]:
        """Every plugin whose manifest reads well (no code is loaded). See :meth:`problems`."""
        return [PluginInfo._from(d) for d in self._handle.discover()[0]]

    def problems(self) -> List[PluginError]:
        """A PluginError for each manifest that could not be read or checked, or whose id is
        taken by an earlier one (its ``file`` attribute names the manifest)."""
        return list(self._handle.discover()[1])

    def check(self, id: str) -> PluginInfo:
        """Loads plugin `id`'s library and checks it without starting it. PluginError."""
        return PluginInfo._from(self._handle.check(id))

    def open_store(self, id: str, config: Optional[Mapping[str, Any]] = None) -> Store:
        """Starts plugin `id`'s store with its configuration and returns it as a :class:`Store`.
        PluginError when it cannot load or start (e.g. a database it cannot reach: path
        "create_failed")."""
        return Store(self._handle.open_store(id, dict(config) if config is not None else None))

    def open_notifier(self, id: str, config: Optional[Mapping[str, Any]] = None) -> Notifier:
        """Starts plugin `id`'s notifier. PluginError."""
        return Notifier(self._handle.open_notifier(id, dict(config) if config is not None else None))

    def open_exporter(self, id: str, config: Optional[Mapping[str, Any]] = None) -> Exporter:
        """Starts plugin `id`'s exporter. PluginError."""
        return Exporter(self._handle.open_exporter(id, dict(config) if config is not None else None))

    def close(self) -> None:
        """Closes the host (idempotent); later calls raise PluginError. What it opened stays usable."""
        self._handle.close()

    def __enter__(self) -> "PluginHost":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<pbgdpl.PluginHost closed>" if self.closed else f"<pbgdpl.PluginHost {len(self.search_path)} dirs>"
