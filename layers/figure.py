"""Compose layers into one map figure, and the Patch that refreshes only their values."""

from __future__ import annotations

from typing import Any

from dash import Patch

from geodata.db import Database
from layers.basemap import Projector
from layers.registry import LAYERS, trace_slots

# The whole 经开区 at a glance on a 1920×1080 screen.
DISTRICT_VIEW = {"center": {"lon": 113.775, "lat": 34.709}, "zoom": 12.2}


def load_all(db: Database) -> dict[str, dict[str, Any]]:
    """Every layer's full data."""
    return {layer.key: layer.load(db) for layer in LAYERS}


def build_figure(data: dict[str, dict[str, Any]], lang: str, proj: Projector, style: dict[str, Any],
                 visible: list[str]) -> dict[str, Any]:  # fmt: skip
    """The full figure: geometry and values of every layer (sent once per geometry version)."""
    traces: list[dict[str, Any]] = []
    for layer in LAYERS:
        for trace in layer.traces(data[layer.key], lang, proj):
            trace["visible"] = layer.key in visible
            trace["showlegend"] = False
            traces.append(trace)
    center = dict(zip(("lon", "lat"), (float(v) for v in proj.shift(DISTRICT_VIEW["center"]["lon"],
                                                                   DISTRICT_VIEW["center"]["lat"]))))  # fmt: skip
    layout = {
        "map": {"style": style, "center": center, "zoom": DISTRICT_VIEW["zoom"]},
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "paper_bgcolor": "#0b1626",
        "hoverlabel": {"bgcolor": "#13233a", "bordercolor": "#4dd0e1",
                       "font": {"color": "#eaf6ff", "size": 14, "family": "Noto Sans CJK SC, sans-serif"}},
        "font": {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
        "uirevision": "keep-view",
        "dragmode": "pan",
    }  # fmt: skip
    return {"data": traces, "layout": layout}


def values_patch(data: dict[str, dict[str, Any]], lang: str, keys: list[str]) -> Patch:
    """A Patch that replaces only the changing properties of the given layers' traces."""
    patch = Patch()
    slots = trace_slots()
    by_key = {layer.key: layer for layer in LAYERS}
    for key in keys:
        for idx, props in zip(slots[key], by_key[key].values(data[key], lang)):
            for prop, value in props.items():
                patch["data"][idx][prop] = value
    return patch


def visibility_patch(visible: list[str]) -> Patch:
    """A Patch that shows and hides whole layers."""
    patch = Patch()
    for key, idx_range in trace_slots().items():
        for idx in idx_range:
            patch["data"][idx]["visible"] = key in visible
    return patch
