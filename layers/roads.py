"""道路: named roads as a faint base layer with small labels."""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely

from geodata.db import Database
from geodata.queries import fetch_columns
from layers.base import Layer, LegendItem, line_coords
from layers.basemap import Projector


class RoadLayer(Layer):
    """Road centre lines plus one name label per road."""

    key = "roads"
    legend = (LegendItem("#41556e", "legend.road", "line"),)
    trace_count = 2

    def present(self, found: Any) -> bool:
        """Roads are loaded (the demo draws its own; a city may have none)."""
        return found.roads

    def load(self, db: Database) -> dict[str, Any]:
        """Every road."""
        return {"roads": fetch_columns("road_lines", None, db)}

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """Lines, then labels at 30% along each road."""
        roads = data["roads"]
        lon, lat = line_coords(roads["wkb"], proj, boundary=False)
        geoms = shapely.from_wkb(np.asarray([bytes(w) for w in roads["wkb"]], dtype=object))
        at = shapely.line_interpolate_point(geoms, 0.3, normalized=True)
        llon, llat = proj.shift(shapely.get_x(at), shapely.get_y(at))
        return [
            {
                "type": "scattermap",
                "name": self.key,
                "mode": "lines",
                "lon": lon,
                "lat": lat,
                "line": {"color": "#41556e", "width": 1.5},
                "hoverinfo": "skip",
            },
            {
                "type": "scattermap",
                "name": self.key + "-labels",
                "mode": "text",
                "lon": llon.tolist(),
                "lat": llat.tolist(),
                "text": roads["name"],
                "textfont": {"color": "#7d91a8", "size": 10},
                "hoverinfo": "skip",
            },
        ]


LAYER = RoadLayer()
