"""The workbench (工作台, /work): each working role's queues, a page of one queue, and a step taken
by a signed-in user on a case inside their area.

A queue is a fixed clause over ``cases`` (below); which queues a role sees is ``ROLE_QUEUES``.
Row-level security already narrows every read to the user's rows (a department's handler: its
department's cases); the area (a unit) narrows it further to the user's part of the territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from psycopg2 import sql

from geodata import units
from geodata.accounts import audit
from geodata.cases import lifecycle
from geodata.cases import search as case_search
from geodata.db import SCOPE, Database
from geodata.queries import sql_text

PAGE_SIZE = 15
SOON = timedelta(hours=24)  # 即将超期: the deadline falls within this


@dataclass(frozen=True)
class Queue:
    """One queue: its key (the i18n key is work.queue.<key>) and the clause that selects it."""

    key: str
    clause: str


QUEUES = {
    q.key: q
    for q in (
        Queue("to_dispatch", "c.status IN ('reported', 'returned') AND c.parked_at IS NULL"),
        Queue("to_accept", "c.status = 'dispatched' AND c.parked_at IS NULL"),
        Queue("in_progress", "c.status = 'accepted' AND c.parked_at IS NULL"),
        Queue("due_soon", "c.is_open AND c.deadline_at >= now() AND c.deadline_at < now() + %(soon)s"),
        Queue("overdue", "c.is_open AND c.deadline_at < now()"),
        Queue("supervised", "c.is_open AND c.supervised_at IS NOT NULL"),
        Queue("to_verify", "c.status = 'resolved' AND c.verified_at IS NULL"),
        Queue("extension_pending", "c.is_open AND c.extension_until IS NOT NULL"),
        Queue("park_pending", "c.is_open AND c.park_requested_at IS NOT NULL"),
        Queue("parked", "c.is_open AND c.parked_at IS NOT NULL"),
        Queue("to_rate", "c.status = 'resolved' AND c.verified_at IS NOT NULL"),
        Queue("to_close", "c.status = 'rated'"),
        Queue("open_here", "c.is_open"),
    )
}
_DISTRICT = tuple(k for k in QUEUES if k != "open_here")  # every queue but a grid worker's own
_LEADERS = ("supervised", "overdue", "due_soon", "to_verify")
ROLE_QUEUES: dict[str, tuple[str, ...]] = {
    "dispatcher": _DISTRICT,
    "admin": _DISTRICT,
    "department": (
        "to_accept",
        "in_progress",
        "due_soon",
        "overdue",
        "supervised",
        "extension_pending",
        "park_pending",
        "parked",
    ),
    "gridworker": ("to_verify", "overdue", "due_soon", "supervised", "open_here"),
    "verifier": ("to_verify", "overdue", "due_soon", "supervised"),
    "city": _LEADERS,
    "district": _LEADERS,
    "street": _LEADERS,
    "community": _LEADERS,
    "analyst": ("overdue", "due_soon", "supervised"),
}


def queues_of(role: str) -> tuple[str, ...]:
    """The queues a role works, in the order the page lists them."""
    return ROLE_QUEUES.get(role, ())


def _area(db: Database, area: units.Unit | None) -> tuple[sql.Composable, dict[str, Any]]:
    """The clause that keeps a user's area (None: the whole territory, row-level security alone)."""
    if area is None or area.territory:
        return sql.SQL("true"), {}
    column, unit_ids = units.scope_of(db, area)
    if [db.row_scope()] == [(column, i) for i in unit_ids]:
        return sql.SQL("true"), {}  # the policy says it already (see geodata/cases/search.py)
    return sql.SQL("c.{} = ANY(%(unit_ids)s)").format(sql.Identifier(column)), {"unit_ids": unit_ids}


def counts(db: Database, role: str, area: units.Unit | None) -> dict[str, int]:
    """queue key → how many cases it holds now, for the role's queues."""
    keys = queues_of(role)
    if not keys:
        return {}
    where, params = _area(db, area)
    parts = sql.SQL(", ").join(
        sql.SQL("count(*) FILTER (WHERE {}) AS {}").format(sql.SQL(QUEUES[k].clause), sql.Identifier(k)) for k in keys
    )
    statement = sql.SQL(sql_text("work_counts")).format(counts=parts, where=where)
    with db.transaction() as cur:
        cur.execute(statement, {**params, "soon": SOON})
        return dict(zip(keys, cur.fetchone()))


def page(
    db: Database,
    role: str,
    area: units.Unit | None,
    queue: str,
    page_no: int = 0,
    category: str | None = None,
    text: str | None = None,
    counted: dict[str, int] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """(rows of one page of ``queue``, how many cases the filtered queue holds). ``category`` is a
    category or group code; ``text`` a case number or words of the description. ``counted``: the
    queues' sizes as ``counts`` just read them, taken as the total when nothing filters the queue."""
    if queue not in queues_of(role):
        return [], 0
    where, params = _area(db, area)
    clauses = [where, sql.SQL(QUEUES[queue].clause)]
    if category:
        clauses.append(
            sql.SQL("c.category_code IN (SELECT code FROM case_categories WHERE %(category)s IN (code, parent_code))")
        )
        params["category"] = category
    text = (text or "").strip()[:100]
    if text.isdigit() and len(text) < 19:
        clauses.append(sql.SQL("c.id = %(case_id)s"))
        params["case_id"] = int(text)
    elif text:
        clauses.append(sql.SQL("(c.description ILIKE %(words)s OR c.address ILIKE %(words)s)"))
        params["words"] = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    where_all = sql.SQL(" AND ").join(clauses)
    params |= {"soon": SOON, "limit": PAGE_SIZE, "offset": max(0, int(page_no)) * PAGE_SIZE}
    with db.transaction() as cur:
        cur.execute(sql.SQL(sql_text("work_page")).format(where=where_all), params)
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, r)) for r in cur.fetchall()]
        if len(clauses) == 2 and counted is not None and queue in counted:
            total = counted[queue]
        elif not rows and params["offset"] == 0:
            total = 0
        else:
            cur.execute(sql.SQL(sql_text("work_total")).format(where=where_all), params)
            total = cur.fetchone()[0]
    return rows, total


def reported_by(db: Database, actor: str, limit: int = 30) -> list[dict[str, Any]]:
    """The cases ``actor`` reported, newest first, wherever they lie (a grid worker reports what
    they come across, also outside their grid; they see only their own reports here)."""
    token = SCOPE.set(("all", 0))
    try:
        with db.transaction() as cur:
            cur.execute(sql_text("cases_reported_by"), {"actor": actor, "limit": limit})
            names = [d.name for d in cur.description]
            return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        SCOPE.reset(token)


def inside_point(db: Database, unit: units.Unit) -> tuple[float, float] | None:
    """(lon, lat) of a point inside ``unit``: the place of a report made without a fix."""
    with db.transaction() as cur:
        cur.execute(sql_text("unit_inside_point"), {"id": unit.id})
        row = cur.fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


def case_in_area(cur, case_id: int, area: units.Unit | None) -> dict[str, Any] | None:
    """The case (the API's shape, with its units' codes) when the user may see it, else None."""
    row = case_search.one(cur, case_id)
    return row if row is not None and units.sees_case(row, area) else None


def actions_for(db: Database, case_id: int, role: str, area: units.Unit | None) -> list[str]:
    """The steps this user may take on the case now; [] when it is outside their area."""
    with db.transaction() as cur:
        if case_in_area(cur, case_id, area) is None:
            return []
        return lifecycle.allowed_actions(cur, lifecycle.state(cur, case_id), role)


def forms(cur, case_id: int, role: str) -> dict[str, list[str]]:
    """action → the fields its form asks for (a note always may be given), for the steps this
    role may take on the case now."""
    case = lifecycle.state(cur, case_id)
    if case is None:
        return {}
    mine = lifecycle.role_actions(cur).get(role, set())
    found: dict[str, set[str]] = {}
    for rule in lifecycle.rules(cur):
        if rule.action in mine and rule.fits(case):
            found.setdefault(rule.action, {"note"}).update(rule.requires)
    return {action: sorted(fields) for action, fields in sorted(found.items())}


def act(
    db: Database,
    case_id: int,
    action: str,
    actor: str,
    role: str,
    area: units.Unit | None,
    ip: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Take one step as a signed-in user, logged under the user's name and audited. A case
    outside the user's area reads as missing (CaseNotFoundError); lifecycle's errors pass through."""
    with db.transaction() as cur:
        if case_in_area(cur, case_id, area) is None:
            raise lifecycle.CaseNotFoundError(f"no case {case_id}")
        moved = lifecycle.apply(cur, case_id, action, actor, role=role, **fields)
        audit.record(cur, actor, "case_transition", ip, case=case_id, step=action, status=moved["status"])
    return moved
