"""Basemap sources (docs/maps.md): none/offline, OSM, Tianditu, AMap (GCJ-02) or an intranet XYZ.

Data is stored in WGS84. Over a GCJ-02 basemap (AMap) everything drawn is shifted into GCJ-02,
and only what is drawn: the database never sees shifted coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from geodata.coords import gcj02_to_wgs84, wgs84_to_gcj02

BACKGROUND = "#0b1626"
# An unused source, so that the style's "sources" is never empty: Dash's renderer drops empty
# objects from a figure it updates, MapLibre then rejects the style ("missing required property
# sources") and Plotly stops applying figures to the map.
KEEP_SOURCE = {"type": "geojson", "data": {"type": "Point", "coordinates": [0, 0]}}
TILE_URLS = {
    "osm": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "tianditu": "https://t0.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
    "amap": "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
}
ATTRIBUTION = {"osm": "© OpenStreetMap", "tianditu": "© 天地图", "amap": "© 高德地图", "xyz": ""}


@dataclass(frozen=True)
class Projector:
    """Shifts drawn coordinates into the basemap's frame."""

    gcj02: bool = False

    def shift(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """WGS84 → the frame of the basemap."""
        if not self.gcj02:
            return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return wgs84_to_gcj02(lon, lat)

    def unshift(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The basemap's frame → WGS84: where a click or a selection drawn on the map lies."""
        if not self.gcj02:
            return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return gcj02_to_wgs84(lon, lat)


def projector(source: str) -> Projector:
    """The projector for a basemap source."""
    return Projector(gcj02=source == "amap")


def map_style(source: str, base_url: str, tiles_url: str | None = None, key: str | None = None) -> dict[str, Any]:
    """A MapLibre style: a dark background plus, unless offline, one raster tile source.

    ``base_url`` (this server) serves the glyph ranges; Chinese labels are drawn from the
    browser's own CJK font, so the map needs no external request at all when offline.
    """
    style: dict[str, Any] = {
        "version": 8,
        "sources": {"keep": KEEP_SOURCE},
        "layers": [{"id": "background", "type": "background", "paint": {"background-color": BACKGROUND}}],
        "glyphs": base_url.rstrip("/") + "/glyphs/{fontstack}/{range}.pbf",
    }
    if source == "none":
        return style
    if source == "xyz":
        if not tiles_url:
            raise ValueError("GRIDOPS_BASEMAP=xyz needs GRIDOPS_BASEMAP_URL (an {z}/{x}/{y} tile URL)")
        url = tiles_url
    elif source == "tianditu":
        if not key:
            raise ValueError("GRIDOPS_BASEMAP=tianditu needs GRIDOPS_TIANDITU_KEY")
        url = TILE_URLS["tianditu"].replace("{key}", key)
    else:
        url = TILE_URLS[source]
    style["sources"]["basemap"] = {
        "type": "raster",
        "tiles": [url],
        "tileSize": 256,
        "attribution": ATTRIBUTION.get(source, ""),
    }
    style["layers"].append(
        {
            "id": "basemap",
            "type": "raster",
            "source": "basemap",
            "paint": {"raster-opacity": 0.55, "raster-saturation": -0.6},
        }
    )
    return style
