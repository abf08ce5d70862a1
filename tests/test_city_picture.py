"""The picture every map draws, against the real test database: colour classes from the units
shown (one rule on the wall, the drill-down, the one map and the workbench), kept between ticks
until the distribution moves; the territory's bounds for the browser to fit; point layers drawn
from a zoom; the workbench's big layers from the vector tiles with its filters applied; and a
slow query on the one map told apart from an outage."""

from __future__ import annotations

import psycopg2
import pytest
from dash import no_update

import callbacks.analyst as analyst
import callbacks.onemap as onemap
from callbacks.wall import wall_update
from geodata import territory
from geodata.analysis import spec
from geodata.db import Database
from layers import analysis_map
from layers.classes import PALETTE, open_classes, range_labels, stable_classes
from layers.registry import trace_slots
from settings import get_settings
from tests.test_refresh import _empty_grid, _insert_open_case
from tests.test_unit_view import _texts

BASE = "http://127.0.0.1:8050/"


def test_classes_spread_the_values_shown_and_hold_until_they_move():
    values = [0] * 50 + list(range(1, 1001))  # a thousand units with 1..1000 cases, fifty with none
    classes = open_classes(values)
    assert classes.breaks[:2] == (0, 1) and len(classes.breaks) == len(PALETTE)
    counts = [int((classes.classify(values) == k).sum()) for k in range(len(PALETTE))]
    assert counts[0] == 50 and all(180 <= n <= 220 for n in counts[1:]), counts  # a fifth of them each
    assert range_labels(classes)[0] == "0" and range_labels(classes)[-1].startswith("≥")
    # A few more cases somewhere keep the classes; the whole distribution growing moves them.
    busier = [v + 2 if v and k % 10 == 0 else v for k, v in enumerate(values)]  # a tenth of them, 2 more
    assert stable_classes(busier, classes.breaks).breaks == classes.breaks
    moved = stable_classes([v * 10 for v in values], classes.breaks)
    assert moved.breaks != classes.breaks and moved.breaks == open_classes([v * 10 for v in values]).breaks
    assert open_classes([0, 0, 0]).breaks == (0, 1)  # nothing open: one class of 0, and the next


def test_wall_classes_come_from_its_units_and_move_with_them(db):
    out = wall_update(None, None, "zh", 1920, db, BASE)
    tiling = out["map"]["data"][0]
    opened = [row[0] for row in tiling["customdata"]]
    breaks = out["state"]["map"]["breaks"]
    assert tuple(breaks) == open_classes(opened).breaks
    legend = _texts(out["legend"])
    for label in range_labels(open_classes(opened)):
        assert f"在办 {label}" in legend
    used = set(tiling["z"])
    assert len(used) >= 4, "the units spread over the legend"
    # A tick whose classes are those of a very different distribution: they move, and the legend says so.
    far = [b * 100 for b in breaks]
    state = {**out["state"], "minute": "earlier", "map": {**out["state"]["map"], "breaks": far}}
    moved = wall_update(state, None, "zh", 1920, db, BASE)
    assert moved["state"]["map"]["breaks"] == breaks and moved["legend"] is not no_update
    # And a tick without such a move keeps them and sends no legend.
    kept = wall_update({**moved["state"], "minute": "earlier"}, None, "zh", 1920, db, BASE)
    assert kept["state"]["map"]["breaks"] == breaks and kept["legend"] is no_update


def test_one_map_classes_bounds_and_point_zooms(db):
    visible = ["grids", "checkpoints", "cameras"]
    figure, _, state, _ = onemap.map_refresh(None, "zh", visible, db, BASE)
    grids = figure["data"][trace_slots()["grids"][0]]
    opened = [row[0] for row in grids["customdata"]]
    classes = open_classes(opened)
    assert state["breaks"] == list(classes.breaks)
    assert grids["z"] == classes.classify(opened).tolist()
    rows = _texts(onemap.restate_classes(state, "zh"))
    assert all(f"在办 {label}" in rows for label in range_labels(classes))
    meta = figure["layout"]["meta"]
    west, south, east, north = territory.current(db).bounds
    assert meta["fit"] == pytest.approx([west, south, east, north], abs=1e-5)  # the WGS84 basemap
    zooms = meta["zoomed"]
    assert {"checkpoints", "cameras"} <= set(zooms)
    with db.transaction() as cur:
        cur.execute("SELECT (SELECT count(*) FROM checkpoints), (SELECT count(*) FROM cameras)")
        n_checkpoints, n_cameras = cur.fetchone()
    view_zoom = figure["layout"]["map"]["zoom"]
    for key, n in (("checkpoints", n_checkpoints), ("cameras", n_cameras)):
        assert (zooms[key]["minzoom"] > view_zoom) == (n > 1500), (key, n, zooms)
        assert (key in state["later"]) == (n > 1500)  # the legend says which appear when zoomed in


def test_one_map_timeout_says_so_and_is_no_outage(db, admin_dsn_, settings):
    """A lock held elsewhere makes the one map's checkpoint query run into the statement timeout:
    the status says 查询超时, not the outage banner, and the next tick asks again."""
    visible = ["grids", "checkpoints"]
    fast_fail = Database(settings.app_dsn(), statement_timeout_ms=400, scoped=True, default_scope=("all", 0))
    locker = psycopg2.connect(admin_dsn_)
    try:
        _, _, state, _ = onemap.map_refresh(None, "zh", visible, fast_fail, BASE)
        with locker.cursor() as cur:
            cur.execute("LOCK TABLE checkpoints IN ACCESS EXCLUSIVE MODE")
        figure, tiles, slow, status = onemap.map_refresh({**state, "lang": "en"}, "zh", visible, fast_fail, BASE)
        text = _texts(status)
        assert "查询超时" in text and "数据更新中断" not in text
        assert figure is no_update and tiles is no_update and slow["retry"] and not slow.get("stale")
        locker.rollback()
        healed, _, _, status = onemap.map_refresh(slow, "zh", visible, fast_fail, BASE)
        assert "查询超时" not in _texts(status) and healed is not no_update
    finally:
        locker.rollback()
        locker.close()
        fast_fail.close()


@pytest.fixture
def tiled_workbench(monkeypatch):
    """The workbench with its big layers past the tiling threshold (as at city scale)."""
    settings = get_settings().model_copy(update={"map_tiles_above": 0})
    monkeypatch.setattr(analyst, "get_settings", lambda: settings)


def test_workbench_draws_big_layers_from_tiles_with_its_filters(db, tiled_workbench):
    grid_id, lon, lat = _empty_grid(db)
    _insert_open_case(db, lon, lat, "T-PICTURE-1")
    q = spec.parse(
        {"grids.min_open": "1", "cameras.status": "offline", "show": "grids,cameras,checkpoints"},
        spec.reference(db),
    )
    tiled = analyst._tiled(db, q, None, "zh")
    assert sorted(tiled) == ["cameras", "checkpoints", "grids"]
    with db.transaction() as cur:
        cur.execute("""SELECT u.id, coalesce(s.open_cases, 0) FROM units u
                         LEFT JOIN unit_stats s ON s.unit_id = u.id
                        WHERE u.level = 'grid' AND coalesce(s.open_cases, 0) >= 1 ORDER BY u.id""")
        want_grids = cur.fetchall()
        cur.execute("SELECT id FROM cameras WHERE status = 'offline' ORDER BY id")
        want_cameras = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM cameras")
        all_cameras = cur.fetchone()[0]
    assert want_cameras and len(want_cameras) < all_cameras and len(want_grids) > 1

    def ids(spec_: dict) -> list[int]:
        return [first + k for first, count in spec_["state"]["id_runs"] for k in range(count)]

    grids, cameras = tiled["grids"], tiled["cameras"]
    n = len(want_grids)
    assert ids(grids)[:n] == [g for g, _ in want_grids] and grid_id in ids(grids)  # every grid selected, no other
    assert grids["state"]["open"][:n] == [n_ for _, n_ in want_grids]
    shown = grids["state"]["open"][:n]
    assert grids["state"]["cls"][:n] == open_classes(shown).classify(shown).tolist()
    # Then the grids' communities (drawn below the overview zoom), each with its selected grids' total.
    with db.transaction() as cur:
        cur.execute("""SELECT g.parent_id, sum(coalesce(s.open_cases, 0)) FROM units g
                         LEFT JOIN unit_stats s ON s.unit_id = g.id
                        WHERE g.level = 'grid' AND g.kind <> 'exclusive' AND coalesce(s.open_cases, 0) >= 1
                        GROUP BY 1 ORDER BY 1""")
        want_parents = cur.fetchall()
    assert list(zip(ids(grids)[n:], grids["state"]["open"][n:])) == want_parents
    assert grids["overview_level"] == "community" and grids["overview_breaks"][:2] == [0, 1]
    marks = tiled["checkpoints"]  # every checkpoint selected: the tiles alone say how each is drawn
    assert marks["state"] is None and marks["pick"]
    assert ids(cameras) == want_cameras and set(cameras["state"]["hit"]) == {1}
    assert cameras["paint"]["circle-opacity"][1] == ["==", ["feature-state", "hit"], 1]  # the others are not drawn
    assert grids["url"].startswith("/tiles/grids/") and cameras["url"].startswith("/tiles/cameras/")

    # In the figure: an empty trace in each tiled layer's slot; the tiles described beside it.
    view = {"center": {"lon": lon, "lat": lat}, "zoom": 12, "bounds": list(territory.current(db).bounds)}
    from layers.basemap import projector
    from layers.outlines import area_shapes

    rows = {"checkpoints": []}
    figure, store = analysis_map.figure(
        rows,
        area_shapes(db),
        "zh",
        projector("none"),
        {},
        set(),
        False,
        None,
        view,
        tiled,
        {"cameras": {"minzoom": 14}},
    )
    meta = figure["layout"]["meta"]
    for key in ("grids", "cameras"):
        slot = figure["data"][store[key]["slot"]]
        assert slot["name"] == key and slot["lon"] == [] and "geojson" not in slot
    assert meta["zoomed"] == {"cameras": {"minzoom": 14}} and meta["fit"]
