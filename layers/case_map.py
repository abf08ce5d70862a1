"""The small map of one case: its point over its grid's outline."""

from __future__ import annotations

from typing import Any

from layers.base import line_coords
from layers.basemap import BACKGROUND, Projector

CASE_COLOR = "#ff5252"


def figure(case: dict[str, Any], proj: Projector, style: dict[str, Any]) -> dict[str, Any]:
    """A scattermap of the case point (and the grid outline when it lies in one)."""
    traces: list[dict[str, Any]] = []
    if case.get("grid_wkb"):
        lon, lat = line_coords([case["grid_wkb"]], proj)
        traces.append(
            {
                "type": "scattermap",
                "mode": "lines",
                "lon": lon,
                "lat": lat,
                "hoverinfo": "skip",
                "line": {"color": "#7fd3ff", "width": 2},
                "name": "grid",
            }
        )
    x, y = proj.shift([case["lon"]], [case["lat"]])
    traces.append(
        {
            "type": "scattermap",
            "mode": "markers",
            "lon": x.tolist(),
            "lat": y.tolist(),
            "marker": {"size": 16, "color": CASE_COLOR},
            "hoverinfo": "skip",
            "name": "case",
        }
    )
    for trace in traces:
        trace["showlegend"] = False
    return {
        "data": traces,
        "layout": {
            "map": {"style": style, "center": {"lon": float(x[0]), "lat": float(y[0])}, "zoom": 15.5},
            "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
            "paper_bgcolor": BACKGROUND,
            "height": 360,
        },
    }
