"""docs/performance.md refresh rules, at the callback and over HTTP: no change → nothing sent; a change →
a Patch of values only; and the changed grid's colour class moves."""

from __future__ import annotations

import json
import math

import pytest
import requests
from dash.exceptions import PreventUpdate

import ids
from callbacks import onemap
from callbacks.onemap import map_refresh
from layers.registry import trace_slots
from tests.cases import insert_case

GEOMETRY_KEYS = {"geojson", "lon", "lat", "locations"}


def _empty_grid(db) -> tuple[int, float, float]:
    with db.transaction() as cur:
        cur.execute("""SELECT u.id, ST_X(u.label_point), ST_Y(u.label_point) FROM units u
                         JOIN unit_stats s ON s.unit_id = u.id
                        WHERE u.level = 'grid' AND u.kind = 'community' AND s.open_cases = 0
                          AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                           AND ST_Intersects(e.geom, u.label_point))
                        ORDER BY u.id LIMIT 1""")
        return cur.fetchone()


def _insert_open_case(db, lon: float, lat: float, external_id: str) -> None:
    with db.transaction() as cur:
        insert_case(cur, lon, lat, external_id)


def _patch_ops(patch) -> list[dict]:
    return patch.to_plotly_json()["operations"]


def test_refresh_sends_figure_then_nothing_then_values_only(db):
    visible = ["grids", "cameras"]
    figure, _, state, _ = map_refresh(None, "zh", visible, db, "http://x/")
    grids = figure["data"][trace_slots()["grids"][0]]
    assert grids["type"] == "choroplethmap" and len(grids["geojson"]["features"]) == len(grids["locations"])
    # The map opens on the whole territory, whatever city is loaded: drawn in a 1920×1080 wall's
    # map box, beside the layer panel, every corner is inside, and it fills the box one way.
    with db.transaction() as cur:
        cur.execute(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom) e FROM units) t"
        )
        west, south, east, north = cur.fetchone()
    view = figure["layout"]["map"]
    world = 512 * 2 ** view["zoom"]

    def px(lon: float, lat: float) -> tuple[float, float]:  # Web Mercator, relative to the box's centre
        merc = lambda v: math.log(math.tan(math.pi / 4 + math.radians(v) / 2))  # noqa: E731
        return (
            (lon - view["center"]["lon"]) / 360 * world,
            -(merc(lat) - merc(view["center"]["lat"])) / (2 * math.pi) * world,
        )

    (x0, y0), (x1, y1) = px(west, north), px(east, south)
    width, height = onemap.MAP_PX
    left, right = x0 + width / 2, x1 + width / 2
    top, bottom = y0 + height / 2, y1 + height / 2
    assert left >= onemap.PANEL_PX + 15 and right <= width - 15 and top >= 15 and bottom <= height - 15
    assert min(left - onemap.PANEL_PX, width - right) <= 17 or min(top, height - bottom) <= 17

    with pytest.raises(PreventUpdate):
        map_refresh(state, "zh", visible, db, "http://x/")

    grid_id, lon, lat = _empty_grid(db)
    position = grids["locations"].index(grid_id)
    assert grids["z"][position] == 0
    _insert_open_case(db, lon, lat, "T-REFRESH-1")

    patch, _, new_state, _ = map_refresh(state, "zh", visible, db, "http://x/")
    ops = _patch_ops(patch)
    touched = {(op["location"][1], op["location"][2]) for op in ops}
    assert touched == {(trace_slots()["grids"][0], "z"), (trace_slots()["grids"][0], "customdata")}
    assert not GEOMETRY_KEYS & {op["location"][2] for op in ops}
    z = next(op["params"]["value"] for op in ops if op["location"][2] == "z")
    assert z[position] == 1
    assert new_state["versions"]["cases"] > state["versions"]["cases"]
    payload = len(json.dumps(patch.to_plotly_json()))
    assert payload < len(json.dumps(figure)) / 10

    with pytest.raises(PreventUpdate):
        map_refresh(new_state, "zh", visible, db, "http://x/")


def _dash_request(http, url: str, state: dict | None) -> requests.Response:
    outputs = [
        {"id": ids.MAP, "property": "figure"},
        {"id": ids.MAP_TILES, "property": "data"},
        {"id": ids.MAP_STATE, "property": "data"},
        {"id": ids.MAP_STATUS, "property": "children"},
    ]
    body = {
        "output": f"..{ids.MAP}.figure...{ids.MAP_TILES}.data...{ids.MAP_STATE}.data...{ids.MAP_STATUS}.children..",
        "outputs": outputs,
        "inputs": [{"id": ids.MAP_TICK, "property": "n_intervals", "value": 1}],
        "state": [
            {"id": ids.MAP_STATE, "property": "data", "value": state},
            {"id": ids.LANG, "property": "data", "value": "zh"},
            {"id": ids.LAYER_TOGGLES, "property": "value", "value": ["grids"]},
        ],
        "changedPropIds": [f"{ids.MAP_TICK}.n_intervals"],
    }
    return http.post(url + "/_dash-update-component", json=body, timeout=30)


def test_over_http_an_unchanged_version_sends_no_body(http, server, db):
    first = _dash_request(http, server, None)
    assert first.status_code == 200
    full = first.content
    state = first.json()["response"][ids.MAP_STATE]["data"]
    again = _dash_request(http, server, state)
    assert again.status_code == 204 and again.content == b""

    _, lon, lat = _empty_grid(db)
    _insert_open_case(db, lon, lat, "T-REFRESH-HTTP")
    changed = _dash_request(http, server, state)
    assert changed.status_code == 200
    body = changed.json()["response"][ids.MAP]["figure"]
    assert body["__dash_patch_update"] == "__dash_patch_update"
    assert len(changed.content) < len(full) / 10
    assert not GEOMETRY_KEYS & {op["location"][-1] for op in body["operations"]}
