"""The yearly PBGDPL reports: templates and their editions, indicators computed from the store,
validation against a template's rules, the signed workflow (a school's draft, its signed
submission, the approval from the unit above, returns and excuses), the offline tamper check,
reporting periods and completeness, the division's and the city's roll-ups, trends across rounds
and the exports (CSV data values, the Excel workbook, the Decree 30/2020 document as HTML and PDF).

Records (templates, periods, submissions) may be given as ids (read from the store), dicts or
pbgdpl.model objects; records returned are pbgdpl.model objects (ReportTemplate, ReportPeriod,
ReportSubmission).
Instants are aware ``datetime.datetime`` (a naive one is Hà Nội time), days ``datetime.date``.

    with pbgdpl.Store.open("pbgdpl.db") as db:
        draft = reports.open_draft(db, period, "th-van-yen", actor="acc-school-approver")
        reports.save_values(db, draft, [{"code": "staff_total", "number": 40}], actor=...)
        reports.submit(db, draft, actor="acc-school-approver", key=secret_key)
        view = reports.rollup(db, period, "vhxh-phuong-ha-dong")
        view.to_csv("bao-cao.csv"); view.to_pdf("bao-cao.pdf")
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, NamedTuple, Optional, Sequence, Union

from . import _core
from ._util import PathLike, as_dict, handle, ident, key_text, load, read_text_file, write_file
from .errors import Error, ValidationError, _from_core

__all__ = [
    "IndicatorSource", "ComputedValue", "Finding", "ValidationReport", "SubmitResult", "LevelRate",
    "Completeness", "DataValue", "Rollup", "TrendSeries", "Trend",
    "indicator_sources", "templates", "latest_edition", "next_edition", "publish_edition", "compute_indicators",
    "validate", "submission_id_for", "signed_payload", "open_draft", "save_values", "refresh_computed",
    "submit", "approve", "return_to_unit", "excuse", "verify_submission", "period_id_for",
    "ensure_periods", "completeness", "rollup", "trend", "to_csv", "parse_csv", "read_csv",
    "submission_values", "school_document",
]

Record = Union[str, Dict[str, Any], Any]


# --- result types ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class IndicatorSource:
    """A source key an indicator may name to be filled from the store, and what it counts."""
    key: str
    label_vi: str
    label_en: str
    kind: str  # the indicator kind it fills: "number", "percent", "boolean"


@dataclass(frozen=True)
class ComputedValue:
    """An indicator's value computed from a unit's records over a period, with the evidence."""
    code: str
    number: Optional[float]
    flag: Optional[bool]
    evidence_vi: str
    evidence_en: str


@dataclass(frozen=True)
class Finding:
    """A template rule that fails on a submission's values (left op right)."""
    rule: str
    severity: str  # "blocking" (stops a submission) or "warning"
    message_vi: str
    message_en: str
    codes: List[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """True when the finding stops the submission."""
        return self.severity == "blocking"

    def __str__(self) -> str:
        return f"{self.rule}: {self.message_en} / {self.message_vi}"


@dataclass
class ValidationReport:
    """What validate() found: ``errors`` (missing or ill-typed values, as pbgdpl.ValidationError
    objects, not raised) and ``findings`` (failed rules)."""
    errors: List[Error]
    findings: List[Finding]

    @property
    def warnings(self) -> List[Finding]:
        """The findings that do not stop a submission."""
        return [f for f in self.findings if not f.blocking]

    @property
    def blocking(self) -> List[Finding]:
        """The findings that stop a submission."""
        return [f for f in self.findings if f.blocking]

    @property
    def ok(self) -> bool:
        """No error and no blocking finding."""
        return not self.errors and not self.blocking


@dataclass
class SubmitResult:
    """A sent report and the warnings (failed rules of severity "warning") it was sent with."""
    submission: Any
    warnings: List[Finding]


@dataclass(frozen=True)
class LevelRate:
    """Completeness of one school level ("" for all schools, "mn", "th", "thcs"); rates are 0..1."""
    level: str
    expected: int
    on_time: int
    late: int
    missing: int
    excused: int
    completeness: float
    timeliness: float


@dataclass
class Completeness:
    """Who has reported in a period below a unit."""
    period: str
    unit: str
    due_on: _dt.date
    due_passed: bool
    by_level: Dict[str, LevelRate]
    missing_units: List[str]
    late_units: List[str]


class DataValue(NamedTuple):
    """One value as DHIS2 exchanges them: a unit's own (breakdown "") or an aggregate ("" total,
    "mn"/"th"/"thcs" school level, "other")."""
    unit: str
    period: str
    indicator: str
    breakdown: str
    value: str
    comment: str


@dataclass(frozen=True)
class TrendSeries:
    """One indicator over the rounds (None where a round has no data)."""
    code: str
    label: str
    values: List[Optional[float]]


@dataclass
class Trend:
    """Totals of some indicators across rounds, and the same as a standalone SVG chart."""
    title: str
    unit_label: str
    x_labels: List[str]
    series: List[TrendSeries]
    svg: str


def _int_arg(name: str, value: Any, low: int, high: int, *, optional: bool = False) -> Any:
    """An int argument, never a bool (True is 1: ensure_periods(t, True) stored the periods of the
    year 1) nor a float, within low..high (a huge int was a TypeError listing the overloads)."""
    if optional and value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{name} must be an int, not {type(value).__name__}", code="wrong_type", path="/" + name,
                              message_vi=f"{name} phải là số nguyên")
    if not low <= value <= high:
        raise ValidationError(f"{name} must be within {low}..{high}", code="out_of_range", path="/" + name,
                              message_vi=f"{name} phải trong khoảng {low}..{high}")
    return value


def _finding(d: Dict[str, Any]) -> Finding:
    return Finding(d["rule"], d["severity"], d["message_vi"], d["message_en"], list(d["codes"]))


def _error(d: Dict[str, Any]) -> Error:
    return _from_core(d["code"], d["path"], d["message_vi"], d["message_en"], [])


def _sub(d: Dict[str, Any]) -> Any:
    return load("report_submission", d)


# --- templates and indicators -------------------------------------------------------------------
def indicator_sources() -> List[IndicatorSource]:
    """Every source key an indicator may name to be computed from the store, in a fixed order."""
    return [IndicatorSource(**d) for d in _core.reports_indicator_sources()]


def templates(store: Any, *, family: Optional[str] = None) -> List[Any]:
    """The report templates in the store (every edition), by family then edition; only those of
    `family` when given."""
    out = []
    for t in store.list("report_template"):
        d = as_dict(t)
        fam = d.get("family") or d["id"]
        if family is None or fam == family:
            out.append((fam, d.get("edition", 1), d["id"], t))
    out.sort(key=lambda x: x[:3])
    return [x[3] for x in out]


def latest_edition(store: Any, family: str) -> Any:
    """The newest edition of a template family (NotFoundError when it has none)."""
    return load("report_template", _core.reports_latest_edition(handle(store), family))


def next_edition(template: Record) -> Any:
    """The next edition of a template (same family, edition + 1, not stored): change its
    indicators and rules, then publish_edition()."""
    return load("report_template", _core.reports_next_edition(template))


def publish_edition(store: Any, template: Record, *, actor: str = "python") -> Any:
    """Stores a template as the next edition of its family. ConflictError unless its edition is
    the newest stored one + 1 (two editors cannot both publish "edition 3")."""
    return load("report_template", _core.reports_publish_edition(handle(store), template, actor))


def compute_indicators(store: Any, template: Record, period: Record, unit: Record) -> List[ComputedValue]:
    """The template's indicators that the store can fill, for one unit over the period's window
    (only the unit's own records), with a line of evidence each. Reads only."""
    return [ComputedValue(**d) for d in
            _core.reports_compute_indicators(handle(store), template, period, ident(unit, "unit"))]


def validate(template: Record, submission: Record, *, as_sent: bool = True) -> ValidationReport:
    """Checks a submission's values against a template: what is missing or of the wrong type, and
    which rules fail (blocking ones refuse a submission; warnings are shown). With as_sent (the
    default) a draft is checked as if it were being sent, so missing required values are errors.
    Raises nothing for bad values; ValidationError only when the template or submission itself
    does not decode."""
    d = _core.reports_validate(template, submission, as_sent)
    return ValidationReport([_error(e) for e in d["errors"]], [_finding(f) for f in d["findings"]])


# --- workflow ---------------------------------------------------------------------------------
def submission_id_for(period: Record, unit: Record) -> str:
    """The id of a unit's report in a period ("<period>.<unit>", hashed when too long)."""
    return _core.reports_submission_id_for(ident(period, "period"), ident(unit, "unit"))


def signed_payload(submission: Record) -> str:
    """The exact text a submitter signs (compact JSON of everything the report says)."""
    return _core.reports_signed_payload(submission)


def open_draft(store: Any, period: Record, unit: Record, *, actor: Record,
               now: Optional[_dt.datetime] = None) -> Any:
    """Opens the unit's report for the period, pre-filled with values computed from the store, or
    returns the one that exists. The actor (account id or Account) needs submit_report at the unit."""
    return _sub(_core.reports_open_draft(handle(store), ident(period, "period"), ident(unit, "unit"),
                                         ident(actor, "actor"), now))


def save_values(store: Any, submission: Record, values: Iterable[Any], *, actor: Record,
                now: Optional[_dt.datetime] = None, expected_version: Optional[int] = None) -> Any:
    """Changes values of a draft or returned report. Each value (dict or model IndicatorValue:
    code and one of number, flag, text; justification when it differs from the computed figure)
    replaces the one of its code. ValidationError, nothing written, for unknown codes, wrong types,
    negative counts, overrides without justification; ConflictError when expected_version is stale."""
    return _sub(_core.reports_save_values(handle(store), ident(submission, "submission"), list(values),
                                          ident(actor, "actor"), now,
                                          _int_arg("expected_version", expected_version, 0, 2 ** 64 - 1, optional=True)))


def refresh_computed(store: Any, submission: Record, *, actor: Record, now: Optional[_dt.datetime] = None) -> Any:
    """Computes a draft's auto-filled values again (data may have come in since it was opened)."""
    return _sub(_core.reports_refresh_computed(handle(store), ident(submission, "submission"),
                                               ident(actor, "actor"), now))


def submit(store: Any, submission: Record, *, actor: Record, key: Any, password: Optional[str] = None,
           now: Optional[_dt.datetime] = None) -> SubmitResult:
    """Sends a draft or returned report signed with the approver's minisign secret key (a
    pbgdpl.trust key, the .key text or a path to it; `password` for an encrypted one). Refused
    (ValidationError validation_failed, each problem in .details) when a required value is missing
    or a blocking rule fails; ConflictError when already sent; SignatureError for a key that is not
    the actor's. Returns the sent report and the warnings."""
    d = _core.reports_submit(handle(store), ident(submission, "submission"), ident(actor, "actor"),
                             key_text(key, "secret key"), password, now)
    return SubmitResult(_sub(d["submission"]), [_finding(f) for f in d["warnings"]])


def approve(store: Any, submission: Record, *, actor: Record, key: Any, password: Optional[str] = None,
            now: Optional[_dt.datetime] = None, note: str = "") -> Any:
    """Accepts a sent report (locking it), signed with the reviewer's key. The submitter's signature
    is checked first (SignatureError). Needs review_report at the unit directly above."""
    return _sub(_core.reports_approve(handle(store), ident(submission, "submission"), ident(actor, "actor"),
                                      key_text(key, "secret key"), password, now, note))


def return_to_unit(store: Any, submission: Record, *, actor: Record, note: str,
                   now: Optional[_dt.datetime] = None) -> Any:
    """Sends a sent or accepted report back to its unit with a note (required); drops the approval."""
    return _sub(_core.reports_return_to_unit(handle(store), ident(submission, "submission"),
                                             ident(actor, "actor"), now, note))


def excuse(store: Any, period: Record, unit: Record, *, actor: Record, reason: str,
           now: Optional[_dt.datetime] = None) -> Any:
    """Marks that no report is expected from the unit this round (a reason is required)."""
    return _sub(_core.reports_excuse(handle(store), ident(period, "period"), ident(unit, "unit"),
                                     ident(actor, "actor"), now, reason))


def verify_submission(submission: Record, submitter_key: Any, approver_key: Any = None) -> None:
    """The offline tamper check of a report: the submitter's signature (and the approval's, which
    an accepted report needs). Keys: pbgdpl.trust public keys, .pub text or paths. Raises
    SignatureError (bad_signature, unknown_key, tampered) when it does not verify; returns None."""
    sub = submission if isinstance(submission, dict) else as_dict(submission)
    _core.reports_verify_submission(sub, key_text(submitter_key, "public key"),
                                    None if approver_key is None else key_text(approver_key, "public key"))


# --- periods -----------------------------------------------------------------------------------
def period_id_for(template: Record, calendar_year: int, round: int) -> str:
    """The id of a template's period: round 1 (after the school year's wrap-up) or 2 (December)."""
    return _core.reports_period_id_for(ident(template, "template"), _int_arg("calendar_year", calendar_year, 1, 9999),
                                       _int_arg("round", round, 1, 2))


def ensure_periods(store: Any, template: Record, calendar_year: int, *, round1_due: Optional[_dt.date] = None,
                   actor: str = "system") -> List[Any]:
    """The year's two periods of a template, created when missing (existing ones are returned as
    they are). Round 1 is due on round1_due (default 30 June), round 2 on 15 December."""
    return [load("report_period", d) for d in
            _core.reports_ensure_periods(handle(store), template, _int_arg("calendar_year", calendar_year, 1, 9999),
                                         round1_due, actor)]


def completeness(store: Any, period: Record, unit: Record, *, now: Optional[_dt.datetime] = None) -> Completeness:
    """Completeness and timeliness of a period's reports from the schools below a unit, by level
    ("" all, "mn", "th", "thcs"; rates 0..1), and which schools are missing or late."""
    d = _core.reports_completeness(handle(store), ident(period, "period"), ident(unit, "unit"), now)
    return Completeness(d["period"], d["unit"], _dt.date.fromisoformat(d["due_on"]), d["due_passed"],
                        {r["level"]: LevelRate(**r) for r in d["by_level"]}, list(d["missing_units"]),
                        list(d["late_units"]))


# --- roll-ups and exports ----------------------------------------------------------------------
class Rollup:
    """A period's roll-up at a unit: the view of its schools (a division or a ward's office) or,
    at the city, of the units above the schools. to_dict() is the whole view as the library's JSON;
    to_csv/to_xlsx/to_html/to_pdf export it. Its members are also attributes:

    ``template_id``/``unit``/``name``/``as_of``  which form and unit (name and tree as on the due
        date ``as_of``); the properties ``period`` and ``template`` are the model objects;
    ``expected``, ``counted``, ``excused``, ``awaiting`` (sent, not yet approved), ``missing``:
        schools;
    ``schools`` (unit view): per school ``unit``, ``name``, ``level``, ``state``, ``counted``,
        ``submitted_at``, ``cells``; ``areas`` (city view): per unit above schools, its counts,
        ``completeness`` (0..100), ``cells`` and ``kpis``;
    ``by_level``: ``level`` ("mn", "th", "thcs", ""), ``units``, ``cells``;
    ``total``: cells ``code``, ``value`` (None: no data), ``units``, ``yes``, ``text``;
    ``kpis``: ``code``, ``target``, ``actual``, ``met``; ``ranking``: ``unit``, ``name``, ``score``,
        ``kpis_met``, ``kpis``, ``articles`` (best first).
    """

    def __init__(self, core: Any) -> None:
        self._core = core
        self._dict: Dict[str, Any] = core.to_dict()

    @property
    def is_city(self) -> bool:
        """True for the city's view (areas), False for a unit's view of its schools."""
        return bool(self._core.is_city)

    @property
    def template(self) -> Any:
        """The report template rolled up (model object)."""
        return load("report_template", self._core.template)

    @property
    def period(self) -> Any:
        """The period rolled up (model object)."""
        return load("report_period", self._core.period)

    def __getattr__(self, name: str) -> Any:
        # expected, counted, excused, awaiting, missing, schools, areas, by_level, total, kpis,
        # ranking, unit, name, as_of: the view's members.
        d = self.__dict__.get("_dict")
        if d is not None and name in d:
            return d[name]
        raise AttributeError(name)

    def to_dict(self) -> Dict[str, Any]:
        """The view as a dict, as the portal's JSON export names it."""
        return dict(self._dict)

    def data_values(self) -> List[DataValue]:
        """Every counted school's values, then the totals and level splits (DHIS2 data values)."""
        return [DataValue(**d) for d in self._core.data_values()]

    def to_csv(self, path: Optional[PathLike] = None) -> str:
        """The data values as CSV (UTF-8 with BOM, CRLF, formulas guarded); written to `path` too."""
        text = self._core.csv()
        if path is not None:
            write_file(path, text)
        return text

    def to_xlsx(self, path: Optional[PathLike] = None) -> bytes:
        """The Excel workbook (a summary sheet and the data values), for a unit's view of its
        schools; written to `path` too. ValidationError for a city view."""
        data = self._core.xlsx()
        if path is not None:
            write_file(path, data)
        return data

    def to_html(self, path: Optional[PathLike] = None, *, frame: Optional[Dict[str, Any]] = None,
                stylesheet_href: str = "") -> str:
        """The report as a Decree 30/2020 administrative document, a printable HTML page. `frame`
        overrides the document frame (number, issuer_code, place, issued_on, summary, recipients,
        authority, signer_title, signer_name, parent_body, issuing_body)."""
        text = self._core.document_html(frame, stylesheet_href)
        if path is not None:
            write_file(path, text)
        return text

    def to_pdf(self, path: Optional[PathLike] = None, *, frame: Optional[Dict[str, Any]] = None) -> bytes:
        """The same document as a PDF with its fonts embedded; written to `path` too."""
        data = self._core.document_pdf(frame)
        if path is not None:
            write_file(path, data)
        return data

    def __repr__(self) -> str:
        d = self._dict
        return (f"Rollup(period={d.get('period')!r}, unit={d.get('unit')!r}, counted={d.get('counted')}, "
                f"expected={d.get('expected')})")


def rollup(store: Any, period: Record, unit: Record, *, include_submitted: bool = False) -> Rollup:
    """Rolls up a period at a unit: the city's view when the unit is the city, else the view of the
    schools below it on the period's due date. Only accepted reports count, unless
    include_submitted (a preview). NotFoundError for an unknown period or unit."""
    return Rollup(_core.reports_rollup(handle(store), period, ident(unit, "unit"), include_submitted))


def trend(store: Any, period: Record, unit: Record, *, codes: Sequence[str] = (), english: bool = False,
          max_rounds: int = 10, style: str = "line", svg_id: str = "trend", include_submitted: bool = False) -> Trend:
    """The totals of `codes` (default: the indicators with a target) at a unit over the rounds of the
    period's template family up to that period, oldest first, and an SVG chart ("line" or "bar").
    Approved reports only, unless include_submitted."""
    d = _core.reports_trend(handle(store), period, ident(unit, "unit"), list(codes), english, max_rounds, style,
                            svg_id, include_submitted)
    return Trend(d["title"], d["unit_label"], list(d["x_labels"]),
                 [TrendSeries(s["code"], s["label"], list(s["values"])) for s in d["series"]], d["svg"])


def to_csv(values: Iterable[Union[DataValue, Dict[str, Any]]]) -> str:
    """Data values as CSV text (the format Rollup.to_csv writes)."""
    rows = [v._asdict() if isinstance(v, DataValue) else v for v in values]
    return _core.reports_to_csv(rows)


def parse_csv(text: str) -> List[DataValue]:
    """Reads what to_csv wrote (exact round trip). ValidationError for a wrong header, an
    unterminated quote or a row of another width."""
    return [DataValue(**d) for d in _core.reports_parse_csv(text)]


def read_csv(path: PathLike) -> List[DataValue]:
    """parse_csv() of a file (a regular file only: a FIFO is refused without blocking)."""
    return parse_csv(read_text_file(path, "CSV file"))


def submission_values(submission: Record) -> List[DataValue]:
    """One submission's own values as data values (whatever its state)."""
    return [DataValue(**d) for d in _core.reports_submission_values(submission)]


def school_document(store: Any, submission: Record, *, format: str = "html",
                    frame: Optional[Dict[str, Any]] = None, path: Optional[PathLike] = None) -> Union[str, bytes]:
    """A school's own report as a Decree 30 document: HTML text (format="html") or PDF bytes
    ("pdf"); written to `path` too."""
    out = _core.reports_school_document(handle(store), submission, frame, format)
    if path is not None:
        write_file(path, out)
    return out
