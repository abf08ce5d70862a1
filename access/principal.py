"""The principal of a request: a signed-in user or a wall display, with its scope unit."""

from __future__ import annotations

from dataclasses import dataclass

import flask

from geodata import units

# What each role may open (besides the case view): the one map shows the whole district.
WHOLE_TERRITORY_ROLES = ("district", "analyst", "admin")


@dataclass(frozen=True)
class Principal:
    """Who is asking: ``kind`` is "user" or "wall"; ``name`` a username or a wall's name."""

    kind: str
    name: str
    role: str  # a user's role; "wall" for a wall token
    scope: units.Unit

    @property
    def read_only(self) -> bool:
        """A wall display only looks."""
        return self.kind == "wall"

    @property
    def whole_territory(self) -> bool:
        """Sees the whole district (the one map, every unit)."""
        return self.role in WHOLE_TERRITORY_ROLES or (self.kind == "wall" and self.scope.level == "district")

    @property
    def rows(self) -> tuple[str, int]:
        """The row-level-security scope of this principal (geodata.db.SCOPE)."""
        if self.whole_territory or self.scope.level == "district":
            return ("all", 0)
        if self.scope.level == "street":
            return ("street", self.scope.id)
        return ("community", self.scope.community_id if self.scope.level == "grid" else self.scope.id)

    def covers(self, unit: units.Unit | None) -> bool:
        """True when ``unit`` lies inside this principal's scope (the scope unit or below it)."""
        return units.within(unit, self.scope)


def sees_case(case: dict, scope: units.Unit | None) -> bool:
    """True when a case (a row with street_code, community_code, grid_code) lies inside ``scope``
    (None: the whole territory)."""
    if scope is None or scope.level == "district":
        return True
    return case.get(f"{scope.level}_code") == scope.code


def reader_scope() -> units.Unit | None:
    """The scope of a signed-in user reading the API, None for an API key (the whole territory)."""
    who = current()
    return who.scope if who is not None and who.kind == "user" and not who.whole_territory else None


def current() -> Principal | None:
    """The principal the gate attached to this request, if any."""
    return flask.g.get("principal") if flask.has_request_context() else None


def scope_or_refuse() -> units.Unit:
    """The scope unit of the request's principal; a callback without one sends nothing (the gate
    already refused the request, so this only guards against a missing gate)."""
    who = current()
    if who is None:
        from dash.exceptions import PreventUpdate

        raise PreventUpdate
    return who.scope
