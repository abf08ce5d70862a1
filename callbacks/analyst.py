"""Workbench behaviour: controls → one query string (the URL), then the table, the map and the
export links from it. Every value is checked again on the server (geodata/analysis/spec.py):
a crafted callback gets the same errors as a bad URL.

The map is redrawn only when its filters change (not for paging, sorting or the table layer);
clicks pick checkpoints (for "cases near the picked checkpoints") or a grid (as the area); a
box or lasso drawn on the map becomes the area; a table row focuses the map on it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import flask
import numpy as np
import psycopg2
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, ctx, html, no_update
from dash.exceptions import PreventUpdate

import ids
from access.principal import current
from callbacks.onemap import tile_url
from geodata import territory, tiles, units
from geodata import versions as data_versions
from geodata.analysis import spec
from geodata.analysis import statements as analysis_sql
from geodata.analysis.exports import plain
from geodata.cases.lifecycle import FieldError
from geodata.db import Database, get_db
from geodata.errors import read_failure
from geodata.queries import fetch_columns, fetch_rows
from i18n import lang_query, pick, say, t
from layers import analysis_map
from layers.analysis_style import STYLES
from layers.basemap import Projector, map_style, projector
from layers.outlines import area_shapes
from layers.viewport import fit, point_minzoom
from pages._components import grid_class_rows, legend_row
from settings import get_settings

EXPORT_FORMATS = ("csv", "geojson", "gpkg", "html")
CONTROL_PARAMS = {
    ids.AN_LAYER: "layer",
    ids.AN_SHOW: "show",
    ids.AN_CATEGORY: "cases.category",
    ids.AN_STATUS: "cases.status",
    ids.AN_SOURCE: "cases.source",
    ids.AN_DEPT: "cases.dept",
    ids.AN_OVERDUE: "cases.overdue",
    ids.AN_NEAR_M: "cases.near_m",
    ids.AN_NEAR_TYPE: "cases.near_type",
    ids.AN_NEAR_IDS: "cases.near_ids",
    ids.AN_CP_TYPE: "checkpoints.type",
    ids.AN_BELOW: "checkpoints.below",
    ids.AN_FAILING: "checkpoints.failing",
    ids.AN_GAP_M: "checkpoints.gap_m",
    ids.AN_CAM_STATUS: "cameras.status",
    ids.AN_CAM_KIND: "cameras.kind",
    ids.AN_GRID_KIND: "grids.kind",
    ids.AN_MIN_OPEN: "grids.min_open",
    ids.AN_HOT: "grids.hot",
    ids.AN_UNIT: "unit",
}


MAP_PX = (1519, 487)  # the workbench map beside its filter panel, above its table, on a 1920×1080 screen


def _failed(exc: psycopg2.Error, lang: str) -> list:
    """A read that failed: a slow query says so, with a retry (the URL holds the whole view, so
    opening it again asks again); anything else says the database is away."""
    key = read_failure(exc)
    retry = html.A(t("read.retry", lang), href="", className="an-retry") if key == "read.timeout" else None
    return [html.Span(t(key, lang), className=f"an-failed {key.replace('.', '-')}"), " ", retry]


def _viewer() -> units.Unit | None:
    """The caller's area (None: the whole territory); a wall display or nobody gets nothing."""
    who = current()
    if who is None or who.read_only:
        raise PreventUpdate
    return who.area


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def params_of(
    values: dict[str, Any],
    dates: tuple[Any, Any],
    area: dict | None,
    page: int | None,
    sort_by: list | None,
    size: int | None,
) -> dict[str, str]:
    """URL parameters from the controls' values (checked later by ``spec.parse``, like a URL)."""
    params = {CONTROL_PARAMS[cid]: _text(v) for cid, v in values.items()}
    for flag in ("cases.overdue", "grids.hot"):
        params[flag] = "1" if params.get(flag) else ""
    params["cases.since"], params["cases.until"] = (str(d)[:10] if d else "" for d in dates)
    if isinstance(area, dict) and area.get("box"):
        params["box"] = _text(area["box"])
    elif isinstance(area, dict) and area.get("lasso"):
        params["lasso"] = ";".join(f"{p[0]} {p[1]}" for p in area["lasso"] if isinstance(p, list) and len(p) == 2)
    if sort_by:
        params["sort"] = str(sort_by[0].get("column_id", ""))
        params["dir"] = "desc" if sort_by[0].get("direction") == "desc" else "asc"
    params["page"] = _text(page or 0)
    params["size"] = _text(size or 50)
    return {k: v for k, v in params.items() if v != ""}


def _errors(problems: dict[str, str], lang: str) -> tuple[list, str]:
    if not problems:
        return [], "an-errors empty"
    items = [html.Li(f"{k}: {say(v, lang)}") for k, v in problems.items()]
    return [html.B(t("an.bad_query", lang)), html.Ul(items)], "an-errors"


@callback(
    Output(ids.AN_QUERY, "data"),
    Output(ids.AN_ERRORS, "children"),
    Output(ids.AN_ERRORS, "className"),
    Output(ids.AN_TABLE, "page_current"),
    Output(ids.AN_TABLE, "sort_by"),
    inputs={
        "values": {cid: Input(cid, "data" if cid == ids.AN_NEAR_IDS else "value") for cid in CONTROL_PARAMS},
        "start": Input(ids.AN_DATES, "start_date"),
        "end": Input(ids.AN_DATES, "end_date"),
        "area": Input(ids.AN_AREA, "data"),
        "page": Input(ids.AN_TABLE, "page_current"),
        "sort_by": Input(ids.AN_TABLE, "sort_by"),
        "size": State(ids.AN_TABLE, "page_size"),
        "current": State(ids.AN_QUERY, "data"),
        "lang": State(ids.LANG, "data"),
    },
    prevent_initial_call=True,
)
def collect(values: dict, start: Any, end: Any, area: Any, page: Any, sort_by: Any, size: Any, current: Any, lang: str):
    """Any control changed → the query string; a changed filter goes back to the first page, a
    changed table layer to its own default sort. Nothing changed (the table settling as it
    mounts) → nothing is sent, so a bad URL's message stays up."""
    _viewer()
    lang = pick(lang)
    trigger = ctx.triggered_id
    if trigger == ids.AN_LAYER:
        sort_by = []
    if trigger not in (ids.AN_TABLE,):
        page = 0
    try:
        q = spec.parse(params_of(values, (start, end), area, page, sort_by, size), spec.reference(get_db()))
    except FieldError as exc:
        children, cls = _errors(exc.errors, lang)
        return no_update, children, cls, no_update, no_update
    except psycopg2.Error as exc:
        children, cls = _errors({"database": t(read_failure(exc), lang)}, lang)
        return no_update, children, cls, no_update, no_update
    if spec.encode(q) == current:
        raise PreventUpdate
    sort = [{"column_id": q.sort_column, "direction": "desc" if q.desc else "asc"}]
    return spec.encode(q), [], "an-errors empty", q.page, sort


def _query(encoded: str) -> spec.Query:
    from urllib.parse import parse_qsl

    return spec.parse(dict(parse_qsl(encoded or "", keep_blank_values=False)), spec.reference(get_db()))


def table_rows(rows: list[dict[str, Any]], layer: str, lang: str) -> list[dict[str, Any]]:
    """Rows as the table shows them (times in Beijing time, names in ``lang``)."""
    cols = analysis_sql.COLUMNS[layer]
    out = []
    for r in rows:
        row = {c.key: plain(r.get(c.field(lang))) for c in cols}
        for key in ("reported_at", "deadline_at", "inspected_at", "last_seen_at"):
            if isinstance(row.get(key), str):
                row[key] = row[key][:16].replace("T", " ")
        for key in ("lon", "lat"):
            if isinstance(row.get(key), float):
                row[key] = round(row[key], 6)
        out.append(row)
    return out


@callback(
    Output(ids.AN_TABLE, "columns"),
    Output(ids.AN_TABLE, "data"),
    Output(ids.AN_TABLE, "page_count"),
    Output(ids.AN_TOTAL, "children"),
    Output(ids.AN_EXPORTS, "children"),
    Output(ids.AN_TABLE, "active_cell"),
    Input(ids.AN_QUERY, "data"),
    State(ids.LANG, "data"),
)
def render_table(encoded: str, lang: str):
    """The query → one sorted page of its layer, the total, and export links for all of it."""
    scope = _viewer()
    lang = pick(lang)
    try:
        q = _query(encoded)
        db = get_db(read_only=True)
        total = analysis_sql.count(db, q, scope)
        rows = analysis_sql.page(db, q, scope)
    except FieldError as exc:
        return no_update, [], 0, "; ".join(say(v, lang) for v in exc.errors.values()), no_update, None
    except psycopg2.Error as exc:
        return no_update, [], 0, _failed(exc, lang), no_update, None
    cols = [{"name": c.label(lang), "id": c.key} for c in analysis_sql.COLUMNS[q.layer]]
    query = spec.encode(q) + lang_query(lang, "&")
    links = [
        html.A(
            t(f"an.export.{f}", lang),
            id=f"an-export-{f}",
            className="an-export",
            download="",
            href=f"/analyst/export.{f}?{query}",
        )
        for f in EXPORT_FORMATS
    ]
    pages = max(1, -(-total // q.size))
    return (
        cols,
        table_rows(rows, q.layer, lang),
        pages,
        t("an.total", lang).format(n=analysis_sql.count_text(total)),
        links,
        None,
    )


TILED = ("grids", "cameras", "checkpoints")  # layers the one map draws from vector tiles (geodata/tiles.py)


def _tiled(db: Database, q: spec.Query, scope: units.Unit | None, lang: str) -> dict[str, dict[str, Any]]:
    """The shown layers too big to send whole (more features than settings.map_tiles_above), as
    tile specs: drawn from the one map's vector tiles, every feature the query selects and only
    those (through feature state), never an arbitrary first part. Only for viewers of the whole
    territory, who may read those tiles; a smaller scope has fewer features anyway."""
    if scope is not None and not scope.territory:
        return {}
    sizes = dict(zip(tiles.SOURCES, fetch_rows("map_layer_sizes", None, db)[0]))
    limit = get_settings().map_tiles_above
    shown = [layer for layer in TILED if layer in q.show and sizes.get(layer, 0) > limit]
    if not shown:
        return {}
    versions = data_versions.current(db)[0]
    out = {}
    for layer in shown:
        names = ("open_cases", "overdue") if layer == "grids" else ()
        # Points the query selects all of are drawn from the tiles alone: counted, not listed.
        everything = layer != "grids" and analysis_sql.unfiltered(db, q, layer, scope)
        values = {"ids": []} if everything else analysis_sql.tile_values(db, q, layer, scope, names)
        parents = fetch_columns("grid_parents", None, db) if layer == "grids" else None
        out[layer] = analysis_map.tiled_spec(layer, values, tile_url(layer, versions), lang, everything, parents)
        out[layer]["count"] = sizes[layer] if everything else len(values["ids"])  # features drawn
    return out


def _rows_of(columns: dict[str, list]) -> list[dict[str, Any]]:
    """Rows from columns."""
    names = list(columns)
    return [dict(zip(names, values)) for values in zip(*columns.values())]


def _zooms(
    found: dict[str, tuple[list, int]],
    fit_zoom: float,
    tiled: dict[str, dict[str, Any]],
) -> dict[str, dict[str, float]]:
    """Per point layer, the zoom from which it is drawn (layers/viewport.py point_minzoom)."""
    out = {}
    for layer in ("cases", "checkpoints", "cameras"):
        if layer in found:
            out[layer] = {"minzoom": point_minzoom(found[layer][1], fit_zoom)}
        elif layer in tiled:  # every point the query selects
            out[layer] = {"minzoom": point_minzoom(tiled[layer]["count"], fit_zoom)}
    return out


def _map_key(q: spec.Query, lang: str) -> str:
    return spec.encode(replace(q, layer="cases", sort="", desc=True, page=0, size=50)) + lang


@callback(
    Output(ids.AN_MAP, "figure"),
    Output(ids.AN_MAP_TILES, "data"),
    Output(ids.AN_MAP_KEY, "data"),
    Output(ids.AN_MAP_NOTE, "children"),
    Input(ids.AN_QUERY, "data"),
    State(ids.AN_MAP_KEY, "data"),
    State(ids.LANG, "data"),
)
def render_map(encoded: str, drawn: dict | None, lang: str):
    """The query's filters changed → redraw the shown layers (paging and sorting do not)."""
    scope = _viewer()
    lang = pick(lang)
    try:
        q = _query(encoded)
        key = _map_key(q, lang)
        if isinstance(drawn, dict) and key == drawn.get("key"):
            raise PreventUpdate
        db = get_db(read_only=True)
        tiled = _tiled(db, q, scope, lang)
        cap = get_settings().map_points_max  # points per layer; the table and exports hold every row
        # More cases than the map draws one by one: every one of them, counted per community.
        by_community = (
            analysis_sql.cases_by_community(db, q, scope)
            if "cases" in q.show and analysis_sql.count(db, q, scope, "cases") > cap
            else None
        )
        points = tuple(x for x in q.show if x not in tiled and not (x == "cases" and by_community is not None))
        found = analysis_sql.map_rows(db, replace(q, show=points), scope, cap, lean=True)
        shapes = area_shapes(db)
        view = fit(territory.current(db).bounds, *MAP_PX)
        zoomed = _zooms(found, view["zoom"], tiled)
    except FieldError:
        raise PreventUpdate from None
    except psycopg2.Error as exc:
        return no_update, no_update, no_update, _failed(exc, lang)
    s = get_settings()
    style = map_style(s.basemap, flask.request.host_url, s.basemap_url, s.tianditu_key)
    rows = {layer: r for layer, (r, _) in found.items()}
    area = analysis_map.area_ring(q.box, q.lasso)
    if "checkpoints" in tiled and q.near_ids:  # the picked ones' rings: where they lie
        rows["picked"] = _rows_of(fetch_columns("checkpoint_positions", {"ids": list(q.near_ids)}, db))
    figure, tile_store = analysis_map.figure(
        rows, shapes, lang, projector(s.basemap), style, set(q.near_ids), q.hot, area, view, tiled, zoomed, by_community
    )
    notes: list[Any] = [html.Div(n) for n in analysis_map.map_notes(found, lang, by_community, cap)]
    if "grids" in tiled:  # the classes of the grids drawn, and of their parents' totals (layers/classes.py)
        spec = tiled["grids"]
        legend = grid_class_rows(spec["breaks"], lang, spec.get("overview_breaks"), spec.get("overview_level"))
        notes.append(html.Div(legend, className="an-classes legend"))
    elif rows.get("grids"):
        items = STYLES["grids"].legend_of(rows["grids"])
        notes.append(html.Div([legend_row(item, lang) for item in items], className="an-classes legend"))
    return (
        figure,
        tile_store,
        {"key": key, "focus": len(figure["data"]) - 1},
        html.Div(notes) if notes else "",
    )


@callback(
    Output(ids.AN_NEAR_IDS, "data"),
    Output(ids.AN_AREA, "data"),
    Output(ids.AN_UNIT, "value"),
    Output(ids.AN_UNIT, "options"),
    Input(ids.AN_MAP, "clickData"),
    Input(ids.AN_SELECTION, "data"),
    Input(ids.AN_CLEAR_AREA, "n_clicks"),
    Input(ids.AN_CLEAR_PICKS, "n_clicks"),
    State(ids.AN_NEAR_IDS, "data"),
    State(ids.AN_UNIT, "options"),
    prevent_initial_call=True,
)
def pick_on_map(click: Any, selected: Any, _clear_area: Any, _clear_picks: Any, near_ids: Any, options: Any):
    """A checkpoint clicked → picked or unpicked; a grid clicked → the area; a box or lasso → the
    area; the clear buttons empty them."""
    _viewer()
    trigger = ctx.triggered_id
    near = [int(i) for i in (near_ids or []) if isinstance(i, int)]
    if trigger == ids.AN_CLEAR_AREA:
        return no_update, None, None, no_update
    if trigger == ids.AN_CLEAR_PICKS:
        return [], no_update, no_update, no_update
    if trigger == ids.AN_SELECTION:
        area = _area(selected, projector(get_settings().basemap))
        if area is None:
            raise PreventUpdate
        return no_update, area, None, no_update
    point = (click or {}).get("points", [{}])[0] if isinstance(click, dict) else {}
    data = point.get("customdata") if isinstance(point, dict) else None
    if not isinstance(data, list) or len(data) < 3:
        raise PreventUpdate
    layer, fid, code = data[0], data[1], data[2]
    if layer == "grids" and code is None and isinstance(fid, int) and not isinstance(fid, bool):
        # A grid drawn from the tiles (assets/maptiles.js): its id, read back as the unit the
        # viewer may see (none outside their scope).
        unit = units.by_id(get_db(read_only=True), fid)
        if unit is None or unit.level != "grid":
            raise PreventUpdate
        code, point = unit.code, {"text": unit.name}
    if layer == "checkpoints" and isinstance(fid, int):
        return ([i for i in near if i != fid] if fid in near else [*near, fid]), no_update, no_update, no_update
    # A grid, or a community's count of cases: that unit becomes the query's area.
    if layer in ("grids", "communities") and isinstance(code, str) and units.valid_code(code):
        opts = list(options or [])
        if code not in {o.get("value") for o in opts if isinstance(o, dict)}:
            opts.append(
                {
                    "label": str(point.get("text", code)).split("<br>")[0].replace("<b>", "").replace("</b>", ""),
                    "value": code,
                }
            )
        return no_update, None, code, opts
    raise PreventUpdate


def _area(selected: Any, proj: Projector) -> dict[str, Any] | None:
    """A box ({"box": [min lon, min lat, max lon, max lat]}) or a lasso from plotly's selectedData,
    drawn in the basemap's frame and returned in WGS84 (the frame of the data)."""
    if not isinstance(selected, dict):
        return None
    box = (selected.get("range") or {}).get("map")
    if isinstance(box, list) and len(box) == 2:
        lon, lat = proj.unshift(*np.asarray(box, dtype=float).T)
        return {"box": [float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max())]}
    lasso = (selected.get("lassoPoints") or {}).get("map")
    if isinstance(lasso, list) and len(lasso) >= 3:
        lon, lat = proj.unshift(*np.asarray(lasso[: spec.MAX_LASSO_VERTICES], dtype=float).T)
        return {"lasso": [[round(float(x), 6), round(float(y), 6)] for x, y in zip(lon, lat)]}
    return None


@callback(
    Output(ids.AN_PICKS, "children"),
    Input(ids.AN_NEAR_IDS, "data"),
    Input(ids.AN_AREA, "data"),
    State(ids.LANG, "data"),
)
def describe_picks(near_ids: Any, area: Any, lang: str) -> list:
    """What is picked, in words."""
    lang = pick(lang)
    out = []
    if near_ids:
        out.append(html.Div(f"{t('an.picked', lang)}：{len(near_ids)}"))
    if isinstance(area, dict) and area:
        out.append(html.Div(t("an.area_box" if "box" in area else "an.area_lasso", lang)))
    return out


@callback(
    Output(ids.AN_MAP, "figure", allow_duplicate=True),
    Input(ids.AN_TABLE, "active_cell"),
    State(ids.AN_TABLE, "data"),
    State(ids.AN_MAP_KEY, "data"),
    prevent_initial_call=True,
)
def focus_row(cell: Any, rows: Any, drawn: Any):
    """A table row clicked → the map centred on it, close in."""
    if not isinstance(cell, dict) or not isinstance(rows, list):
        raise PreventUpdate
    index = cell.get("row")
    if not isinstance(index, int) or not 0 <= index < len(rows):
        raise PreventUpdate
    row = rows[index]
    if not isinstance(row.get("lon"), (int, float)) or not isinstance(row.get("lat"), (int, float)):
        raise PreventUpdate
    patch = Patch()
    view = analysis_map.focus_patch(row["lon"], row["lat"], projector(get_settings().basemap))
    patch["layout"]["map"]["center"] = view["center"]
    patch["layout"]["map"]["zoom"] = view["zoom"]
    focus = drawn.get("focus") if isinstance(drawn, dict) else None
    if isinstance(focus, int) and focus >= 0:
        patch["data"][focus]["lon"] = view["marker"]["lon"]
        patch["data"][focus]["lat"] = view["marker"]["lat"]
    return patch


# The tile store → the map's vector-tile layers (assets/maptiles.js).
clientside_callback(
    ClientsideFunction("gridops_tiles", "apply"),
    Input(ids.AN_MAP_TILES, "data"),
    State(ids.AN_MAP, "id"),
)


# A box or lasso drawn → its outline, for pick_on_map (the points inside stay in the browser).
clientside_callback(
    ClientsideFunction(namespace="analyst", function_name="selection"),
    Output(ids.AN_SELECTION, "data"),
    Input(ids.AN_MAP, "selectedData"),
    prevent_initial_call=True,
)


clientside_callback(
    ClientsideFunction(namespace="analyst", function_name="remember"),
    Output(ids.AN_URL, "data"),
    Input(ids.AN_QUERY, "data"),
    State(ids.LANG, "data"),
)
