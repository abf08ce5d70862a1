"""What the drill-down shows beside the KPIs (geodata/kpis.py), for the facts inside one unit
(geodata.units.scope_of): the ranking of its child units, daily trends, the category breakdown,
the most overdue cases, the weakest checkpoints, cameras online and offline, and a grid's own
cases. Every function reads as of ``now`` (default: the database clock) where time matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from geodata import kpis
from geodata.db import Database
from geodata.queries import fetch_columns
from geodata.units import Unit, names, scope_of, top

TREND_WINDOWS = (30, 90)  # days a trend can span
CATEGORY_DAYS = 30  # "reported" window of the category breakdown
OVERDUE_TOP = 10
WEAKEST_CHECKPOINTS = 5
OFFLINE_CAMERAS = 5
GRID_CASE_DAYS = 30  # a grid lists its open cases and those reported in this many days
GRID_CASE_LIMIT = 200


def _scoped(db: Database, unit: Unit, name: str, bounds: str | None = None, **params: Any) -> dict[str, list]:
    """Run a named drill-down query over the facts inside ``unit`` (``bounds``: see fetch_columns)."""
    col, ids = scope_of(db, unit)
    args = {**params, "scope_ids": ids, "level": kpis.rollup_level(col)}
    return fetch_columns(name, args, db, bounds=bounds, scope=col)


def trend(db: Database, unit: Unit, days: int = TREND_WINDOWS[0], now: datetime | None = None) -> dict[str, list]:
    """Per day (Beijing time), oldest first: cases new, closed, and overdue at the end of the day."""
    if days not in TREND_WINDOWS:
        raise ValueError(f"trend window must be one of {TREND_WINDOWS} days, not {days!r}")
    return _scoped(db, unit, "drill_trend", bounds="case_windows", days=days, now=now)


def categories(db: Database, unit: Unit, days: int = CATEGORY_DAYS, now: datetime | None = None) -> dict[str, list]:
    """Per top-level category: reported in the last ``days`` days, open now, overdue now."""
    return _scoped(db, unit, "drill_categories", days=days, now=now)


def overdue_cases(db: Database, unit: Unit, limit: int = OVERDUE_TOP, now: datetime | None = None) -> dict[str, list]:
    """The ``limit`` most overdue open cases: category, department, age, and their grid."""
    return _scoped(db, unit, "drill_overdue", limit=limit, now=now)


def checkpoints(
    db: Database, unit: Unit, limit: int | None = WEAKEST_CHECKPOINTS, now: datetime | None = None
) -> dict[str, list]:
    """Checkpoints with their latest inspection, weakest first (``limit`` None: all of them)."""
    return _scoped(db, unit, "drill_checkpoints", limit=limit, now=now)


def camera_kinds(db: Database, unit: Unit) -> dict[str, list]:
    """Cameras online and offline now, per kind."""
    return _scoped(db, unit, "drill_camera_kinds")


def offline_cameras(db: Database, unit: Unit, limit: int = OFFLINE_CAMERAS) -> dict[str, list]:
    """The cameras offline longest."""
    return _scoped(db, unit, "drill_cameras_offline", limit=limit)


def grid_cases(
    db: Database, unit: Unit, days: int = GRID_CASE_DAYS, limit: int = GRID_CASE_LIMIT, now: datetime | None = None
) -> dict[str, list]:
    """A grid's open cases (overdue first) and those reported in the last ``days`` days."""
    return _scoped(db, unit, "drill_grid_cases", days=days, limit=limit, now=now)


@dataclass(frozen=True)
class Crumb:
    """One step of the path from the district down to a unit."""

    code: str
    name: str
    level: str


def breadcrumbs(db: Database, unit: Unit) -> list[Crumb]:
    """The units above ``unit`` (the whole territory first, when several units share the top),
    then the unit itself."""
    above = names(db, unit.ancestor_ids)
    crumbs = [Crumb(*above[i]) for i in unit.ancestor_ids if i in above] + [Crumb(unit.code, unit.name, unit.level)]
    first = top(db)
    if first is not None and first.territory and not unit.territory:
        crumbs.insert(0, Crumb(first.code, first.name, first.level))
    return crumbs
