"""The months of cases (migration 0041): cases is partitioned by report month, China Standard Time.

Partitions are made ahead of time (``ahead``: the job worker daily, three months ahead) and for a
history import (load_cases_partitions.sql); a case reported in a month without one lands in
cases_default and moves to its month when that month is made. ``archive`` detaches whole months
before a given one: each becomes a table of its own (cases_yYYYYmMM) that the app no longer reads,
to dump and drop (docs/scaling.md, "Archiving"). Their keys stay in case_keys, so an archived
case's (source, external id) is never taken again; the daily counts and open-case counters are
recounted over the months that stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from psycopg2 import sql

from geodata.db import Database
from geodata.queries import sql_text

AHEAD_MONTHS = 3


@dataclass(frozen=True)
class Month:
    """One partition of cases."""

    name: str
    start: datetime | None  # None: cases_default
    end: datetime | None
    rows: int  # the planner's estimate (exact after ANALYZE)


def ahead(db: Database, now: datetime, months: int = AHEAD_MONTHS) -> int:
    """Make the partitions from ``now``'s month to ``months`` ahead that are missing; how many were made."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT case_partitions_ensure(%(now)s, %(now)s + make_interval(months => %(months)s))",
            {"now": now, "months": months},
        )
        return int(cur.fetchone()[0])


def months(db: Database) -> list[Month]:
    """Every partition of cases, oldest first, cases_default last."""
    with db.transaction() as cur:
        cur.execute(sql_text("case_partitions"))
        return [Month(*row) for row in cur.fetchall()]


def archive(db: Database, before: date) -> list[str]:
    """Detach every month that ends on or before the first day of ``before``'s month; their names."""
    first = before.replace(day=1)
    gone = [m.name for m in months(db) if m.end is not None and m.end.date() <= first]
    with db.transaction() as cur:
        for name in gone:
            cur.execute(sql.SQL("ALTER TABLE cases DETACH PARTITION {}").format(sql.Identifier(name)))
        if gone:  # the counters the triggers keep, recounted over the months that stay
            cur.execute(sql_text("cases_recount"))
    return gone
