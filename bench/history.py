"""A history import against its floor, measured in the same run (issue 28).

``rows`` history cases, reported in the twelve months before the database's oldest case (months
with no partition yet: the history a city brings to its first day), go through the loader's bulk
path: unit ids from the loader's STRtree, then geodata.load.write.write_cases(bulk=True), which
stages them, takes their keys, fills each month as a table of its own, builds its indexes, attaches
it, writes the first events and adds the counts. Then it is rolled back, leaving the database as it
was.

The floor is what no loader can beat on this machine: COPY of the same rows (already encoded) into
an empty copy of cases, then building that copy's indexes, with the same memory and parallel
workers. The loader's share of the floor (loader rows/s ÷ floor rows/s) must be at least 0.5.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import psycopg2
from psycopg2 import sql

from geodata.demo import cases as demo_cases
from geodata.demo import city as demo
from geodata.load import months
from geodata.load import write as load_write
from geodata.queries import sql_text
from geodata.unit_assign import FACT_UNIT_COLUMNS

FLOOR_TABLE = "bench_floor_cases"
HISTORY_DAYS = 365


def _history_frame(cur, scale: str, rows: int, end: datetime) -> pd.DataFrame:
    """``rows`` cases reported in the year before ``end``, as a file would bring them (no ids, no units)."""
    city = demo.build_static(scale, np.random.default_rng(demo.DEFAULT_SEED), end)
    ctx = demo.case_context(cur, city, np.random.default_rng(11))
    cases, _ = demo_cases.generate(ctx, rows, HISTORY_DAYS, end, np.random.default_rng(12), first_id=1)
    cases = cases[cases.status != "merged"].reset_index(drop=True)  # a file names no merge target
    cases["external_id"] = "HIST-" + cases["external_id"]
    return cases.drop(columns=["id", "merged_into", *FACT_UNIT_COLUMNS])


def measure(dsn: str, scale: str, rows: int, log=print) -> dict[str, object]:
    """The loader's history import and the floor, as bench results."""
    conn = psycopg2.connect(dsn)
    try:
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = 0")
            cur.execute("SELECT min(reported_at) FROM cases")
            oldest = cur.fetchone()[0]
            end = (oldest or datetime.now().astimezone()) - timedelta(days=1)
            t0 = time.perf_counter()
            raw = _history_frame(cur, scale, rows, end)
            conn.commit()
            log(f"  {len(raw):,} history rows generated in {time.perf_counter() - t0:.1f} s")
            # the loader: unit ids, then the bulk write, timed to the end of its last statement
            t0 = time.perf_counter()
            index = load_write.unit_index(cur)
            frame = raw.join(index.assign(raw.lon.to_numpy(), raw.lat.to_numpy()))
            t1 = time.perf_counter()
            with _steps_logged() as steps:
                written = load_write.write_cases(cur, frame, actor="import:bench-history", bulk=True)
            t2 = time.perf_counter()
            kept = io.BytesIO()  # the rows as loaded, for the floor
            rows_sql = sql.SQL(sql_text("bench_history_rows")).format(columns=_columns(cur))
            cur.copy_expert(sql.SQL("COPY ({}) TO STDOUT (FORMAT binary)").format(rows_sql).as_string(cur), kept)
            n_kept = _count(cur)
            conn.rollback()
            loader_s = t2 - t0
            log(f"  loader: {written.inserted:,} cases in {loader_s:.1f} s (units {t1 - t0:.1f} s)")
        floor = _floor(conn, kept)
    finally:
        conn.rollback()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(FLOOR_TABLE)))
            # the rolled-back rows of every table the import wrote: left, they slow every later figure
            # (1.6M dead daily counts after a city run)
            cur.execute("VACUUM case_keys, case_events, case_days, unit_stats")
        conn.close()
    loader_rate = written.inserted / loader_s
    floor_rate = n_kept / (floor["copy_s"] + floor["index_s"])
    return {
        "history_rows": written.inserted,
        "history_import_s": round(loader_s, 1),
        "history_import_units_s": round(t1 - t0, 1),
        "history_loader_rows_per_s": int(loader_rate),
        "history_floor_rows_per_s": int(floor_rate),
        "history_floor_detail": f"COPY {floor['copy_s']:.1f} s + {floor['indexes']} indexes {floor['index_s']:.1f} s",
        "history_share_of_floor": round(loader_rate / floor_rate, 2),
        "history_loader_steps": {"stage_s": round(t2 - t1 - sum(steps.values()), 2), **steps},
    }


@contextmanager
def _steps_logged() -> Iterator[dict[str, float]]:
    """The seconds each step of geodata/load/months.py took, as it logs them."""
    steps: dict[str, float] = {}

    class Steps(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            steps.update(getattr(record, "steps", {}))

    handler, logger = Steps(), logging.getLogger(months.__name__)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield steps
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _column_names(cur) -> list[str]:
    cur.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'cases'::regclass AND attnum > 0 "
        "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"
    )
    return [r[0] for r in cur.fetchall()]


def _columns(cur) -> sql.Composable:
    return sql.SQL(", ").join(map(sql.Identifier, _column_names(cur)))


def _count(cur) -> int:
    cur.execute("SELECT count(*) FROM load_new_rows")
    return int(cur.fetchone()[0])


def _floor(conn, kept: io.BytesIO) -> dict[str, float]:
    """COPY the loaded rows into an empty copy of cases, then build its indexes: seconds of each."""
    table = sql.Identifier(FLOOR_TABLE)
    with conn.cursor() as cur:
        like = "CREATE TABLE {} (LIKE cases INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)"
        cur.execute(sql.SQL(like).format(table))
        columns = _columns(cur)
        cur.execute(sql_text("load_case_index_defs"))
        defs = [r[0] for r in cur.fetchall()]
        conn.commit()
        workers = str(max(1, (os.cpu_count() or 1) - 1))  # as geodata/load/months.py builds
        cur.execute("SELECT set_config('maintenance_work_mem', '1GB', false)")
        cur.execute("SELECT set_config('max_parallel_maintenance_workers', %s, false)", (workers,))
        kept.seek(0)
        t0 = time.perf_counter()
        cur.copy_expert(sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(table, columns).as_string(cur), kept)
        conn.commit()
        t1 = time.perf_counter()
        cur.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (id, reported_at)").format(table))
        for definition in defs:
            cur.execute(months.on_table(definition, FLOOR_TABLE))
        conn.commit()
        t2 = time.perf_counter()
    return {"copy_s": t1 - t0, "index_s": t2 - t1, "indexes": len(defs) + 1}
