"""Wall display behaviour at the callback level, against the real test database: what each tick
sends, how a slow panel degrades alone, scope from the URL, and rotation."""

from __future__ import annotations

import threading

import psycopg2
import pytest
from dash import Patch
from dash.exceptions import PreventUpdate

import urlstate
from callbacks.wall import OUTPUTS, PANELS, next_in_playlist, wall_update
from geodata import units
from geodata.db import Database
from tests.cases import insert_case

BASE = "http://127.0.0.1:8050/"


def _street_with_empty_grid(db) -> tuple[str, int, float, float]:
    """A street code and one of its grids with no open case (its label point, off exclusive grids)."""
    with db.transaction() as cur:
        cur.execute("""SELECT s.code, u.id, ST_X(u.label_point), ST_Y(u.label_point) FROM units u
                         JOIN units s ON s.id = u.street_id
                         JOIN unit_stats st ON st.unit_id = u.id
                        WHERE u.level = 'grid' AND u.kind <> 'exclusive' AND st.open_cases = 0
                          AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                           AND ST_Intersects(e.geom, u.label_point))
                        ORDER BY u.id LIMIT 1""")
        return cur.fetchone()


def test_first_tick_fills_every_panel_then_nothing_until_data_moves(db):
    out = wall_update(None, None, "zh", 1920, db, BASE)
    assert isinstance(out["map"], dict) and [t["name"] for t in out["map"]["data"]] == [
        "tiling",
        "exclusive",
        "outlines",
        "labels",
        "flash",
        "escalated",
    ]
    assert len(out["kpis"]) == 9 and out["scope_name"] == "郑州经开区"
    assert out["notes"] == [""] * len(PANELS) and out["banner"] == []
    state = out["state"]
    with pytest.raises(PreventUpdate):
        wall_update(state, None, "zh", 1920, db, BASE)


def test_a_new_case_patches_map_values_and_updates_kpis_and_ticker(db):
    code, grid_id, lon, lat = _street_with_empty_grid(db)
    first = wall_update(None, code, "zh", 1920, db, BASE)
    tiling = first["map"]["data"][0]
    position = tiling["locations"].index(grid_id)
    assert tiling["z"][position] == 0
    with db.transaction() as cur:
        case_id = insert_case(cur, lon, lat, "T-WALL-1")
    second = wall_update(first["state"], code, "zh", 1920, db, BASE)
    assert isinstance(second["map"], Patch)
    ops = second["map"].to_plotly_json()["operations"]
    z_ops = [op for op in ops if op["location"] == ["data", 0, "z"]]
    assert z_ops and z_ops[0]["params"]["value"][position] == 1
    assert not any(op["location"][-1] in ("geojson", "locations") for op in ops)
    assert str(case_id) in str(second["ticker"][0])


def test_a_slow_query_degrades_only_its_panel(db, admin_dsn_, settings):
    """A lock held elsewhere makes the ticker's and urgent list's queries time out (they read
    departments); the KPIs, map and ranking still update."""
    fast_fail = Database(settings.app_dsn(), statement_timeout_ms=400, scoped=True, default_scope=("all", 0))
    locker = psycopg2.connect(admin_dsn_)
    try:
        first = wall_update(None, None, "zh", 1920, fast_fail, BASE)
        with db.transaction() as cur:
            insert_case(cur, 113.77, 34.71, "T-WALL-SLOW")
        with locker.cursor() as cur:
            cur.execute("LOCK TABLE departments IN ACCESS EXCLUSIVE MODE")
        out = wall_update(first["state"], None, "zh", 1920, fast_fail, BASE)
        notes = dict(zip(PANELS, out["notes"]))
        assert notes["ticker"] and notes["urgent"], notes
        assert "查询超时" in notes["ticker"] and "查询超时" in notes["urgent"]  # slow, not an outage
        assert not out["banner"], "a slow query is not an outage: no banner"
        assert not notes["kpis"] and not notes["map"] and not notes["ranking"]
        assert out["kpis"] is not None and isinstance(out["map"], Patch)
        assert sorted(out["state"]["failed"]) == ["ticker", "urgent"]
        locker.rollback()
        healed = wall_update(out["state"], None, "zh", 1920, fast_fail, BASE)
        assert healed["notes"] == [""] * len(PANELS) and healed["state"]["failed"] == []
    finally:
        locker.rollback()
        locker.close()
        fast_fail.close()


def test_unreachable_database_keeps_the_picture_and_shows_the_banner(db, settings):
    first = wall_update(None, None, "zh", 1920, db, BASE)
    dead = Database("host=127.0.0.1 port=1 dbname=none user=none connect_timeout=1")
    out = wall_update(first["state"], None, "zh", 1920, dead, BASE)
    assert all(out[k] is not None for k in OUTPUTS)
    assert "数据更新中断 — 最后更新" in str(out["banner"]) and first["state"]["last_ok"] in str(out["banner"])
    assert out["state"]["stale"] is True
    with pytest.raises(PreventUpdate):  # still down: nothing more to send
        wall_update(out["state"], None, "zh", 1920, dead, BASE)
    back = wall_update(out["state"], None, "zh", 1920, db, BASE)
    assert back["banner"] == [] and back["state"]["stale"] is False


def test_unknown_unit_code_shows_the_district_with_a_notice(db):
    for bad in ("nope", "<script>", "4101719999"):
        out = wall_update(None, bad, "zh", 1920, db, BASE)
        assert out["scope_name"] == "郑州经开区"
        assert "未知单元代码" in str(out["banner"])


def test_rotation_plays_the_district_then_each_street(db):
    root = units.root_code(db)
    seen = [root]
    for _ in range(6):
        seen.append(next_in_playlist(db, {"unit": None}, seen[-1]))
    assert seen[0] == seen[6] == root
    assert len(set(seen[1:6])) == 5 and all(units.by_code(db, c).level == "street" for c in seen[1:6])


def test_url_seconds_are_validated():
    assert urlstate.seconds("30", None, 5, 3600) == 30
    assert urlstate.seconds("2", None, 5, 3600) == 5
    assert urlstate.seconds("abc", 10, 1, 3600) == 10
    assert urlstate.seconds("-4", 10, 1, 3600) == 10
    assert urlstate.seconds("nan", 10, 1, 3600) == 10
    assert urlstate.seconds(None, None, 5, 3600) is None


def test_ticks_are_safe_from_several_threads(db):
    """The callback may run on several server threads at once: no shared mutable state."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            wall_update(None, None, "zh", 1920, db, BASE)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors


def test_a_timeout_and_an_outage_are_told_apart(settings):
    from geodata.errors import read_failure

    conn = psycopg2.connect(settings.app_dsn())
    try:
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = 50")
            with pytest.raises(psycopg2.Error) as slow:
                cur.execute("SELECT pg_sleep(1)")
        assert read_failure(slow.value) == "read.timeout"
    finally:
        conn.close()
    with pytest.raises(psycopg2.Error) as away:
        psycopg2.connect("host=127.0.0.1 port=1 dbname=none user=none connect_timeout=2")
    assert read_failure(away.value) == "read.down"
