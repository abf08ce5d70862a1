"""摄像头: cameras coloured online/offline."""

from __future__ import annotations

from typing import Any

import numpy as np

from geodata.db import Database
from geodata.kinds import CAMERA_KINDS
from geodata.queries import fetch_columns
from i18n import t
from layers.base import LegendItem, PointLayer, TiledLayer, hover
from layers.basemap import Projector

COLORS = {"online": "#4dd0e1", "offline": "#ff5252"}


class CameraLayer(TiledLayer, PointLayer):
    """One Scattermap marker trace; a refresh patches colours, sizes and the status text. Past
    the tiling threshold: vector tiles, which carry the status (new tiles on a camera change)."""

    tile_kind = "circle"

    key = "cameras"
    rows_key = "cameras"
    topics = ("cameras",)
    legend = (
        LegendItem(COLORS["online"], "legend.camera.online", "dot"),
        LegendItem(COLORS["offline"], "legend.camera.offline", "dot"),
    )

    def load(self, db: Database) -> dict[str, Any]:
        """Every camera."""
        return {"cameras": fetch_columns("camera_points", None, db)}

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """The marker trace."""
        cams = data["cameras"]
        lon, lat = proj.shift(cams["lon"], cams["lat"])
        text = [
            f"<b>{n}</b><br>{t(f'camera.kind.{k}', lang)}<br>{t('hover.grid', lang)}：{g or '—'}"
            for n, k, g in zip(cams["name"], cams["kind"], cams["grid_name"])
        ]
        trace = {
            "type": "scattermap",
            "name": self.key,
            "mode": "markers",
            "lon": np.round(lon, 6).tolist(),
            "lat": np.round(lat, 6).tolist(),
            "text": text,
            "hovertemplate": hover(["%{text}", f"{t('hover.status', lang)}：%{{customdata}}"]),
        }
        trace.update(self.values(data, lang)[0])
        return [trace]

    def tile_paint(self) -> dict[str, Any]:
        """Online and offline as in the trace; offline larger, and both growing with the zoom."""
        offline = ["!=", ["get", "status"], "online"]
        return {
            "circle-color": ["case", offline, COLORS["offline"], COLORS["online"]],
            "circle-radius": [
                "interpolate",
                ["linear"],
                ["zoom"],
                10,
                ["case", offline, 2, 1],
                15,
                ["case", offline, 4.5, 2.5],
            ],
            "circle-opacity": 0.85,
        }

    def tile_hover(self, lang: str) -> str:
        """Name, kind, grid and status."""
        return (
            f"<b>{{name}}</b><br>{{kind}}<br>{t('hover.grid', lang)}：{{grid}}<br>{t('hover.status', lang)}：{{status}}"
        )

    def tile_labels(self, lang: str) -> dict[str, dict[str, str]]:
        """Kinds and statuses in ``lang``."""
        return {
            "kind": {k: t(f"camera.kind.{k}", lang) for k in CAMERA_KINDS},
            "status": {s: t(f"camera.{s}", lang) for s in COLORS},
        }

    def values(self, data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
        """Colour, size and status label per camera."""
        status = np.asarray(data["cameras"]["status"])
        online = status == "online"
        return [
            {
                "marker": {
                    "color": np.where(online, COLORS["online"], COLORS["offline"]).tolist(),
                    "size": np.where(online, 4, 7).tolist(),
                    "opacity": 0.85,
                },
                "customdata": [t(f"camera.{s}", lang) for s in status],
            }
        ]


LAYER = CameraLayer()
