"""Plain HTTP routes beside the Dash app: /healthz, /unit (to the top of the drill-down) and the
map's glyph ranges."""

from __future__ import annotations

import flask
import psycopg2

from access.principal import current
from geodata import units
from geodata.db import get_db
from geodata.queries import fetch_rows


def healthz() -> tuple[flask.Response, int]:
    """Database reachability, schema version and data version; 503 when the database is down."""
    try:
        schema_version, data_version = fetch_rows("health")[0]
    except psycopg2.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return flask.jsonify(status="unavailable", database=False, error=first), 503
    return flask.jsonify(status="ok", database=True, schema_version=int(schema_version),
                         data_version=int(data_version)), 200  # fmt: skip


def glyphs(fontstack: str, glyph_range: str) -> flask.Response:
    """An empty glyph range: labels are Chinese, drawn from the browser's local CJK font.

    MapLibre asks for glyph ranges even when it renders ideographs locally; answering with an
    empty (valid) protobuf keeps the offline map free of failed external requests.
    """
    del fontstack, glyph_range
    response = flask.Response(b"", mimetype="application/x-protobuf")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def drill_top() -> flask.Response | tuple[str, int]:
    """/unit → the drill-down of the viewer's own unit (the district for the district's users)."""
    who = current()
    try:
        code = who.scope.code if who is not None else units.root_code(get_db())
    except psycopg2.Error:
        return "数据库暂不可用 / database unavailable", 503
    if code is None:
        return "尚未导入行政区划 / no units loaded", 404
    query = flask.request.query_string.decode()
    return flask.redirect(f"/unit/{code}" + (f"?{query}" if query else ""), code=302)


def register(server: flask.Flask) -> None:
    """Attach the routes to the Flask server."""
    server.add_url_rule("/healthz", "healthz", healthz)
    server.add_url_rule("/unit", "drill_top", drill_top)
    server.add_url_rule("/glyphs/<path:fontstack>/<glyph_range>.pbf", "glyphs", glyphs)
