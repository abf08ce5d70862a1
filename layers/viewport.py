"""Where a map opens: the centre and zoom that fit a territory or a unit, whatever city it is."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from layers.basemap import BACKGROUND  # the page's dark blue behind every map

# Before any unit is loaded: all of China.
EMPTY_VIEW = {"center": {"lon": 104.0, "lat": 35.0}, "zoom": 3.2}


def fit(bounds: tuple[float, float, float, float] | None, width_px: int = 1100, height_px: int = 820) -> dict[str, Any]:
    """Centre and zoom that fit lon/lat bounds into a map of about the given size (Web Mercator;
    MapLibre's zoom 0 is one 512-px tile); ``EMPTY_VIEW`` without bounds."""
    if bounds is None:
        return EMPTY_VIEW
    min_lon, min_lat, max_lon, max_lat = bounds
    lat_c = (min_lat + max_lat) / 2
    dlon = max(max_lon - min_lon, 1e-4)
    y = lambda lat: math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))  # noqa: E731
    dy = max(abs(y(max_lat) - y(min_lat)), 1e-6)
    # MapLibre (Plotly's map subplot) draws the world 512 px wide at zoom 0, not 256.
    zoom_x = math.log2(width_px * 360 / (512 * dlon))
    zoom_y = math.log2(height_px * 2 * math.pi / (512 * dy))
    return {
        "center": {"lon": (min_lon + max_lon) / 2, "lat": lat_c},
        "zoom": round(min(zoom_x, zoom_y) - 0.15, 2),
        "bounds": [min_lon, min_lat, max_lon, max_lat],
    }


def crowded(count: int) -> float:
    """The share of their full size that ``count`` markers of a unit's map are drawn at: a few
    stand out at full size; hundreds (a city's escalated cases) would cover the colours under them."""
    return 1.0 if count <= 30 else 0.6 if count <= 150 else 0.45


def point_minzoom(count: int, fit_zoom: float, on_screen: int = 1500) -> float:
    """The zoom from which a layer of ``count`` points spread over the territory (fitted at
    ``fit_zoom``) shows about ``on_screen`` of them at once; below it the points would cover the
    polygons under them, so they are not drawn (each zoom step shows a quarter of the area)."""
    if count <= on_screen:
        return 0.0
    return round(fit_zoom + 0.5 * math.log2(count / on_screen), 1)


# A figure with nothing in it yet (a map before its first data), in the page's colours.
EMPTY_FIGURE = {
    "data": [],
    "layout": {
        "paper_bgcolor": BACKGROUND,
        "plot_bgcolor": BACKGROUND,
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
    },
}


def map_layout(
    view: dict[str, Any], proj: Any, style: dict[str, Any], uirevision: str, hover_size: int = 14
) -> dict[str, Any]:
    """The layout every dashboard map shares: the basemap ``style``, opened at ``view`` (WGS84
    centre and zoom, shifted into the basemap's frame by ``proj``), dark, panning, hover labels in
    the page's colours; ``uirevision`` keeps the user's pan and zoom across refreshes. A view
    with bounds names them in ``layout.meta.fit``: the browser fits them into the map's real box,
    whatever the screen (assets/mapfit.js), and keeps them fitted when the box changes size."""
    cx, cy = proj.shift(view["center"]["lon"], view["center"]["lat"])
    meta: dict[str, Any] = {}
    if view.get("bounds"):  # the browser fits these into the map's real box (assets/mapfit.js)
        x, y = proj.shift(np.asarray(view["bounds"][0::2]), np.asarray(view["bounds"][1::2]))
        meta["fit"] = [round(float(v), 6) for v in (x[0], y[0], x[1], y[1])]
    return {
        "meta": meta,
        "map": {"style": style, "center": {"lon": float(cx), "lat": float(cy)}, "zoom": view["zoom"]},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": BACKGROUND,
        "hoverlabel": {
            "bgcolor": "#13233a",
            "bordercolor": "#4dd0e1",
            "font": {"color": "#eaf6ff", "size": hover_size, "family": "Noto Sans CJK SC, sans-serif"},
        },
        "font": {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
        "uirevision": uirevision,
        "dragmode": "pan",
    }
