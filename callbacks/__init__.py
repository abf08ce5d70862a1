"""Dash callbacks, grouped by page; importing this package registers them all."""

from callbacks import analyst, case, checkpoint, notices, onemap, reports, unit, wall, work  # noqa: F401
