"""Compose layers into one map figure, and the Patch that refreshes only their values.

A layer drawn from vector tiles keeps an empty trace in the figure; how it is drawn (tile URL,
paint, feature state, visibility) travels beside the figure, in the map's tile store, which
assets/maptiles.js applies to the map directly. A change of its values or its visibility then never
touches the figure: Plotly redraws the whole map on any layout change (2–2.5 s at 70k grids)."""

from __future__ import annotations

from typing import Any

import numpy as np
from dash import Patch

from geodata.db import Database
from layers.base import TiledLayer
from layers.basemap import Projector
from layers.registry import BY_KEY, LAYERS, trace_slots
from layers.viewport import EMPTY_VIEW, map_layout


def load_all(db: Database, tiled: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Every layer's full data; of a tiled layer, only what its tiles do not carry."""
    tiled = tiled or {}
    return {layer.key: layer.load_tiled(db) if layer.key in tiled else layer.load(db) for layer in LAYERS}


def tile_spec(layer: TiledLayer, data: dict[str, Any], lang: str, url: str, shown: list[str]) -> dict[str, Any]:
    """What the browser needs to draw a tiled layer (assets/maptiles.js), ``shown``: the layers
    switched on."""
    visible = layer.key in shown
    return {
        "url": url,
        "kind": layer.tile_kind,
        "paint": layer.tile_paint(),
        "hover": layer.tile_hover(lang),
        "labels": layer.tile_labels(lang),
        "link": layer.tile_link,
        "overview": layer.tile_overview,
        # drawn in the first slot of the layer that shows it (the community names': the labels')
        "extra": [
            {**extra, "visible": extra["toggle"] in shown, "slot": trace_slots()[extra["toggle"]].start}
            for extra in layer.tile_extras(lang)
        ],
        "visible": visible,
        "slot": trace_slots()[layer.key].start,
        "state": wire_state(layer.tile_state(data)),
    }


def wire_state(state: dict[str, list] | None) -> dict[str, list] | None:
    """Feature-state arrays as sent: the ids as runs of consecutive ids ([first, count], …),
    which a level's ids nearly are; the other arrays as they are."""
    if state is None:
        return None
    ids = np.asarray(state["ids"], dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, np.diff(ids) != 1]) if len(ids) else np.array([], dtype=int)
    counts = np.diff(np.r_[starts, len(ids)])
    return {
        "id_runs": np.column_stack([ids[starts], counts]).tolist(),
        **{k: v for k, v in state.items() if k != "ids"},
    }


def build_figure(
    data: dict[str, dict[str, Any]],
    lang: str,
    proj: Projector,
    style: dict[str, Any],
    visible: list[str],
    tiled: dict[str, str] | None = None,
    view: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The full figure: geometry and values of every layer (sent once per geometry version). The
    layers in ``tiled`` keep empty traces (``tile_specs`` describes them).
    ``view`` (WGS84 centre and zoom; layers/viewport.py) defaults to all of China."""
    view = view or EMPTY_VIEW
    tiled = tiled or {}
    traces: list[dict[str, Any]] = []
    for layer in LAYERS:
        drawn = layer.placeholders() if layer.key in tiled else layer.traces(data[layer.key], lang, proj)
        for trace in drawn:
            trace["visible"] = layer.key in visible
            trace["showlegend"] = False
            traces.append(trace)
    return {"data": traces, "layout": map_layout(view, proj, style, "keep-view")}


def tile_specs(data: dict[str, dict[str, Any]], lang: str, visible: list[str], tiled: dict[str, str]) -> dict:
    """The map's tile store: each tiled layer's spec (``tiled``: key → tile URL)."""
    return {key: tile_spec(BY_KEY[key], data[key], lang, url, visible) for key, url in tiled.items()}


def values_patch(data: dict[str, dict[str, Any]], lang: str, keys: list[str], patch: Patch | None = None) -> Patch:
    """A Patch (``patch``, or a new one) that replaces only the changing properties of the given
    layers' traces."""
    patch = Patch() if patch is None else patch
    slots = trace_slots()
    for key in keys:
        for idx, props in zip(slots[key], BY_KEY[key].values(data[key], lang)):
            for prop, value in props.items():
                patch["data"][idx][prop] = value
    return patch


def tile_state_patch(
    patch: Patch,
    key: str,
    new: dict[str, list] | None,
    old: dict[str, list] | None,
    changed: list[int] | None = None,
) -> int:
    """Put a tiled layer's new feature-state arrays into ``patch`` (of the tile store): only the
    entries that differ from ``old`` (the arrays the browser holds), or whole arrays when the
    features changed or the old ones are unknown. ``changed``: the only positions that may differ
    (the others are not compared). Returns the number of entries sent."""
    if new is None:
        return 0
    spec = patch[key]
    if old is None or (old["ids"] is not new["ids"] and old["ids"] != new["ids"]) or old.keys() != new.keys():
        spec["state"] = wire_state(new)
        return len(new["ids"]) * len(new)
    state, sent = spec["state"], 0
    for name, values in new.items():
        if name == "ids":
            continue
        before = old[name]
        if changed is None:
            differ = np.flatnonzero(np.asarray(before) != np.asarray(values)).tolist()
        else:
            differ = [i for i in changed if before[i] != values[i]]
        for i in differ:
            state[name][i] = values[i]
            sent += 1
    return sent


def visibility_patch(visible: list[str], tiled: list[str] | None = None) -> tuple[Patch, Patch]:
    """Patches that show and hide whole layers: of the figure (the traces of the layers not tiled)
    and of the tile store (the tiled layers)."""
    figure, store = Patch(), Patch()
    for key, idx_range in trace_slots().items():
        if key in (tiled or []):
            store[key]["visible"] = key in visible
            for i, extra in enumerate(BY_KEY[key].tile_extras("zh")):  # shown with another layer
                store[key]["extra"][i]["visible"] = extra["toggle"] in visible
            continue
        for idx in idx_range:
            figure["data"][idx]["visible"] = key in visible
    return figure, store
