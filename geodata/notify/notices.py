"""A user's notices (the notification centre of the page header): what the user was told of the
reminders, urges and escalations of cases, and which of it they have read.

The notices are the user's own: every function takes the user's id (``Principal.user_id``; a wall
display has none, and no notices). Only notices of cases the request may see are counted and
listed (row-level security on cases).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from geodata.db import Database
from geodata.queries import sql_text

STEPS = ("remind", "urge", "escalate")  # 提醒, 催办, 升级


def unread_count(db: Database, user_id: int) -> int:
    """How many of the user's notices are unread."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_notices_unread"), {"user_id": user_id})
        return int(cur.fetchone()[0])


def listed(db: Database, user_id: int, limit: int = 20) -> list[dict[str, Any]]:
    """The user's latest notices, newest first. Each: ``id`` (the notice), ``case_id``, ``step``
    (remind, urge or escalate), ``level`` (for an escalation the level it reached: 1 the street,
    2 the district; else the case's escalation when the step fell due), ``category`` and
    ``category_en``, ``address``, ``grid``, ``community``, ``deadline_at`` (None while parked),
    ``due_in_s`` (seconds to the deadline now, negative past it; None while parked), ``is_open``,
    ``parked``, ``created_at`` and ``read``."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_notices_list"), {"user_id": user_id, "limit": max(1, min(int(limit), 200))})
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, row)) for row in cur.fetchall()]
    for row in rows:
        row["due_in_s"] = float(row["due_in_s"]) if row["due_in_s"] is not None else None
    return rows


def mark_read(db: Database, user_id: int, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read: those of ``ids`` (another user's ids are left alone), or all of
    them (None). Returns how many were unread and are read now."""
    wanted = None if ids is None else [int(i) for i in ids]
    if wanted == []:
        return 0
    with db.transaction() as cur:
        cur.execute(sql_text("notify_notices_read"), {"user_id": user_id, "ids": wanted})
        return len(cur.fetchall())


def mark_case_read(db: Database, user_id: int, case_id: int) -> int:
    """Mark read the user's notices of one case (the user opened it); how many were unread."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_notices_read_case"), {"user_id": user_id, "case_id": case_id})
        return len(cur.fetchall())


def open_one(db: Database, user_id: int, notice_id: int) -> int | None:
    """Open one of the user's notices: it is read from now on; returns its case's id (None when the
    notice is not the user's or does not exist)."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_notices_open"), {"user_id": user_id, "id": notice_id})
        row = cur.fetchone()
    return row[0] if row else None
