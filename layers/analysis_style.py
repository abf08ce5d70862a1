"""How the workbench draws each layer's rows: one colour per row and the legend that explains it.

The workbench map (layers/analysis_map.py) and the standalone HTML export (layers/folium_export.py)
both colour from here, with the one map's classes (grids by open cases in classes from the
grids drawn, layers/classes.py; checkpoints by compliance; cameras online/offline), so a briefing
map reads like the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from i18n import t
from layers.base import LegendItem
from layers.cameras import COLORS as CAMERA_COLORS
from layers.checkpoints import COMPLIANCE_CLASSES, NOT_INSPECTED
from layers.checkpoints import LAYER as CHECKPOINTS
from layers.classes import legend as class_legend
from layers.classes import open_classes
from layers.grids import LAYER as GRIDS

CASE_COLORS = {"overdue": "#ff1744", "open": "#ffb300", "ended": "rgba(144,164,174,0.35)"}
HOT_OUTLINE = "#ff1744"


@dataclass(frozen=True)
class LayerStyle:
    """A layer's name, marker size, legend and colouring rule."""

    key: str
    size: int
    legend: tuple[LegendItem, ...]

    def label(self, lang: str) -> str:
        """The layer's name in ``lang``."""
        return t(f"layer.{self.key}", lang)

    def legend_of(self, rows: list[dict[str, Any]]) -> tuple[LegendItem, ...]:
        """The legend of these rows: for grids, the classes of their open counts."""
        if self.key == "grids":
            return tuple(class_legend(open_classes([r["open_cases"] for r in rows])))
        return self.legend

    def colors(self, rows: list[dict[str, Any]]) -> list[str]:
        """One colour per row."""
        if not rows:
            return []
        if self.key == "cases":
            return [
                CASE_COLORS["overdue" if r["is_overdue"] else "open" if r.get("status") in OPEN else "ended"]
                for r in rows
            ]
        if self.key == "cameras":
            return [CAMERA_COLORS.get(r["status"], CAMERA_COLORS["offline"]) for r in rows]
        if self.key == "checkpoints":
            comp = np.array([np.nan if r["compliance"] is None else r["compliance"] for r in rows], dtype=float)
            cls = np.minimum(COMPLIANCE_CLASSES.classify(np.nan_to_num(comp)), len(COMPLIANCE_CLASSES.colors) - 1)
            return np.where(np.isnan(comp), NOT_INSPECTED, np.asarray(COMPLIANCE_CLASSES.colors)[cls]).tolist()
        values = [r["open_cases"] for r in rows]
        classes = open_classes(values)
        return np.asarray(classes.colors)[np.minimum(classes.classify(values), len(classes.colors) - 1)].tolist()


OPEN = ("reported", "dispatched", "accepted", "returned")
STYLES: dict[str, LayerStyle] = {
    "grids": LayerStyle("grids", 0, GRIDS.legend),
    "cameras": LayerStyle(
        "cameras",
        6,
        (
            LegendItem(CAMERA_COLORS["online"], "legend.camera.online", "dot"),
            LegendItem(CAMERA_COLORS["offline"], "legend.camera.offline", "dot"),
        ),
    ),
    "checkpoints": LayerStyle("checkpoints", 11, CHECKPOINTS.legend),
    "cases": LayerStyle(
        "cases",
        7,
        (
            LegendItem(CASE_COLORS["overdue"], "legend.case.overdue", "dot"),
            LegendItem(CASE_COLORS["open"], "legend.case.open", "dot"),
            LegendItem(CASE_COLORS["ended"], "legend.case.closed", "dot"),
        ),
    ),
}
DRAW_ORDER = ("grids", "cameras", "checkpoints", "cases")  # bottom to top
