"""Who a report is of (its subject), and who may read it.

The subjects of a closed period are the territory's top (its one top-level unit, or the whole
territory above several), every unit of the levels from below the top down to the street level
(街道: a district's streets; a city's districts and streets), and every department (部门). A unit
subject ranks the units of the levels below it down to the street level (the streets of a
district; a street ranks its communities); a department's report ranks the departments.

Who reads which report (``visible``): the whole territory (admin, 市级, a reader scoped to the
top: district, analyst, dispatcher) every report; a department's handler its department's only;
any other reader the reports of the units inside its scope unit (a street's reader its street's);
nobody else any. Row-level security on ``assessment_reports`` (migration 0038) says the same in
the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from geodata import units
from geodata.db import Database
from geodata.queries import fetch_rows

Kind = Literal["unit", "department"]
KINDS = ("unit", "department")
REPORT_DOWN_TO = "street"  # the deepest level that has reports of its own, and that the top ranks


@dataclass(frozen=True)
class Subject:
    """One report's subject: a unit (the whole territory: id 0, code units.TERRITORY_CODE) or a
    department. ``grouping`` is its own grouping among the stored results (None for the whole
    territory, which has no row of its own)."""

    kind: Kind
    key: str  # the unit's or department's code
    id: int
    name: str
    level: str  # the unit's level, units.TERRITORY, or 'department'
    city_id: int | None = None
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None

    @property
    def grouping(self) -> str | None:
        """The stored results' grouping this subject has a row in."""
        if self.kind == "department":
            return "department"
        return None if self.level == units.TERRITORY else self.level

    @property
    def territory(self) -> bool:
        """The whole territory above several top-level units."""
        return self.level == units.TERRITORY

    def above(self, level: str) -> int | None:
        """The id of this unit subject's unit of ``level`` (its own at its own level)."""
        return getattr(self, f"{level}_id", None) if level in ("city", "district", "street", "community") else None


def report_levels(loaded: set[str] | frozenset[str]) -> list[str]:
    """The unit levels that have reports: those loaded, from the top down to the street level."""
    deepest = units.LEVELS.index(REPORT_DOWN_TO)
    return [lv for lv in units.LEVELS[: deepest + 1] if lv in loaded]


def ranked_levels(subject: Subject, loaded: set[str] | frozenset[str]) -> list[str]:
    """The unit levels a unit subject's report ranks: from the level below it down to the street
    level (at least the level below it), of those loaded."""
    if subject.kind != "unit":
        return []
    if subject.territory:
        below = next((lv for lv in units.LEVELS if lv in loaded), None)
    else:
        below = units.CHILD_LEVEL.get(subject.level)
    if below is None or below not in loaded:
        return []
    start = units.LEVELS.index(below)
    stop = max(start, units.LEVELS.index(REPORT_DOWN_TO))
    return [lv for lv in units.LEVELS[start : stop + 1] if lv in loaded]


def _unit_subject(row: tuple) -> Subject:
    uid, code, name, level, _kind, _parent, city, district, street, community = row
    return Subject("unit", code, uid, name, level, city, district, street, community)


def loaded_levels(db: Database) -> frozenset[str]:
    """The unit levels the territory has."""
    return frozenset(lv for (lv,) in fetch_rows("assessment_levels", None, db))


def unit_rows(db: Database, levels: list[str]) -> list[tuple]:
    """(id, code, name, level, kind, parent_id, city_id, district_id, street_id, community_id) of
    the tiling units of ``levels``, top level first, by code."""
    return fetch_rows("report_units", {"levels": list(levels)}, db)


def top(db: Database) -> Subject | None:
    """The top subject: the one top-level unit, or the whole territory."""
    unit = units.top(db)
    if unit is None:
        return None
    if unit.territory:
        return Subject("unit", unit.code, 0, unit.name, units.TERRITORY)
    return Subject(
        "unit", unit.code, unit.id, unit.name, unit.level, unit.city_id, unit.district_id, unit.street_id, None
    )


def all_subjects(db: Database) -> list[Subject]:
    """Every subject that has reports: the top, the units down to the street level, then the
    departments."""
    first = top(db)
    if first is None:
        return []
    out = [first]
    for row in unit_rows(db, report_levels(loaded_levels(db))):
        s = _unit_subject(row)
        if s.id != first.id:
            out.append(s)
    out += [
        Subject("department", code, i, name, "department")
        for i, code, name in fetch_rows("report_departments", None, db)
    ]
    return out


def find(db: Database, kind: str, key: str) -> Subject | None:
    """The subject of this kind and code (None when there is none, or it has no reports)."""
    if kind not in KINDS or not units.valid_code(key):
        return None
    return next((s for s in all_subjects(db) if s.kind == kind and s.key == key), None)


def visible(who, subject: Subject) -> bool:
    """Whether the principal ``who`` (access.principal.Principal) may read this subject's reports."""
    if who is None or who.read_only:
        return False
    if who.role == "department":
        return subject.kind == "department" and who.department_id == subject.id
    if who.whole_territory:
        return True
    if subject.kind != "unit" or subject.territory:
        return False
    scope = who.scope
    if scope.territory:
        return True
    if scope.exclusive or scope.level not in ("city", "district", "street", "community"):
        return False
    return subject.above(scope.level) == scope.id
