"""The workbench's reads (/work): every queue's count and a page of the busiest queue, for the
dispatcher (the district), a department's handler (row-level security by department) and a grid
worker (one grid), through geodata.cases.work as the page calls it."""

from __future__ import annotations

from typing import Any

from geodata import units
from geodata.cases import work
from geodata.db import SCOPE, Database


def _scoped(db: Database, scope: tuple[str, int], fn):
    token = SCOPE.set(scope)
    try:
        return fn()
    finally:
        SCOPE.reset(token)


def measure(db: Database, repeat: int) -> dict[str, Any]:
    """Median milliseconds of the counts and of one page, per working role."""
    from bench.measure import _ms

    with db.transaction() as cur:
        cur.execute("SELECT id FROM departments WHERE code = 'CGJ'")
        dept = cur.fetchone()[0]
        cur.execute("SELECT code FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        grid = units.by_code(db, cur.fetchone()[0])
    out: dict[str, Any] = {}
    cases = {
        "dispatcher": (("all", 0), None),
        "department": (("department", dept), None),
        "gridworker": (("community", grid.community_id), grid),
    }
    for role, (scope, area) in cases.items():
        ms, counts = _ms(lambda r=role, s=scope, a=area: _scoped(db, s, lambda: work.counts(db, r, a)), repeat)
        out[f"work_counts_{role}_ms"] = round(ms, 1)
        busiest = max(counts, key=counts.get) if counts else None
        if busiest:
            page_ms, _ = _ms(
                lambda r=role, s=scope, a=area, q=busiest: _scoped(db, s, lambda: work.page(db, r, a, q)), repeat
            )
            out[f"work_page_{role}_ms"] = round(page_ms, 1)
    return out
