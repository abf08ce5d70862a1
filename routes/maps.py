"""The map's routes beside the Dash app: /unit (to the top of the drill-down), the map's glyph
ranges and its vector tiles."""

from __future__ import annotations

import flask
import psycopg2

from access.principal import current
from geodata import tiles, units
from geodata import versions as data_versions
from geodata.db import SCOPE, get_db
from layers.basemap import projector
from settings import get_settings


def glyphs(fontstack: str, glyph_range: str) -> flask.Response:
    """An empty glyph range: labels are Chinese, drawn from the browser's local CJK font.

    MapLibre asks for glyph ranges even when it renders ideographs locally; answering with an
    empty (valid) protobuf keeps the offline map free of failed external requests.
    """
    del fontstack, glyph_range
    response = flask.Response(b"", mimetype="application/x-protobuf")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def map_tile(layer: str, z: int, x: int, y: int) -> flask.Response | tuple[flask.Response, int]:
    """/tiles/<layer>/<z>/<x>/<y>.pbf: one vector tile of a big map layer, for the viewers of the
    one map. The page names the data version in the URL (?v=), so a tile may be cached for long."""
    who = current()
    if who is None or not who.whole_territory:
        return flask.jsonify(error="forbidden", message="the map tiles are for viewers of the whole district"), 403
    db = get_db()
    try:
        tiles.check_tile(layer, z, x, y)
        version = data_versions.current(db)[0].get(tiles.SOURCES[layer].topic, 0)
        body = tiles.tile(db, layer, z, x, y, version, projector(get_settings().basemap).gcj02, SCOPE.get())
    except tiles.TileError as exc:
        return flask.jsonify(error="not_found", message=str(exc)), 404
    except psycopg2.Error:
        return flask.jsonify(error="unavailable", message="the database is unavailable; retry shortly"), 503
    response = flask.Response(body, mimetype="application/vnd.mapbox-vector-tile")
    response.headers["Cache-Control"] = "private, max-age=3600" if flask.request.args.get("v") else "no-cache"
    return response


def drill_top() -> flask.Response | tuple[str, int]:
    """/unit → the drill-down of the viewer's own area: its scope unit, or the top of the territory
    for those who see the whole of it."""
    who = current()
    try:
        area = who.area if who is not None else None
        code = area.code if area is not None else units.root_code(get_db())
    except psycopg2.Error:
        return "数据库暂不可用 / database unavailable", 503
    if code is None:
        return "尚未导入行政区划 / no units loaded", 404
    query = flask.request.query_string.decode()
    return flask.redirect(f"/unit/{code}" + (f"?{query}" if query else ""), code=302)


def register(server: flask.Flask) -> None:
    """Attach the routes to the Flask server."""
    server.add_url_rule("/unit", "drill_top", drill_top)
    server.add_url_rule("/glyphs/<path:fontstack>/<glyph_range>.pbf", "glyphs", glyphs)
    server.add_url_rule("/tiles/<layer>/<int:z>/<int:x>/<int:y>.pbf", "map_tile", map_tile)
