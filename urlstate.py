"""Query parameters of page URLs, validated: a bad value falls back to the default, never raises."""

from __future__ import annotations


def seconds(raw: str | None, default: float | None, low: float, high: float) -> float | None:
    """A number of seconds from the URL, clamped to [low, high]; ``default`` when absent or bad."""
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return default
    if value != value or value <= 0:  # NaN or not positive
        return default
    return min(max(value, low), high)
