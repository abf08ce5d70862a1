"""COPY encoding: every kind of value a loader sends arrives unchanged in the real PostGIS."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import psycopg2
import pytest
import shapely

from geodata.bulk import copy_frame, point_ewkb

TEXTS = ["plain", "tab\there", "two\nlines", "back\\slash", "cr\rend", "", None, "网格 中文", "\\N"]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    aware = pd.Series(pd.date_range("2026-11-20 08:00:00.123456", periods=n, freq="37min", tz="Asia/Shanghai"))
    aware[3] = pd.NaT
    naive = pd.Series(pd.date_range("2026-01-01", periods=n, freq="h"))
    naive[5] = pd.NaT
    return pd.DataFrame({
        "n": np.arange(n),
        "t": TEXTS,
        "i": pd.array([1, None, -7, 2**40, 0, 5, None, 8, 9], dtype="Int64"),
        "f": [0.1, 1 / 3, float("nan"), -2.5e-300, 1e20, 113.70000000000002, 0.0, -1.0, 34.7],
        "b": [True, False, True, True, False, False, True, False, True],
        "at": aware,
        "naive": naive,
        "geom": point_ewkb(np.linspace(113.7, 113.85, n), np.linspace(34.66, 34.76, n)),
    })  # fmt: skip


def test_point_ewkb_matches_shapely():
    lon, lat = np.array([113.7, 113.81234567891234, -0.0]), np.array([34.66, 34.7000001, 90.0])
    expected = shapely.to_wkb(shapely.set_srid(shapely.points(lon, lat), 4326), hex=True, include_srid=True)
    assert list(point_ewkb(lon, lat)) == list(expected)


@pytest.mark.parametrize("chunk_rows", [4, 10_000])
def test_copy_round_trips_every_kind_of_value(admin_dsn_, chunk_rows):
    frame = _frame()
    columns = list(frame.columns)
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bulk_probe (n integer, t text, i bigint, f double precision, b boolean, "
                    "at timestamptz, naive timestamp, geom geometry(Point, 4326))")  # fmt: skip
        assert copy_frame(cur, "bulk_probe", frame, columns, chunk_rows=chunk_rows) == len(frame)
        cur.execute("SELECT t, i, f, b, at, naive, ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM bulk_probe ORDER BY n")
        rows = cur.fetchall()
    conn.close()
    assert [r[0] for r in rows] == TEXTS
    assert [r[1] for r in rows] == [None if pd.isna(v) else int(v) for v in frame.i]
    floats = [r[2] for r in rows]
    assert floats[2] is None and all(a == b for a, b in zip(floats, frame.f) if not math.isnan(b))
    assert [r[3] for r in rows] == frame.b.tolist()
    shanghai = timezone(timedelta(hours=8))
    expected_at = [None if pd.isna(v) else v.to_pydatetime() for v in frame["at"]]
    assert [r[4] and r[4].astimezone(shanghai) for r in rows] == expected_at
    assert expected_at[0].microsecond == 123456
    assert [r[5] for r in rows] == [None if pd.isna(v) else v.to_pydatetime() for v in frame.naive]
    assert isinstance(rows[0][5], datetime)
    assert [(r[6], r[7], r[8]) for r in rows] == [
        (x, y, 4326) for x, y in zip(np.linspace(113.7, 113.85, len(TEXTS)), np.linspace(34.66, 34.76, len(TEXTS)))
    ]


def test_empty_frame_copies_nothing(admin_dsn_):
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bulk_empty (n integer, t text)")
        assert copy_frame(cur, "bulk_empty", pd.DataFrame({"n": [], "t": []}), ["n", "t"]) == 0
        cur.execute("SELECT count(*) FROM bulk_empty")
        assert cur.fetchone()[0] == 0
    conn.close()
