"""The unit hierarchy as data: city → district → street office → community → grid → micro-grid,
or any part of it from the top down, with any number of top-level units (migration 0028). Lookups by
code, ancestors, children, and the columns that put facts (cases, cameras, checkpoints) inside a
unit. A territory of several top-level units has one more unit above them, the whole territory
(level ``territory``, code ``TERRITORY_CODE``), made here and not stored."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

import psycopg2

from geodata import territory
from geodata.db import Database
from geodata.memo import once_per_request
from geodata.queries import fetch_columns, fetch_rows

LEVELS = ("city", "district", "street", "community", "grid", "micro")
CHILD_LEVEL = dict(pairwise(LEVELS))
PARENT_LEVEL = {child: parent for parent, child in pairwise(LEVELS)}
ROOT_LEVELS = ("city", "district")  # the levels a top-level unit may have
TERRITORY = "territory"  # the level of the whole territory above several top-level units
TERRITORY_CODE = "_all"
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,40}$")  # the units_code_check constraint
_LAST_TOP: dict[str, Unit | None] = {}  # per database: the last top read (``top``)


def fact_column(level: str) -> str:
    """The column of cases, cameras and checkpoints that holds their unit of ``level``."""
    return f"{level}_id"


@dataclass(frozen=True)
class Unit:
    """One administrative unit (or the whole territory: ``level`` TERRITORY, id 0)."""

    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_id: int | None
    city_id: int | None
    district_id: int | None
    street_id: int | None
    community_id: int | None
    grid_id: int | None
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
    def territory(self) -> bool:
        """The whole territory above several top-level units."""
        return self.level == TERRITORY

    @property
    def below(self) -> str | None:
        """The level of this unit's children (the whole territory's ``kind`` is its top level)."""
        return self.kind if self.territory else CHILD_LEVEL.get(self.level)

    def above(self, level: str) -> int | None:
        """The id of this unit's unit of ``level`` (its own id at its own level)."""
        return getattr(self, fact_column(level), None) if level != "micro" else None

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids of the units above this one, top first."""
        chain = (self.city_id, self.district_id, self.street_id, self.community_id, self.grid_id)
        return [i for i in chain if i is not None and i != self.id]

    def fact_scope(self) -> tuple[str, list[int]] | None:
        """(column, ids) selecting this unit's facts; None for the whole territory (``scope_of``)."""
        if self.territory:
            return None
        if self.exclusive:
            return "exclusive_grid_id", [self.id]
        return fact_column(self.level), [self.id]


def within(unit: Unit | None, scope: Unit | None) -> bool:
    """True when ``unit`` is ``scope`` or lies below it (None scope: the whole territory)."""
    if unit is None:
        return False
    if scope is None or scope.territory or unit.id == scope.id:
        return True
    return not unit.territory and not scope.exclusive and unit.above(scope.level) == scope.id


def _unit(row: tuple) -> Unit:
    *head, min_lon, min_lat, max_lon, max_lat = row
    return Unit(*head, bounds=(min_lon, min_lat, max_lon, max_lat))


def valid_code(code: str | None) -> bool:
    """True when ``code`` has the shape of a unit code (anything else is rejected unread)."""
    return bool(code) and bool(CODE_RE.match(code))


def by_code(db: Database, code: str | None) -> Unit | None:
    """The unit with this code, or None (also for malformed codes); TERRITORY_CODE is the top."""
    if not valid_code(code):
        return None
    rows = fetch_rows("unit_by_code", {"code": code}, db)
    if rows:
        return _unit(rows[0])
    return top(db) if code == TERRITORY_CODE else None


def by_id(db: Database, unit_id: int) -> Unit | None:
    """The unit with this id, or None."""
    rows = fetch_rows("unit_by_id", {"id": unit_id}, db)
    return _unit(rows[0]) if rows else None


def top(db: Database) -> Unit | None:
    """The top of every drill-down: the one top-level unit, or the whole territory above several
    (None: no unit loaded). Read once per request; while the database is away, the last answer
    (the gate asks it of every request, and a wall keeps its picture through an outage)."""

    def read() -> Unit | None:
        rows = fetch_rows("unit_roots", None, db)
        if len(rows) <= 1:
            return _unit(rows[0]) if rows else None
        found = territory.current(db)
        first = _unit(rows[0])
        nothing = dict.fromkeys(("parent_id", "city_id", "district_id", "street_id", "community_id", "grid_id"))
        return replace(
            first,
            id=0,
            code=TERRITORY_CODE,
            name=territory.name(db, "zh"),
            level=TERRITORY,
            kind=first.level,  # the level below the whole territory
            population=None,
            households=None,
            manager=None,
            phone=None,
            bounds=found.bounds or first.bounds,
            **nothing,
        )

    def last_known() -> Unit | None:
        try:
            found = read()
        except psycopg2.Error:
            if db.dsn in _LAST_TOP:
                return _LAST_TOP[db.dsn]
            raise
        _LAST_TOP[db.dsn] = found
        return found

    return once_per_request(("unit_top", db.dsn), last_known)


def root_code(db: Database) -> str | None:
    """The code of the top of every drill-down (``top``)."""
    unit = top(db)
    return unit.code if unit is not None else None


def child_level(db: Database, unit: Unit) -> str:
    """The level a unit's map colours: its children's, or its own when no unit of that level is
    loaded (a district of a city loaded as districts alone, a grid without micro-grids)."""
    below = unit.below
    return below if below is not None and below in territory.current(db).levels else unit.level


def children(db: Database, unit: Unit) -> dict[str, list]:
    """Direct children (id, code, name, level, kind), tiling units first; the whole territory's are
    the top-level units. Read once per request (a drill-down render asks from a dozen panels)."""
    parent = None if unit.territory else unit.id
    return once_per_request(
        ("unit_children", db.dsn, unit.id), lambda: fetch_columns("unit_children", {"id": parent}, db)
    )


def names(db: Database, ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """id → (code, name, level) of the given units."""
    return {i: (c, n, lv) for i, c, n, lv, _ in fetch_rows("unit_names", {"ids": list(ids)}, db)}


def scope_of(db: Database, unit: Unit) -> tuple[str, list[int]]:
    """(fact column, ids): the facts inside ``unit``. The whole territory is the union of its
    top-level units (of one level: the highest loaded)."""
    scope = unit.fact_scope()
    if scope is not None:
        return scope
    kids = children(db, unit)
    level = next((lv for lv in LEVELS if lv in kids["level"]), ROOT_LEVELS[-1])
    return fact_column(level), [i for i, lv in zip(kids["id"], kids["level"]) if lv == level]


def child_groupings(db: Database, unit: Unit) -> list[tuple[str, list[int], str]]:
    """(scope column, scope ids, group column) per kind of child: the facts of each child unit.

    A community's tiling grids group by ``grid_id``; its exclusive grids by ``exclusive_grid_id``
    (their cases may lie in a neighbouring community, so they are scoped by their own id). The
    whole territory's children are its top-level units, each its own group.
    """
    col, ids = scope_of(db, unit)
    if unit.territory:
        return [(col, ids, col)]
    if unit.exclusive or unit.level not in CHILD_LEVEL or not children(db, unit)["id"]:
        return []
    out = [(col, ids, fact_column(CHILD_LEVEL[unit.level]))]
    if unit.level == "community":
        kids = children(db, unit)
        excl = [i for i, k in zip(kids["id"], kids["kind"]) if k == "exclusive"]
        if excl:
            out.append(("exclusive_grid_id", excl, "exclusive_grid_id"))
    return out


def pickable(db: Database, scope: Unit | None) -> list[tuple[str, str, str, str | None]]:
    """(code, name, level, parent's name) of the cities, districts, street offices and communities
    inside ``scope`` (None: the whole territory); a grid's scope is its community."""
    if scope is None or scope.territory:
        level, unit_id = None, None
    elif scope.level in ("grid", "micro"):
        level, unit_id = "community", scope.community_id
    else:
        level, unit_id = scope.level, scope.id
    return fetch_rows("unit_pickable", {"scope_level": level, "scope_id": unit_id}, db)


def sees_case(case: dict, scope: Unit | None) -> bool:
    """True when a case (a row with the codes of its units: city_code … grid_code) lies inside
    ``scope`` (None: the whole territory)."""
    if scope is None or scope.territory:
        return True
    return case.get(f"{scope.level}_code") == scope.code
