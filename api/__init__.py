"""The HTTP APIs beside the dashboard: REST JSON under /api/v1 and Open311 GeoReport v2 under
/open311/v2. Both write through geodata.cases.intake and geodata.cases.lifecycle, as the UI does."""

from __future__ import annotations

import flask

from api import cameras, errors, inspections, open311, photos, v1  # noqa: F401  (some add routes to v1.bp)


def register(server: flask.Flask) -> None:
    """Attach both APIs to the Flask server."""
    server.register_blueprint(v1.bp)
    server.register_blueprint(open311.bp)
    errors.register_app(server)
    server.json.ensure_ascii = False  # Chinese names travel as UTF-8, readable in any client
