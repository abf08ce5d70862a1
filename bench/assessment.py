"""The assessment of a month (docs/assessment.md): every indicator of every unit level, department
and post for the last closed month, as the monthly assessment computes it (indicators.assess_all:
one statement per grouping, run at once); then what its close computes, the same indicators scored
and ranked under each grouping's active scheme (the composite reads kpis of every unit of a level,
70k grids at city scale)."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from geodata.assessment import indicators, periods
from geodata.clock import TZ
from geodata.db import Database


def measure(db: Database, repeat: int = 3) -> dict[str, Any]:
    """The best and worst of a few runs, in seconds, and what was assessed."""
    today = datetime.now(TZ)
    last = periods.month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)
    times = []
    for _ in range(max(1, min(repeat, 3))):
        t0 = time.perf_counter()
        got = indicators.assess_all(db, last.start, last.end)
        times.append(time.perf_counter() - t0)
    from geodata.assessment import history

    t0 = time.perf_counter()
    rows = history._rows(db, last)  # what a close computes (every grouping scored and ranked), not stored
    scored = time.perf_counter() - t0
    active = sorted({r["grouping"] + ":" + r["scheme"] for r in rows if r["scheme"]})
    return {
        "assessment_month_s": round(max(times), 2),
        "assessment_month_best_s": round(min(times), 2),
        "assessment_month": f"{last.label}: " + ", ".join(f"{by} {len(rows):,}" for by, rows in got.items()),
        "assessment_close_s": round(scored, 2),
        "assessment_close": f"{len(rows):,} results under " + ", ".join(active),
    }


def report_s(db: Database, repeat: int = 3) -> dict[str, Any]:
    """The top unit's monthly report (the workbook and the PDF, made from the stored results and
    kept) for the latest closed month, in seconds: the worst and best of a few runs. A database
    with no closed month has its last month closed first (not timed)."""
    from geodata.assessment import history
    from geodata.queries import fetch_rows
    from geodata.reports import store, subjects

    months = [label for label, kind, *_rest in fetch_rows("report_periods", None, db) if kind == "month"]
    if not months:
        today = datetime.now(TZ)
        last = periods.month(today.year - (today.month == 1), (today.month - 2) % 12 + 1)
        history.close(db, last.label, "bench")
        months = [last.label]
    top = subjects.top(db)
    times, sizes = [], {}
    for _ in range(max(1, min(repeat, 3))):
        t0 = time.perf_counter()
        sizes = store.generate(db, months[0], top, "bench")
        times.append(time.perf_counter() - t0)
    return {
        "report_s": round(max(times), 2),
        "report_best_s": round(min(times), 2),
        "report": f"{months[0]} {top.name}: " + ", ".join(f"{fmt} {n / 1024:.0f} KB" for fmt, n in sizes.items()),
    }
