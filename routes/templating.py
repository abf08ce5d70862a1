"""What every server-rendered page (templates/*.html) may call besides its own values."""

from __future__ import annotations

import flask

from geodata import territory
from geodata.db import get_db


def register(server: flask.Flask) -> None:
    """Make the territory's display name available to the templates (``territory_name(lang)``)."""
    server.jinja_env.globals["territory_name"] = lambda lang: territory.name(get_db(), lang)
