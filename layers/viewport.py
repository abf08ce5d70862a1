"""Where a map opens: the centre and zoom that fit a territory or a unit, whatever city it is."""

from __future__ import annotations

import math
from typing import Any

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
    return {"center": {"lon": (min_lon + max_lon) / 2, "lat": lat_c}, "zoom": round(min(zoom_x, zoom_y) - 0.15, 2)}
