"""The map of one unit (wall display and drill-down): its sub-units coloured by open cases, its
outline, their names, and the cases that have just become overdue, fitted to the unit.

Only the polygons of the one unit travel (docs/performance.md.2). A refresh patches ``z`` and
``customdata`` of the coloured traces and the flash points, never geometry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geodata import territory, unit_values
from geodata.db import SCOPE, Database
from geodata.memo import Memo
from geodata.queries import fetch_columns
from geodata.units import CHILD_LEVEL, Unit, child_level, fact_column, scope_of
from i18n import t
from layers.base import ColourClasses, LegendItem, geojson_features, hover, line_coords
from layers.basemap import Projector
from layers.classes import PALETTE, open_classes
from layers.classes import legend as open_legend
from layers.viewport import crowded, fit, map_layout

EXCLUSIVE_LINE = "#c792ea"
FLASH_COLOR = "#ff1744"
FLASH_MINUTES = 30  # a case stays flashing this long after it passes its deadline
TRACES = ("tiling", "exclusive", "outlines", "labels", "flash")


def legend_items(classes: ColourClasses) -> list[LegendItem]:
    """Legend rows of the colour classes (layers/classes.py), plus the flash marker."""
    return [*open_legend(classes), LegendItem(FLASH_COLOR, "legend.newly_overdue", "dot")]


@dataclass(frozen=True)
class MapPlan:
    """What one unit's map shows: the level it colours and the level it outlines."""

    unit: Unit
    level: str  # the level of the coloured polygons
    outline_level: str | None  # children outlined when grandchildren are coloured

    @staticmethod
    def children(db: Database, unit: Unit) -> MapPlan:
        """Drill-down: colour the direct children (a unit with none loaded below colours itself)."""
        return MapPlan(unit, child_level(db, unit), None)

    @staticmethod
    def overview(db: Database, unit: Unit) -> MapPlan:
        """Wall: one level finer than the drill-down above community level (a city shows its
        streets inside district outlines; a district its communities inside street outlines; a
        street its grids inside community outlines)."""
        child = child_level(db, unit)
        finer = CHILD_LEVEL.get(child)
        shown = child in ("district", "street", "community") and child != unit.level
        if shown and finer in territory.current(db).levels:
            return MapPlan(unit, finer, child)
        return MapPlan.children(db, unit)


def _drawn_under(db: Database, plan: MapPlan) -> tuple[str, list[int]]:
    """(units column, ids): the plan's polygons are the units of its level whose column is one of
    the ids (the unit's own level's column, the id itself when a unit draws itself, and the top
    level's column for the whole territory)."""
    if plan.unit.territory:
        return fact_column(plan.unit.kind), scope_of(db, plan.unit)[1]
    if plan.unit.level == plan.level:
        return "id", [plan.unit.id]
    return fact_column(plan.unit.level), [plan.unit.id]


def load(db: Database, plan: MapPlan) -> dict[str, Any]:
    """Shapes with values, outlines and flash points of the plan."""
    col, ids = scope_of(db, plan.unit)
    ancestor, drawn = _drawn_under(db, plan)
    outline_ids = drawn if plan.unit.territory else [plan.unit.id]
    outlines = fetch_columns("unit_map_outlines", {"ids": outline_ids, "level": plan.outline_level}, db)
    params = {"drawn": drawn, "level": plan.level, "scope_ids": ids, "with_geom": True}
    shapes = fetch_columns("unit_map_shapes", params, db, scope=col, group=fact_column(plan.level), ancestor=ancestor)
    return {"outlines": outlines, "shapes": shapes, "flash": _flash(db, col, ids)}


# The latest read of each map's values in this process, by database, scope and what it covers: a
# wall's tick re-reads only the units that moved since (geodata/unit_values.py).
_reads = Memo(64)


def drawn_source(db: Database, plan: MapPlan) -> unit_values.Source:
    """What the plan's polygons are, as a read of their values (geodata/unit_values.py)."""
    col, ids = scope_of(db, plan.unit)
    ancestor, drawn = _drawn_under(db, plan)
    return unit_values.drawn_source(plan.level, ancestor, drawn, col, ids, fact_column(plan.level))


def load_values(db: Database, plan: MapPlan) -> dict[str, Any]:
    """What a refresh needs: the polygons' values (no geometry) and the newly overdue cases."""
    col, ids = scope_of(db, plan.unit)
    source = drawn_source(db, plan)
    key = (db.dsn, SCOPE.get() or db.default_scope, source)
    got = unit_values.refreshed(db, _reads.peek(key), source)
    _reads.put(key, got)
    return {"shapes": got.columns, "flash": _flash(db, col, ids)}


def _flash(db: Database, col: str, ids: list[int]) -> dict[str, list]:
    return fetch_columns(
        "newly_overdue", {"scope_ids": ids, "minutes": FLASH_MINUTES}, db, planned_once=True, scope=col
    )


def _split(shapes: dict[str, list]) -> tuple[np.ndarray, np.ndarray]:
    exclusive = np.asarray([k == "exclusive" for k in shapes["kind"]], dtype=bool)
    return np.flatnonzero(~exclusive), np.flatnonzero(exclusive)


def _pick(shapes: dict[str, list], idx: np.ndarray) -> dict[str, list]:
    return {k: [v[i] for i in idx] for k, v in shapes.items()}


def values(data: dict[str, Any], classes: ColourClasses, proj: Projector) -> list[dict[str, Any]]:
    """Per trace (in ``TRACES`` order), the properties a refresh patches."""
    shapes = data["shapes"]
    out: list[dict[str, Any]] = []
    for idx in _split(shapes):
        part = _pick(shapes, idx)
        open_cases = np.asarray(part["open_cases"], dtype=int)
        out.append(
            {
                "z": classes.classify(open_cases).tolist(),
                "customdata": [
                    [o, d, c, n] for o, d, c, n in zip(open_cases.tolist(), part["overdue"], part["code"], part["name"])
                ],
            }
        )
    flash = data["flash"]
    lon, lat = proj.shift(flash["lon"], flash["lat"])
    out += [{}, {}, {"lon": lon.tolist(), "lat": lat.tolist(), "text": flash["category"]}]
    return out


def figure(
    data: dict[str, Any], plan: MapPlan, lang: str, proj: Projector, style: dict[str, Any]
) -> tuple[dict[str, Any], ColourClasses]:
    """The whole figure (sent once per unit) and the colour classes it uses: the children's
    polygons (tiling, then exclusive grids), the unit's outline, the children's names and the
    newly-overdue flash markers."""
    shapes = data["shapes"]
    classes = open_classes(shapes["open_cases"])
    traces = [
        *_polygon_traces(shapes, classes, lang, proj),
        _outline_trace(data["outlines"], proj),
        _label_trace(shapes, proj),
        {
            "type": "scattermap",
            "name": "flash",
            "mode": "markers",
            "marker": {"size": round(22 * crowded(len(data["flash"]["lon"]))), "color": FLASH_COLOR, "opacity": 0.9},
            "hovertemplate": hover([f"{t('wall.newly_overdue', lang)}：%{{text}}"]),
        },
    ]
    for trace, props in zip(traces, values(data, classes, proj)):
        trace.update(props)
        trace["showlegend"] = False
    return {"data": traces, "layout": _layout(plan, proj, style)}, classes


def _polygon_traces(shapes: dict[str, Any], classes: ColourClasses, lang: str, proj: Projector) -> list[dict[str, Any]]:
    tip = hover(
        [
            "<b>%{customdata[3]}</b>",
            f"{t('hover.open', lang)}：%{{customdata[0]}}",
            f"{t('hover.overdue', lang)}：%{{customdata[1]}}",
        ]
    )
    tiling, exclusive = _split(shapes)
    traces = []
    for name, idx, line in (
        ("tiling", tiling, {"color": "rgba(140,200,255,0.55)", "width": 0.8}),
        ("exclusive", exclusive, {"color": EXCLUSIVE_LINE, "width": 3}),
    ):
        part = _pick(shapes, idx)
        traces.append(
            {
                "type": "choroplethmap",
                "name": name,
                "geojson": geojson_features(part["id"], part["wkb"], proj),
                "locations": part["id"],
                "featureidkey": "id",
                "zmin": -0.5,
                "zmax": len(PALETTE) - 0.5,
                "colorscale": classes.colorscale(),
                "showscale": False,
                "hovertemplate": tip,
                "marker": {"opacity": 0.8 if name == "tiling" else 0.55, "line": line},
            }
        )
    return traces


def _outline_trace(outlines: dict[str, Any], proj: Projector) -> dict[str, Any]:
    lon, lat = line_coords(outlines["wkb"], proj)
    return {
        "type": "scattermap",
        "name": "outlines",
        "mode": "lines",
        "lon": lon,
        "lat": lat,
        "line": {"color": "#e8f4ff", "width": 2.5},
        "hoverinfo": "skip",
    }


def _label_trace(shapes: dict[str, Any], proj: Projector) -> dict[str, Any]:
    """The children's names, when there are few enough to read (at most 60)."""
    show = len(shapes["id"]) <= 60
    lx, ly = proj.shift(shapes["label_lon"], shapes["label_lat"])
    return {
        "type": "scattermap",
        "name": "labels",
        "mode": "text",
        "lon": lx.tolist() if show else [],
        "lat": ly.tolist() if show else [],
        "text": shapes["name"] if show else [],
        "hoverinfo": "skip",
        "textfont": {"color": "#ffffff", "size": 14},
    }


def _layout(plan: MapPlan, proj: Projector, style: dict[str, Any]) -> dict[str, Any]:
    return map_layout(fit(plan.unit.bounds), proj, style, plan.unit.code, hover_size=16)
