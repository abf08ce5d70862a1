"""Finding cases for the API: filters by unit, status, category, source, time and overdue, and
keyset paging (newest first, ``before`` the last id of the previous page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg2 import sql

from geodata import units
from geodata.cases import catalogue
from geodata.cases.lifecycle import FieldError
from geodata.db import Database
from geodata.queries import execute_prepared, sql_text

MAX_LIMIT = 1000


@dataclass(frozen=True)
class CaseFilter:
    """What to look for; every field is optional."""

    unit: str | None = None  # unit code: the cases inside it
    status: tuple[str, ...] = ()
    category: str | None = None  # a category or a group of categories
    source: str | None = None
    external_id: str | None = None
    since: datetime | None = None  # reported at or after
    until: datetime | None = None  # reported before
    open: bool | None = None
    overdue: bool | None = None
    before: int | None = None  # keyset cursor: ids below this
    limit: int = 50
    ids: tuple[int, ...] = field(default=())  # these cases only


def _clauses(db: Database, f: CaseFilter) -> tuple[list[sql.Composable], dict[str, Any]]:
    cat = catalogue.get(db)
    errors: dict[str, str] = {}
    where: list[sql.Composable] = [sql.SQL("true")]
    params: dict[str, Any] = {"limit": max(1, min(f.limit, MAX_LIMIT))}
    if f.unit is not None:
        unit = units.by_code(db, f.unit)
        if unit is None:
            errors["unit"] = f"no unit with code {f.unit!r}"
        else:
            column, ids = units.scope_of(db, unit)
            # Inside the user's own scope the policy already says this; saying it twice makes the
            # planner square the selectivity and sort a whole street's cases (14x at city scale).
            if [db.row_scope()] != [(column, i) for i in ids]:
                where.append(sql.SQL("c.{} = ANY(%(unit_ids)s)").format(sql.Identifier(column)))
                params["unit_ids"] = ids
    if f.status:
        bad = sorted(set(f.status) - set(cat.statuses))
        if bad:
            errors["status"] = f"unknown status {', '.join(bad)}; known: {', '.join(cat.statuses)}"
        where.append(sql.SQL("c.status = ANY(%(status)s)"))
        params["status"] = list(f.status)
    if f.category is not None:
        leaves = cat.leaves_under(f.category)
        if not leaves:
            errors["category"] = f"unknown category {f.category!r}"
        where.append(sql.SQL("c.category_code = ANY(%(categories)s)"))
        params["categories"] = leaves
    if f.source is not None:
        if f.source not in cat.sources:
            errors["source"] = f"unknown source {f.source!r}; known: {', '.join(sorted(cat.sources))}"
        where.append(sql.SQL("c.source = %(source)s"))
        params["source"] = f.source
    if f.since and f.until and f.since >= f.until:
        errors["until"] = "must be after since"
    fixed = {
        "external_id": "c.id IN (SELECT k.id FROM case_keys k WHERE k.external_id = %(external_id)s)",
        "since": "c.reported_at >= %(since)s",
        "until": "c.reported_at < %(until)s",
        "before": "c.id < %(before)s",
    }
    for name, clause in fixed.items():
        if getattr(f, name) is not None:
            where.append(sql.SQL(clause))
            params[name] = getattr(f, name)
    if f.ids:
        where.append(sql.SQL("c.id = ANY(%(ids)s)"))
        params["ids"] = list(f.ids)
    if f.open is not None:
        where.append(sql.SQL("c.is_open" if f.open else "NOT c.is_open"))
    if f.overdue is not None:
        overdue = "case_overdue(c.is_open, c.deadline_at, now())"
        where.append(sql.SQL(overdue if f.overdue else f"NOT ({overdue})"))
    if errors:
        raise FieldError(errors)
    return where, params


def _fetch(cur, where: list[sql.Composable], params: dict[str, Any]) -> list[dict[str, Any]]:
    cur.execute(sql.SQL(sql_text("case_list")).format(where=sql.SQL(" AND ").join(where)), params)
    names = [d.name for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def search(db: Database, f: CaseFilter) -> list[dict[str, Any]]:
    """The matching cases, newest first, at most ``f.limit`` of them."""
    where, params = _clauses(db, f)
    with db.transaction() as cur:
        return _fetch(cur, where, params)


def one(cur, case_id: int) -> dict[str, Any] | None:
    """One case in the list's shape, inside the caller's transaction; None when there is none."""
    text = sql_text("case_list").replace("{where}", "c.id = %(id)s")
    execute_prepared(cur, "case_one", {"id": case_id, "limit": 1}, text)
    names = [d.name for d in cur.description]
    row = cur.fetchone()
    return dict(zip(names, row)) if row else None
