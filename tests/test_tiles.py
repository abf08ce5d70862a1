"""Vector tiles of the big map layers (geodata/tiles.py, /tiles/…): what a tile holds, its GCJ-02
shift, the route's refusals, and the one map's refresh when its grids are drawn from tiles."""

from __future__ import annotations

import json
import math
import struct
import time

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

import callbacks.onemap as onemap
from geodata import tiles
from geodata.clock import TZ
from geodata.coords import wgs84_to_gcj02
from layers.base import ColourClasses
from layers.classes import PALETTE
from layers.registry import trace_slots
from settings import get_settings
from tests.test_refresh import _empty_grid, _insert_open_case, _patch_ops


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7


def _fields(buf: bytes):
    """(field number, wire type, value) of one protobuf message (varints and bytes only)."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            size, i = _varint(buf, i)
            value, i = buf[i : i + size], i + size
        elif wire == 1:
            value, i = struct.unpack("<d", buf[i : i + 8])[0], i + 8
        elif wire == 5:
            value, i = struct.unpack("<f", buf[i : i + 4])[0], i + 4
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        yield number, wire, value


def decode(tile: bytes) -> dict[str, dict]:
    """Layer name → {"ids": feature ids, "keys": property names} of a Mapbox Vector Tile."""
    layers = {}
    for number, _, layer in _fields(tile):
        assert number == 3
        name, ids, keys = None, [], []
        for n, _, value in _fields(layer):
            if n == 1:
                name = value.decode()
            elif n == 2:
                ids += [v for f, _, v in _fields(value) if f == 1]
            elif n == 3:
                keys.append(value.decode())
        layers[name] = {"ids": ids, "keys": keys}
    return layers


def properties(tile: bytes, name: str) -> dict[int, dict]:
    """Feature id → its properties, of one layer of a Mapbox Vector Tile."""
    for _, _, layer in _fields(tile):
        fields = list(_fields(layer))
        if next(v for n, _, v in fields if n == 1).decode() != name:
            continue
        keys = [v.decode() for n, _, v in fields if n == 3]
        values = []
        for n, _, value in fields:
            if n == 4:  # a Value: string (1), float (2), double (3), int (4), uint (5), sint (6), bool (7)
                kind, _, v = next(_fields(value))
                values.append(v.decode() if kind == 1 else (-(v >> 1) - 1 if v & 1 else v >> 1) if kind == 6 else v)
        out = {}
        for n, _, feature in fields:
            if n == 2:
                parts = {f: v for f, _, v in _fields(feature)}
                tags, at = [], 0
                while at < len(parts.get(2, b"")):
                    tag, at = _varint(parts[2], at)
                    tags.append(tag)
                out[parts[1]] = {keys[tags[k]]: values[tags[k + 1]] for k in range(0, len(tags), 2)}
        return out
    return {}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a WGS84 point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def test_sql_gcj02_offset_is_the_python_one(db):
    points = [(113.775, 34.709), (116.397, 39.909), (121.47, 31.23), (2.35, 48.85)]
    with db.transaction() as cur:
        for lon, lat in points:
            cur.execute("SELECT dlon, dlat FROM gcj02_offset(%s, %s)", (lon, lat))
            dlon, dlat = cur.fetchone()
            glon, glat = wgs84_to_gcj02(lon, lat)
            assert abs(lon + dlon - glon) < 1e-9 and abs(lat + dlat - glat) < 1e-9


def test_a_tile_holds_the_grids_it_covers_and_shifts_for_gcj02(db):
    with db.transaction() as cur:
        cur.execute(
            "SELECT id, ST_X(label_point), ST_Y(label_point) FROM units "
            "WHERE level = 'grid' AND kind <> 'exclusive' ORDER BY id LIMIT 1"
        )
        grid_id, lon, lat = cur.fetchone()
        cur.execute("SELECT array_agg(id) FROM units WHERE level = 'grid' AND kind <> 'exclusive'")
        tiling = set(cur.fetchone()[0])
    x, y = tile_of(lon, lat, 15)
    plain = tiles.tile(db, "grids", 15, x, y, version=-1)
    layer = decode(plain)["grids"]
    assert grid_id in layer["ids"] and set(layer["ids"]) <= tiling
    assert {"name", "parent", "street"} <= set(layer["keys"])
    # Over a GCJ-02 basemap the same shapes are drawn about 600 m away: another tile's worth.
    glon, glat = wgs84_to_gcj02(lon, lat)
    gx, gy = tile_of(float(glon), float(glat), 15)
    assert grid_id in decode(tiles.tile(db, "grids", 15, gx, gy, version=-1, gcj02=True))["grids"]["ids"]
    assert tiles.tile(db, "grids", 15, x, y, version=-1, gcj02=True) != plain
    cams = decode(tiles.tile(db, "cameras", 12, *tile_of(lon, lat, 12), version=-1))["cameras"]
    assert cams["ids"] and {"name", "status", "kind", "grid"} <= set(cams["keys"])
    assert tiles.tile(db, "grids", 15, *tile_of(2.35, 48.85, 15), version=-1) == b""  # Paris: nothing there
    # The community outlines' tile at the same place holds the grid's community.
    both = tiles.tile(db, "communities", 15, x, y, version=-1)
    lines = decode(both)["communities"]["ids"]
    with db.transaction() as cur:
        cur.execute(
            "SELECT u.parent_id, p.name FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = %s", (grid_id,)
        )
        parent, parent_name = cur.fetchone()
    assert parent in lines
    # and the names, at their label points: the tile's second layer
    named = properties(tiles.tile(db, "communities", 13, *tile_of(lon, lat, 13), version=-1), "community_labels")
    assert named[parent]["name"] == parent_name
    # Below the overview zoom the same place's tile holds the grids' parents, named, and no grid.
    z = tiles.OVERVIEW_BELOW - 1
    with db.transaction() as cur:
        cur.execute("SELECT parent_id FROM units WHERE id = %s", (grid_id,))
        community = cur.fetchone()[0]
    overview = properties(tiles.tile(db, "grids", z, *tile_of(lon, lat, z), version=-1), "grids")
    assert community in overview and not set(overview) & tiling
    assert overview[community]["agg"] == 1 and overview[community]["name"]
    detail = tiles.tile(db, "grids", z + 1, *tile_of(lon, lat, z + 1), version=-1)
    assert community not in decode(detail)["grids"]["ids"]


def test_a_checkpoint_tile_holds_each_ones_compliance_as_the_map_computes_it(db):
    """The checkpoints' tiles carry what the marker trace shows (checkpoint_points.sql): the
    compliance of the latest inspection, the failing elements and the date; none for a checkpoint
    never inspected."""
    from geodata.queries import fetch_columns

    points = fetch_columns("checkpoint_points", None, db)
    rows = {i: dict(zip(points, r)) for i, r in zip(points["id"], zip(*points.values()))}
    seen: dict[int, dict] = {}
    for x, y in {tile_of(r["lon"], r["lat"], 13) for r in rows.values()}:
        seen.update(properties(tiles.tile(db, "checkpoints", 13, x, y, version=-1), "checkpoints"))
    assert set(seen) == set(rows)  # every checkpoint, in the tile it lies in
    never = 0
    for cid, props in seen.items():
        row = rows[cid]
        assert props["name"] == row["name"] and props["type_name"] == row["type_name"]
        if row["compliance"] is None:
            never += 1
            assert "compliance" not in props and "inspected" not in props
        else:
            assert props["compliance"] == pytest.approx(row["compliance"])
            assert props["compliance_text"] == f"{row['compliance']:.0f}%"
            assert props["inspected"] == row["inspected_at"].astimezone(TZ).strftime("%Y-%m-%d")
            assert props.get("failing") == row["failing"]
    assert never < len(rows)  # the comparison means something only if some were inspected


def test_tile_route_serves_viewers_of_the_district_and_refuses_nonsense(server, http, db):
    from tests import signin

    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'district'")
        lon, lat = cur.fetchone()
    x, y = tile_of(lon, lat, 13)
    ok = http.get(f"{server}/tiles/grids/13/{x}/{y}.pbf?v=1", timeout=30)
    assert ok.status_code == 200 and ok.headers["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert decode(ok.content)["grids"]["ids"] and "max-age" in ok.headers["Cache-Control"]
    unknown = http.get(f"{server}/tiles/shops/13/{x}/{y}.pbf", timeout=30)
    assert unknown.status_code == 404
    assert "tiled layers: cameras, checkpoints, communities, grids" in unknown.json()["message"]
    outside = http.get(f"{server}/tiles/grids/3/9/9.pbf", timeout=30)
    assert outside.status_code == 404 and "x and y run from 0 to 7" in outside.json()["message"]
    deep = http.get(f"{server}/tiles/grids/40/0/0.pbf", timeout=30)
    assert deep.status_code == 404 and "zoom 40" in deep.json()["message"]
    street = signin.session(server, "street")
    assert street.get(f"{server}/tiles/grids/13/{x}/{y}.pbf", timeout=30).status_code == 403


@pytest.fixture
def tiled_everything(monkeypatch):
    """The one map's callbacks with every tileable layer past the threshold (as at city scale)."""
    settings = get_settings().model_copy(update={"map_tiles_above": 0})
    monkeypatch.setattr(onemap, "get_settings", lambda: settings)


def test_tiled_map_sends_no_geometry_and_a_change_sends_only_changed_entries(db, tiled_everything):
    visible = ["grids", "cameras"]
    figure, store, state, _ = onemap.map_refresh(None, "zh", visible, db, "http://x/")
    # The community outlines go with the grids (their outlines over the grids' tiles).
    assert sorted(state["tiled"]) == ["cameras", "checkpoints", "communities", "grids"]
    outline = store["communities"]
    assert outline["kind"] == "line" and outline["state"] is None and not outline["hover"]
    # Their names come from the same tiles, shown with the labels; the names' trace is then empty.
    (names,) = outline["extra"]
    assert names["source_layer"] == "community_labels" and names["kind"] == "symbol"
    assert names["toggle"] == "labels" and names["visible"] is False  # the labels are not switched on here
    community_names = figure["data"][trace_slots()["labels"][0]]
    assert community_names["name"] == "community-labels" and community_names["text"] == []
    for key in state["tiled"]:
        for slot in trace_slots()[key]:
            assert figure["data"][slot]["lon"] == [] and "geojson" not in figure["data"][slot]
    assert "tiles" not in figure["layout"]["meta"]  # beside the figure: a change never redraws the map
    spec = store["grids"]
    assert spec["url"] == f"/tiles/grids/{{z}}/{{x}}/{{y}}.pbf?v={state['versions']['units']}"
    assert spec["visible"] and spec["slot"] == trace_slots()["grids"][0] and spec["kind"] == "fill"
    grid_id, lon, lat = _empty_grid(db)
    ids = [first + k for first, count in spec["state"]["id_runs"] for k in range(count)]
    with db.transaction() as cur:
        # Every grid, then every unit of the grids' parents' level (communities here): the tiles
        # draw those below the overview zoom, coloured by their own totals.
        cur.execute("SELECT array_agg(id ORDER BY id) FROM units WHERE level = 'grid' AND kind <> 'exclusive'")
        grid_ids = cur.fetchone()[0]
        cur.execute("SELECT array_agg(id ORDER BY id) FROM units WHERE level = 'community'")
        community_ids = cur.fetchone()[0]
    assert ids == grid_ids + community_ids and spec["overview"] == tiles.OVERVIEW_BELOW
    assert state["overview_level"] == "community" and state["overview_breaks"][:2] == [0, 1]
    position = ids.index(grid_id)
    assert spec["state"]["open"][position] == 0 and len(spec["state"]["id_runs"]) < len(ids) / 10
    # Overdue is open minus not yet due (unit_values.sql): it must equal a plain count, per grid
    # and per community.
    with db.transaction() as cur:
        cur.execute("SELECT grid_id, count(*) FROM cases WHERE is_open AND deadline_at < now() GROUP BY 1")
        overdue = dict(cur.fetchall())
        cur.execute("SELECT community_id, count(*) FROM cases WHERE is_open AND deadline_at < now() GROUP BY 1")
        overdue |= dict(cur.fetchall())
        cur.execute("SELECT community_id, count(*) FROM cases WHERE is_open GROUP BY 1")
        open_by_community = dict(cur.fetchall())
        cur.execute("SELECT community_id FROM units WHERE id = %s", (grid_id,))
        community = cur.fetchone()[0]
    assert spec["state"]["overdue"] == [overdue.get(i, 0) for i in ids] and sum(overdue.values()) > 0
    n = len(grid_ids)
    assert spec["state"]["open"][n:] == [open_by_community.get(i, 0) for i in community_ids]
    over_classes = ColourClasses(tuple(state["overview_breaks"]), PALETTE)
    assert spec["state"]["cls"][n:] == over_classes.classify(spec["state"]["open"][n:]).tolist()
    assert store["cameras"]["state"] is None  # the tiles carry the status
    marks = store["checkpoints"]  # and the checkpoints' compliance
    assert marks["state"] is None and marks["kind"] == "circle" and marks["link"] == "/checkpoint/{id}"
    assert marks["paint"]["circle-radius"][:3] == ["interpolate", ["linear"], ["zoom"]]  # grows with the zoom

    with pytest.raises(PreventUpdate):
        onemap.map_refresh(state, "zh", visible, db, "http://x/")
    _insert_open_case(db, lon, lat, "T-TILES-1")
    figure_patch, patch, new_state, _ = onemap.map_refresh(state, "zh", visible, db, "http://x/")
    assert figure_patch is no_update  # only tiled layers moved: the figure stays as it is
    ops = _patch_ops(patch)
    where = {tuple(op["location"]) for op in ops}
    base = ("grids", "state")
    # The one grid's count that moved, and its colour class (0 → the first class with cases); and
    # its community's count (its class too, if the case moved it into the next).
    at = ids.index(community)
    assert {(*base, "open", position), (*base, "cls", position), (*base, "open", at)} <= where
    assert where <= {(*base, "open", position), (*base, "cls", position), (*base, "open", at), (*base, "cls", at)}
    assert len(json.dumps(patch.to_plotly_json())) < 2000  # a few entries, not 900 grids' arrays
    values = {op["location"][2]: op["params"]["value"] for op in ops if op["location"][3] == position}
    assert values == {"open": 1, "cls": 1}
    assert [op["params"]["value"] for op in ops if op["location"][2:] == ["open", at]] == [
        spec["state"]["open"][at] + 1
    ]
    assert new_state["breaks"] == state["breaks"]  # one case does not move the classes

    # A page whose version this process never sent (another server process) gets whole arrays.
    stranger = {**state, "versions": {**state["versions"], "cases": -5}}
    whole = _patch_ops(onemap.map_refresh(stranger, "zh", visible, db, "http://x/")[1])
    assert [op["location"] for op in whole] == [list(base)]
    sent = whole[0]["params"]["value"]
    assert sent == {**spec["state"], "open": sent["open"], "cls": sent["cls"]}
    with pytest.raises(PreventUpdate):
        onemap.map_refresh(new_state, "zh", visible, db, "http://x/")

    traces, toggled = onemap.visibility_patch(["cameras"], new_state["tiled"])
    assert sorted(_patch_ops(toggled), key=lambda op: [str(x) for x in op["location"]]) == sorted(
        [
            *(
                {"location": [key, "visible"], "operation": "Assign", "params": {"value": key == "cameras"}}
                for key in new_state["tiled"]
            ),
            {"location": ["communities", "extra", 0, "visible"], "operation": "Assign", "params": {"value": False}},
        ],
        key=lambda op: [str(x) for x in op["location"]],
    )
    labels_on = _patch_ops(onemap.visibility_patch(["grids", "labels"], new_state["tiled"])[1])
    assert {"location": ["communities", "extra", 0, "visible"], "operation": "Assign", "params": {"value": True}} in (
        labels_on
    )
    tiled_slots = {slot for key in new_state["tiled"] for slot in trace_slots()[key]}
    assert {op["location"][1] for op in _patch_ops(traces)}.isdisjoint(tiled_slots)


@pytest.fixture(scope="module")
def tiled_server(loaded):
    """The real app with the grids and cameras drawn from tiles, refreshing every second."""
    from tests.conftest import TEST_SECRET
    from tests.server import serve

    proc, url = serve(
        {"GRIDOPS_REFRESH_SECONDS": "1", "GRIDOPS_SECRET_KEY": TEST_SECRET, "GRIDOPS_MAP_TILES_ABOVE": "0"}
    )
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.browser
def test_tiled_grids_draw_recolour_and_hover_in_the_browser(tiled_server, anon_browser, db):
    from selenium.webdriver.common.action_chains import ActionChains

    from tests import signin
    from tests.conftest import ARTIFACTS
    from tests.test_browser import GRAPH, _wait

    browser = anon_browser
    signin.browser(browser, tiled_server)
    browser.get(tiled_server + "/")
    grid_id, lon, lat = _empty_grid(db)
    state = (
        f"var g = document.querySelector('{GRAPH}'); var m = g && g._fullLayout && g._fullLayout.map "
        f"&& g._fullLayout.map._subplot.map; if (!m || !m.getSource('gridops-tiles-grids')) return null; "
        "return m.getFeatureState({source: 'gridops-tiles-grids', sourceLayer: 'grids', "
        f"id: {grid_id}}});"
    )
    _wait(browser, state, timeout=60)
    drawn = (
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map; "
        "return m.querySourceFeatures('gridops-tiles-grids', {sourceLayer: 'grids'}).map(f => f.id);"
    )
    ids_drawn = set(_wait(browser, drawn, timeout=60))
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM units WHERE level = 'grid' AND kind <> 'exclusive'")
        assert len(ids_drawn) == cur.fetchone()[0]  # every grid came in a tile
    assert browser.execute_script(state)["open"] == 0
    cameras = (
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map; "
        "return m.querySourceFeatures('gridops-tiles-cameras', {sourceLayer: 'cameras'}).length;"
    )
    assert _wait(browser, cameras, timeout=30) > 0
    time.sleep(2)
    browser.save_screenshot(str(ARTIFACTS / "onemap-tiles.png"))

    _insert_open_case(db, lon, lat, "T-TILES-BROWSER-1")
    _wait(browser, f"var s = (function () {{ {state} }})(); return s && s.open === 1;", timeout=15)
    # The refresh set the feature state of the one grid that changed and of its community (drawn
    # below the overview zoom), not of every grid.
    assert browser.execute_script(f"return document.querySelector('{GRAPH}').dataset.tilesGrids;") == "2"
    legend = "return [...document.querySelectorAll('#onemap-classes > div')].map(d => d.offsetParent !== null);"
    assert browser.execute_script("return document.documentElement.dataset.mapOverview;") == "0"
    assert browser.execute_script(legend) == [False, True]  # the grids' classes, not the communities'

    # Hovering the grid shows its name and its counts.
    x, y = browser.execute_script(
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map; "
        f"var p = m.project([{lon}, {lat}]); return [p.x, p.y];"
    )
    canvas = browser.find_element("css selector", f"{GRAPH} canvas.maplibregl-canvas")
    size = canvas.size
    ActionChains(browser).move_to_element_with_offset(canvas, x - size["width"] / 2, y - size["height"] / 2).perform()
    ActionChains(browser).move_by_offset(1, 1).perform()
    text = _wait(
        browser,
        f"var b = document.querySelector('{GRAPH} .gridops-tile-hover'); "
        "return b && b.style.display === 'block' && b.innerText;",
        timeout=10,
    )
    with db.transaction() as cur:
        cur.execute("SELECT name FROM units WHERE id = %s", (grid_id,))
        assert cur.fetchone()[0] in text
    assert "在办案件：1" in text and "所属社区" in text
    browser.save_screenshot(str(ARTIFACTS / "onemap-tiles-hover.png"))

    # Zoomed out below the overview zoom: the communities, each coloured by its total, and the
    # legend says so.
    with db.transaction() as cur:
        cur.execute("SELECT community_id FROM units WHERE id = %s", (grid_id,))
        community = cur.fetchone()[0]
    browser.execute_script(
        f"document.querySelector('{GRAPH}')._fullLayout.map._subplot.map.jumpTo({{center: [{lon}, {lat}], "
        f"zoom: {tiles.OVERVIEW_BELOW - 0.5}}});"
    )
    shown = _wait(
        browser,
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map; if (!m.loaded()) return null; "
        "var f = m.queryRenderedFeatures({layers: ['gridops-tiles-grids']}).map(f => f.id); "
        f"return f.indexOf({community}) >= 0 && f;",
        timeout=30,
    )
    assert grid_id not in shown
    overview = browser.execute_script(
        f"return document.querySelector('{GRAPH}')._fullLayout.map._subplot.map.getFeatureState("
        f"{{source: 'gridops-tiles-grids', sourceLayer: 'grids', id: {community}}});"
    )
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM cases WHERE is_open AND community_id = %s", (community,))
        assert overview["open"] == cur.fetchone()[0] and overview["cls"] >= 1
    assert browser.execute_script("return document.documentElement.dataset.mapOverview;") == "1"
    assert browser.execute_script(legend) == [True, False]
    assert "按社区汇总" in browser.find_element("css selector", "#onemap-classes .legend-overview").text
    browser.save_screenshot(str(ARTIFACTS / "onemap-tiles-overview.png"))

    # Checkpoints come in tiles too, coloured by compliance; a click on one opens its page.
    with db.transaction() as cur:
        cur.execute("SELECT id, ST_X(geom), ST_Y(geom) FROM checkpoints ORDER BY id LIMIT 1")
        cp_id, cp_lon, cp_lat = cur.fetchone()
    browser.execute_script(
        f"document.querySelector('{GRAPH}')._fullLayout.map._subplot.map"
        f".jumpTo({{center: [{cp_lon}, {cp_lat}], zoom: 17}});"
    )
    drawn_cp = (
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map; "
        "if (!m.loaded()) return null; "
        "var f = m.queryRenderedFeatures({layers: ['gridops-tiles-checkpoints']}).map(f => f.id); "
        f"return f.indexOf({cp_id}) >= 0 ? m.project([{cp_lon}, {cp_lat}]) : null;"
    )
    at = _wait(browser, drawn_cp, timeout=30)
    ActionChains(browser).move_to_element_with_offset(
        canvas, at["x"] - size["width"] / 2, at["y"] - size["height"] / 2
    ).click().perform()
    _wait(browser, f"return location.pathname === '/checkpoint/{cp_id}';", timeout=15)


@pytest.mark.browser
def test_workbench_filters_apply_to_its_tiled_layers_in_the_browser(tiled_server, anon_browser, db):
    """With every layer past the tiling threshold, the workbench draws grids and cameras from the
    tiles, and only what its filters select gets a colour (the rest carries no feature state)."""
    from tests import signin
    from tests.test_browser import _wait

    with db.transaction() as cur:
        cur.execute("""SELECT u.id, s.open_cases FROM units u JOIN unit_stats s ON s.unit_id = u.id
                        WHERE u.level = 'grid' AND u.kind <> 'exclusive' AND s.open_cases >= 2
                        ORDER BY u.id LIMIT 1""")
        busy, busy_open = cur.fetchone()
        cur.execute("""SELECT u.id FROM units u LEFT JOIN unit_stats s ON s.unit_id = u.id
                        WHERE u.level = 'grid' AND u.kind <> 'exclusive' AND coalesce(s.open_cases, 0) < 2
                        ORDER BY u.id LIMIT 1""")
        quiet = cur.fetchone()[0]
        cur.execute(
            "SELECT min(id) FILTER (WHERE status = 'offline'), min(id) FILTER (WHERE status = 'online') FROM cameras"
        )
        offline, online = cur.fetchone()
    assert offline and online
    browser = anon_browser
    signin.browser(browser, tiled_server, "admin")
    browser.get(tiled_server + "/analyst?show=grids,cameras&grids.min_open=2&cameras.status=offline")
    graph = "document.querySelector('#an-map .js-plotly-plot')"

    def state(source: str, fid: int) -> str:
        return (
            f"var g = {graph}; var m = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot.map; "
            f"if (!m || !m.getSource('gridops-tiles-{source}')) return null; "
            f"return m.getFeatureState({{source: 'gridops-tiles-{source}', sourceLayer: '{source}', id: {fid}}});"
        )

    drawn = _wait(
        browser, f"var s = (function () {{ {state('grids', busy)} }})(); return s && s.cls !== undefined && s;"
    )
    assert drawn["open"] == busy_open
    assert browser.execute_script(state("grids", quiet)) == {}  # below the filter: not coloured
    # Below the overview zoom, each community shows the total of its grids that the query selects.
    with db.transaction() as cur:
        cur.execute(
            "SELECT g.parent_id, sum(s.open_cases) FROM units g JOIN unit_stats s ON s.unit_id = g.id "
            "WHERE g.level = 'grid' AND g.kind <> 'exclusive' AND s.open_cases >= 2 "
            "AND g.parent_id = (SELECT parent_id FROM units WHERE id = %s) GROUP BY 1",
            (busy,),
        )
        community, total = cur.fetchone()
    assert browser.execute_script(state("grids", community))["open"] == total
    assert _wait(browser, f"var s = (function () {{ {state('cameras', offline)} }})(); return s && s.hit;") == 1
    assert browser.execute_script(state("cameras", online)) == {}  # online: not drawn
    meta = browser.execute_script(f"return {graph}.layout.meta;")
    assert "tiles" not in meta and meta["fit"]  # the tiles' specs travel beside the figure
    specs = browser.execute_script("return window.gridopsTileSpecs['an-map'];")
    assert sorted(specs) == ["cameras", "grids"]

    # Other filters, on the open page: a grid below the new minimum loses its colour, and every
    # camera is drawn again (the tiles alone say how).
    browser.execute_script(
        "window.dash_clientside.set_props('an-query', {data: arguments[0]});",
        f"show=grids,cameras&grids.min_open={busy_open + 1}",
    )
    _wait(browser, f"var s = (function () {{ {state('grids', busy)} }})(); return s && s.cls === undefined;")
    assert browser.execute_script(state("cameras", offline)) == {}
    opacity = browser.execute_script(
        f"var g = {graph}; return g._fullLayout.map._subplot.map.getPaintProperty('gridops-tiles-cameras', "
        "'circle-opacity');"
    )
    assert not isinstance(opacity, list) or "feature-state" not in json.dumps(opacity)

    # A grid clicked on the tiles becomes the query's area, as a grid clicked on a trace does.
    from selenium.webdriver.common.action_chains import ActionChains

    with db.transaction() as cur:
        cur.execute("SELECT code, ST_X(label_point), ST_Y(label_point) FROM units WHERE id = %s", (busy,))
        code, lon, lat = cur.fetchone()
    at = browser.execute_script(
        f"var m = {graph}._fullLayout.map._subplot.map; var c = m.getCanvas(); var p = m.project([{lon}, {lat}]);"
        f"var hit = m.queryRenderedFeatures(p, {{layers: ['gridops-tiles-grids']}}).map(f => f.id);"
        "return [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2, hit];"
    )
    assert busy in at[2]  # the grid is under that pixel
    canvas = browser.find_element("css selector", "#an-map canvas.maplibregl-canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, round(at[0]), round(at[1])).pause(0.3).click().perform()
    assert _wait(browser, "return new URLSearchParams(window.location.search).get('unit');") == code

    # Checkpoints drawn from the tiles: a click on one picks it for "cases near", as a marker of
    # the trace does, and its ring is drawn over the tiles.
    browser.get(tiled_server + "/analyst?layer=cases&show=checkpoints")
    with db.transaction() as cur:
        cur.execute("SELECT id, ST_X(geom), ST_Y(geom) FROM checkpoints ORDER BY id LIMIT 1")
        cp, cp_lon, cp_lat = cur.fetchone()
    _wait(
        browser,
        f"var g = {graph}; var m = g && g._fullLayout && g._fullLayout.map && g._fullLayout.map._subplot.map;"
        "return !!(m && m.getLayer('gridops-tiles-checkpoints'));",
    )
    browser.execute_script(f"{graph}._fullLayout.map._subplot.map.jumpTo({{center: [{cp_lon}, {cp_lat}], zoom: 17}});")
    at = _wait(
        browser,
        f"var m = {graph}._fullLayout.map._subplot.map; if (!m.loaded()) return null; var c = m.getCanvas();"
        f"var p = m.project([{cp_lon}, {cp_lat}]);"
        "var hit = m.queryRenderedFeatures(p, {layers: ['gridops-tiles-checkpoints']}).map(f => f.id);"
        f"return hit.indexOf({cp}) >= 0 && [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2];",
    )
    canvas = browser.find_element("css selector", "#an-map canvas.maplibregl-canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, round(at[0]), round(at[1])).pause(0.3).click().perform()
    assert _wait(browser, "return new URLSearchParams(window.location.search).get('cases.near_ids');") == str(cp)
    ring = _wait(browser, f"var t = {graph}.data.find(t => t.name === 'picked'); return t && t.lon.length && t;")
    assert abs(ring["lon"][0] - cp_lon) < 1e-5 and abs(ring["lat"][0] - cp_lat) < 1e-5
