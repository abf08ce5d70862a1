"""Dash callbacks, grouped by page; importing this package registers them all."""

from callbacks import onemap, unit  # noqa: F401
