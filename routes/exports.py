"""/analyst/export.<fmt>?<the workbench's query>: the current filtered result as a download.

The caller's scope applies (row-level security, and the scope clause for units); every export is
written to the audit log (who, format, layer, query, rows) before its first byte is sent. CSV and
GeoJSON stream from a server-side cursor; a GeoPackage is built chunk by chunk in a temporary
file; the HTML map draws at most ``HTML_CAP`` features per layer and says so in its title.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import flask
import psycopg2

from access.principal import current
from geodata import territory
from geodata.accounts import audit
from geodata.analysis import exports, spec
from geodata.analysis import statements as analysis_sql
from geodata.cases.lifecycle import FieldError
from geodata.clock import TZ
from geodata.db import SCOPE, STATEMENT_TIMEOUT, get_db
from i18n import pick, t
from layers import folium_export
from layers.analysis_map import map_notes
from layers.basemap import projector
from layers.outlines import area_shapes
from settings import get_settings

HTML_CAP = 20000
EXPORT_TIMEOUT_MS = 120_000  # a download may take longer per statement than a dashboard panel


def _refuse(status: int, message: str, errors: dict[str, str] | None = None) -> flask.Response:
    response = flask.jsonify(
        error="invalid_query" if status == 400 else "unavailable", message=message, fields=errors or {}
    )
    response.status_code = status
    return response


def _filename(layer: str, fmt: str) -> str:
    return f"gridops-{layer}-{datetime.now(TZ).strftime('%Y%m%d-%H%M')}.{fmt}"


def _send(body, fmt: str, layer: str) -> flask.Response:
    response = flask.Response(body, mimetype=exports.FORMATS[fmt].split(";")[0])
    if ";" in exports.FORMATS[fmt]:
        response.headers["Content-Type"] = exports.FORMATS[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(layer, fmt)}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _scoped(rows_scope, chunks):
    """Run a generator under the request's row scope and the export's statement timeout (the WSGI
    server iterates after the view returns)."""
    token, timeout = SCOPE.set(rows_scope), STATEMENT_TIMEOUT.set(EXPORT_TIMEOUT_MS)
    try:
        yield from chunks
    finally:
        STATEMENT_TIMEOUT.reset(timeout)
        SCOPE.reset(token)


def export(fmt: str) -> flask.Response:
    """Check the query, log the export, then send the file."""
    timeout = STATEMENT_TIMEOUT.set(EXPORT_TIMEOUT_MS)
    try:
        return _export(fmt)
    finally:
        STATEMENT_TIMEOUT.reset(timeout)


def _export(fmt: str) -> flask.Response:
    who = current()
    if who is None or who.read_only:
        return _refuse(403, "sign in as a user to export")
    if fmt not in exports.FORMATS:
        return _refuse(404, f"unknown export format {fmt!r}; use one of {', '.join(exports.FORMATS)}")
    lang = pick(flask.request.args.get("lang"))
    params = {k: v for k, v in flask.request.args.items()}
    scope = who.area
    db = get_db(read_only=True)
    try:
        q = spec.parse(params, spec.reference(db))
        total = analysis_sql.count(db, q, scope)
        with get_db().transaction() as cur:  # the audit row is a write: the primary
            rows = total if not analysis_sql.capped(total) else f"more than {analysis_sql.COUNT_CAP}"
            audit.record(
                cur,
                who.name,
                "export",
                flask.request.remote_addr,
                format=fmt,
                layer=q.layer,
                query=spec.encode(q),
                rows=rows,
            )
    except FieldError as exc:
        return _refuse(
            400, "the export's query is not valid: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items()), exc.errors
        )
    except psycopg2.Error:
        return _refuse(503, "the database is unavailable; retry shortly")
    rows_scope = SCOPE.get()
    if fmt == "csv":
        return _send(
            _scoped(rows_scope, exports.csv_chunks(analysis_sql.stream(db, q, scope), q.layer, lang)), fmt, q.layer
        )
    if fmt == "geojson":
        return _send(
            _scoped(rows_scope, exports.geojson_chunks(analysis_sql.stream(db, q, scope), q.layer, lang)), fmt, q.layer
        )
    if fmt == "gpkg":
        return _send(_gpkg(db, q, scope, lang), fmt, q.layer)
    return _send(_html(db, q, scope, lang, total), fmt, q.layer)


def _gpkg(db, q: spec.Query, scope, lang: str):
    """Write the GeoPackage to a temporary file, then stream it from disk and remove it."""
    folder = Path(tempfile.mkdtemp(prefix="gridops-export-"))
    path = folder / f"{q.layer}.gpkg"
    exports.write_gpkg(analysis_sql.stream(db, q, scope), q.layer, lang, path)

    def chunks():
        try:
            with path.open("rb") as handle:
                while block := handle.read(1 << 16):
                    yield block
        finally:
            path.unlink(missing_ok=True)
            os.rmdir(folder)

    return chunks()


def _html(db, q: spec.Query, scope, lang: str, total: int) -> str:
    found = analysis_sql.map_rows(db, q, scope, HTML_CAP)
    shapes = area_shapes(db)
    s = get_settings()
    title = f"{territory.name(db, lang)} · {t('an.title', lang)}"
    notes = map_notes(found, lang)
    subtitle = " · ".join(
        [f"{t(f'an.{q.layer}', lang)} {t('an.total', lang).format(n=analysis_sql.count_text(total))}", *notes]
    )
    rows = {layer: r for layer, (r, _) in found.items()}
    return folium_export.render(
        rows, shapes, lang, projector(s.basemap), s.basemap, title, subtitle, q.hot, territory.current(db).bounds
    )


def register(server: flask.Flask) -> None:
    """Attach the export route."""
    server.add_url_rule("/analyst/export.<fmt>", "analyst_export", export)
