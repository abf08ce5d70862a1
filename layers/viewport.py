"""Where a map opens: the centre and zoom that fit a territory or a unit, whatever city it is."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from layers.basemap import BACKGROUND  # the page's dark blue behind every map

# Before any unit is loaded: all of China.
EMPTY_VIEW = {"center": {"lon": 104.0, "lat": 35.0}, "zoom": 3.2}


FIT_PAD = 16  # px around the fitted bounds (assets/mapfit.js PAD)


def fit(
    bounds: tuple[float, float, float, float] | None, width_px: int = 1100, height_px: int = 820, left_px: int = 0
) -> dict[str, Any]:
    """Centre and zoom that fit lon/lat bounds into a map box of about the given size, with a panel
    of ``left_px`` laid over its left side; ``EMPTY_VIEW`` without bounds. The same view MapLibre's
    ``cameraForBounds`` gives assets/mapfit.js in a box of that size (Web Mercator, 512-px tiles,
    FIT_PAD around, the zoom to 2 decimals), so that a page opened on the screen it was sized for
    is not fitted again: a second view makes Plotly redraw every layer (about a second at city
    scale)."""
    if bounds is None:
        return EMPTY_VIEW
    min_lon, min_lat, max_lon, max_lat = bounds

    def merc_y(lat: float) -> float:  # 0 at the top of the world, 1 at the bottom
        return (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2

    x0, x1 = (min_lon + 180) / 360, (max_lon + 180) / 360
    y0, y1 = merc_y(max_lat), merc_y(min_lat)
    inner_w = max(width_px - left_px - 2 * FIT_PAD, 1)
    inner_h = max(height_px - 2 * FIT_PAD, 1)
    scale = min(inner_w / max((x1 - x0) * 512, 1e-9), inner_h / max((y1 - y0) * 512, 1e-9))
    zoom = math.log2(scale)
    # The bounds' centre sits in the middle of the box beside the panel: the map's centre is half
    # the panel's width to its left.
    cx = (x0 + x1) / 2 - (left_px / 2) / (512 * scale)
    cy = (y0 + y1) / 2
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * cy))))
    return {
        "center": {"lon": cx * 360 - 180, "lat": lat},
        "zoom": round(zoom, 2),
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
