"""COPY encoding: every kind of value a loader sends arrives unchanged in the real PostGIS."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import psycopg2
import pytest
import shapely

from geodata.load import bulk
from geodata.load.bulk import column_types, copy_binary, copy_frame, deferred_indexes, encode_binary, point_ewkb

TEXTS = ["plain", "tab\there", "two\nlines", "back\\slash", "cr\rend", "", None, "网格 中文", "\\N"]


def _frame() -> pd.DataFrame:
    n = len(TEXTS)
    aware = pd.Series(pd.date_range("2026-11-20 08:00:00.123456", periods=n, freq="37min", tz="Asia/Shanghai"))
    aware[3] = pd.NaT
    naive = pd.Series(pd.date_range("2026-01-01", periods=n, freq="h"))
    naive[5] = pd.NaT
    return pd.DataFrame(
        {
            "n": np.arange(n),
            "t": TEXTS,
            "i": pd.array([1, None, -7, 2**40, 0, 5, None, 8, 9], dtype="Int64"),
            "f": [0.1, 1 / 3, float("nan"), -2.5e-300, 1e20, 113.70000000000002, 0.0, -1.0, 34.7],
            "b": [True, False, True, True, False, False, True, False, True],
            "at": aware,
            "naive": naive,
            "geom": point_ewkb(np.linspace(113.7, 113.85, n), np.linspace(34.66, 34.76, n)),
        }
    )


def test_point_ewkb_matches_shapely():
    lon, lat = np.array([113.7, 113.81234567891234, -0.0]), np.array([34.66, 34.7000001, 90.0])
    expected = shapely.to_wkb(shapely.set_srid(shapely.points(lon, lat), 4326), hex=True, include_srid=True)
    assert list(point_ewkb(lon, lat)) == list(expected)


@pytest.mark.parametrize("chunk_rows", [4, 10_000, "binary", "binary-4"])
def test_copy_round_trips_every_kind_of_value(admin_dsn_, chunk_rows, monkeypatch):
    frame = _frame()
    columns = list(frame.columns)
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TEMP TABLE bulk_probe (n integer, t text, i bigint, f double precision, b boolean, "
            "at timestamptz, naive timestamp, geom geometry(Point, 4326))"
        )
        if chunk_rows == "binary-4":  # rows assembled four at a time
            monkeypatch.setattr(bulk, "_BINARY_ROWS", 4)
        if str(chunk_rows).startswith("binary"):
            copy_binary(
                cur, "bulk_probe", columns, encode_binary(frame, columns, column_types(cur, "bulk_probe", columns))
            )
        else:
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


def test_binary_copy_refuses_naive_times_for_a_timestamptz_column():
    """Text COPY would read a naive time in the session's zone and binary COPY as UTC: the loader
    must say which zone it means, so binary encoding refuses to guess."""
    naive = pd.DataFrame({"at": pd.to_datetime(["2026-11-20 08:00"])})
    with pytest.raises(ValueError, match="'at': naive times for a timestamptz column"):
        encode_binary(naive, ["at"], ["timestamptz"])
    assert encode_binary(naive, ["at"], ["timestamp"])  # a timestamp column has no zone to guess
    aware = naive.assign(at=naive["at"].dt.tz_localize("Asia/Shanghai"))
    assert encode_binary(aware, ["at"], ["timestamptz"])


DEFERRED = ["bulk_parent", "bulk_child"]
DEFERRED_SCHEMA = """
CREATE TEMP TABLE bulk_parent (id bigint PRIMARY KEY, code text NOT NULL, geom geometry(Point, 4326),
                               UNIQUE (code));
CREATE INDEX bulk_parent_geom_gix ON bulk_parent USING gist (geom);
CREATE TEMP TABLE bulk_child (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    parent_id bigint NOT NULL REFERENCES bulk_parent (id) ON DELETE CASCADE,
    at timestamptz CHECK (at > '2000-01-01'));
CREATE INDEX bulk_child_parent_idx ON bulk_child (parent_id, at) WHERE at IS NOT NULL;
CREATE TEMP TABLE bulk_other (parent_id bigint REFERENCES bulk_parent (id));
"""


def _definitions(cur) -> tuple[list, list]:
    """Every index and constraint of the probe tables, by name."""
    tables = [*DEFERRED, "bulk_other"]
    cur.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = ANY(%s::regclass[]) ORDER BY 1",
        (tables,),
    )
    indexes = cur.fetchall()
    cur.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        (tables,),
    )
    return indexes, cur.fetchall()


def _load_probe(cur, parents: int, orphan: bool = False) -> None:
    parent = pd.DataFrame(
        {
            "id": np.arange(1, parents + 1),
            "code": [f"P{i}" for i in range(parents)],
            "geom": point_ewkb(np.linspace(113.7, 113.8, parents), np.full(parents, 34.7)),
        }
    )
    child = pd.DataFrame({"parent_id": np.arange(1, parents + 1 + orphan)})
    child["at"] = pd.Timestamp("2026-11-20 08:00", tz="Asia/Shanghai")
    copy_frame(cur, "bulk_parent", parent, ["id", "code", "geom"])
    copy_frame(cur, "bulk_child", child, ["parent_id", "at"])
    cur.execute("INSERT INTO bulk_other VALUES (1)")


def test_deferred_indexes_drop_and_rebuild_every_index_and_key(admin_dsn_):
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(DEFERRED_SCHEMA)
        before = _definitions(cur)
        assert len(before[0]) == 5 and len(before[1]) == 6
        with deferred_indexes(cur, DEFERRED):
            indexes, constraints = _definitions(cur)
            assert indexes == []
            assert [c[2] for c in constraints] == ["c"]  # CHECK constraints stay
            _load_probe(cur, 1_000)
        assert _definitions(cur) == before
        cur.execute("SELECT count(*) FROM bulk_parent WHERE geom && ST_MakeEnvelope(113.7, 34.6, 113.75, 34.8, 4326)")
        assert cur.fetchone()[0] == 500
        with pytest.raises(psycopg2.errors.ForeignKeyViolation):
            cur.execute("INSERT INTO bulk_child (parent_id) VALUES (5000)")
    conn.close()


def test_deferred_indexes_rebuild_a_partitioned_tables_indexes_on_every_partition(admin_dsn_):
    """The cases table is partitioned by month: its indexes, rebuilt, must cover each partition and
    be valid (an index made "ON ONLY" the parent covers none, and the planner never uses it)."""
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(
            "CREATE TEMPORARY TABLE bulk_parted (id int, at date) PARTITION BY RANGE (at);"
            "CREATE TEMPORARY TABLE bulk_parted_a PARTITION OF bulk_parted "
            "FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');"
            "CREATE TEMPORARY TABLE bulk_parted_b PARTITION OF bulk_parted "
            "FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');"
            "CREATE INDEX bulk_parted_id_idx ON bulk_parted (id)"
        )
        with deferred_indexes(cur, ["bulk_parted"]):
            cur.execute("INSERT INTO bulk_parted SELECT g, '2026-01-01'::date + g % 50 FROM generate_series(1, 100) g")
        cur.execute(
            "SELECT t.relname, i.indisvalid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname LIKE 'bulk_parted%%' ORDER BY 1"
        )
        assert cur.fetchall() == [("bulk_parted", True), ("bulk_parted_a", True), ("bulk_parted_b", True)]
    conn.close()


def test_deferred_indexes_keep_a_partial_index_that_holds_few_rows_in_place(admin_dsn_):
    """With statistics saying a partial index holds few of the table's rows (open cases only, say),
    it stays and takes the loaded rows one by one; an index that holds most rows is rebuilt."""
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(DEFERRED_SCHEMA)
        cur.execute("CREATE INDEX bulk_child_rare_idx ON bulk_child (parent_id) WHERE at > '2026-11-01'")
        _load_probe(cur, 100)
        cur.execute("INSERT INTO bulk_child (parent_id, at) SELECT 1, '2026-10-01' FROM generate_series(1, 900)")
        cur.execute("ANALYZE bulk_parent; ANALYZE bulk_child")  # 1,000 rows, 100 of them in the rare index
        with deferred_indexes(cur, DEFERRED, keep_below=0.2):
            kept = [name for name, _ in _definitions(cur)[0]]
            assert kept == ["bulk_child_rare_idx"], kept
            cur.execute("INSERT INTO bulk_child (parent_id, at) SELECT 2, '2026-11-20' FROM generate_series(1, 5)")
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SELECT count(*) FROM bulk_child WHERE at > '2026-11-01' AND parent_id = 2")
        assert cur.fetchone()[0] == 6  # the probe's row and the five loaded past the kept index
        with deferred_indexes(cur, DEFERRED, keep_below=0.05):
            assert _definitions(cur)[0] == []  # 10 % of the rows: rebuilt with the others
    conn.close()


@pytest.mark.parametrize("broken", ["orphan", "duplicate"])
def test_deferred_indexes_fail_on_exit_when_the_rows_break_a_key(admin_dsn_, broken):
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn.cursor() as cur:
            cur.execute(DEFERRED_SCHEMA)
            conn.commit()  # temporary tables last for the session
            before = _definitions(cur)
            expected = psycopg2.errors.ForeignKeyViolation if broken == "orphan" else psycopg2.errors.UniqueViolation
            with pytest.raises(expected), deferred_indexes(cur, DEFERRED):
                _load_probe(cur, 10, orphan=broken == "orphan")
                if broken == "duplicate":
                    cur.execute("INSERT INTO bulk_parent (id, code) VALUES (11, 'P3')")
            conn.rollback()
            assert _definitions(cur) == before
            cur.execute("SELECT count(*) FROM bulk_child")
            assert cur.fetchone()[0] == 0
    finally:
        conn.close()
