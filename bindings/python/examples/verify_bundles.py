#!/usr/bin/env python3
"""Verify every signed media bundle in a folder and print a table (or JSON).

Each sub-folder holding a ``pbgdpl-bundle.json`` is a bundle, and so is each file with a
``FILE.pbgdpl-bundle.json`` beside it. Two ways to say whom to trust:

  --trusted-keys KEYS.json   the full check (pbgdpl.trust.Keyring.load: pinned root keys, their
                             delegations and revocation lists; use, validity and delegation checked)
  --public-key APPROVER.pub  (repeatable) who signed, the validity window and every file's bytes;
                             no delegation or revocation check

Exit status: 0 when every bundle verifies, 1 when one does not (or none was found), 2 on a usage
error (bad key file, unreadable trusted-keys file).

  python3 verify_bundles.py FOLDER --trusted-keys keys.json --use signage_school
  python3 verify_bundles.py FOLDER --public-key approver.pub --json
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import pathlib
import sys
from typing import Any, Dict, List, Optional

from pbgdpl import Error, trust

MANIFEST = "pbgdpl-bundle.json"
HANOI = dt.timezone(dt.timedelta(hours=7))


def find_bundles(folder: pathlib.Path) -> List[pathlib.Path]:
    """The bundles directly inside `folder` (sub-folders with a manifest, files with one beside)."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink():
            continue
        if entry.is_dir() and (entry / MANIFEST).exists():
            found.append(entry)
        elif entry.is_file() and entry.name.endswith("." + MANIFEST):
            target = entry.with_name(entry.name[: -len(MANIFEST) - 1])
            if target.exists() or target.is_symlink():
                found.append(target)
    return found


def check(bundle: pathlib.Path, args: argparse.Namespace, ring: Optional[trust.Keyring],
          keys: List[trust.PublicKey]) -> Dict[str, Any]:
    row: Dict[str, Any] = {"bundle": bundle.name, "status": "ok", "key_id": None, "content_id": None,
                           "signed_at": None, "files": 0, "code": None, "reason_vi": None, "reason_en": None}
    try:
        if ring is not None:
            info = trust.verify_bundle(bundle, ring, use=args.use, at=args.at)
        else:
            info = trust.verify_bundle_signed_by(bundle, keys, at=args.at, use=args.use)
    except Error as e:
        row.update(status="refused", code=e.code, reason_vi=e.message_vi, reason_en=e.message_en)
        try:  # who claims to have signed, for the table (not trusted)
            row["key_id"] = trust.Signature.load(trust.bundle_layout(bundle).signature).key_id
        except Error:
            pass
        return row
    row.update(key_id=info.key_id, content_id=info.content_id, files=len(info.files),
               signed_at=info.created_at.astimezone(HANOI).isoformat())
    return row


def print_table(rows: List[Dict[str, Any]]) -> None:
    headers = ["Gói / Bundle", "Kết quả / Status", "Mã khóa / Key id", "Ký lúc / Signed at", "Lý do / Reason"]
    table = []
    for r in rows:
        reason = "" if r["status"] == "ok" else f"{r['code']}: {r['reason_vi']} / {r['reason_en']}"
        status = "hợp lệ / ok" if r["status"] == "ok" else "TỪ CHỐI / REFUSED"
        table.append([r["bundle"], status, r["key_id"] or "-", r["signed_at"] or "-", reason])
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h) for i, h in enumerate(headers)]
    widths[-1] = len(headers[-1])  # the reason is last and not padded
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    good = sum(r["status"] == "ok" for r in rows)
    print(f"\n{good}/{len(rows)} gói hợp lệ / bundles verified")


def parse_time(text: str) -> dt.datetime:
    t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=HANOI)  # a time without zone is Hà Nội time


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description="Kiểm tra các gói đã ký trong một thư mục / "
                                             "verify the signed bundles in a folder")
    ap.add_argument("folder", type=pathlib.Path)
    who = ap.add_mutually_exclusive_group(required=True)
    who.add_argument("--trusted-keys", type=pathlib.Path, help="KEYS.json (see pbgdpl.trust.Keyring.load)")
    who.add_argument("--public-key", type=pathlib.Path, action="append", help="an approver's .pub (repeatable)")
    ap.add_argument("--use", help="portal, signage_school, signage_public, report (required with --trusted-keys)")
    ap.add_argument("--at", type=parse_time, help="time to check at, ISO 8601 (default: now)")
    ap.add_argument("--json", action="store_true", help="JSON lines out instead of a table")
    args = ap.parse_args(argv)
    if args.trusted_keys and not args.use:
        ap.error("--use is required with --trusted-keys")

    ring, keys = None, []
    try:
        if args.trusted_keys:
            ring = trust.Keyring.load(args.trusted_keys)
        else:
            keys = [trust.PublicKey.load(p) for p in args.public_key]
    except Error as e:
        print(f"Lỗi: {e.message_vi}\nError: {e.message_en}", file=sys.stderr)
        return 2
    if not args.folder.is_dir():
        print(f"Lỗi: {args.folder} không phải thư mục\nError: {args.folder} is not a folder", file=sys.stderr)
        return 2

    rows = [check(b, args, ring, keys) for b in find_bundles(args.folder)]
    if args.json:
        json.dump({"bundles": rows, "verified": sum(r["status"] == "ok" for r in rows), "total": len(rows)},
                  sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_table(rows)
    return 0 if rows and all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
