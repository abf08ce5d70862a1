"""The wall map's escalated cases: a pulsing marker at each open case escalated above its unit, amber
when it went to the street, magenta when it went to the district. The trace comes after the unit
map's (layers/unit_map.py); a refresh patches its points, and the browser makes it pulse
(assets/wall.js, from the trace's ``meta``)."""

from __future__ import annotations

from typing import Any

from geodata.db import Database
from geodata.queries import fetch_columns
from geodata.units import Unit, scope_of
from i18n import named, t
from layers.base import LegendItem, hover
from layers.basemap import Projector
from layers.viewport import crowded

NAME = "escalated"
COLORS = {1: "#ffc400", 2: "#e040fb"}  # 升级至街道, 升级至区
SIZE = 16  # the marker at 1920 px
PULSE = 1.9  # it swells to this many times its size and back, once a second


def load(db: Database, unit: Unit) -> dict[str, list]:
    """The escalated open cases inside ``unit``: id, lon, lat, escalation, category."""
    col, ids = scope_of(db, unit)
    return fetch_columns("wall_escalated", {"scope_ids": ids}, db, planned_once=True, scope=col)


def _level(escalation: int, lang: str) -> str:
    return t("notice.level.2" if escalation >= 2 else "notice.level.1", lang)


def values(data: dict[str, list], proj: Projector, lang: str) -> dict[str, Any]:
    """The properties a refresh patches: the points, their colours and their hover text."""
    lon, lat = proj.shift(data["lon"], data["lat"])
    rows = [dict(zip(data, v)) for v in zip(*data.values())]
    return {
        "lon": lon.tolist(),
        "lat": lat.tolist(),
        "text": [f"#{r['id']} {named(r, 'category', lang)} · {_level(r['escalation'], lang)}" for r in rows],
        "color": [COLORS.get(int(e), COLORS[2]) for e in data["escalation"]],
    }


def trace(data: dict[str, list], proj: Projector, lang: str, scale: float = 1.0) -> dict[str, Any]:
    """The whole trace, drawn above the unit map's."""
    props = values(data, proj, lang)
    size = round(SIZE * scale * crowded(len(props["lon"])))
    return {
        "type": "scattermap",
        "name": NAME,
        "mode": "markers",
        "lon": props["lon"],
        "lat": props["lat"],
        "text": props["text"],
        "marker": {"size": size, "color": props["color"], "opacity": 0.95},
        "meta": {"pulse": [size, round(size * PULSE)]},
        "hovertemplate": hover([f"{t('wall.escalated', lang)}：%{{text}}"]),
        "showlegend": False,
    }


def legend_items() -> list[LegendItem]:
    """Legend rows of the two levels."""
    return [LegendItem(COLORS[1], "notice.level.1", "dot"), LegendItem(COLORS[2], "notice.level.2", "dot")]
