"""The analysts' workbench (issue 5; docs/performance.md: a filtered query over 10M cases in ≤ 300 ms):
count + first table page for typical filters, and a CSV export's throughput and peak memory."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from datetime import datetime, timedelta
from typing import Any

from geodata.analysis import exports, spec
from geodata.analysis import statements as analysis_sql
from geodata.clock import TZ
from geodata.db import SCOPE, Database

EXPORT_ROWS = 100_000
FILTERS = {
    "open_in_category": {"cases.status": "reported,dispatched,accepted,returned", "cases.category": "05"},
    "last_30_days_hotline": {"cases.source": "hotline"},  # dates added below (relative to the data)
    "overdue_in_street": {"cases.overdue": "1"},  # unit added below
    "near_schools_100m": {"cases.near_m": "100", "cases.near_type": "school"},
    "box_1km": {"box": "113.770,34.715,113.781,34.724"},
}


def _latest_day(db: Database) -> str:
    with db.transaction() as cur:
        cur.execute("SELECT max(reported_at) FROM cases")
        latest = cur.fetchone()[0] or datetime.now(TZ)
    return latest.astimezone(TZ).date()


def measure(db: Database, repeat: int) -> dict[str, Any]:
    """analyst_* figures: median ms of count + first page per filter, and the export."""
    out: dict[str, Any] = {}
    token = SCOPE.set(("all", 0))
    try:
        ref = spec.reference(db)
        day = _latest_day(db)
        FILTERS["last_30_days_hotline"].update({"cases.since": str(day - timedelta(days=29)), "cases.until": str(day)})
        with db.transaction() as cur:
            cur.execute("SELECT code FROM units WHERE level = 'street' ORDER BY code LIMIT 1")
            FILTERS["overdue_in_street"]["unit"] = cur.fetchone()[0]
        worst = 0.0
        for name, params in FILTERS.items():
            q = spec.parse(params, ref)
            times, total = [], 0
            for _ in range(max(3, repeat // 3)):
                t0 = time.perf_counter()
                total = analysis_sql.count(db, q, None)
                analysis_sql.page(db, q, None)
                times.append((time.perf_counter() - t0) * 1000)
            ms = statistics.median(times)
            worst = max(worst, ms)
            out[f"analyst_{name}_ms"] = f"{ms:.1f} ({total:,} rows)"
        out["analyst_query_ms"] = round(worst, 1)
        q = spec.parse({}, ref)
        t0 = time.perf_counter()
        size = _export_csv(db, q)
        seconds = time.perf_counter() - t0
        tracemalloc.start()  # a second run for the memory: tracing slows Python several times over
        _export_csv(db, q)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows = min(EXPORT_ROWS, analysis_sql.count(db, q, None))
        rate = f"{rows / seconds:,.0f} rows/s"
        out["analyst_export_csv"] = (
            f"{rows:,} rows, {size / 1e6:.1f} MB in {seconds:.1f} s ({rate}), peak {peak / 1e6:.1f} MB"
        )
    finally:
        SCOPE.reset(token)
    return out


def _export_csv(db: Database, q: spec.Query) -> int:
    """Bytes of the CSV export of the first EXPORT_ROWS rows of ``q``."""
    size = 0
    for piece in exports.csv_chunks(_limited(analysis_sql.stream(db, q, None), EXPORT_ROWS), "cases", "zh"):
        size += len(piece)
    return size


def _limited(chunks, limit: int):
    seen = 0
    for rows in chunks:
        if seen >= limit:
            break
        yield rows[: limit - seen]
        seen += len(rows)
