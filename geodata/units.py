"""The unit hierarchy (区 → 办事处 → 社区 → 网格): lookups by code, ancestors, children and the
columns that put facts (cases, cameras, checkpoints) inside a unit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geodata.db import Database
from geodata.memo import once_per_request
from geodata.queries import fetch_columns, fetch_rows

LEVELS = ("district", "street", "community", "grid")
CHILD_LEVEL = {"district": "street", "street": "community", "community": "grid"}
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # the units_code_check constraint


@dataclass(frozen=True)
class Unit:
    """One administrative unit."""

    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None
    district_id: int | None
    street_id: int | None
    community_id: int | None
    population: int | None
    households: int | None
    manager: str | None
    phone: str | None
    bounds: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

    @property
    def exclusive(self) -> bool:
        """An exclusive grid (专属网格), which may overlap the tiling grids."""
        return self.kind == "exclusive"

    @property
    def ancestor_ids(self) -> list[int]:
        """District, street and community ids above this unit, top first."""
        chain = (self.district_id, self.street_id, self.community_id)
        return [i for i in chain if i is not None and i != self.id]

    def fact_scope(self) -> tuple[str, list[int]] | None:
        """(column, ids) selecting this unit's facts; None for the district (see ``scope_of``)."""
        if self.level == "street":
            return "street_id", [self.id]
        if self.level == "community":
            return "community_id", [self.id]
        if self.level == "grid":
            return ("exclusive_grid_id" if self.exclusive else "grid_id"), [self.id]
        return None


def within(unit: Unit | None, scope: Unit | None) -> bool:
    """True when ``unit`` is ``scope`` or lies below it (None scope: the whole territory)."""
    if unit is None:
        return False
    if scope is None or scope.level == "district" or unit.id == scope.id:
        return True
    if scope.level == "street":
        return unit.street_id == scope.id
    if scope.level == "community":
        return unit.community_id == scope.id
    return False


def _unit(row: tuple) -> Unit:
    *head, min_lon, min_lat, max_lon, max_lat = row
    return Unit(*head, bounds=(min_lon, min_lat, max_lon, max_lat))


def valid_code(code: str | None) -> bool:
    """True when ``code`` has the shape of a unit code (anything else is rejected unread)."""
    return bool(code) and bool(CODE_RE.match(code))


def by_code(db: Database, code: str | None) -> Unit | None:
    """The unit with this code, or None (also for malformed codes)."""
    if not valid_code(code):
        return None
    rows = fetch_rows("unit_by_code", {"code": code}, db)
    return _unit(rows[0]) if rows else None


def by_id(db: Database, unit_id: int) -> Unit | None:
    """The unit with this id, or None."""
    rows = fetch_rows("unit_by_id", {"id": unit_id}, db)
    return _unit(rows[0]) if rows else None


def root_code(db: Database) -> str | None:
    """The district's code (the top of every drill-down)."""
    rows = fetch_rows("unit_root", None, db)
    return rows[0][0] if rows else None


def children(db: Database, unit: Unit) -> dict[str, list]:
    """Direct children (id, code, name, level, kind), tiling units first; read once per request (a
    drill-down render asks for them from a dozen panels)."""
    return once_per_request(
        ("unit_children", db.dsn, unit.id), lambda: fetch_columns("unit_children", {"id": unit.id}, db)
    )


def names(db: Database, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """id → (code, name, level) of the given units."""
    return {i: (c, n, lv) for i, c, n, lv, _ in fetch_rows("unit_names", {"ids": list(ids)}, db)}


def scope_of(db: Database, unit: Unit) -> tuple[str, list[int]]:
    """(fact column, ids): the facts inside ``unit``. A district is the union of its streets."""
    scope = unit.fact_scope()
    if scope is not None:
        return scope
    kids = children(db, unit)
    return "street_id", [i for i, lv in zip(kids["id"], kids["level"]) if lv == "street"]


def child_groupings(db: Database, unit: Unit) -> list[tuple[str, list[int], str]]:
    """(scope column, scope ids, group column) per kind of child: the facts of each child unit.

    A community's tiling grids group by ``grid_id``; its exclusive grids by ``exclusive_grid_id``
    (their cases may lie in a neighbouring community, so they are scoped by their own id).
    """
    if unit.level == "grid":
        return []
    col, ids = scope_of(db, unit)
    group = {"district": "street_id", "street": "community_id", "community": "grid_id"}[unit.level]
    out = [(col, ids, group)]
    if unit.level == "community":
        kids = children(db, unit)
        excl = [i for i, k in zip(kids["id"], kids["kind"]) if k == "exclusive"]
        if excl:
            out.append(("exclusive_grid_id", excl, "exclusive_grid_id"))
    return out


def pickable(db: Database, scope: Unit | None) -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, street name) of the street offices and communities inside ``scope``."""
    street = scope.id if scope is not None and scope.level == "street" else None
    community = scope.id if scope is not None and scope.level == "community" else None
    if scope is not None and scope.level == "grid":
        community = scope.community_id
    return fetch_rows("unit_pickable", {"street_id": street, "community_id": community}, db)
