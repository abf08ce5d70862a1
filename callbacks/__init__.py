"""Dash callbacks, grouped by page; importing this package registers them all."""

from callbacks import case, onemap, wall  # noqa: F401
