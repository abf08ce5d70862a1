"""A bulk load's new cases, written month by month (issue 28): near the floor of COPY plus index builds.

cases is partitioned by report month (migration 0041). Each month that a load brings at least as
many new cases to as it holds is set aside: detached from cases, its foreign keys, keys and indexes
dropped, the new rows written into it, every index of cases built on it once from sorted rows
(PostgreSQL builds a B-tree with parallel workers where the machine has cores for them), and
attached again, its month proven by a check constraint so that attaching scans nothing. Months that
hold many more cases than the load brings take their rows through cases, indexes in place. Nothing
of this is visible before the load's transaction commits, and a failure rolls all of it back.

The statement-level triggers of cases do not see rows written into a detached month, so their work
is done here once per month: the keys (load_new_rows.sql, first), the daily counts and open-case
counters (case_days_add, unit_stats_add: migration 0042) and the data version.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime

from psycopg2 import sql

from geodata.queries import sql_text

log = logging.getLogger(__name__)
STEPS = ("keys_s", "months_s", "counts_s", "events_s")  # what write_new logs it spent, in order
_ON_CASES = re.compile(r"^CREATE (UNIQUE )?INDEX \S+ ON ONLY public\.cases USING ")


@dataclass(frozen=True)
class MonthLoad:
    """One month's share of a load."""

    name: str
    start: datetime
    end: datetime
    rows: int  # new cases
    held: int  # cases the month holds already (the planner's estimate)

    @property
    def set_aside(self) -> bool:
        """Rebuilding the month's indexes costs less than inserting into them row by row."""
        return self.rows >= self.held


def write_new(cur, actor: str, note: str, meets: bool = True, memory: str = "1GB") -> tuple[int, list[MonthLoad]]:
    """Write the staged cases that are new (load_stage_cases; keys not taken yet): their keys, rows,
    first events and counts. ``meets`` false: no staged row is a case that exists (nothing to look
    up). Returns how many, and the months they went to."""
    clock = [time.perf_counter()]
    for setting in ("maintenance_work_mem", "work_mem"):  # index builds; the sorts and groupings
        cur.execute("SELECT set_config(%s, %s, true)", (setting, memory))
    cur.execute(sql_text("load_new_rows"), {"meets": meets})
    cur.execute(sql_text("load_new_months"))
    months = [MonthLoad(*row) for row in cur.fetchall()]
    if not months:
        return 0, []
    clock.append(time.perf_counter())
    workers = max(1, (os.cpu_count() or 1) - 1)
    cur.execute("SELECT set_config('max_parallel_maintenance_workers', %s, true)", (str(workers),))
    cur.execute(sql_text("load_case_index_defs"))
    index_defs = [row[0] for row in cur.fetchall()]
    aside = [m for m in months if m.set_aside]
    for month in months:
        if month.set_aside:
            _rebuild_month(cur, month, index_defs)
        else:
            _fill(cur, sql.Identifier("cases"), month)  # the triggers count these
    clock.append(time.perf_counter())
    if aside:  # counted once, over the months set aside
        new_rows = cur.mogrify(sql_text("load_new_cases"), {"months": [m.name for m in aside]}).decode()
        cur.execute("SELECT case_days_add(%s), unit_stats_add(%s)", (new_rows, new_rows))
    clock.append(time.perf_counter())
    cur.execute(sql_text("load_new_events"), {"actor": actor, "note": note})
    cur.execute("UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = 'cases'")
    clock.append(time.perf_counter())
    steps = dict(zip(STEPS, (round(b - a, 2) for a, b in itertools.pairwise(clock))))
    log.info(
        "bulk load of %d new cases in %d months (%d set aside): %s",
        sum(m.rows for m in months),
        len(months),
        len(aside),
        steps,
        extra={"steps": steps},
    )
    return sum(m.rows for m in months), months


def on_table(definition: str, table: str) -> sql.Composable:
    """An index definition of cases (load_case_index_defs.sql) made for ``table``, named by the server."""
    rest = _ON_CASES.sub("", definition)
    if rest == definition:
        raise ValueError(f"not an index of cases: {definition}")
    unique = "UNIQUE " if definition.startswith("CREATE UNIQUE") else ""
    return sql.SQL("CREATE " + unique + "INDEX ON {} USING ").format(sql.Identifier(table)) + sql.SQL(rest)


def _fill(cur, target: sql.Composable, month: MonthLoad) -> None:
    cur.execute(sql.SQL(sql_text("load_month_fill")).format(target=target), {"start": month.start, "end": month.end})


def _rebuild_month(cur, month: MonthLoad, index_defs: list[str]) -> None:
    table = sql.Identifier(month.name)
    cur.execute(sql.SQL("ALTER TABLE cases DETACH PARTITION {}").format(table))
    cur.execute(sql_text("load_month_parts"), {"month": month.name})
    for kind, name in cur.fetchall():
        if kind == "constraint":
            cur.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table, sql.Identifier(name)))
        else:
            cur.execute(sql.SQL("DROP INDEX {}").format(sql.SQL(name)))
    _fill(cur, table, month)
    cur.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (id, reported_at)").format(table))
    for definition in index_defs:
        cur.execute(on_table(definition, month.name))
    bound = sql.Identifier(f"{month.name}_bound")
    cur.execute(
        sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} CHECK (reported_at >= %(start)s AND reported_at < %(end)s)").format(
            table, bound
        ),
        {"start": month.start, "end": month.end},
    )
    cur.execute(
        sql.SQL("ALTER TABLE cases ATTACH PARTITION {} FOR VALUES FROM (%(start)s) TO (%(end)s)").format(table),
        {"start": month.start, "end": month.end},
    )
    cur.execute(sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(table, bound))
