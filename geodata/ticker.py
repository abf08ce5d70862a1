"""The cases a wall display scrolls past: the latest reported, and the most urgent open ones."""

from __future__ import annotations

from typing import Any

from geodata.db import Database
from geodata.queries import fetch_columns
from geodata.units import Unit, scope_of


def _rows(db: Database, name: str, unit: Unit, limit: int) -> list[dict[str, Any]]:
    col, ids = scope_of(db, unit)
    cols = fetch_columns(name, {"scope_ids": ids, "limit": limit}, db, planned_once=True, scope=col)
    return [dict(zip(cols, values)) for values in zip(*cols.values())]


def latest(db: Database, unit: Unit, limit: int = 12) -> list[dict[str, Any]]:
    """The newest cases inside ``unit``: category, place, department, status and age."""
    return _rows(db, "wall_latest", unit, limit)


def urgent(db: Database, unit: Unit, limit: int = 8) -> list[dict[str, Any]]:
    """Open cases inside ``unit``, most overdue (or nearest their deadline) first."""
    return _rows(db, "wall_urgent", unit, limit)
