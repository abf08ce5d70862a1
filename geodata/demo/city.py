"""The demo-city generator: deterministic, loaded with COPY.

    gridops demo --scale demo|city --seed N [--replace] [--anchor 2026-11-22T12:00+08:00]

``demo`` is 郑州经开区 (5 street offices, 35 communities, ~900 grids, ~1,500 cameras, ~300
checkpoints, 20,000 cases over 180 days). ``city`` is the benchmark scale (70k grids, 200k
cameras, 5k checkpoints, 10M cases of which about 1M open). The same seed and anchor time give
the same rows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import psycopg2

from geodata.accounts.users import refresh_demo_users, seed_demo_if_empty
from geodata.clock import TZ
from geodata.demo import cases as demo_cases
from geodata.demo import points as demo_points
from geodata.demo import territory as demo_territory
from geodata.demo.names import ROADS_EW, ROADS_NS
from geodata.errors import SetupError
from geodata.load.bulk import (
    column_types,
    copy_binary,
    copy_frame,
    deferred_indexes,
    encode_binary,
    geom_ewkb,
    in_background,
    point_ewkb,
    sync_identity,
)
from geodata.queries import query, sql_text
from geodata.unit_assign import FACT_UNIT_COLUMNS, UnitIndex, with_ancestors
from geodata.units import LEVELS

DEFAULT_SEED = 7
DOMAIN_TABLES = [
    "camera_events",
    "case_photos",
    "rating_links",
    "case_events",
    "user_notices",
    "notify_deliveries",
    "notify_messages",
    "notify_steps",
    "notify_routes",  # routes to the units replaced
    "cases",
    "case_keys",
    "round_checkpoints",
    "inspection_rounds",
    "inspection_results",
    "inspections",
    "checkpoints",
    "cameras",
    "roads",
    "unit_stats",
    "unit_category_stats",
    "units",
]


@dataclass(frozen=True)
class Scale:
    """Sizes of one generated city."""

    cameras: int
    checkpoint_factor: float
    cases: int
    days: int
    chunk: int
    stalled_share: float = 0.0  # cases never resolved (demo_cases.generate)


SCALES = {
    "demo": Scale(cameras=1_500, checkpoint_factor=1.0, cases=20_000, days=180, chunk=20_000),
    # 10M cases, of which about 1M open: ~73k still in hand by age alone, and a stalled backlog.
    "city": Scale(
        cameras=200_000, checkpoint_factor=16.7, cases=10_000_000, days=730, chunk=500_000, stalled_share=0.094
    ),
}


def is_empty(dsn: str) -> bool:
    """True when the database holds no units yet."""
    with psycopg2.connect(dsn, connect_timeout=5) as conn, conn.cursor() as cur:
        cur.execute("SELECT NOT EXISTS (SELECT 1 FROM units)")
        empty = cur.fetchone()[0]
    conn.close()
    return bool(empty)


def shape_is_current(dsn: str, scale: str) -> bool:
    """True when the database's generated city has the top-level units this generator makes (one
    district for the demo, several at city scale): a city generated before a change of shape is
    generated again."""
    tops = 1 if scale == "demo" else len(demo_territory.city_scale(np.random.default_rng(0)).districts)
    with psycopg2.connect(dsn, connect_timeout=5) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM units WHERE parent_id IS NULL")
        found = cur.fetchone()[0]
    conn.close()
    return found == tops


def build_static(scale: str, rng: np.random.Generator, anchor: datetime) -> dict[str, pd.DataFrame]:
    """Units, roads, cameras, checkpoints and inspections (everything but cases)."""
    size = SCALES[scale]
    if scale == "demo":
        units = demo_territory.build_units(demo_territory.demo_scale(), rng)
        roads = demo_territory.build_roads(units, ROADS_EW, ROADS_NS)
    else:
        units = demo_territory.build_units(demo_territory.city_scale(rng), rng)
        roads = demo_territory.build_roads(units, *demo_territory.city_roads())
    units = with_ancestors(units)
    district = demo_territory.outline(units)
    cams = demo_points.cameras(roads, district, size.cameras, anchor, rng)
    cps = demo_points.checkpoints(units, roads, size.checkpoint_factor, rng)
    insp, results = demo_points.inspections(cps, cams, anchor, months=6, rng=rng)
    cam_events = demo_points.camera_events(cams, anchor, days=8, rng=rng.spawn(1)[0])  # own stream: cases unchanged
    index = UnitIndex(units)
    return {
        "units": units,
        "roads": roads,
        "cameras": demo_points.assign(cams, index),
        "checkpoints": demo_points.assign(cps, index),
        "inspections": insp,
        "results": results,
        "camera_events": cam_events,
        "index": index,
        "anchor": anchor,
    }


def load(
    dsn: str,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    anchor: datetime | None = None,
    replace: bool = False,
    log=print,
) -> dict[str, int]:
    """Generate and load a city in one transaction; return row counts per table."""
    anchor = anchor or datetime.now(TZ).replace(second=0, microsecond=0)
    size = SCALES[scale]
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    city = build_static(scale, rng, anchor)
    counts: dict[str, int] = {}
    conn = psycopg2.connect(dsn, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET LOCAL statement_timeout = 0")
            cur.execute("SELECT count(*) FROM units")
            if cur.fetchone()[0] and not replace:
                raise SetupError("the database already holds units: pass --replace to wipe them and load the demo city")
            if replace:
                cur.execute("TRUNCATE " + ", ".join(DOMAIN_TABLES) + " RESTART IDENTITY")
            counts.update(_load_static(cur, city))
            if not seed_demo_if_empty(cur):
                refresh_demo_users(cur)
            log(f"  static layers loaded in {time.perf_counter() - started:.1f} s: {counts}")
            counts.update(_load_cases(cur, city, size, anchor, rng, fast=scale != "demo", log=log))
            cur.execute("SELECT unit_stats_rebuild()")
    finally:
        conn.close()
    _analyze(dsn)
    log(f"  loaded in {time.perf_counter() - started:.1f} s: {counts}")
    return counts


def _load_static(cur, city: dict) -> dict[str, int]:
    units = city["units"].copy()
    units["geom"] = geom_ewkb(units.geometry.to_numpy())
    cols = ["id", "code", "name", "level", "kind", "parent_id", "population", "households", "manager", "phone", "geom"]
    for level in LEVELS:  # parents before children
        copy_frame(cur, "units", units[units.level == level], cols)
    sync_identity(cur, "units")
    roads = city["roads"].copy()
    roads["geom"] = geom_ewkb(roads.geometry.to_numpy())
    copy_frame(cur, "roads", roads, ["name", "kind", "geom"])
    unit_cols = FACT_UNIT_COLUMNS
    cams = city["cameras"].assign(geom=lambda f: point_ewkb(f.lon.to_numpy(), f.lat.to_numpy()))
    copy_frame(
        cur,
        "cameras",
        cams,
        ["id", "code", "name", "kind", "status", "last_seen_at", "view_range_m", "geom", *unit_cols],
    )
    copy_frame(cur, "camera_events", city["camera_events"], ["camera_id", "at", "from_status", "to_status"])
    cur.execute("SELECT code, id FROM departments")
    dept = dict(cur.fetchall())
    cps = city["checkpoints"].assign(
        geom=lambda f: point_ewkb(f.lon.to_numpy(), f.lat.to_numpy()),
        department_id=lambda f: pd.array(f.department_code.map(dept), dtype="Int64"),
    )
    copy_frame(cur, "checkpoints", cps, ["id", "code", "name", "type_code", "department_id", "geom", *unit_cols])
    copy_frame(
        cur, "inspections", city["inspections"], ["id", "checkpoint_id", "type_code", "inspected_at", "inspector"]
    )
    copy_frame(cur, "inspection_results", city["results"], ["inspection_id", "type_code", "element_code", "passed"])
    for table in ("cameras", "checkpoints", "inspections"):
        sync_identity(cur, table)
    due = _demo_round(cur, city)
    return {
        "units": len(units),
        "roads": len(roads),
        "cameras": len(cams),
        "checkpoints": len(cps),
        "inspections": len(city["inspections"]),
        "inspection_results": len(city["results"]),
        "camera_events": len(city["camera_events"]),
        "round_checkpoints": due,
    }


def _demo_round(cur, city: dict) -> int:
    """The round running at the anchor (排查轮次): every checkpoint, from three weeks before it to
    nine days after, so that about half are covered by the generated inspections."""
    anchor = city["anchor"]
    start, end = (anchor - timedelta(days=21)).date(), (anchor + timedelta(days=9)).date()
    cur.execute(
        query("round_create", {"scope": "id"}),
        {
            "name": f"{start.month}月{start.day}日至{end.month}月{end.day}日创文点位集中排查",
            "starts_on": start,
            "ends_on": end,
            "type_code": None,
            "unit_id": None,
            "actor": "演示数据",
            "scope_ids": city["checkpoints"]["id"].tolist(),
            "tz": str(TZ),
        },
    )
    return int(cur.fetchone()[1])


def case_context(cur, city: dict, rng: np.random.Generator) -> demo_cases.CaseContext:
    """Everything case generation needs, with categories and departments read from the database."""
    cur.execute(sql_text("demo_leaf_categories"))
    cats = pd.DataFrame(cur.fetchall(), columns=["code", "name", "sla_hours", "department_id"])
    cats["department_id"] = pd.array(cats.department_id, dtype="Int64")
    cur.execute(sql_text("demo_departments"))
    departments = dict(cur.fetchall())
    units = city["units"]
    return demo_cases.CaseContext(
        district=demo_territory.outline(units),
        index=city["index"],
        hotspots=demo_cases.hotspots(city["checkpoints"], rng),
        road_geoms=city["roads"].geometry.to_numpy(),
        road_names=city["roads"]["name"].to_numpy(),
        categories=cats,
        departments=departments,
    )


CASE_COLUMNS = [
    "id",
    "source",
    "external_id",
    "category_code",
    "status",
    "description",
    "address",
    "geom",
    *FACT_UNIT_COLUMNS,
    "department_id",
    "reported_at",
    "dispatched_at",
    "accepted_at",
    "resolved_at",
    "rated_at",
    "closed_at",
    "deadline_at",
    "satisfaction",
    "handled_online",
    "reply",
    "merged_into",
]


EVENT_COLUMNS = ["id", "case_id", "at", "from_status", "to_status", "actor", "note"]
CASE_TABLES = {"cases": CASE_COLUMNS, "case_events": EVENT_COLUMNS}


def _load_cases(cur, city, size: Scale, anchor: datetime, rng, fast: bool, log) -> dict[str, int]:
    """Cases and their events. ``fast`` (the city scale): generated in a second process while the
    server loads the previous chunk, with the tables' indexes, keys and counters rebuilt once at
    the end instead of maintained per row."""
    ctx = case_context(cur, city, rng)
    types = {table: column_types(cur, table, columns) for table, columns in CASE_TABLES.items()}
    chunks = _case_chunks(ctx, size, anchor, rng, types)
    n_cases = n_events = 0
    started = time.perf_counter()
    cur.execute(
        "SELECT case_partitions_ensure(%s, %s)",
        (anchor_minus(anchor, size.days + 1), anchor_minus(anchor, -92)),
    )
    with deferred_indexes(cur, [*CASE_TABLES, "case_keys"]) if fast else nullcontext():
        if fast:  # counters are rebuilt once at the end instead of per statement
            cur.execute("ALTER TABLE cases DISABLE TRIGGER USER")
        for rows, cases, events in in_background(chunks) if fast else chunks:
            copy_binary(cur, "cases", CASE_COLUMNS, cases)
            copy_binary(cur, "case_events", EVENT_COLUMNS, events)
            n_cases += rows[0]
            n_events += rows[1]
            if size.cases > size.chunk:
                rate = n_cases / (time.perf_counter() - started)
                log(f"  cases {n_cases:,}/{size.cases:,} ({rate:,.0f} cases/s)")
        if fast:  # the keys the cases_keys_insert trigger would have taken
            cur.execute("INSERT INTO case_keys (id, source, external_id) SELECT id, source, external_id FROM cases")
        loaded = time.perf_counter()
    if fast:
        log(
            f"  {n_cases:,} cases and {n_events:,} events copied in {loaded - started:.1f} s; "
            f"indexes and keys rebuilt in {time.perf_counter() - loaded:.1f} s"
        )
        cur.execute("ALTER TABLE cases ENABLE TRIGGER USER")
        started = time.perf_counter()
        cur.execute("SELECT case_days_rebuild()")
        log(f"  daily case counts rebuilt in {time.perf_counter() - started:.1f} s")
        cur.execute("UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = 'cases'")
    sync_identity(cur, "cases")
    sync_identity(cur, "case_events")
    return {"cases": n_cases, "case_events": n_events}


def _case_chunks(ctx, size: Scale, anchor: datetime, rng, types: dict[str, list[str]]) -> Iterator[tuple]:
    """((cases, events), cases, events) per chunk, the rows encoded for a binary COPY."""
    chunks = max(1, size.cases // size.chunk)
    first_event = 1
    for i in range(chunks):
        # Each chunk covers its own slice of time, oldest first, so ids grow with report time.
        window_end = anchor_minus(anchor, size.days * (chunks - 1 - i) / chunks)
        cases, events = demo_cases.generate(
            ctx,
            size.chunk,
            size.days / chunks,
            anchor,
            rng,
            first_id=i * size.chunk + 1,
            window_end=window_end,
            stalled_share=size.stalled_share,
        )
        cases["geom"] = point_ewkb(cases.lon.to_numpy(), cases.lat.to_numpy())
        events.insert(0, "id", np.arange(first_event, first_event + len(events)))
        first_event += len(events)
        yield (
            (len(cases), len(events)),
            encode_binary(cases, CASE_COLUMNS, types["cases"]),
            encode_binary(events, EVENT_COLUMNS, types["case_events"]),
        )


def anchor_minus(anchor: datetime, days: float) -> datetime:
    """``anchor`` moved ``days`` into the past."""
    return datetime.fromtimestamp(anchor.timestamp() - days * 86_400, TZ)


def _analyze(dsn: str) -> None:
    conn = psycopg2.connect(dsn, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("ANALYZE")
    finally:
        conn.close()
