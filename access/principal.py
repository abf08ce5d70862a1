"""The principal of a request: a signed-in user or a wall display, with its scope unit."""

from __future__ import annotations

from dataclasses import dataclass

import flask

from geodata import units
from geodata.db import SCOPE_COLUMNS, get_db
from geodata.units import sees_case  # noqa: F401  (the rule lives with the units; callers import it here)

# The roles that see the whole territory whatever their scope unit (admin, and 市级 for a city of
# several districts). Any other principal sees its scope unit and what lies below it; the top of
# the territory (its one top-level unit, or the territory itself) is the whole territory.
WHOLE_TERRITORY_ROLES = ("city", "admin")


@dataclass(frozen=True)
class Principal:
    """Who is asking: ``kind`` is "user" or "wall"; ``name`` a username or a wall's name."""

    kind: str
    name: str
    role: str  # a user's role; "wall" for a wall token
    scope: units.Unit
    department_id: int | None = None  # a department handler's department (role "department")
    user_id: int | None = None  # a signed-in user's id (a wall display has none)

    @property
    def read_only(self) -> bool:
        """A wall display only looks."""
        return self.kind == "wall"

    @property
    def whole_territory(self) -> bool:
        """Sees the whole territory (the one map, every unit). Asked of the units as they are now,
        so that a second district loaded beside the first narrows a district's users at once."""
        if self.role in WHOLE_TERRITORY_ROLES:
            return True
        top = units.top(get_db())
        return top is not None and top.id == self.scope.id

    @property
    def rows(self) -> tuple[str, int]:
        """The row-level-security scope of this principal (geodata.db.SCOPE): its scope unit's
        level, or the community of a grid (a grid's worker sees the community's cases); a
        department's handler sees its department's cases, wherever they are."""
        if self.role == "department":
            return ("department", self.department_id or 0)
        if self.whole_territory or self.scope.territory:
            return ("all", 0)
        if self.scope.level in SCOPE_COLUMNS:
            return (self.scope.level, self.scope.id)
        return ("community", self.scope.community_id)

    @property
    def area(self) -> units.Unit | None:
        """What this principal may look at: its scope unit, or None for the whole territory."""
        return None if self.whole_territory else self.scope

    def covers(self, unit: units.Unit | None) -> bool:
        """True when ``unit`` lies inside this principal's scope (the scope unit or below it)."""
        return units.within(unit, self.area)


def reader_scope() -> units.Unit | None:
    """The scope of a signed-in user reading the API, None for an API key (the whole territory)."""
    who = current()
    return who.scope if who is not None and who.kind == "user" and not who.whole_territory else None


def current() -> Principal | None:
    """The principal the gate attached to this request, if any."""
    return flask.g.get("principal") if flask.has_request_context() else None


def scope_or_refuse() -> units.Unit | None:
    """The area of the request's principal (``Principal.area``: None for the whole territory); a
    callback without a principal sends nothing (the gate already refused the request, so this only
    guards against a missing gate)."""
    who = current()
    if who is None:
        from dash.exceptions import PreventUpdate

        raise PreventUpdate
    return who.area
