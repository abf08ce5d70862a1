"""Taking in a case (民意收集): from the hotline, the citizen app or a grid worker's phone.

``create`` is one statement in a transaction of its own, sent in one round trip (the counter
rows it updates are locked only while the server runs it); creates that arrive together from a
server's threads share one statement (geodata/cases/combiner.py). It is idempotent on (source,
external id): sending the same case twice, even from several threads at once, gives one case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg2

from geodata.cases import catalogue
from geodata.cases.combiner import Combiner
from geodata.cases.lifecycle import FieldError
from geodata.db import SCOPE, Database
from geodata.queries import prepared, sql_text

INTAKE_NOTE = "民意收集"
FUTURE_SLACK = timedelta(minutes=5)  # clocks of the sending systems drift


class OutsideTerritoryError(ValueError):
    """The case's place lies outside the territory (every top-level unit)."""


@dataclass(frozen=True)
class NewCase:
    """A case as a source system sends it, in WGS84."""

    source: str
    external_id: str
    category: str
    lon: float
    lat: float
    actor: str
    description: str | None = None
    address: str | None = None
    reported_at: datetime | None = None
    handled_online: bool = False


def check(db: Database, case: NewCase, now: datetime) -> None:
    """FieldError naming every field that the reference data refuses."""
    cat = catalogue.get(db)
    errors: dict[str, str] = {}
    if case.source not in cat.sources:
        errors["source"] = f"unknown source {case.source!r}; known: {', '.join(sorted(cat.sources))}"
    known = cat.categories.get(case.category)
    if known is None:
        errors["category"] = f"unknown category {case.category!r}; see GET /api/v1/categories"
    elif not known.leaf:
        leaves = ", ".join(cat.leaves_under(case.category)[:8])
        errors["category"] = f"{case.category!r} is a group; use one of its categories ({leaves})"
    if case.reported_at is not None and case.reported_at > now + FUTURE_SLACK:
        errors["reported_at"] = "lies in the future; send the time the case was received"
    if errors:
        raise FieldError(errors)


def create(db: Database, case: NewCase) -> tuple[int, dict[str, Any] | None]:
    """Insert the case; return (id, the new case in case_list's shape with its first event under
    ``event``), or (id of the existing case, None) for a repeat.

    Creates that arrive together from several threads go in as one statement (``_combined``).
    Raises OutsideTerritoryError when no top-level unit covers the place (nothing is written).
    """
    new = _combined((db, SCOPE.get()), case)
    if new is None:
        return _not_inserted(db, case), None
    return new["id"], new


def insert_many(key: tuple[Database, Any], cases: Sequence[NewCase]) -> list[dict[str, Any] | None]:
    """One case_create statement for ``cases``, in the scope they were asked in: each new case's
    row, or None where nothing was inserted for it (a repeat, also of a case in the same list that
    was taken in; an unknown category; a place outside the territory)."""
    db, scope = key
    columns = (
        "source",
        "external_id",
        "category",
        "description",
        "address",
        "lon",
        "lat",
        "reported_at",
        "handled_online",
        "actor",
    )
    params: dict[str, Any] = {c: [getattr(case, c) for case in cases] for c in columns}
    params["note"] = INTAKE_NOTE
    token = SCOPE.set(scope)
    try:
        names, rows = db.one_trip(lambda cur: prepared(cur, "case_create", params, generic=True))
    finally:
        SCOPE.reset(token)
    answers: list[dict[str, Any] | None] = [None] * len(cases)
    for row in rows:
        new = dict(zip(names, row))
        event = {k: new.pop(f"event_{k}") for k in ("id", "at", "actor", "note")}
        new["event"] = {**event, "from_status": None, "to_status": "reported"}
        answers[new.pop("asked") - 1] = new
    return answers


# A group is retried case by case only on errors one case can cause (a value the server refuses);
# the database away or a timeout is the answer of the whole group.
_combined: Combiner[NewCase, dict[str, Any] | None] = Combiner(
    insert_many, split_on=(psycopg2.DataError, psycopg2.IntegrityError, psycopg2.ProgrammingError, ValueError)
)


def _not_inserted(db: Database, case: NewCase) -> int:
    """The id of the case already taken in under this (source, external id) (ON CONFLICT waited
    for a concurrent insert of it to commit); else OutsideTerritoryError or a FieldError."""
    with db.transaction() as cur:
        cur.execute(sql_text("intake_existing_case"), {"source": case.source, "external_id": case.external_id})
        existing = cur.fetchone()
        if existing is not None:
            return existing[0]
        cur.execute(sql_text("intake_inside_territory"), {"lon": case.lon, "lat": case.lat})
        if not cur.fetchone()[0]:
            raise OutsideTerritoryError(
                f"({case.lon:.6f}, {case.lat:.6f}) lies outside the territory (every loaded top-level unit); "
                "check the coordinates and their frame (crs: wgs84, gcj02 or bd09)"
            )
    raise FieldError({"category": f"unknown category {case.category!r}"})
