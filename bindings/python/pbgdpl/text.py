"""Vietnamese text, dates and document numbers, as the library handles them.

Search folding (:func:`fold`: ``"Kế hoạch"`` -> ``"ke hoach"``, ``đ`` -> ``d``), the storage form
NFC, case mapping, URL slugs, the Decree 30/2020 date line (:func:`vietnamese_date`:
``"ngày 22 tháng 3 năm 2023"``), school years, timestamps in Hà Nội time, and the số ký hiệu of a
document (:func:`parse_document_number`: ``"19/KH-PGDĐT"``) with the table of document types.

Text that is not Unicode (a ``str`` holding a lone surrogate) raises
:class:`pbgdpl.ValidationError` with code ``invalid_utf8``; a non-``str`` raises :class:`TypeError`.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import List, Optional, Union

from . import _core

__all__ = [
    "fold", "nfc", "nfd", "lower", "upper", "slug", "is_nfc", "is_valid_utf8",
    "vietnamese_date", "place_date", "parse_date", "parse_timestamp", "format_timestamp",
    "SchoolYear", "school_year", "DocumentNumber", "parse_document_number", "DocumentType",
    "document_types", "find_document_type", "HANOI",
]

#: Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving since 1975).
HANOI = _dt.timezone(_dt.timedelta(hours=7), "Asia/Ho_Chi_Minh")

DateLike = Union[_dt.date, _dt.datetime]


def fold(s: str) -> str:
    """The search key: case folded, every combining mark removed, đ/Đ -> d, so ``"Kế hoạch"``,
    ``"KE HOACH"`` and NFD input all give ``"ke hoach"`` (both tone placements, ``"hoà"`` and
    ``"hòa"``, give ``"hoa"``)."""
    return _core.text_fold(s)


def nfc(s: str) -> str:
    """Unicode NFC (composed): the form every stored text takes."""
    return _core.text_nfc(s)


def nfd(s: str) -> str:
    """Unicode NFD (decomposed): mostly for tests and for input that arrives decomposed."""
    return _core.text_nfd(s)


def lower(s: str) -> str:
    """Lower case in NFC, accents kept (the exact-match search form)."""
    return _core.text_lower(s)


def upper(s: str) -> str:
    """Upper case in NFC, accents kept (``"Phòng Giáo dục"`` -> ``"PHÒNG GIÁO DỤC"``)."""
    return _core.text_upper(s)


def slug(s: str, max_len: int = 80) -> str:
    """A URL slug: folded, ASCII letters and digits kept, every other run one hyphen, at most
    `max_len` bytes cut at a hyphen (``"Kế hoạch số 19"`` -> ``"ke-hoach-so-19"``)."""
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 0:
        raise TypeError("max_len must be a non-negative int")
    return _core.text_slug(s, min(max_len, 2**63 - 1))


def is_nfc(s: str) -> bool:
    """True when `s` is already NFC (what the library stores unchanged)."""
    return _core.text_is_nfc(s)


def is_valid_utf8(data: bytes) -> bool:
    """True when `data` is well-formed UTF-8 (no overlongs, surrogates or code points past
    U+10FFFF), the check the library runs on every text it reads."""
    return _core.text_is_valid_utf8(bytes(data))


def _local_date(d: DateLike) -> _dt.date:
    if isinstance(d, _dt.datetime):
        return (d.astimezone(HANOI) if d.tzinfo else d).date()
    if isinstance(d, _dt.date):
        return d
    raise TypeError(f"expected datetime.date or datetime.datetime, not {type(d).__name__}")


def vietnamese_date(d: DateLike) -> str:
    """The date line of Decree 30/2020: ``"ngày 22 tháng 3 năm 2023"``; days below 10 and the
    months January and February take a leading zero (``"ngày 05 tháng 02 năm 2024"``). A datetime
    counts by its Hà Nội date (a naive one is taken as Hà Nội time)."""
    d = _local_date(d)
    return _core.text_vietnamese_date(d.year, d.month, d.day)


def place_date(place: str, d: DateLike) -> str:
    """The place-and-date line under a document's header: ``"Hà Nội, ngày 22 tháng 3 năm 2023"``."""
    d = _local_date(d)
    return _core.text_place_date(place, d.year, d.month, d.day)


def parse_date(s: str) -> _dt.date:
    """``"2023-03-22"`` -> ``datetime.date(2023, 3, 22)``: only that exact form and only real dates
    (``"2023-02-30"`` is refused). Raises ValidationError (code bad_date)."""
    y, m, d = _core.text_parse_date(s)
    return _dt.date(y, m, d)


def parse_timestamp(s: str) -> _dt.datetime:
    """``"2023-03-22T08:30:00+07:00"`` (or ``...Z``) -> an aware datetime in UTC; fractions of a
    second are dropped, as the library stores whole seconds. Raises ValidationError (bad_date)."""
    return _dt.datetime.fromtimestamp(_core.text_parse_timestamp(s), _dt.timezone.utc)


def format_timestamp(t: _dt.datetime, *, utc: bool = False) -> str:
    """An instant as the library writes it: ``"2023-03-22T08:30:00+07:00"`` (Hà Nội time), or
    with ``utc=True`` ``"2023-03-22T01:30:00Z"``. Fractions of a second are dropped; a naive
    datetime is taken as Hà Nội time."""
    if not isinstance(t, _dt.datetime):
        raise TypeError(f"expected datetime.datetime, not {type(t).__name__}")
    if t.tzinfo is None:
        t = t.replace(tzinfo=HANOI)
    seconds = (t - _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)) // _dt.timedelta(seconds=1)
    return _core.text_format_timestamp(seconds, utc)


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A school year (năm học): 1 September of `start_year` to 31 August of the next year."""

    start_year: int

    @property
    def name(self) -> str:
        """``"2023-2024"``: how records and pages name it."""
        return f"{self.start_year}-{self.start_year + 1}"

    @property
    def first_day(self) -> _dt.date:
        """1 September of the first year."""
        return _dt.date(self.start_year, 9, 1)

    @property
    def last_day(self) -> _dt.date:
        """31 August of the second year."""
        return _dt.date(self.start_year + 1, 8, 31)

    def __contains__(self, d: DateLike) -> bool:
        return self.first_day <= _local_date(d) <= self.last_day

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of(cls, d: DateLike) -> "SchoolYear":
        """The school year a date falls in (a datetime by its Hà Nội date)."""
        d = _local_date(d)
        return cls(_core.text_school_year_of(d.year, d.month, d.day))

    @classmethod
    def parse(cls, s: str) -> "SchoolYear":
        """``"2023-2024"`` -> SchoolYear(2023); the second year must follow the first. Raises
        ValidationError (bad_date)."""
        return cls(_core.text_parse_school_year(s))


def school_year(d: DateLike) -> SchoolYear:
    """The school year holding `d`: ``school_year(date(2023, 9, 5)).name == "2023-2024"``."""
    return SchoolYear.of(d)


@dataclass(frozen=True)
class DocumentNumber:
    """A parsed số ký hiệu. ``form`` is ``"typed"`` (``19/KH-PGDĐT``, ``30/2020/NĐ-CP``),
    ``"official_letter"`` (``123/UBND-VX``: issuer and drafting unit, type ``CV``),
    ``"issuer_only"`` (``14/2012/QH13``: laws and codes) or ``"party"`` (``80-KL/TW``)."""

    number: str  # "19"; leading zeros kept as written
    year: Optional[int]  # 2020 in "30/2020/NĐ-CP"
    type_code: str  # "KH"; "CV" for official letters; "" for issuer_only
    issuer: str  # "PGDĐT", "CP", "UBND", "QH13"
    drafting_unit: str  # "VX" in "123/UBND-VX"
    form: str
    text: str  # the canonical text, NFC

    def __str__(self) -> str:
        return self.text

    @property
    def type(self) -> Optional["DocumentType"]:
        """The type's entry in :func:`document_types`, or None (issuer-only numbers, an unknown
        code)."""
        return find_document_type(self.type_code) if self.type_code else None

    @classmethod
    def parse(cls, s: str) -> "DocumentNumber":
        """Same as :func:`parse_document_number`."""
        return parse_document_number(s)


def parse_document_number(s: str) -> DocumentNumber:
    """Parses a document's number and symbol (input may be NFD; the result is NFC):
    ``parse_document_number("19/KH-PGDĐT")`` gives number ``"19"``, type_code ``"KH"``, issuer
    ``"PGDĐT"``. Raises ValidationError (code bad_document_number)."""
    d = _core.text_parse_document_number(s)
    return DocumentNumber(number=d["number"], year=d["year"], type_code=d["type_code"], issuer=d["issuer"],
                          drafting_unit=d["drafting_unit"], form=d["form"], text=d["text"])


@dataclass(frozen=True)
class DocumentType:
    """One row of the document type table (Decree 30/2020 annex III, Law 80/2015 Art. 4)."""

    code: str  # as written in the symbol ("KH", "QyĐ"), or the type's name where none is written
    name_vi: str  # "Kế hoạch"
    name_en: str  # "Plan"
    families: str  # "normative", "administrative" or "either"
    in_symbol: bool  # written in the số ký hiệu (laws, codes and ordinances are not)


_TYPES: List[DocumentType] = [DocumentType(**t) for t in _core.text_document_types()]


def document_types() -> List[DocumentType]:
    """The document types the library knows, in the table's order (a new list each call)."""
    return list(_TYPES)


def find_document_type(code: str) -> Optional[DocumentType]:
    """The type with this exact code (``"KH"``, ``"NĐ"``; NFC), or None."""
    if not isinstance(code, str):
        raise TypeError(f"code must be str, not {type(code).__name__}")
    code = nfc(code)
    for t in _TYPES:
        if t.code == code:
            return t
    return None
