"""The workbench map: street and community outlines, then each shown layer's filtered rows.

Every marker carries ``customdata = [layer, id, code]`` so a click says what was hit; the
checkpoints picked for a "near" question are ringed, and a focused table row gets a marker.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from geodata.analysis.statements import count_text
from i18n import named, t
from layers.analysis_style import DRAW_ORDER, HOT_OUTLINE, STYLES
from layers.base import geojson_features, hover, line_coords
from layers.basemap import Projector
from layers.classes import open_classes
from layers.figure import wire_state
from layers.registry import BY_KEY
from layers.viewport import map_layout

PICKED = "#00e5ff"
AREA_COLOR = "#ffe066"  # the outline of a box or lasso drawn as the query's area
FOCUS_TRACE = {
    "type": "scattermap",
    "name": "focus",
    "mode": "markers",
    "lon": [],
    "lat": [],
    "hoverinfo": "skip",
    "marker": {"size": 26, "color": "rgba(255,255,255,0.35)"},
}


def _title(row: dict[str, Any], layer: str, lang: str) -> str:
    if layer == "cases":
        return f"<b>{t('an.cases', lang)} {row['id']}</b><br>{named(row, 'category', lang)}"
    return f"<b>{row.get('name') or row['id']}</b>"


def _detail(row: dict[str, Any], layer: str, lang: str) -> str:
    if layer == "cases":
        return f"{named(row, 'status_name', lang)}<br>{row.get('address') or ''}"
    if layer == "checkpoints":
        comp = "—" if row.get("compliance") is None else f"{row['compliance']:.0f}%"
        return f"{named(row, 'type', lang)}<br>{t('hover.compliance', lang)}：{comp}"
    if layer == "cameras":
        return f"{t('camera.' + row['status'], lang)}"
    return ""


def _points(layer: str, rows: list[dict[str, Any]], lang: str, proj: Projector, picked: set[int]) -> list[dict]:
    style = STYLES[layer]
    lon, lat = proj.shift([r["lon"] for r in rows], [r["lat"] for r in rows])
    traces = [
        {
            "type": "scattermap",
            "name": layer,
            "mode": "markers",
            "lon": np.round(lon, 6).tolist(),
            "lat": np.round(lat, 6).tolist(),
            "marker": {"color": style.colors(rows), "size": style.size, "opacity": 0.9},
            "text": [f"{_title(r, layer, lang)}<br>{_detail(r, layer, lang)}" for r in rows],
            "customdata": [[layer, r["id"], r.get("code")] for r in rows],
            "hovertemplate": hover(["%{text}"]),
        }
    ]
    if layer == "checkpoints" and picked:
        traces.append(_picked([r for r in rows if r["id"] in picked], proj))
        traces.reverse()  # the ring under the markers, so the markers stay clickable
    return traces


def _picked(rows: list[dict[str, Any]], proj: Projector) -> dict[str, Any]:
    """The rings of the checkpoints picked for a "near" question."""
    lon, lat = proj.shift([r["lon"] for r in rows], [r["lat"] for r in rows])
    return {
        "type": "scattermap",
        "name": "picked",
        "mode": "markers",
        "hoverinfo": "skip",
        "lon": np.round(lon, 6).tolist(),
        "lat": np.round(lat, 6).tolist(),
        "marker": {"size": 22, "color": PICKED, "opacity": 0.45},
    }


COUNT_SIZE = (5, 38)  # px: the circle of the community with the fewest and the most cases
COUNT_COLOR, COUNT_RING = "#e3f6ff", "#06121f"  # a circle of cases per community, and its ring


def _community_counts(rows: list[dict[str, Any]], lang: str, proj: Projector) -> list[dict]:
    """The query's cases, one circle per community: its area grows with the count; a click makes
    the community the query's area (callbacks/analyst.py pick_on_map)."""
    rows = [r for r in rows if r["id"] is not None and r["lon"] is not None]
    if not rows:
        return []
    n = np.asarray([r["n"] for r in rows], dtype=float)
    small, big = COUNT_SIZE
    sizes = small + (big - small) * np.sqrt(n / n.max())
    lon, lat = proj.shift([r["lon"] for r in rows], [r["lat"] for r in rows])
    lon, lat = np.round(lon, 6).tolist(), np.round(lat, 6).tolist()
    return [
        {  # a dark ring, so that a circle reads over every colour of the grids below
            "type": "scattermap",
            "name": "case-counts-ring",
            "mode": "markers",
            "lon": lon,
            "lat": lat,
            "hoverinfo": "skip",
            "marker": {"size": np.round(sizes + 3, 1).tolist(), "color": COUNT_RING, "opacity": 0.7},
        },
        {
            "type": "scattermap",
            "name": "case-counts",
            "mode": "markers",
            "lon": lon,
            "lat": lat,
            "marker": {"size": np.round(sizes, 1).tolist(), "color": COUNT_COLOR, "opacity": 0.85},
            "text": [f"<b>{r['name']}</b><br>" + t("an.community_cases", lang, n=f"{r['n']:,}") for r in rows],
            "customdata": [["communities", r["id"], r["code"], r["n"]] for r in rows],
            "hovertemplate": hover(["%{text}"]),
        },
    ]


def _grids(rows: list[dict[str, Any]], lang: str, proj: Projector, hot: bool) -> list[dict]:
    if not rows:
        return []
    values = np.asarray([r["open_cases"] for r in rows], dtype=float)
    classes = open_classes(values.tolist())
    trace = {
        "type": "choroplethmap",
        "name": "grids",
        "geojson": geojson_features([r["id"] for r in rows], [r["wkb"] for r in rows], proj),
        "locations": [r["id"] for r in rows],
        "featureidkey": "id",
        "z": classes.classify(values).tolist(),
        "zmin": -0.5,
        "zmax": len(classes.colors) - 0.5,
        "colorscale": classes.colorscale(),
        "showscale": False,
        "marker": {"opacity": 0.7, "line": {"color": "rgba(140,200,255,0.45)", "width": 0.6}},
        "text": [f"<b>{r['name']}</b><br>{r.get('community') or ''}" for r in rows],
        "customdata": [["grids", r["id"], r["code"], r["open_cases"], r.get("gi_z")] for r in rows],
        "hovertemplate": hover(
            ["%{text}", f"{t('hover.open', lang)}：%{{customdata[3]}}"] + (["Gi* z：%{customdata[4]}"] if hot else [])
        ),
    }
    out = [trace]
    if hot:
        lon, lat = line_coords([r["wkb"] for r in rows], proj)
        out.append(
            {
                "type": "scattermap",
                "mode": "lines",
                "name": "hot",
                "lon": lon,
                "lat": lat,
                "line": {"color": HOT_OUTLINE, "width": 2.5},
                "hoverinfo": "skip",
            }
        )
    return out


def outlines(shapes: dict[str, dict[str, list]], proj: Projector) -> list[dict[str, Any]]:
    """Community (thin), street-office (heavy) and district (heaviest) outlines."""
    out = []
    for level, color, width in (("community", "#7fd3ff", 0.8), ("street", "#e8f4ff", 2.4), ("district", "#ffd54f", 3)):
        lon, lat = line_coords(shapes[level]["wkb"], proj)
        out.append(
            {
                "type": "scattermap",
                "mode": "lines",
                "name": f"{level}-outline",
                "lon": lon,
                "lat": lat,
                "line": {"color": color, "width": width},
                "hoverinfo": "skip",
            }
        )
    return out


def area_ring(box: tuple[float, ...] | None, lasso: tuple[tuple[float, float], ...]) -> list[tuple[float, float]]:
    """The closed outline (WGS84) of the query's drawn area: a box or a lasso; [] for none."""
    if box:
        x0, y0, x1, y1 = box
        return [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    return [*lasso, lasso[0]] if lasso else []


def _area(ring: list[tuple[float, float]], proj: Projector) -> list[dict[str, Any]]:
    if not ring:
        return []
    lon, lat = proj.shift([p[0] for p in ring], [p[1] for p in ring])
    return [
        {
            "type": "scattermap",
            "name": "area",
            "mode": "lines",
            "hoverinfo": "skip",
            "lon": np.round(lon, 6).tolist(),
            "lat": np.round(lat, 6).tolist(),
            "line": {"color": AREA_COLOR, "width": 2.5},
        }
    ]


def figure(
    rows: dict[str, list[dict[str, Any]]],
    shapes: dict[str, dict[str, list]],
    lang: str,
    proj: Projector,
    style: dict[str, Any],
    picked: set[int],
    hot: bool,
    area: list[tuple[float, float]] | None,
    view: dict[str, Any],
    tiled: dict[str, dict[str, Any]] | None = None,
    zoomed: dict[str, dict[str, float]] | None = None,
    by_community: list[dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The whole map, opened at ``view`` (layers/viewport.py): outlines, then the shown layers
    bottom to top, then the drawn area's outline (``area``, a closed WGS84 ring); and its tile
    store. A layer in ``tiled`` (layer → its tile spec, ``tiled_spec``) is drawn from vector tiles
    in its slot (assets/maptiles.js), its spec in the store; ``zoomed`` names the point layers drawn
    only from a zoom. ``by_community`` (more cases than the map draws one by one): the cases are
    drawn as one circle per community, sized by its count."""
    traces = outlines(shapes, proj)
    tiles: dict[str, dict[str, Any]] = {}
    for layer in DRAW_ORDER:
        if layer in (tiled or {}):
            tiles[layer] = {**tiled[layer], "slot": len(traces)}
            traces.append({"type": "scattermap", "name": layer, "lon": [], "lat": [], "hoverinfo": "skip"})
            if layer == "checkpoints" and rows.get("picked"):  # the picked ones' rings, over the tiles
                traces += [_picked(rows["picked"], proj)]
            continue
        if layer == "cases" and by_community is not None:
            traces += _community_counts(by_community, lang, proj)
            continue
        if layer not in rows:
            continue
        traces += (
            _grids(rows[layer], lang, proj, hot)
            if layer == "grids"
            else _points(layer, rows[layer], lang, proj, picked)
        )
    traces += _area(area or [], proj)
    traces.append(dict(FOCUS_TRACE))  # last: the row focused in the table (focus_patch moves it)
    for trace in traces:
        trace["showlegend"] = False
    layout = map_layout(view, proj, style, "analyst", hover_size=13)
    if zoomed:
        layout["meta"]["zoomed"] = zoomed
    figure = {
        "data": traces,
        "layout": {
            **layout,
            "clickmode": "event",
            # A new area or filter clears the drawn selection, which would otherwise dim every point.
            "selectionrevision": json.dumps(area or []) + str(len(traces)),
        },
    }
    return figure, tiles


def tiled_spec(
    layer: str,
    values: dict[str, list],
    url: str,
    lang: str,
    everything: bool,
    parents: dict[str, list] | None = None,
) -> dict[str, Any]:
    """How the browser draws a tiled layer of the workbench (assets/maptiles.js): the one map's
    tiles of that layer, with the query's filters applied through feature state. ``values`` holds
    the ids of the rows the query selects (and, for grids, their counts); ``everything``: the query
    selects every feature, so the tiles are drawn whole. The grids' tiles hold their parents below
    the overview zoom (geodata/tiles.py): those get the totals of the selected grids in each
    (``parents``: every grid's "id", "parent" and the parent's "level", grid_parents.sql). A grid
    spec also carries its classes' bounds, for the legend."""
    tiled = BY_KEY[layer]
    extra: dict[str, Any] = {}
    if layer == "grids":
        state, extra = _grid_state(values, parents)
        paint = tiled.tile_paint()
    else:
        state = None if everything else {"ids": values["ids"], "hit": [1] * len(values["ids"])}
        paint = tiled.tile_paint()
        if state is not None:  # only the features the query selects
            hit = ["==", ["feature-state", "hit"], 1]
            paint = {**paint, "circle-opacity": ["case", hit, 0.85, 0], "circle-stroke-opacity": ["case", hit, 1, 0]}
    return {
        "url": url,
        "kind": tiled.tile_kind,
        "paint": paint,
        "hover": tiled.tile_hover(lang),
        "labels": tiled.tile_labels(lang),
        "visible": True,
        "state": wire_state(state),
        # A click makes the grid the query's area, or picks the checkpoint (callbacks/analyst.py).
        "pick": layer in ("grids", "checkpoints"),
        "overview": tiled.tile_overview,
        **extra,
    }


def _grid_state(values: dict[str, list], parents: dict[str, list] | None) -> tuple[dict[str, list], dict[str, Any]]:
    """The selected grids' feature state, then their parents' (the sums of their selected grids),
    each coloured in its own classes; and those classes' bounds and the parents' level."""
    ids = np.asarray(values["ids"], dtype=np.int64)
    open_cases = np.asarray([int(v) for v in values["open_cases"]], dtype=np.int64)
    overdue = np.asarray([int(v) for v in values["overdue"]], dtype=np.int64)
    classes = open_classes(open_cases.tolist())
    state = {
        "ids": ids.tolist(),
        "open": open_cases.tolist(),
        "overdue": overdue.tolist(),
        "cls": classes.classify(open_cases).tolist(),
    }
    extra: dict[str, Any] = {"breaks": list(classes.breaks)}
    if not parents or not len(ids):
        return state, extra
    every = np.asarray(parents["id"], dtype=np.int64)
    at = np.minimum(np.searchsorted(every, ids), max(len(every) - 1, 0))
    known = every[at] == ids if len(every) else np.zeros(len(ids), dtype=bool)
    of = np.where(known, np.asarray(parents["parent"], dtype=np.int64)[at] if len(every) else ids, ids)
    # A grid that stands for itself (no parent) keeps its own entry: it is in the tiles as itself;
    # so does one the tiles do not draw (an exclusive grid).
    mine = of != ids
    keys, at = np.unique(of[mine], return_inverse=True)
    sums_open = np.bincount(at, weights=open_cases[mine], minlength=len(keys)).astype(np.int64)
    sums_overdue = np.bincount(at, weights=overdue[mine], minlength=len(keys)).astype(np.int64)
    over = open_classes(sums_open.tolist())
    state["ids"] += keys.tolist()
    state["open"] += sums_open.tolist()
    state["overdue"] += sums_overdue.tolist()
    state["cls"] += over.classify(sums_open).tolist()
    levels = [lv for lv in dict.fromkeys(parents["level"]) if lv != "grid"]
    extra |= {"overview_breaks": list(over.breaks), "overview_level": levels[0] if levels else None}
    return state, extra


def focus_patch(lon: float, lat: float, proj: Projector) -> dict[str, Any]:
    """The view centred on one row, close in (for a Patch of layout.map), and the focus marker's
    position (for a Patch of the figure's last trace)."""
    x, y = proj.shift([lon], [lat])
    return {
        "center": {"lon": float(x[0]), "lat": float(y[0])},
        "zoom": 16,
        "marker": {"lon": [float(x[0])], "lat": [float(y[0])]},
    }


def map_notes(
    found: dict[str, tuple[list, int]],
    lang: str,
    by_community: list[dict[str, Any]] | None = None,
    cap: int = 0,
) -> list[str]:
    """ "The map shows N of M …" for each layer drawn only in part (the HTML export draws at most a
    cap of features per layer), and what the circles of cases per community stand for."""
    notes = [
        t("an.map_capped", lang, shown=f"{len(rows):,}", n=count_text(n), layer=t(f"an.{layer}", lang))
        for layer, (rows, n) in found.items()
        if n > len(rows)
    ]
    if by_community is not None:
        total = sum(r["n"] for r in by_community)
        notes.append(t("an.map_by_community", lang, n=f"{total:,}", cap=f"{cap:,}"))
        outside = sum(r["n"] for r in by_community if r["id"] is None)
        if outside:
            notes.append(t("an.map_no_community", lang, n=f"{outside:,}"))
    return notes
