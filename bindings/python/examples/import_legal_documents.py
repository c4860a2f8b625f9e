#!/usr/bin/env python3
"""Bulk import of legal documents (văn bản) from a CSV file into a pbgdpl SQLite store.

Every row is checked first (the library's own rules for a legal document); if any row is bad,
each bad row is reported with its line number, in Vietnamese and English, and nothing is
written. Otherwise all rows are created in ONE transaction: a failure part-way (an id already
stored, a unit the store does not hold) rolls every row back, so the store never holds half a
file.

CSV: UTF-8 (a BOM is accepted), comma separated, a header row; column names are case-insensitive.

  number      required  the số ký hiệu, e.g. "19/KH-PGDĐT", "30/2020/NĐ-CP", "14/2012/QH13"
  title       required  trích yếu (the title)
  issuer      required  the issuing body in full, e.g. "Phòng Giáo dục và Đào tạo quận Hà Đông"
  issued_on   required  dd/mm/yyyy (22/3/2023) or ISO yyyy-mm-dd (2023-03-22)
  type        optional  the type code ("KH", "QĐ", "Luật"); default: read from the number
  level       optional  central | city | district | sector | school (default: --level)
  summary     optional  a short summary
  url         optional  where the official text is published (http/https); becomes a link in
                        the document's body
  status      optional  validity of a normative document (required for one: laws, decrees,
                        circulars): in_force | partly_expired | expired | not_yet_in_force |
                        suspended
  fields      optional  lĩnh vực, separated by ";" ("Phổ biến, giáo dục pháp luật;Giáo dục")
  unit        optional  the id of the stored unit that issued it (e.g. "pgddt-ha-dong")
  id          optional  the record's id; default: a slug of the number and the issue year

Usage:
  python3 import_legal_documents.py documents.csv --db var/pbgdpl.db
  python3 import_legal_documents.py documents.csv --db var/pbgdpl.db --dry-run --json

Exit status: 0 imported (or --dry-run and every row is valid), 1 some row is bad or the store
refused the batch (nothing written), 2 usage error (unreadable file, missing columns).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import pathlib
import re
import sys
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import pbgdpl
from pbgdpl import Store, text
from pbgdpl.model import LegalDocument

REQUIRED = ("number", "title", "issuer", "issued_on")
KNOWN = REQUIRED + ("type", "level", "summary", "url", "status", "fields", "unit", "id")
LEVELS = ("central", "city", "district", "sector", "school")
HANOI = dt.timezone(dt.timedelta(hours=7))
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


@dataclass
class Problem:
    """One bad row: its line in the file and what is wrong, in both languages."""

    line: int
    column: str
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        where = f"dòng {self.line}" + (f", cột {self.column}" if self.column else "")
        where_en = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message_vi} / {where_en}: {self.message_en}"


@dataclass
class Batch:
    documents: List[Tuple[int, LegalDocument]] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)


class UsageError(Exception):
    """A problem with the file as a whole (exit status 2)."""


def parse_issued_on(s: str) -> dt.date:
    """dd/mm/yyyy (one-digit day and month allowed) or ISO yyyy-mm-dd; ValueError otherwise."""
    m = _DMY.match(s)
    if m:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    return dt.date.fromisoformat(s.strip())


def read_text(path: pathlib.Path) -> str:
    """The file as text; invalid UTF-8 is a usage error naming the line it is on."""
    if not path.is_file():
        raise UsageError(f"Không phải tệp / not a file: {path}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise UsageError(f"Tệp không phải UTF-8 hợp lệ (dòng {line}) / the file is not valid UTF-8 (line {line})") from None


def row_to_document(row: Dict[str, str], default_level: str, now: dt.datetime) -> LegalDocument:
    """A LegalDocument from one CSV row (raises pbgdpl.ValidationError or ValueError)."""
    number = text.parse_document_number(row["number"])
    try:
        issued_on = parse_issued_on(row["issued_on"])
    except ValueError:
        raise pbgdpl.ValidationError(f"issued_on {row['issued_on']!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)",
                                     code="bad_date", path="/issued_on",
                                     message_vi=f"issued_on {row['issued_on']!r} không phải ngày (dd/mm/yyyy hoặc yyyy-mm-dd)") from None
    type_code = (row.get("type") or "").strip() or number.type_code
    if not type_code:
        raise pbgdpl.ValidationError("the number has no type code: fill the type column", code="invalid_argument",
                                     path="/type_code",
                                     message_vi="số ký hiệu không có mã loại văn bản: hãy điền cột type")
    level = (row.get("level") or "").strip() or default_level
    body = ""
    url = (row.get("url") or "").strip()
    if url:
        if not re.match(r"^https?://[^\s<>\"'()\[\]]+$", url):
            raise pbgdpl.ValidationError(f"url {url!r} is not an http(s) address", code="invalid_argument", path="/url",
                                         message_vi=f"url {url!r} không phải địa chỉ http(s)")
        body = f"Văn bản gốc / official text: <{url}>"
    fields = [f.strip() for f in (row.get("fields") or "").split(";") if f.strip()]
    doc_id = (row.get("id") or "").strip() or text.slug(f"{number.text}-{issued_on.year}", max_len=64)
    doc = LegalDocument(id=doc_id, number=number.text, type_code=type_code, level=level,
                        issuer=row["issuer"].strip(), issued_on=issued_on, year=issued_on.year,
                        title=row["title"].strip(), summary=(row.get("summary") or "").strip(), body_markdown=body,
                        fields=fields, state="published", created_at=now, updated_at=now)
    unit = (row.get("unit") or "").strip()
    if unit:
        doc.unit = unit
    status = (row.get("status") or "").strip()
    if status:
        doc.status = status
    doc.validate()
    return doc


def read_batch(path: pathlib.Path, default_level: str) -> Batch:
    """Every row as a document, or the problems of the bad ones."""
    content = read_text(path)
    reader = csv.DictReader(io.StringIO(content, newline=""), strict=True)
    if reader.fieldnames is None:
        raise UsageError("Tệp CSV trống / the CSV file is empty")
    names = [(n or "").strip().lower() for n in reader.fieldnames]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise UsageError(f"Thiếu cột / missing columns: {', '.join(missing)}")
    reader.fieldnames = names
    batch = Batch()
    now = dt.datetime.now(tz=dt.timezone.utc).replace(microsecond=0)
    seen: Dict[str, int] = {}
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            batch.problems.append(Problem(reader.line_num, "", f"CSV sai cú pháp: {e}", f"malformed CSV: {e}"))
            break
        line, start = start, reader.line_num + 1
        if None in row:
            batch.problems.append(Problem(line, "", "thừa cột so với tiêu đề", "more cells than the header has"))
            continue
        row = {k: (v or "") for k, v in row.items() if k in KNOWN}
        blank = [c for c in REQUIRED if not row.get(c, "").strip()]
        if blank:
            for c in blank:
                batch.problems.append(Problem(line, c, "bắt buộc, đang để trống", "required, left empty"))
            continue
        try:
            doc = row_to_document(row, default_level, now)
        except pbgdpl.Error as e:
            details = e.details or [e]
            for d in details:
                batch.problems.append(Problem(line, d.path.lstrip("/"), d.message_vi, d.message_en))
            continue
        if doc.id in seen:
            batch.problems.append(Problem(line, "id", f"trùng mã {doc.id!r} với dòng {seen[doc.id]}",
                                          f"id {doc.id!r} repeats line {seen[doc.id]}"))
            continue
        seen[doc.id] = line
        batch.documents.append((line, doc))
    return batch


def import_batch(store: Store, batch: Batch, actor: str) -> List[LegalDocument]:
    """Creates every document in one transaction; on a failure, raises it with the row's line
    (pbgdpl.Error, .line set) after everything was rolled back."""

    def work() -> List[LegalDocument]:
        out = []
        for line, doc in batch.documents:
            try:
                out.append(store.create(doc, actor=actor))
            except pbgdpl.Error as e:
                e.line = line  # type: ignore[attr-defined]
                raise
        return out

    return store.transaction(work)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Import legal documents from a CSV file into a pbgdpl SQLite store "
                                             "(all rows or none).")
    ap.add_argument("csv", type=pathlib.Path, help="the CSV file (columns: see this script's docstring)")
    ap.add_argument("--db", type=pathlib.Path, help="the SQLite store (created if missing)")
    ap.add_argument("--level", choices=LEVELS, default="sector", help="level of rows without one (default: sector)")
    ap.add_argument("--actor", default="import-csv", help="who the audit log names (default: import-csv)")
    ap.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    ap.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = ap.parse_args(argv)
    if not args.dry_run and args.db is None:
        ap.error("--db is required unless --dry-run")

    def report(ok: bool, **payload) -> None:
        if args.json:
            print(json.dumps({"ok": ok, **payload}, ensure_ascii=False, indent=2))

    try:
        batch = read_batch(args.csv, args.level)
    except UsageError as e:
        print(str(e), file=sys.stderr)
        report(False, error=str(e))
        return 2
    if batch.problems:
        for p in batch.problems:
            print(str(p), file=sys.stderr)
        print(f"{len(batch.problems)} lỗi, không ghi gì / {len(batch.problems)} problems, nothing written", file=sys.stderr)
        report(False, problems=[p.__dict__ for p in batch.problems])
        return 1
    if args.dry_run:
        if not args.json:
            print(f"{len(batch.documents)} dòng hợp lệ / {len(batch.documents)} valid rows (dry run)")
        report(True, valid=len(batch.documents), imported=0)
        return 0
    try:
        with Store.open(args.db) as store:
            created = import_batch(store, batch, args.actor)
    except pbgdpl.Error as e:
        line = getattr(e, "line", None)
        where_vi = f"dòng {line}: " if line else ""
        where_en = f"line {line}: " if line else ""
        msg = f"{where_vi}{e.message_vi} / {where_en}{e.message_en}"
        print(msg, file=sys.stderr)
        print("Không ghi gì (đã hoàn tác) / nothing written (rolled back)", file=sys.stderr)
        report(False, problems=[{"line": line, "column": e.path.lstrip("/"), "message_vi": e.message_vi,
                                 "message_en": e.message_en}])
        return 1
    if args.json:
        report(True, imported=len(created), ids=[d.id for d in created])
    else:
        for d in created:
            print(f"{d.number}\t{d.id}\t{d.title}")
        print(f"Đã nhập {len(created)} văn bản / imported {len(created)} documents into {args.db}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
