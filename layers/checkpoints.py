"""创文点位: civilization-city checkpoints coloured by the compliance of their latest inspection."""

from __future__ import annotations

from typing import Any

import numpy as np

from geodata.db import Database
from geodata.queries import fetch_columns
from i18n import name_column, named, t
from layers.base import ColourClasses, LegendItem, PointLayer, TiledLayer, hover
from layers.basemap import Projector

COMPLIANCE_CLASSES = ColourClasses(breaks=(0, 60, 80, 100), colors=("#e53935", "#fb8c00", "#fdd835", "#43a047"))
NOT_INSPECTED = "#9e9e9e"


class CheckpointLayer(TiledLayer, PointLayer):
    """One marker trace; a refresh patches colours and the compliance fields. Past the tiling
    threshold (a city's thousands): vector tiles, which carry the compliance (new tiles when an
    inspection is recorded), with markers that grow with the zoom; a click opens the checkpoint."""

    tile_kind = "circle"
    tile_link = "/checkpoint/{id}"
    key = "checkpoints"
    rows_key = "checkpoints"
    topics = ("checkpoints",)
    classes = COMPLIANCE_CLASSES
    legend = (
        LegendItem("#43a047", "legend.checkpoint.full", "dot"),
        LegendItem("#fdd835", "legend.checkpoint.80", "dot"),
        LegendItem("#fb8c00", "legend.checkpoint.60", "dot"),
        LegendItem("#e53935", "legend.checkpoint.low", "dot"),
        LegendItem(NOT_INSPECTED, "legend.checkpoint.none", "dot"),
    )

    def load(self, db: Database) -> dict[str, Any]:
        """Every checkpoint with its compliance."""
        return {"checkpoints": fetch_columns("checkpoint_points", None, db)}

    def traces(self, data: dict[str, Any], lang: str, proj: Projector) -> list[dict[str, Any]]:
        """The marker trace."""
        cps = data["checkpoints"]
        lon, lat = proj.shift(cps["lon"], cps["lat"])
        types = named(cps, "type_name", lang)
        trace = {
            "type": "scattermap",
            "name": self.key,
            "mode": "markers",
            "lon": np.round(lon, 6).tolist(),
            "lat": np.round(lat, 6).tolist(),
            "text": [f"<b>{n}</b><br>{ty}" for n, ty in zip(cps["name"], types)],
            "meta": {"ids": list(cps["id"])},  # a click opens /checkpoint/<id> (assets/checkpoint_link.js)
            "hovertemplate": hover(
                [
                    "%{text}",
                    f"{t('hover.compliance', lang)}：%{{customdata[0]}}",
                    f"{t('hover.failing', lang)}：%{{customdata[1]}}",
                    f"{t('hover.inspected', lang)}：%{{customdata[2]}}",
                ]
            ),
        }
        trace.update(self.values(data, lang)[0])
        return [trace]

    def tile_paint(self) -> dict[str, Any]:
        """Colour by compliance class as in the trace (grey before any inspection); the marker grows
        with the zoom, from a dot at a city's overview to the trace's size in a street."""
        colour: list[Any] = ["step", ["get", "compliance"], self.classes.colors[0]]
        for bound, colour_above in zip(self.classes.breaks[1:], self.classes.colors[1:]):
            colour += [bound, colour_above]
        return {
            "circle-color": ["case", ["==", ["typeof", ["get", "compliance"]], "number"], colour, NOT_INSPECTED],
            "circle-radius": ["interpolate", ["linear"], ["zoom"], 10, 1.5, 13, 3.5, 16, 6.5],
            "circle-stroke-width": ["interpolate", ["linear"], ["zoom"], 12, 0, 14, 1],
            "circle-stroke-color": "rgba(255,255,255,0.6)",
            "circle-opacity": 0.95,
        }

    def tile_hover(self, lang: str) -> str:
        """Name, type, compliance, failing elements and the last inspection."""
        return (
            f"<b>{{name}}</b><br>{{{name_column('type_name', lang)}}}"
            f"<br>{t('hover.compliance', lang)}：{{compliance_text}}"
            f"<br>{t('hover.failing', lang)}：{{{name_column('failing', lang)}}}"
            f"<br>{t('hover.inspected', lang)}：{{inspected}}"
        )

    def values(self, data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
        """Colour by compliance class, plus the hover fields."""
        cps = data["checkpoints"]
        comp = np.array([np.nan if c is None else c for c in cps["compliance"]], dtype=float)
        cls = self.classes.classify(np.nan_to_num(comp))
        colors = np.where(np.isnan(comp), NOT_INSPECTED, np.asarray(self.classes.colors)[np.minimum(cls, 3)])
        failing = named(cps, "failing", lang)
        custom = [
            [("—" if np.isnan(c) else f"{c:.0f}%"), f or t("none", lang), d.strftime("%Y-%m-%d") if d else "—"]
            for c, f, d in zip(comp, failing, cps["inspected_at"])
        ]
        return [{"marker": {"color": colors.tolist(), "size": 11, "opacity": 0.95}, "customdata": custom}]


LAYER = CheckpointLayer()
