#!/usr/bin/env python3
"""The division's yearly roll-up of the PBGDPL reports, to a CSV file and PNG charts.

Imports a dataset (the demo's data/seed by default) into a temporary store, or uses a store you
name, rolls up one reporting round at the unit above the schools and writes into --out:

  rollup-<period>.csv        every counted school's values, the totals and the school-level splits
                             (the DHIS2-style data values the portal exports; UTF-8 with BOM)
  completeness-<period>.png  completeness and timeliness by school level
  targets-<period>.png       the plan's indicators against their targets
  trend-<period>.png         the totals across the rounds of the same form, up to this one

  python3 yearly_rollup.py --out /tmp/rollup
  python3 yearly_rollup.py --store pbgdpl.db --period bc-kh19-v2-2026-dot-1 --unit vhxh-phuong-ha-dong --out out/

By default only approved reports count; --include-submitted previews the sent ones too. Exit
status 0 on success, 1 when the round cannot be rolled up (unknown period or unit), 2 on a usage
error (missing seed folder or store).
"""
from __future__ import annotations

import argparse
import datetime as dt
import pathlib
import sys
import tempfile
import textwrap
from typing import Any, Dict, List, Optional, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import pbgdpl  # noqa: E402
from pbgdpl import reports  # noqa: E402

HERE = pathlib.Path(__file__).resolve()
DEFAULT_SEED = HERE.parents[3] / "data" / "seed"
LEVEL_NAMES = {"": "Tất cả (all)", "mn": "Mầm non", "th": "Tiểu học", "thcs": "THCS", "other": "Khác"}


def as_dict(x: Any) -> Dict[str, Any]:
    return x if isinstance(x, dict) else x.to_dict()


def pick_period(db: pbgdpl.Store, wanted: Optional[str]) -> Dict[str, Any]:
    """The period asked for, else the newest one that has a sent or approved report, else the newest."""
    periods = [as_dict(p) for p in db.list("report_period")]
    if wanted:
        for p in periods:
            if p["id"] == wanted:
                return p
        raise pbgdpl.NotFoundError(f"No report period {wanted!r}", code="not_found", path="/period",
                                   message_vi=f"Không có kỳ báo cáo {wanted!r}")
    if not periods:
        raise pbgdpl.NotFoundError("The store has no report period", code="not_found",
                                   message_vi="Kho dữ liệu chưa có kỳ báo cáo nào")
    periods.sort(key=lambda p: (p["due_on"], p["id"]))
    reported = {as_dict(s)["period_id"] for s in db.list("report_submission")
                if as_dict(s)["state"] in ("submitted", "accepted")}
    with_reports = [p for p in periods if p["id"] in reported]
    return (with_reports or periods)[-1]


def number_codes(template: Dict[str, Any], limit: int = 4) -> List[str]:
    """The first whole-number indicators (counts), for the trend chart."""
    return [i["code"] for i in template["indicators"]
            if i["kind"] == "number" and i.get("aggregation", "sum") == "sum"][:limit]


def label_of(template: Dict[str, Any], code: str) -> str:
    for i in template["indicators"]:
        if i["code"] == code:
            return i.get("label") or code
    return code


def completeness_chart(c: reports.Completeness, title: str, path: pathlib.Path) -> None:
    levels = [lvl for lvl in ("", "mn", "th", "thcs") if lvl in c.by_level]
    names = [f"{LEVEL_NAMES[lvl]}\n({c.by_level[lvl].expected} trường)" for lvl in levels]
    comp = [100 * c.by_level[lvl].completeness for lvl in levels]
    timely = [100 * c.by_level[lvl].timeliness for lvl in levels]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    xs = range(len(levels))
    ax.bar([x - 0.2 for x in xs], comp, width=0.4, label="Đầy đủ (completeness)", color="#1f6feb")
    ax.bar([x + 0.2 for x in xs], timely, width=0.4, label="Đúng hạn (on time)", color="#2da44e")
    ax.set_xticks(list(xs), names)
    ax.set_ylim(0, 105)
    ax.set_ylabel("%")
    ax.set_title(title)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def targets_chart(view: reports.Rollup, template: Dict[str, Any], title: str, path: pathlib.Path) -> None:
    kpis = view.kpis
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    if kpis:
        names = [label_of(template, k["code"])[:28] for k in kpis]
        ys = range(len(kpis))
        ax.barh([y + 0.2 for y in ys], [k["target"] for k in kpis], height=0.4, label="Mục tiêu (target)",
                color="#d0d7de")
        ax.barh([y - 0.2 for y in ys], [k["actual"] for k in kpis], height=0.4, label="Đạt được (actual)",
                color=["#2da44e" if k["met"] else "#cf222e" for k in kpis])
        ax.set_yticks(list(ys), names)
        ax.invert_yaxis()
        ax.legend(loc="lower right")
    else:
        ax.text(0.5, 0.5, "Mẫu báo cáo không đặt chỉ tiêu\n(the template sets no targets)", ha="center",
                va="center", transform=ax.transAxes)
        ax.set_axis_off()
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def trend_chart(trend: reports.Trend, path: pathlib.Path) -> None:
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=100)
    xs = list(range(len(trend.x_labels)))
    for s in trend.series:
        pts = [(x, v) for x, v in zip(xs, s.values) if v is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=s.label[:40])
    ax.set_xticks(xs, trend.x_labels)
    ax.set_ylabel(trend.unit_label or "")
    ax.set_title(textwrap.fill(trend.title or "Xu hướng qua các kỳ (trend across rounds)", 70), fontsize="medium")
    if any(any(v is not None for v in s.values) for s in trend.series):
        ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)


def run(db: pbgdpl.Store, out: pathlib.Path, period_id: Optional[str], unit: Optional[str],
        include_submitted: bool, now: Optional[dt.datetime]) -> Dict[str, Any]:
    period = pick_period(db, period_id)
    template = as_dict(db.get("report_template", period["template_id"]))
    above = unit or template["owner"]
    view = reports.rollup(db, period["id"], above, include_submitted=include_submitted)
    c = reports.completeness(db, period["id"], above, now=now)
    trend = reports.trend(db, period["id"], above, codes=number_codes(template), include_submitted=include_submitted)
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "csv": out / f"rollup-{period['id']}.csv",
        "completeness": out / f"completeness-{period['id']}.png",
        "targets": out / f"targets-{period['id']}.png",
        "trend": out / f"trend-{period['id']}.png",
    }
    view.to_csv(files["csv"])
    name = view.name or above
    completeness_chart(c, f"{name}: {period['id']}", files["completeness"])
    targets_chart(view, template, f"Chỉ tiêu của kế hoạch (targets): {period['id']}", files["targets"])
    trend_chart(trend, files["trend"])
    return {"period": period["id"], "unit": above, "expected": view.expected, "counted": view.counted,
            "awaiting": view.awaiting, "excused": view.excused, "missing": view.missing,
            "files": {k: str(v) for k, v in files.items()}}


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--store", type=pathlib.Path, help="a SQLite store to read (default: a temporary one)")
    ap.add_argument("--seed", type=pathlib.Path, help=f"a dataset folder to import first (default for a "
                    f"temporary store: {DEFAULT_SEED})")
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."), help="where the CSV and PNGs go")
    ap.add_argument("--period", help="the report period id (default: the newest one with a sent report)")
    ap.add_argument("--unit", help="the unit above the schools (default: the template's owner)")
    ap.add_argument("--include-submitted", action="store_true", help="count sent, not yet approved reports too")
    ap.add_argument("--now", type=dt.datetime.fromisoformat, help="the instant for 'on time' (ISO; default now)")
    args = ap.parse_args(argv)

    seed = args.seed or (None if args.store else DEFAULT_SEED)
    if seed is not None and not (seed / "units.json").is_file():
        print(f"yearly_rollup: no dataset in {seed} (units.json missing)", file=sys.stderr)
        return 2
    if args.store is not None and seed is None and not args.store.is_file():
        print(f"yearly_rollup: no store at {args.store}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="pbgdpl-rollup-") as tmp:
        path = args.store or pathlib.Path(tmp) / "pbgdpl.db"
        try:
            with pbgdpl.Store.open(path) as db:
                if seed is not None:
                    db.import_dataset(seed)
                summary = run(db, args.out, args.period, args.unit, args.include_submitted, args.now)
        except pbgdpl.Error as e:
            print(f"yearly_rollup: {e}", file=sys.stderr)
            return 1
    print(f"{summary['unit']} · {summary['period']}: {summary['counted']}/{summary['expected']} counted, "
          f"{summary['awaiting']} awaiting approval, {summary['excused']} excused, {summary['missing']} missing")
    for kind, f in summary["files"].items():
        print(f"  {kind}: {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
