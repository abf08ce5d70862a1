"""区县 / 社区 / 办事处 / 专属网格: unit outlines drawn by us, so the map reads right with no basemap."""

from __future__ import annotations

from typing import Any

from geodata.db import Database
from geodata.queries import fetch_columns
from layers import labels
from layers.base import Layer, LegendItem, TiledLayer, line_coords
from layers.basemap import Projector


class OutlineLayer(Layer):
    """The outlines of every unit of one level, as one line trace."""

    topics = ()
    level = "community"
    exclusive = False
    color = "#7fd3ff"
    width = 1.2
    fill: str | None = None

    def present(self, found: Any) -> bool:
        """Units of this level are loaded (of exclusive grids: any exclusive grid)."""
        return self.level in found.levels and (found.exclusive or not self.exclusive)

    def load(self, db: Database) -> dict[str, Any]:
        """The level's polygons."""
        return {"shapes": fetch_columns("unit_shapes", {"level": self.level, "exclusive": self.exclusive}, db)}

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """One Scattermap line trace (filled when ``fill`` is set)."""
        lon, lat = line_coords(data["shapes"]["wkb"], proj)
        trace = {
            "type": "scattermap",
            "name": self.key,
            "mode": "lines",
            "lon": lon,
            "lat": lat,
            "line": {"color": self.color, "width": self.width},
            "hoverinfo": "skip",
        }
        if self.fill:
            trace.update(fill="toself", fillcolor=self.fill)
        return [trace]


class CommunityOutlines(OutlineLayer, TiledLayer):
    """社区 outlines; drawn from vector tiles wherever the grids are (geodata/tiles.py)."""

    key = "communities"
    legend = (LegendItem("#7fd3ff", "legend.community_boundary", "line"),)
    tile_kind = "line"

    def tile_paint(self) -> dict[str, Any]:
        """The trace's colour and width."""
        return {"line-color": self.color, "line-width": self.width}

    def tile_hover(self, lang: str) -> str:
        """None: the grids under the outline say where one is."""
        return ""

    def tile_extras(self, lang: str) -> list[dict[str, Any]]:
        """The communities' names, from the same tiles, shown with the labels (标注) as the
        community-labels trace of layers/labels.py would be."""
        return [
            {
                "id": "labels",
                "source_layer": "community_labels",
                "kind": "symbol",
                "layout": {
                    "text-field": ["get", "name"],
                    "text-size": labels.COMMUNITY_SIZE,
                    "text-font": ["Open Sans Regular", "Arial Unicode MS Regular"],
                },
                "paint": {"text-color": labels.COMMUNITY_COLOR},
                "toggle": labels.LAYER.key,
                "zoom_key": "community-labels",
            }
        ]


class StreetOutlines(OutlineLayer):
    """办事处 outlines, heavier."""

    key = "streets"
    level = "street"
    color = "#e8f4ff"
    width = 3.0
    legend = (LegendItem("#e8f4ff", "legend.street_boundary", "line"),)


class DistrictOutlines(OutlineLayer):
    """区县 outlines, the heaviest: the territory's top level, drawn whatever lies below it (a city
    loaded as districts only shows itself)."""

    key = "districts"
    level = "district"
    color = "#ffd54f"
    width = 3.5
    legend = (LegendItem("#ffd54f", "legend.district_boundary", "line"),)


class ExclusiveGrids(OutlineLayer):
    """专属网格 (parks, campuses, markets), which may overlap residential grids."""

    key = "exclusive"
    level = "grid"
    exclusive = True
    color = "#c792ea"
    width = 2.0
    fill = "rgba(199,146,234,0.18)"
    legend = (LegendItem("#c792ea", "legend.exclusive_grid"),)


COMMUNITIES = CommunityOutlines()
STREETS = StreetOutlines()
DISTRICTS = DistrictOutlines()
EXCLUSIVE = ExclusiveGrids()


def area_shapes(db: Database) -> dict[str, dict[str, list]]:
    """The outlines the workbench's map and its HTML export draw under their points: communities,
    street offices and districts (a level not loaded has none)."""
    return {layer.level: layer.load(db)["shapes"] for layer in (COMMUNITIES, STREETS, DISTRICTS)}
