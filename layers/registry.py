"""The one list of map layers, bottom to top. Every page draws from it."""

from __future__ import annotations

from layers import cameras, checkpoints, grids, labels, outlines, roads
from layers.base import Layer

LAYERS: tuple[Layer, ...] = (
    roads.LAYER,
    grids.LAYER,
    outlines.EXCLUSIVE,
    outlines.COMMUNITIES,
    outlines.STREETS,
    outlines.DISTRICTS,
    cameras.LAYER,
    checkpoints.LAYER,
    labels.LAYER,
)
BY_KEY: dict[str, Layer] = {layer.key: layer for layer in LAYERS}


def trace_slots() -> dict[str, range]:
    """The figure's trace indices of each layer."""
    slots, start = {}, 0
    for layer in LAYERS:
        slots[layer.key] = range(start, start + layer.trace_count)
        start += layer.trace_count
    return slots


def toggleable() -> list[Layer]:
    """The layers a user can switch on and off."""
    return [layer for layer in LAYERS if layer.toggle]


def default_visible() -> list[str]:
    """Keys of the layers shown on first load."""
    return [layer.key for layer in LAYERS if layer.default_on]


def validate_keys(keys: list[str] | None) -> list[str]:
    """Only known layer keys survive (callback inputs are untrusted)."""
    return [k for k in (keys or []) if k in BY_KEY]
