"""Inspection rounds (排查轮次): which checkpoints are due, and how far the round has come.

A round covers the checkpoints of one type (or all) inside one unit (or the whole territory),
from a start to an end day in territory time. Its due list is fixed when it is made; each
checkpoint is due once, and the first routine inspection in the round's days covers it. The
round's coverage (排查进度) is inspected ÷ due; it is a KPI (geodata/kpis.py) per unit, and per
checkpoint type here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from geodata import units
from geodata.accounts import audit
from geodata.db import Database
from geodata.queries import query, sql_text
from settings import get_settings

MAX_DAYS = 366
ROUND_ROLES = ("admin", "dispatcher")  # who may make a round (api/inspections.py, the workbench)


class RoundError(ValueError):
    """A round that cannot be made, one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def today() -> date:
    """Today in the territory's time zone."""
    return datetime.now(ZoneInfo(get_settings().territory_tz)).date()


def _rows(cur) -> list[dict[str, Any]]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _day(value: Any, name: str, errors: dict[str, str]) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors[name] = "must be a day, YYYY-MM-DD"
        return None


def create(
    db: Database,
    name: str,
    starts_on: Any,
    ends_on: Any,
    actor: str,
    type_code: str | None = None,
    unit_code: str | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """Make a round and its due list; {id, due, covered}. RoundError names every bad field."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not 1 <= len(name) <= 100:
        errors["name"] = "required, at most 100 characters (e.g. 2026年12月创文点位排查)"
    start, end = _day(starts_on, "starts_on", errors), _day(ends_on, "ends_on", errors)
    if start and end and end < start:
        errors["ends_on"] = "must not be before starts_on"
    elif start and end and (end - start).days >= MAX_DAYS:
        errors["ends_on"] = f"a round lasts at most {MAX_DAYS} days"
    unit = units.by_code(db, unit_code) if unit_code else units.top(db)
    if unit is None:
        errors["unit"] = f"no unit {unit_code!r}" if unit_code else "no territory is loaded"
    with db.transaction() as cur:
        if type_code is not None:
            cur.execute(sql_text("checkpoint_type_exists"), {"code": type_code})
            if cur.fetchone() is None:
                errors["type"] = f"unknown checkpoint type {type_code!r}"
        if errors:
            raise RoundError(errors)
        col, ids = units.scope_of(db, unit)
        cur.execute(
            query("round_create", {"scope": col}),
            {
                "name": name,
                "starts_on": start,
                "ends_on": end,
                "type_code": type_code,
                "unit_id": unit.id if unit_code else None,
                "actor": actor,
                "scope_ids": ids,
                "tz": get_settings().territory_tz,
            },
        )
        made = _rows(cur)[0]
        if not made["due"]:
            raise RoundError({"unit": "no checkpoint of that type lies inside that unit: the round would be empty"})
        audit.record(cur, actor, "inspection_round", ip, round=made["id"], due=made["due"])
    return made


def listed(db: Database, unit: units.Unit, limit: int = 20) -> list[dict[str, Any]]:
    """The rounds with checkpoints inside ``unit``, current ones first, with their coverage there."""
    col, ids = units.scope_of(db, unit)
    with db.transaction() as cur:
        cur.execute(query("round_list", {"scope": col}), {"scope_ids": ids, "today": today(), "limit": limit})
        return _rows(cur)


def due(
    db: Database, area: units.Unit, lon: float | None = None, lat: float | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """The checkpoints inside ``area`` still due today, nearest (lon, lat) first when known."""
    col, ids = units.scope_of(db, area)
    with db.transaction() as cur:
        cur.execute(
            query("round_due", {"scope": col}),
            {"scope_ids": ids, "today": today(), "lon": lon, "lat": lat, "limit": limit},
        )
        return _rows(cur)


def coverage_by_type(db: Database, unit: units.Unit) -> list[dict[str, Any]]:
    """排查进度 per checkpoint type inside ``unit``, over the rounds running today, weakest first."""
    col, ids = units.scope_of(db, unit)
    with db.transaction() as cur:
        cur.execute(query("round_coverage_by_type", {"scope": col}), {"scope_ids": ids, "today": today()})
        return _rows(cur)


def types(db: Database) -> list[dict[str, Any]]:
    """The checkpoint types a round may cover."""
    with db.transaction() as cur:
        cur.execute(sql_text("checkpoint_types_all"))
        return _rows(cur)
