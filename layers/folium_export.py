"""The standalone HTML map of a workbench view (folium): the same layers, colours and legend.

"Standalone" means it opens anywhere, an intranet or a laptop on a projector included: Leaflet's
script and style (assets/vendor/leaflet, BSD-2-Clause) are written into the file, nothing is
fetched from a CDN, and the street and community outlines are drawn from our own data, so the
map reads right without a tile service. A configured basemap is added as a tile layer on top of
that (GCJ-02 services get shifted coordinates, as on the dashboard).
"""

from __future__ import annotations

import html
import json
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

import folium
import numpy as np
import shapely

from geodata.analysis.exports import plain
from geodata.clock import TZ
from i18n import named, t
from layers.analysis_style import DRAW_ORDER, HOT_OUTLINE, STYLES
from layers.basemap import BACKGROUND, TILE_URLS, Projector
from layers.viewport import fit

LEAFLET = Path(__file__).resolve().parent.parent / "assets" / "vendor" / "leaflet"


class StandaloneMap(folium.Map):
    """A folium map that loads nothing from the network (Leaflet is inlined by ``render``)."""

    default_js: ClassVar[list] = []
    default_css: ClassVar[list] = []


def _shifted(geoms: np.ndarray, proj: Projector) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.column_stack(proj.shift(c[:, 0], c[:, 1])))


def _collection(rows: list[dict[str, Any]], geoms: np.ndarray, props: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": r["id"], "geometry": json.loads(g), "properties": p}
            for r, g, p in zip(rows, shapely.to_geojson(geoms), props)
        ],
    }


def _tooltip_fields(layer: str, lang: str) -> tuple[list[str], list[str]]:
    fields = {
        "cases": ["id", "category", "status", "reported_at"],
        "checkpoints": ["name", "type", "compliance"],
        "cameras": ["name", "status"],
        "grids": ["name", "open_cases", "gi_z"],
    }[layer]
    return fields, [t(f"col.{k}", lang) for k in fields]


def _props(row: dict[str, Any], layer: str, lang: str, color: str) -> dict[str, Any]:
    values = {
        "id": row["id"],
        "name": row.get("name"),
        "open_cases": row.get("open_cases"),
        "gi_z": row.get("gi_z"),
        "category": named(row, "category", lang),
        "reported_at": plain(row.get("reported_at")),
        "status": named(row, "status_name", lang)
        if layer == "cases"
        else t(f"camera.{row.get('status')}", lang)
        if layer == "cameras"
        else None,
        "type": named(row, "type", lang),
        "compliance": row.get("compliance"),
    }
    fields, _ = _tooltip_fields(layer, lang)
    return {**{k: values[k] for k in fields}, "color": color}


def _add_layer(m: folium.Map, layer: str, rows: list[dict[str, Any]], lang: str, proj: Projector, hot: bool) -> None:
    style = STYLES[layer]
    colors = style.colors(rows)
    props = [_props(r, layer, lang, c) for r, c in zip(rows, colors)]
    fields, aliases = _tooltip_fields(layer, lang)
    tooltip = folium.GeoJsonTooltip(fields=fields, aliases=aliases, sticky=True)
    group = folium.FeatureGroup(name=style.label(lang), show=True)
    if layer == "grids":
        geoms = shapely.from_wkb(np.asarray([bytes(r["wkb"]) for r in rows], dtype=object))
        line = HOT_OUTLINE if hot else "#8cc8ff"
        folium.GeoJson(
            _collection(rows, _shifted(geoms, proj), props),
            style_function=lambda f, line=line: {
                "fillColor": f["properties"]["color"],
                "fillOpacity": 0.7,
                "color": line,
                "weight": 2 if line == HOT_OUTLINE else 0.6,
            },
            tooltip=tooltip,
        ).add_to(group)
    else:
        geoms = shapely.points(np.column_stack(proj.shift([r["lon"] for r in rows], [r["lat"] for r in rows])))
        folium.GeoJson(
            _collection(rows, geoms, props),
            marker=folium.CircleMarker(radius=max(3, style.size // 2), weight=1, fill=True, fill_opacity=0.9),
            style_function=lambda f: {"fillColor": f["properties"]["color"], "color": "#0b1626"},
            tooltip=tooltip,
        ).add_to(group)
    group.add_to(m)


def _legend(layers: list[str], drawn: dict[str, list[dict[str, Any]]], lang: str) -> str:
    rows = []
    for layer in layers:
        for item in STYLES[layer].legend_of(drawn[layer]):
            radius = "50%" if item.shape == "dot" else "2px"
            swatch = (
                f'<span style="display:inline-block;width:12px;height:12px;margin-right:6px;'
                f'border-radius:{radius};background:{item.color}"></span>'
            )
            rows.append(f"<div>{swatch}{html.escape(item.label(lang))}</div>")
    return (
        '<div id="legend" style="position:fixed;bottom:48px;left:16px;z-index:9999;background:rgba(11,22,38,.9);'
        'color:#eaf6ff;padding:10px 14px;border:1px solid #2d4b6e;border-radius:6px;font:13px sans-serif">'
        f"<b>{t('map.legend', lang)}</b>{''.join(rows)}</div>"
    )


def _title(title: str, subtitle: str) -> str:
    return (
        '<div id="title" style="position:fixed;top:12px;left:56px;z-index:9999;background:rgba(11,22,38,.9);'
        'color:#eaf6ff;padding:8px 14px;border:1px solid #2d4b6e;border-radius:6px;font:14px sans-serif">'
        f'<b style="font-size:17px">{html.escape(title)}</b><br>{html.escape(subtitle)}</div>'
    )


def render(
    rows: dict[str, list[dict[str, Any]]],
    shapes: dict[str, dict[str, list]],
    lang: str,
    proj: Projector,
    basemap: str,
    title: str,
    subtitle: str,
    hot: bool,
    bounds: tuple[float, float, float, float] | None,
) -> str:
    """The HTML document, framed on ``bounds`` (the territory's, lon/lat)."""
    view = fit(bounds)
    x, y = proj.shift([view["center"]["lon"]], [view["center"]["lat"]])
    m = StandaloneMap(
        location=[float(y[0]), float(x[0])], zoom_start=round(view["zoom"] + 1), tiles=None, control_scale=True
    )
    root = m.get_root()
    root.header.add_child(folium.Element(f"<style>{(LEAFLET / 'leaflet.css').read_text(encoding='utf-8')}</style>"))
    root.header.add_child(folium.Element(f"<script>{(LEAFLET / 'leaflet.js').read_text(encoding='utf-8')}</script>"))
    root.header.add_child(folium.Element(f"<style>.leaflet-container{{background:{BACKGROUND}}}</style>"))
    if basemap in TILE_URLS and basemap != "tianditu":
        folium.TileLayer(TILE_URLS[basemap], attr=basemap, name=basemap, opacity=0.55).add_to(m)
    outlines = folium.FeatureGroup(name=t("an.area", lang), control=False)
    for level, color, weight in (("community", "#7fd3ff", 1), ("street", "#e8f4ff", 2.5), ("district", "#ffd54f", 3)):
        geoms = shapely.boundary(shapely.from_wkb(np.asarray([bytes(w) for w in shapes[level]["wkb"]], dtype=object)))
        folium.GeoJson(
            json.loads(shapely.to_geojson(shapely.union_all(_shifted(geoms, proj)))),
            style_function=lambda f, c=color, w=weight: {"color": c, "weight": w, "fill": False},
        ).add_to(outlines)
    outlines.add_to(m)
    drawn = [layer for layer in DRAW_ORDER if layer in rows]
    for layer in drawn:
        if rows[layer]:
            _add_layer(m, layer, rows[layer], lang, proj, hot)
    folium.LayerControl(collapsed=False).add_to(m)
    stamp = datetime.now(TZ).strftime("%Y-%m-%d %H:%M")
    root.html.add_child(folium.Element(_title(title, f"{subtitle} · {stamp}") + _legend(drawn, rows, lang)))
    return root.render()
