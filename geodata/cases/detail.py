"""One case and its event timeline, for the case view and the API."""

from __future__ import annotations

from typing import Any

from geodata.db import Database
from geodata.queries import execute_prepared, fetch_columns

MAX_ID = 2**63 - 1


def parse_id(raw: str | int | None) -> int | None:
    """A case id from a URL, or None when it is not a positive 64-bit integer."""
    try:
        value = int(str(raw), 10)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def detail(db: Database, case_id: int) -> dict[str, Any] | None:
    """The case with names resolved, or None."""
    cols = fetch_columns("case_detail", {"id": case_id}, db)
    if not cols["id"]:
        return None
    return {k: v[0] for k, v in cols.items()}


def timeline(db: Database, case_id: int) -> list[dict[str, Any]]:
    """Every logged transition of the case, oldest first."""
    with db.transaction() as cur:
        return events(cur, case_id)


def events(cur, case_id: int) -> list[dict[str, Any]]:
    """``timeline`` inside the caller's transaction (so a case just written is seen)."""
    execute_prepared(cur, "case_timeline", {"id": case_id})
    names = [d.name for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
