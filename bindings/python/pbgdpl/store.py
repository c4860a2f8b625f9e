"""The store: where pbgdpl keeps its records (SQLite file, in memory, or a plugin's database).

>>> with Store.open("var/pbgdpl.db") as store:              # created if missing
...     store.import_dataset("data/seed")                   # the demo's data, once
...     doc = store.get(LegalDocument, "kh-19-pgddt-2023")
...     for hit in store.search("ke hoach 19", kinds=["legal_document"]):
...         print(hit.title, hit.score)

Objects go in and come out as model objects (:mod:`pbgdpl.model`); writes are checked by the
library's rules (``ValidationError``), updates are optimistic (an object whose ``version`` is not
the stored one raises ``ConflictError``), reads of a missing id raise ``NotFoundError``, and any use
of a closed store raises ``StorageError``. Every call into the store releases the GIL, so other
Python threads run while it reads, writes or searches; a store may be shared between threads.
"""
from __future__ import annotations

import datetime as _dt
import enum as _enum
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Type, TypeVar, Union

from . import _core
from . import model as _model
from .errors import ValidationError

__all__ = ["Store", "SearchHit", "SearchPage", "Page", "AuditEntry"]

M = TypeVar("M", bound=_model.Model)
R = TypeVar("R")
KindLike = Union[str, Type[_model.Model]]
PathLike = Union[str, "os.PathLike[str]"]

#: The largest page the store serves (list and search).
MAX_PAGE = 100


def _kind_of(cls_or_kind: Any) -> str:
    """The stored kind named by a model class, a model object or a kind's name."""
    if isinstance(cls_or_kind, str):
        _model.class_for(cls_or_kind)  # ValidationError for an unknown kind
        return cls_or_kind
    if isinstance(cls_or_kind, type) and issubclass(cls_or_kind, _model.Model) and cls_or_kind.model_kind:
        return cls_or_kind.model_kind
    if isinstance(cls_or_kind, _model.Model):
        return type(cls_or_kind).model_kind  # type: ignore[return-value]
    raise ValidationError(f"Expected a model class or a kind's name, got {type(cls_or_kind).__name__}",
                          code="invalid_argument", path="/kind",
                          message_vi=f"Cần một lớp mô hình hoặc tên loại dữ liệu, không phải {type(cls_or_kind).__name__}")


def _id_of(v: Any) -> Any:
    """A unit (or any model object) given where an id is expected stands for its id."""
    if isinstance(v, _model.Model):
        return v.id  # type: ignore[attr-defined]
    if isinstance(v, _enum.Enum):
        return v.value
    return v


def _filters(filters: Mapping[str, Any]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, v in filters.items():
        if v is None:
            continue
        if k == "unit":
            v = _id_of(v)
        elif k == "units":
            if isinstance(v, (str, bytes)):
                raise ValidationError("units must be a list of unit ids", code="wrong_type", path="/filters/units",
                                      message_vi="units phải là danh sách mã đơn vị")
            v = [_id_of(u) for u in v]
        else:
            v = _id_of(v)
        out[k] = v
    return out


def _check_limit(name: str, n: Optional[int], allow_none: bool) -> None:
    if n is None and allow_none:
        return
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationError(f"{name} must be a positive integer", code="out_of_range", path="/" + name,
                              message_vi=f"{name} phải là số nguyên dương")


@dataclass(frozen=True)
class SearchHit:
    """One search result: what a result list shows. ``title_html`` and ``snippet_html`` are
    HTML-escaped with the matching words in ``<mark>``: safe to put in a page as they are."""

    kind: str
    id: str
    title: str
    title_html: str
    snippet_html: str
    score: float
    _stored: Optional[Dict[str, Any]] = field(default=None, repr=False, compare=False)
    _store: Optional["Store"] = field(default=None, repr=False, compare=False)

    def record(self) -> _model.Model:
        """The model object the hit names: from the record the search already read, or read by
        id (NotFoundError if it was removed since)."""
        if self._stored is not None:
            return _model.load(self.kind, self._stored)
        if self._store is None:
            raise ValidationError("This hit has no store to read from", code="invalid_argument",
                                  message_vi="Kết quả này không gắn với kho dữ liệu nào")
        return self._store.get(self.kind, self.id)


@dataclass(frozen=True)
class SearchPage:
    """One page of search results, and the cursor of the next (``""`` on the last page).
    ``approximate``: the store stopped at its cost cap, so these are the best of what it scored."""

    hits: List[SearchHit]
    next_cursor: str
    approximate: bool


@dataclass(frozen=True)
class Page:
    """One page of a list, and the cursor of the next (``""`` on the last page)."""

    items: List[_model.Model]
    next_cursor: str


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log. ``at`` is an aware UTC datetime; ``previous`` is
    the record before the change (a model object; None for a create)."""

    seq: int
    at: _dt.datetime
    actor: str
    kind: str
    id: str
    action: str  # "create", "update", "archive", "remove"
    version: int
    previous: Optional[_model.Model]


class Store:
    """A pbgdpl store. Open one with :meth:`open` (SQLite file), :meth:`memory`, or a plugin host's
    ``open_store``; use it as a context manager (closed on exit) or call :meth:`close`.

    ``handle`` is the compiled store (:class:`pbgdpl._core.StoreHandle`) that the reports,
    portal and plugins functions take."""

    __slots__ = ("_handle", "__weakref__")

    def __init__(self, handle: _core.StoreHandle) -> None:
        if not isinstance(handle, _core.StoreHandle):
            raise TypeError("Store(handle): use Store.open(path), Store.memory() or a plugin host's open_store()")
        self._handle = handle

    # --- opening and closing ---------------------------------------------------------------------
    @classmethod
    def open(cls, path: PathLike, **options: Any) -> "Store":
        """Opens the SQLite store at `path` (str or PathLike), creating the file and its
        directory when missing and migrating an older file. Options as :meth:`sqlite`.
        StorageError for a directory, FIFO or other non-regular file, or a file that is not a
        pbgdpl database."""
        return cls.sqlite(path, **options)

    @classmethod
    def sqlite(cls, path: PathLike, *, busy_timeout_ms: int = 5000, synchronous_full: bool = True,
               max_page_count: int = 0, search_time_limit_ms: int = 500, exhaustive_search: bool = False) -> "Store":
        """Opens the SQLite store at `path`. ``busy_timeout_ms``: how long a write waits for
        another process's lock; ``synchronous_full`` False trades power-loss safety for speed;
        ``max_page_count`` > 0 caps the file (pages); ``search_time_limit_ms`` stops a search
        that runs longer (0: no limit); ``exhaustive_search`` scores every match (slow; tests)."""
        if not isinstance(path, (str, os.PathLike)):
            raise ValidationError("The path must be a str or os.PathLike", code="wrong_type", path="/path",
                                  message_vi="Đường dẫn phải là chuỗi hoặc os.PathLike")
        return cls(_core.store_open_sqlite(path, busy_timeout_ms=busy_timeout_ms, synchronous_full=synchronous_full,
                                           max_page_count=max_page_count, search_time_limit_ms=search_time_limit_ms,
                                           exhaustive_search=exhaustive_search))

    @classmethod
    def memory(cls) -> "Store":
        """A new, empty in-memory store: the reference behaviour, nothing persists."""
        return cls(_core.store_open_memory())

    @property
    def handle(self) -> _core.StoreHandle:
        """The compiled store, for other areas' functions (reports, portal, plugins)."""
        return self._handle

    @property
    def closed(self) -> bool:
        """True once :meth:`close` ran."""
        return self._handle.closed

    @property
    def backend(self) -> str:
        """``"sqlite"``, ``"memory"`` or ``"plugin"``. StorageError when closed."""
        return self._handle.backend

    def close(self) -> None:
        """Closes the store (calling it again does nothing). Later calls raise StorageError; a
        call under way on another thread finishes first."""
        self._handle.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<pbgdpl.Store closed>"
        return f"<pbgdpl.Store {self.backend}>"

    # --- records -----------------------------------------------------------------------------------
    def create(self, obj: Union[M, Mapping[str, Any]], *, kind: Optional[KindLike] = None, actor: str = "system") -> M:
        """Stores a new record and returns it as stored: with its id (a random one when the
        object has none), version 1, created/updated times set when unset, text in NFC and the
        server-owned ``*_html`` members made from the Markdown (whatever HTML the object held is
        replaced: the portal serves those members as they are). `obj` is a model object, or a dict
        with ``kind=``. ValidationError (the rules), ConflictError (the id is taken)."""
        k, d = self._kind_and_dict(obj, kind)
        return _model.load(k, self._handle.create(k, d, actor=actor, render_html=True))  # type: ignore[return-value]

    def get(self, cls_or_kind: Union[Type[M], str], id: str) -> M:
        """The record of that kind and id (archived ones too). NotFoundError."""
        k = _kind_of(cls_or_kind)
        return _model.load(k, self._handle.get(k, id))  # type: ignore[return-value]

    def update(self, obj: Union[M, Mapping[str, Any]], *, kind: Optional[KindLike] = None, actor: str = "system") -> M:
        """Writes `obj` back if nobody changed the record since it was read (its ``version`` is
        the stored one) and returns it with the new version; the ``*_html`` members are made
        again from the Markdown, as in create(). ConflictError when stale (nothing written),
        NotFoundError, ValidationError."""
        k, d = self._kind_and_dict(obj, kind)
        return _model.load(k, self._handle.update(k, d, actor=actor, render_html=True))  # type: ignore[return-value]

    def archive(self, obj_or_kind: Union[_model.Model, KindLike], id: Optional[str] = None, *,
                expected_version: Optional[int] = None, actor: str = "system") -> _model.Model:
        """Hides a record from lists and search (it stays readable by id): ``archive(obj)`` or
        ``archive(Article, id, expected_version=v)``. ConflictError when the version is stale."""
        k, rid, ver = self._target(obj_or_kind, id, expected_version, required=True)
        return _model.load(k, self._handle.archive(k, rid, ver, actor=actor))

    def remove(self, obj_or_kind: Union[_model.Model, KindLike], id: Optional[str] = None, *,
               expected_version: Optional[int] = None, actor: str = "system") -> None:
        """Deletes a record: ``remove(obj)`` (only if still at obj.version) or ``remove(Article,
        id)`` (any version; ``expected_version=`` to insist on one). The audit log keeps it."""
        k, rid, ver = self._target(obj_or_kind, id, expected_version, required=False)
        self._handle.remove(k, rid, ver, actor=actor)

    def list(self, cls_or_kind: Union[Type[M], str], *, limit: Optional[int] = None, page_size: int = MAX_PAGE,
             oldest_first: bool = False, cursor: str = "", **filters: Any) -> Iterator[M]:
        """Iterates over the records of a kind (newest first, or ``oldest_first``), page by page
        as it is consumed: at most `limit` records (None: all). Filters (keywords): unit (an id
        or a Unit; with include_descendants=True the units below it too), units (list), state,
        sub_kind (the record's own kind member: an article's "activity_news"...), category,
        doc_type ("KH"), doc_level, doc_status, field, date_from/date_to (datetime.date,
        inclusive), include_archived, visible_at (datetime). Unknown filters: ValidationError.
        Archived records are left out unless include_archived=True."""
        k = _kind_of(cls_or_kind)
        _check_limit("limit", limit, True)
        _check_limit("page_size", page_size, False)
        f = _filters(filters)
        # Checked now, not at the first next(): a bad filter fails where it is written.
        first = self._handle.list(k, f, limit=min(page_size, MAX_PAGE, limit or MAX_PAGE), cursor=cursor,
                                  oldest_first=oldest_first)
        return self._iterate_list(k, f, first, limit, page_size, oldest_first)

    def _iterate_list(self, k: str, f: Dict[str, Any], first: Tuple[List[Dict[str, Any]], str], limit: Optional[int],
                      page_size: int, oldest_first: bool) -> Iterator[Any]:
        items, cursor = first
        given = 0
        while True:
            for d in items:
                if limit is not None and given >= limit:
                    return
                given += 1
                yield _model.load(k, d)
            if not cursor or (limit is not None and given >= limit):
                return
            want = min(page_size, MAX_PAGE) if limit is None else min(page_size, MAX_PAGE, limit - given)
            items, cursor = self._handle.list(k, f, limit=want, cursor=cursor, oldest_first=oldest_first)

    def list_page(self, cls_or_kind: Union[Type[M], str], *, limit: int = 20, cursor: str = "",
                  oldest_first: bool = False, **filters: Any) -> Page:
        """One page of a list (limit 1..100) and the cursor of the next: for callers that page
        themselves (a web page's "more" link). Filters as :meth:`list`."""
        k = _kind_of(cls_or_kind)
        items, nxt = self._handle.list(k, _filters(filters), limit=limit, cursor=cursor, oldest_first=oldest_first)
        return Page([_model.load(k, d) for d in items], nxt)

    def count(self, cls_or_kind: Union[Type[M], str], **filters: Any) -> int:
        """How many records a list with these filters gives (walks every page)."""
        return sum(1 for _ in self.list(cls_or_kind, **filters))

    # --- search ------------------------------------------------------------------------------------
    def search(self, q: str, *, kinds: Optional[Sequence[KindLike]] = None, order: str = "relevance",
               limit: Optional[int] = 20, page_size: int = 20, include_unpublished: bool = False,
               **filters: Any) -> Iterator[SearchHit]:
        """Vietnamese search over published articles, legal documents, questions and
        publications: words with or without accents ("ke hoach" finds "Kế hoạch", "dao tao"
        finds "Đào tạo"), "quoted phrases", prefix*, document numbers ("19/KH-PGDĐT") and
        key:value filters typed in `q` ("loai:KH"). Yields at most `limit` hits (None: every
        match), best first (order "relevance") or newest first ("newest"), fetching pages as it
        goes. `kinds`: kind names or model classes (default: every searchable kind). Filters as
        :meth:`list`. ValidationError for a query too long or malformed; StorageError when a
        search runs past the store's time limit."""
        ks = self._kinds(kinds)
        _check_limit("limit", limit, True)
        _check_limit("page_size", page_size, False)
        f = _filters(filters)
        size = min(page_size, MAX_PAGE) if limit is None else min(page_size, MAX_PAGE, limit)
        first = self._handle.search(q, ks, f, limit=size, order=order, include_unpublished=include_unpublished)
        return self._iterate_search(q, ks, f, first, limit, page_size, order, include_unpublished)

    def _iterate_search(self, q: str, ks: List[str], f: Dict[str, Any], first: Tuple[List[Dict[str, Any]], str, bool],
                        limit: Optional[int], page_size: int, order: str, include_unpublished: bool) -> Iterator[SearchHit]:
        hits, cursor, _ = first
        given = 0
        while True:
            for h in hits:
                if limit is not None and given >= limit:
                    return
                given += 1
                yield self._hit(h)
            if not cursor or (limit is not None and given >= limit):
                return
            want = min(page_size, MAX_PAGE) if limit is None else min(page_size, MAX_PAGE, limit - given)
            hits, cursor, _ = self._handle.search(q, ks, f, limit=want, cursor=cursor, order=order,
                                                  include_unpublished=include_unpublished)

    def search_page(self, q: str, *, kinds: Optional[Sequence[KindLike]] = None, order: str = "relevance",
                    limit: int = 20, cursor: str = "", include_unpublished: bool = False, **filters: Any) -> SearchPage:
        """One page of search results (limit 1..100) and the next page's cursor."""
        ks = self._kinds(kinds)
        hits, nxt, approx = self._handle.search(q, ks, _filters(filters), limit=limit, cursor=cursor, order=order,
                                                include_unpublished=include_unpublished)
        return SearchPage([self._hit(h) for h in hits], nxt, approx)

    def _hit(self, h: Mapping[str, Any]) -> SearchHit:
        return SearchHit(h["kind"], h["id"], h["title"], h["title_html"], h["snippet_html"], h["score"], h["record"], self)

    # --- transactions, audit, import ---------------------------------------------------------------
    def transaction(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Calls ``fn(*args, **kwargs)`` inside one store transaction and returns what it returns.
        Every write made through this store while it runs commits together; if it raises, all
        of them are rolled back and the exception propagates unchanged. Transactions nest.
        Other threads' calls on this store wait until it ends: do not wait for them inside."""
        if not callable(fn):
            raise TypeError("transaction(fn): fn must be callable")
        return self._handle.transaction(lambda: fn(*args, **kwargs))

    def audit(self, cls_or_kind: Optional[KindLike] = None, id: Optional[str] = None, *,
              limit: int = 100) -> List[AuditEntry]:
        """The audit log, newest first: every write to the store (of one kind, or one record
        when `id` is given), with who made it and the record before the change. limit 1..10000."""
        k = _kind_of(cls_or_kind) if cls_or_kind is not None else ""
        if id is not None and not k:
            raise ValidationError("audit(id=...) needs the kind too", code="invalid_argument", path="/kind",
                                  message_vi="audit(id=...) cần cả loại dữ liệu")
        out = []
        for e in self._handle.audit_log(k, id or "", limit):
            prev = e["previous"]
            out.append(AuditEntry(
                seq=e["seq"], at=_dt.datetime.strptime(e["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc),
                actor=e["actor"], kind=e["kind"], id=e["id"], action=e["action"], version=e["version"],
                previous=_model.load(e["kind"], prev) if isinstance(prev, dict) else None))
        return out

    def import_dataset(self, path: PathLike, *, actor: str = "import") -> Dict[str, int]:
        """Imports a dataset directory (``<key>.json`` files, as ``data/seed``) in one
        transaction: the whole dataset is checked first, then every record the store does not
        hold yet is created (so importing twice is harmless). Returns how many records of each
        dataset key were created (``{"units": 21, "articles": 9, ...}``). ValidationError for a
        bad dataset, NotFoundError for a missing directory; nothing is written on any error."""
        return self._handle.import_dataset(path, actor=actor, render_html=True)

    def integrity_check(self) -> None:
        """SQLite only: SQLite's integrity check; StorageError (corrupt) when it fails."""
        self._handle.integrity_check()

    def backup(self, dest: PathLike) -> None:
        """SQLite only: an online, consistent copy of the database into the file `dest`."""
        self._handle.backup(dest)

    # --- helpers -----------------------------------------------------------------------------------
    @staticmethod
    def _kinds(kinds: Any) -> List[str]:
        if kinds is None:
            return []
        if isinstance(kinds, (str, type)):  # one kind, not a sequence of characters
            return [_kind_of(kinds)]
        return [_kind_of(k) for k in kinds]

    @staticmethod
    def _kind_and_dict(obj: Any, kind: Optional[KindLike]) -> Tuple[str, Dict[str, Any]]:
        if isinstance(obj, _model.Model):
            k = type(obj).model_kind
            if kind is not None and _kind_of(kind) != k:
                raise ValidationError(f"kind={_kind_of(kind)!r} but the object is a {k!r}", code="invalid_argument",
                                      path="/kind", message_vi=f"kind={_kind_of(kind)!r} nhưng đối tượng là {k!r}")
            return k, obj.to_dict()  # type: ignore[return-value]
        if isinstance(obj, Mapping):
            if kind is None:
                raise ValidationError("A dict needs kind= (e.g. kind=Article or kind='article')", code="invalid_argument",
                                      path="/kind", message_vi="Một dict cần có kind= (ví dụ kind=Article)")
            return _kind_of(kind), dict(obj)
        raise ValidationError(f"Expected a model object or a dict, got {type(obj).__name__}", code="wrong_type",
                              message_vi=f"Cần một đối tượng mô hình hoặc dict, không phải {type(obj).__name__}")

    @staticmethod
    def _target(obj_or_kind: Any, id: Optional[str], expected: Optional[int], required: bool) -> Tuple[str, str, int]:
        if isinstance(obj_or_kind, _model.Model):
            if id is not None:
                raise TypeError("archive/remove(obj): the id comes from the object")
            ver = obj_or_kind.version if expected is None else expected  # type: ignore[attr-defined]
            if expected is None and ver == 0:
                # Version 0 means "any version" to the store: remove(obj) of an object never read
                # from it (built in Python, version 0) deleted the stored record whatever its version.
                raise ValidationError("The object has no stored version (0): read it from the store first, or pass "
                                      "expected_version= explicitly", code="invalid_argument", path="/version",
                                      message_vi="Đối tượng chưa có phiên bản lưu trữ (0): hãy đọc nó từ kho trước "
                                                 "hoặc truyền expected_version= rõ ràng")
            Store._check_version(ver)
            return type(obj_or_kind).model_kind, obj_or_kind.id, ver  # type: ignore[return-value,attr-defined]
        k = _kind_of(obj_or_kind)
        if not isinstance(id, str):
            raise ValidationError("An id (str) is needed", code="wrong_type", path="/id",
                                  message_vi="Cần mã định danh (chuỗi)")
        if expected is None:
            if required:
                raise ValidationError("expected_version is needed (the version you read)", code="invalid_argument",
                                      path="/version", message_vi="Cần expected_version (phiên bản đã đọc)")
            expected = 0
        Store._check_version(expected)
        return k, id, expected

    @staticmethod
    def _check_version(expected: Any) -> None:
        # bool is an int: remove(..., expected_version=False) removed ANY version (0) and True
        # stood for version 1; a negative or huge int was a TypeError listing the overloads.
        if isinstance(expected, bool) or not isinstance(expected, int):
            raise ValidationError(f"expected_version must be an int, not {type(expected).__name__}", code="wrong_type",
                                  path="/version", message_vi="expected_version phải là số nguyên")
        if not 0 <= expected < 2 ** 64:
            raise ValidationError("expected_version is out of range", code="out_of_range", path="/version",
                                  message_vi="expected_version nằm ngoài khoảng cho phép")
