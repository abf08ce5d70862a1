"""标注: street-office and community names on top of everything else."""

from __future__ import annotations

from typing import Any

from geodata.db import Database
from geodata.queries import fetch_columns
from layers.base import Layer
from layers.basemap import Projector

COMMUNITY_SIZE, COMMUNITY_COLOR = 12, "#bfe6ff"
STREET_SIZE, STREET_COLOR = 18, "#ffffff"
NO_LABELS = {"label_lon": [], "label_lat": [], "name": []}


class LabelLayer(Layer):
    """Two text traces: communities (small) and street offices (large)."""

    key = "labels"
    trace_count = 2

    def present(self, found: Any) -> bool:
        """Communities or streets are loaded (their names are what it labels)."""
        return bool({"community", "street"} & found.levels)

    def load(self, db: Database) -> dict[str, Any]:
        """Label points of communities and streets."""
        return {
            level: fetch_columns("unit_shapes", {"level": level, "exclusive": False}, db)
            for level in ("community", "street")
        }

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """Community names, then street-office names."""
        out = []
        for level, size, color in (
            ("community", COMMUNITY_SIZE, COMMUNITY_COLOR),
            ("street", STREET_SIZE, STREET_COLOR),
        ):
            shapes = data[level]
            lon, lat = proj.shift(shapes["label_lon"], shapes["label_lat"])
            out.append(
                {
                    "type": "scattermap",
                    "name": f"{level}-labels",
                    "mode": "text",
                    "lon": lon.tolist(),
                    "lat": lat.tolist(),
                    "text": shapes["name"],
                    "hoverinfo": "skip",
                    "textfont": {"color": color, "size": size},
                }
            )
        return out


LAYER = LabelLayer()
