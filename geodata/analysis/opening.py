"""What the workbench opens with: the vocabularies of its filters, the units its user may pick,
and the URL's query, with each bad parameter set aside and said why (the page shows the rest)."""

from __future__ import annotations

from dataclasses import dataclass, field

from geodata import units
from geodata.analysis import spec
from geodata.cases.lifecycle import FieldError
from geodata.db import Database
from geodata.units import Unit


@dataclass(frozen=True)
class Opening:
    """The workbench's first state."""

    query: spec.Query
    reference: spec.Reference
    pickable: list[tuple[str, str, str, str | None]]
    problems: dict[str, str] = field(default_factory=dict)  # parameter → an i18n.Message


def opening(db: Database, params: dict[str, str], scope: Unit | None) -> Opening:
    """Read the vocabularies and the units inside ``scope`` (None: the whole territory), and parse
    ``params``; psycopg2.Error when the database is down."""
    ref = spec.reference(db)
    picks = units.pickable(db, scope)
    try:
        return Opening(spec.parse(params, ref), ref, picks)
    except FieldError as exc:
        rest = {k: v for k, v in params.items() if k not in exc.errors}
        query = spec.parse(rest, ref) if len(exc.errors) < len(params) else spec.Query()
        return Opening(query, ref, picks, dict(exc.errors))
