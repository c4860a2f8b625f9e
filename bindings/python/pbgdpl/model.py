"""The model objects: one class per stored kind (:class:`Article`, :class:`LegalDocument`,
:class:`Unit`, :class:`ReportTemplate`, ...), built at import from the C++ field lists
(``describe()``), so a Python class has exactly the members its C++ type writes.

Attributes are named as the JSON members. Timestamps read as aware :class:`datetime.datetime`
in UTC, dates as :class:`datetime.date`; setting either accepts a datetime, a date or the text
form. Lists are plain Python lists (``a.tags.append("x")`` shows in :meth:`Model.to_dict`).
Nested structures (an article's ``source``, a template's indicators) are dicts in their JSON form.
An unknown attribute raises :class:`AttributeError`.

``Model.to_dict()`` gives the JSON form the library and the HTTP API use (timestamps as
``"2023-03-22T08:30:00+07:00"``, Hà Nội time; empty optional members left out);
``Model.from_dict(d)``/``from_json(text)`` decode with every check (text to NFC, limits, types,
the kind's rules) and raise :class:`pbgdpl.ValidationError`; ``validate()`` reports every rule an
object breaks at once. :func:`load` turns a dict the library returned into an object without
the checks.

The class attribute ``kind`` is the stored kind's name (``Article.kind == "article"``). A kind
that has a JSON member called ``kind`` (an article's ``activity_news``...) shows that member on
its instances; ``type(obj).kind`` and ``obj.model_kind`` always give the stored kind.
"""
from __future__ import annotations

import datetime as _dt
import enum as _enum
import json as _json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type, TypeVar, Union

from . import _core
from .errors import ValidationError

__all__ = ["Model", "Field", "load", "class_for", "kinds", "HANOI"]

#: Asia/Ho_Chi_Minh: UTC+7 all year since 1975 (a fixed offset is exact for every date handled).
HANOI = _dt.timezone(_dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")
_UTC = _dt.timezone.utc
_MAX_DEPTH = 64  # PBGDPL_MAX_JSON_DEPTH


@dataclass(frozen=True)
class Field:
    """One member of a kind, as its C++ describe() lists it."""

    name: str
    #: the Python annotation, e.g. ``"Optional[datetime.datetime]"``, ``"List[str]"``
    type: str
    #: the machine form: ``{"t": "timestamp"}``, ``{"t": "list", "of": {...}}``, ``{"t": "enum", "values": [...]}``
    shape: Mapping[str, Any]
    #: a record without it does not decode
    required: bool
    #: the text limit in UTF-8 bytes (0 for numbers)
    max_bytes: int

    @property
    def allowed(self) -> Optional[List[str]]:
        """The allowed names of an enum member (through Optional/List), else None."""
        s = self.shape
        while s.get("t") in ("optional", "list"):
            s = s["of"]
        if s.get("t") == "enum":
            return [v["value"] for v in s["values"]]
        return None

    @property
    def labels(self) -> Optional[Dict[str, Tuple[str, str]]]:
        """For an enum member: each allowed value's (Vietnamese, English) label as pages show it
        (``{"draft": ("Bản nháp", "Draft"), ...}``); None for other members."""
        s = self.shape
        while s.get("t") in ("optional", "list"):
            s = s["of"]
        if s.get("t") != "enum":
            return None
        return {v["value"]: (v.get("vi", ""), v.get("en", "")) for v in s["values"]}


# --- conversions -----------------------------------------------------------------------------


def _error(code: str, path: str, en: str, vi: str) -> ValidationError:
    return ValidationError(en, code=code, path=path, message_vi=vi)


def _pointer(token: str) -> str:
    return "/" + token.replace("~", "~0").replace("/", "~1")


def format_timestamp(t: _dt.datetime) -> str:
    """The library's text of an instant: ISO 8601 in Hà Nội time, whole seconds
    (``"2023-03-22T08:30:00+07:00"``). A naive datetime is taken as Hà Nội time."""
    if t.tzinfo is None:
        t = t.replace(tzinfo=HANOI)
    try:
        l = t.astimezone(HANOI)
    except OverflowError:
        raise _out_of_range("") from None
    return (f"{l.year:04d}-{l.month:02d}-{l.day:02d}T{l.hour:02d}:{l.minute:02d}:{l.second:02d}+07:00")


def _parse_timestamp(s: str, path: str) -> _dt.datetime:
    seconds = _core.text_parse_timestamp(s, path)
    return _dt.datetime.fromtimestamp(seconds, _UTC)


def _parse_date(s: str, path: str) -> _dt.date:
    y, m, d = _core.text_parse_date(s, path)
    return _dt.date(y, m, d)


def _plain(v: Any, path: str, depth: int, seen: set) -> Any:
    """A nested value as JSON-ready Python: datetimes and dates as text, models as dicts,
    enums as their values, tuples as lists. A cycle or nesting past the limit raises."""
    if depth > _MAX_DEPTH:
        raise _error("too_large", path, "Nesting too deep (or a cycle)", "Dữ liệu lồng nhau quá sâu (hoặc có vòng lặp)")
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if isinstance(v, _dt.datetime):
        return format_timestamp(v)
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, _enum.Enum):
        return _plain(v.value, path, depth + 1, seen)
    if isinstance(v, Model):
        return v.to_dict()
    if isinstance(v, (dict, list, tuple)):
        if id(v) in seen:
            raise _error("too_large", path, "Nesting too deep (or a cycle)", "Dữ liệu lồng nhau quá sâu (hoặc có vòng lặp)")
        seen.add(id(v))
        try:
            if isinstance(v, dict):
                return {k: _plain(x, path + _pointer(str(k)), depth + 1, seen) for k, x in v.items()}
            return [_plain(x, f"{path}/{i}", depth + 1, seen) for i, x in enumerate(v)]
        finally:
            seen.discard(id(v))
    return v  # anything else: the C++ side names the unsupported type


def _to_json(shape: Mapping[str, Any], v: Any, path: str) -> Any:
    t = shape["t"]
    if v is None:
        return None
    if t == "timestamp":
        if isinstance(v, _dt.datetime):
            return format_timestamp(v)
        if isinstance(v, _dt.date):
            return format_timestamp(_dt.datetime(v.year, v.month, v.day, tzinfo=HANOI))
        return v
    if t == "date":
        if isinstance(v, _dt.datetime):
            return (v.astimezone(HANOI) if v.tzinfo else v).date().isoformat()
        if isinstance(v, _dt.date):
            return v.isoformat()
        return v
    if t == "optional":
        return _to_json(shape["of"], v, path)
    if t == "list":
        if isinstance(v, (list, tuple)):
            return [_to_json(shape["of"], x, f"{path}/{i}") for i, x in enumerate(v)]
        return v
    if t == "enum" and isinstance(v, _enum.Enum):
        return v.value
    if t in ("struct", "json"):
        return _plain(v, path, 0, set())
    return v


def _from_json(shape: Mapping[str, Any], v: Any, path: str) -> Any:
    """A member of a dict the library wrote, as the attribute holds it."""
    t = shape["t"]
    if v is None:
        return None
    # A text that is no real time or date (a default C++ date writes "0000-00-00") stays text,
    # and to_dict() writes it back unchanged.
    if t == "timestamp" and isinstance(v, str):
        try:
            return _dt.datetime.fromisoformat(v).astimezone(_UTC)
        except ValueError:
            return v
    if t == "date" and isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v) if len(v) == 10 else v
        except ValueError:
            return v
    if t == "optional":
        return _from_json(shape["of"], v, path)
    if t == "list" and isinstance(v, list):
        return [_from_json(shape["of"], x, f"{path}/{i}") for i, x in enumerate(v)]
    if t in ("struct", "json") and isinstance(v, (dict, list)):
        return _copy_json(v)
    return v


def _copy_json(v: Any, depth: int = 0) -> Any:
    """A copy of nested dicts and lists (so an object never shares them with its input); a cycle
    or nesting past the library's limit raises ValidationError instead of RecursionError."""
    if isinstance(v, (dict, list)) and depth > _MAX_DEPTH:
        raise _error("too_large", "", "Nesting too deep (or a cycle)", "Dữ liệu lồng nhau quá sâu (hoặc có vòng lặp)")
    if isinstance(v, dict):
        return {k: _copy_json(x, depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [_copy_json(x, depth + 1) for x in v]
    return v


_TEMPORAL = ("timestamp", "date")


def _needs_conversion(shape: Mapping[str, Any]) -> bool:
    t = shape["t"]
    if t in _TEMPORAL:
        return True
    if t in ("optional", "list"):
        return _needs_conversion(shape["of"])
    return False


def _out_of_range(path: str) -> ValidationError:
    return _error("out_of_range", path, "The time is outside the years 1-9999 in UTC and Hà Nội time",
                  "Thời điểm nằm ngoài khoảng năm 1-9999 (giờ UTC và giờ Hà Nội)")


def _type_error(path: str, expected: str, v: Any) -> ValidationError:
    got = type(v).__name__
    return _error("wrong_type", path, f"Expected {expected}, got {got}",
                  f"Sai kiểu dữ liệu: cần {expected}, nhận {got}")


def _coerce(shape: Mapping[str, Any], v: Any, path: str) -> Any:
    """A value assigned to an attribute, checked for its type and converted to the attribute form
    (aware UTC datetimes, dates). Rules (lengths, formats) wait for validate()."""
    t = shape["t"]
    if t == "optional":
        return None if v is None else _coerce(shape["of"], v, path)
    if v is None:
        return None  # a required member set to None: validate()/to_dict() decoding names it
    if t == "timestamp":
        try:
            if isinstance(v, _dt.datetime):
                return (v if v.tzinfo else v.replace(tzinfo=HANOI)).astimezone(_UTC)
            if isinstance(v, _dt.date):
                return _dt.datetime(v.year, v.month, v.day, tzinfo=HANOI).astimezone(_UTC)
        except OverflowError:
            raise _out_of_range(path) from None
        if isinstance(v, str):
            return _parse_timestamp(v, path)
        raise _type_error(path, "datetime.datetime, datetime.date or str", v)
    if t == "date":
        if isinstance(v, _dt.datetime):
            return (v.astimezone(HANOI) if v.tzinfo else v).date()
        if isinstance(v, _dt.date):
            return v
        if isinstance(v, str):
            return _parse_date(v, path)
        raise _type_error(path, "datetime.date or str", v)
    if t == "list":
        if not isinstance(v, (list, tuple)):
            raise _type_error(path, "list", v)
        inner = shape["of"]
        if isinstance(v, list) and not _needs_conversion(inner):
            for i, x in enumerate(v):
                _coerce(inner, x, f"{path}/{i}")  # type check only: the caller's list is kept
            return v
        return [_coerce(inner, x, f"{path}/{i}") for i, x in enumerate(v)]
    if t in ("str", "id", "school_year"):
        if not isinstance(v, str):
            raise _type_error(path, "str", v)
        return v
    if t == "enum":
        if isinstance(v, _enum.Enum):
            v = v.value
        if not isinstance(v, str):
            raise _type_error(path, "str", v)
        allowed = [x["value"] for x in shape["values"]]
        if v not in allowed:
            raise _error("out_of_range", path, "Invalid value; allowed: " + ", ".join(allowed),
                         "Giá trị không hợp lệ; cho phép: " + ", ".join(allowed))
        return v
    if t == "bool":
        if not isinstance(v, bool):
            raise _type_error(path, "bool", v)
        return v
    if t == "int":
        if isinstance(v, bool) or not isinstance(v, int):
            raise _type_error(path, "int", v)
        return v
    if t == "float":
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise _type_error(path, "float", v)
        return float(v)
    if t == "struct":
        if isinstance(v, Model):
            return v.to_dict()
        if not isinstance(v, dict):
            raise _type_error(path, "dict", v)
        return v
    return v  # json: anything to_dict() can write


# --- the classes ---------------------------------------------------------------------------


class _Member:
    """The descriptor of one JSON member: values live in the instance's ``_values``."""

    __slots__ = ("name", "field", "path")

    def __init__(self, f: Field) -> None:
        self.name = f.name
        self.field = f
        self.path = _pointer(f.name)

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            # On the class, `kind` stays the stored kind's name even where a member is called so.
            return cls.model_kind if self.name == "kind" else self
        return obj._values[self.name]

    def __set__(self, obj: Any, value: Any) -> None:
        obj._values[self.name] = _coerce(self.field.shape, value, self.path)


M = TypeVar("M", bound="Model")


class Model:
    """Base class of the model objects. Subclasses (one per stored kind) are made at import;
    ``class_for(kind)`` finds one. Construct with keyword members: ``Article(title="...", ...)``;
    members not given keep the C++ default value."""

    __slots__ = ("_values",)
    #: the stored kind's name (``"legal_document"``); None on the base class
    kind: Optional[str] = None
    model_kind: Optional[str] = None
    _fields: Tuple[Field, ...] = ()
    _defaults: Dict[str, Any] = {}

    def __init__(self, **members: Any) -> None:
        if type(self).model_kind is None:
            raise TypeError("pbgdpl.model.Model is abstract: use a kind's class (Article, Unit, ...)")
        self._values = self._default_values()
        cls = type(self)
        for name, v in members.items():
            if not isinstance(cls.__dict__.get(name), _Member):
                raise TypeError(f"{cls.__name__}() has no member {name!r}")
            setattr(self, name, v)

    @classmethod
    def _default_values(cls) -> Dict[str, Any]:
        return {f.name: _from_json(f.shape, cls._defaults.get(f.name), _pointer(f.name)) for f in cls._fields}

    @classmethod
    def model_fields(cls) -> Tuple[Field, ...]:
        """The kind's members in describe() order (name, annotation, shape, required, limit)."""
        return cls._fields

    @classmethod
    def _load(cls: Type[M], d: Mapping[str, Any]) -> M:
        obj = cls.__new__(cls)
        values = {}
        for f in cls._fields:
            if f.name in d and d[f.name] is not None:
                values[f.name] = _from_json(f.shape, d[f.name], _pointer(f.name))
            else:
                values[f.name] = _from_json(f.shape, cls._defaults.get(f.name), _pointer(f.name))
        obj._values = values
        return obj

    @classmethod
    def from_dict(cls: Type[M], d: Mapping[str, Any]) -> M:
        """Decodes `d` (the JSON form) with every check: types, required members, text limits,
        NFC, then the kind's rules. Raises ValidationError naming the field (``e.path``)."""
        if cls.model_kind is None:
            raise TypeError("Model.from_dict: use a kind's class, or pbgdpl.model.load(kind, d)")
        return cls._load(_core.model_decode(cls.model_kind, d))

    @classmethod
    def from_json(cls: Type[M], text: Union[str, bytes]) -> M:
        """Decodes JSON text (str or UTF-8 bytes) as :meth:`from_dict` does, with the library's
        limits on size and nesting. Raises ValidationError (malformed JSON included)."""
        if cls.model_kind is None:
            raise TypeError("Model.from_json: use a kind's class")
        if isinstance(text, (bytes, bytearray, memoryview)):
            data = bytes(text)
            return cls._load(_core.model_decode_json_bytes(cls.model_kind, data))
        return cls._load(_core.model_decode_json(cls.model_kind, text))

    def to_dict(self) -> Dict[str, Any]:
        """The JSON form (a new dict): as the library and the HTTP API write it, with members in
        field order and empty optional members left out."""
        out: Dict[str, Any] = {}
        for f in self._fields:
            v = self._values[f.name]
            if v is None and f.shape["t"] == "optional":
                continue
            out[f.name] = _to_json(f.shape, v, _pointer(f.name))
        return out

    def to_json(self, *, indent: Optional[int] = None) -> str:
        """:meth:`to_dict` as JSON text (UTF-8 characters kept, not escaped)."""
        return _json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def validate(self) -> None:
        """Checks the object against its kind's rules. Raises ValidationError whose ``details``
        lists every problem (path and both messages); returns None when valid."""
        _core.model_check(type(self).model_kind, self.to_dict())

    def normalized(self: M) -> M:
        """A checked copy as the library would store it (text NFC, ...). Raises ValidationError."""
        return type(self).from_dict(self.to_dict())

    def copy(self: M) -> M:
        """An independent copy (lists and nested dicts copied too)."""
        return type(self)._load(self.to_dict())

    def __copy__(self: M) -> M:
        return self.copy()

    def __deepcopy__(self: M, memo: Any) -> M:
        return self.copy()

    def __reduce__(self) -> Any:
        return (load, (type(self).model_kind, self.to_dict()))

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.to_dict() == other.to_dict()  # type: ignore[union-attr]

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        parts = [f"id={self._values.get('id')!r}"]
        for key in ("title", "name", "username", "number"):
            v = self._values.get(key)
            if isinstance(v, str) and v:
                parts.append(f"{key}={(v[:40] + '…') if len(v) > 40 else v!r}")
                break
        return f"{type(self).__name__}({', '.join(parts)})"

    def __dir__(self) -> Iterable[str]:
        return sorted(set(super().__dir__()) | {f.name for f in self._fields})


def _camel(kind: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in kind.split("_"))


_SCHEMA: Dict[str, Any] = _core.model_schema()
_CLASSES: Dict[str, Type[Model]] = {}


def _make_class(kind: str, schema: Mapping[str, Any]) -> Type[Model]:
    fields = tuple(Field(f["name"], f["type"], f["shape"], f["required"], f["max_bytes"]) for f in schema["fields"])
    ns: Dict[str, Any] = {
        "__slots__": (),
        "__module__": __name__,
        "__doc__": f"A stored ``{kind}`` record (C++ ``pbgdpl::{kind}``). Members: "
                   + ", ".join(f"{f.name}: {f.type}" for f in fields) + ".",
        "model_kind": kind,
        "_fields": fields,
        "_defaults": dict(schema["defaults"]),
    }
    for f in fields:
        ns[f.name] = _Member(f)
    if "kind" not in ns:
        ns["kind"] = kind
    return type(_camel(kind), (Model,), ns)


for _kind, _schema in _SCHEMA.items():
    _cls = _make_class(_kind, _schema)
    _CLASSES[_kind] = _cls
    globals()[_cls.__name__] = _cls
    __all__.append(_cls.__name__)
del _kind, _schema, _cls


def kinds() -> List[str]:
    """The stored kinds' names in the registry's order (``"unit"``, ``"account"``, ...)."""
    return list(_CLASSES)


def class_for(kind: str) -> Type[Model]:
    """The class of a stored kind (``class_for("legal_document") is LegalDocument``). An unknown
    kind raises ValidationError (code invalid_argument, path /kind)."""
    try:
        return _CLASSES[kind]
    except (KeyError, TypeError):
        raise _error("invalid_argument", "/kind", f"Unknown kind: {kind!r}",
                     f"Loại dữ liệu không tồn tại: {kind!r}") from None


def load(kind: str, d: Mapping[str, Any]) -> Model:
    """An object of `kind` from a dict the library returned (a store read, a search hit): no
    rule check, members missing from `d` take their defaults. Use ``from_dict`` for input."""
    if not isinstance(d, Mapping):
        raise _type_error("", "dict", d)
    return class_for(kind)._load(d)
