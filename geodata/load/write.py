"""The database side of a load: what it reads (territory, parents, catalogues) and how it writes.

Rows are COPYed (binary format: the server reads it faster, and numpy encodes it column by
column) into a temporary staging table, then moved with one INSERT … ON CONFLICT … DO UPDATE …
WHERE (changed), so a repeated load changes nothing. Everything runs in the caller's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

from geodata.load import months
from geodata.load.bulk import column_types, copy_binary, encode_binary, geom_ewkb, point_ewkb
from geodata.queries import sql_text
from geodata.unit_assign import ANCESTOR_COLUMNS, FACT_UNIT_COLUMNS, UnitIndex

UNIT_COLUMNS = ["code", "name", "level", "kind", "parent_id", "population", "households", "manager", "phone", "geom"]
CAMERA_COLUMNS = ["code", "name", "kind", "status", "last_seen_at", "view_range_m", "geom", *FACT_UNIT_COLUMNS]
CHECKPOINT_COLUMNS = ["code", "name", "type_code", "department_id", "geom", *FACT_UNIT_COLUMNS]
CASE_COLUMNS = [
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
    "source_category",
    "source_status",
    "status_given",
]
IMPORT_NOTE = "批量导入"


def _rows(cur, name: str, params: dict | None = None) -> list[tuple]:
    cur.execute(sql_text(name), params or {})
    return cur.fetchall()


def territory_geoms(cur) -> list:
    """Polygons of the top-level units."""
    return [shapely.from_wkb(bytes(r[0])) for r in _rows(cur, "load_territory")]


def units_at_level(cur, level: str) -> pd.DataFrame:
    """id, code and geometry of every unit of one level."""
    rows = _rows(cur, "load_units_at_level", {"level": level})
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "code": [r[1] for r in rows],
            "geom": np.array([shapely.from_wkb(bytes(r[2])) for r in rows], dtype=object),
        }
    )


def unit_index(cur) -> UnitIndex | None:
    """An STRtree index over the units of every level (None when there are none)."""
    rows = _rows(cur, "load_unit_index")
    if not rows:
        return None
    frame = pd.DataFrame(rows, columns=["id", "level", "kind", *ANCESTOR_COLUMNS, "wkb"])
    frame["geometry"] = shapely.from_wkb([bytes(w) for w in frame.pop("wkb")])
    for column in ANCESTOR_COLUMNS:
        frame[column] = pd.array(frame[column], dtype="Int64")
    return UnitIndex(frame)  # reads frame.geometry, the column


def catalogue(cur, name: str) -> list[tuple]:
    """Rows of a catalogue query (load_categories, load_departments, load_checkpoint_types, load_sources)."""
    return _rows(cur, name)


def _upsert(
    cur, stage: str, table_sql: str, upsert: str, frame: pd.DataFrame, columns: list[str], params: dict | None = None
) -> tuple[int, int]:
    _stage(cur, stage, table_sql, frame, columns)
    return _write_staged(cur, upsert, params)


def _stage(cur, stage: str, table_sql: str, frame: pd.DataFrame, columns: list[str]) -> None:
    cur.execute(sql_text(stage))
    if len(frame):
        # Columns with no value at all stay NULL in the staging table without travelling.
        columns = [c for c in columns if frame[c].notna().any()]
        copy_binary(cur, table_sql, columns, encode_binary(frame, columns, column_types(cur, table_sql, columns)))


def _write_staged(cur, upsert: str, params: dict | None = None) -> tuple[int, int]:
    cur.execute(sql_text(upsert), params or {})
    inserted, updated = cur.fetchone()
    return int(inserted), int(updated)


def write_units(cur, frame: pd.DataFrame) -> tuple[int, int]:
    """Upsert units on code; ``frame`` has UNIT_COLUMNS with shapely MultiPolygons in ``geom``."""
    staged = frame.assign(geom=geom_ewkb(frame["geom"].to_numpy()))
    return _upsert(cur, "load_stage_units", "load_stage_units", "load_upsert_units", staged, UNIT_COLUMNS)


def write_cameras(cur, frame: pd.DataFrame) -> tuple[int, int]:
    """Upsert cameras on code; ``frame`` has lon/lat instead of geom."""
    staged = frame.assign(geom=point_ewkb(frame.lon.to_numpy(), frame.lat.to_numpy()))
    return _upsert(cur, "load_stage_cameras", "load_stage_cameras", "load_upsert_cameras", staged, CAMERA_COLUMNS)


def write_checkpoints(cur, frame: pd.DataFrame) -> tuple[int, int]:
    """Upsert checkpoints on code; ``frame`` has lon/lat instead of geom."""
    staged = frame.assign(geom=point_ewkb(frame.lon.to_numpy(), frame.lat.to_numpy()))
    return _upsert(
        cur, "load_stage_checkpoints", "load_stage_checkpoints", "load_upsert_checkpoints", staged, CHECKPOINT_COLUMNS
    )


@dataclass(frozen=True)
class CasesWritten:
    """What a cases load wrote, and the status changes it held back (count, first 20 as
    (external id, the case's status, the file's status))."""

    inserted: int
    updated: int
    held: int
    held_first: list[tuple[str, str, str]]


def write_cases(cur, frame: pd.DataFrame, actor: str, bulk: bool = False, backward: bool = False) -> CasesWritten:
    """Upsert cases on (source, external id), logging new cases and status changes as events.

    Before writing, each row that meets an existing case is reconciled with it
    (load_cases_reconcile.sql): a file without statuses, or with a status the case loop cannot
    reach from the case's (a backward move, unless ``backward``), leaves the case's status and step
    times as they are; an empty value never erases one the case has.

    ``bulk`` (a city's first import, years of history): the table is locked, the cases that exist
    are updated in place, and the new ones are written month by month (geodata/load/months.py): a
    month that gains at least as many cases as it holds is set aside, filled, its indexes built once
    from sorted rows, and attached again. Readers wait for the load's whole length.
    """
    staged = frame.assign(geom=point_ewkb(frame.lon.to_numpy(), frame.lat.to_numpy()))
    for column, default in (("source_category", None), ("source_status", None), ("status_given", True)):
        if column not in staged:  # a caller with our own statuses and no source texts (the benchmark)
            staged[column] = default
    params = {"actor": actor, "note": IMPORT_NOTE}
    _stage(cur, "load_stage_cases", "load_stage_cases", staged, CASE_COLUMNS)
    if bulk:
        cur.execute("LOCK TABLE cases IN ACCESS EXCLUSIVE MODE")
    meets = _rows(cur, "load_stage_meets_cases")[0][0]  # a history import meets none: nothing to reconcile
    held = _rows(cur, "load_cases_held_moves") if meets else []
    if meets:
        cur.execute(sql_text("load_cases_reconcile"), {"backward": backward})
    cur.execute(sql_text("load_cases_partitions"))
    if not bulk:
        inserted, updated = _write_staged(cur, "load_upsert_cases", {**params, "insert_new": True})
    else:  # the cases that exist updated in place, the new ones written month by month
        updated = _write_staged(cur, "load_upsert_cases", {**params, "insert_new": False})[1] if meets else 0
        inserted, _ = months.write_new(cur, actor, IMPORT_NOTE, meets=meets)
    return CasesWritten(inserted, updated, int(held[0][0]) if held else 0, [tuple(r[1:]) for r in held])


def cases_at_most(cur, n: int) -> bool:
    """Whether cases holds ``n`` rows or fewer (counting ``n + 1`` at most)."""
    cur.execute("SELECT count(*) <= %(n)s FROM (SELECT 1 FROM cases LIMIT %(n)s + 1) x", {"n": n})
    return bool(cur.fetchone()[0])


def topology(cur, codes: list[str], min_area_m2: float = 1.0) -> list[tuple[str, str, str, float]]:
    """Overlaps between grids of one kind and gaps in their parents, larger than ``min_area_m2``."""
    found = [("overlap", a, b, float(area)) for a, b, area in _rows(cur, "load_grid_overlaps", {"codes": codes})]
    found += [("gap", parent, "", float(area)) for parent, area in _rows(cur, "load_grid_gaps", {"codes": codes})]
    return [f for f in found if f[3] > min_area_m2]
