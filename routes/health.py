"""/healthz: whether the database answers, with the schema and data versions (503 when it does not)."""

from __future__ import annotations

import flask
import psycopg2

from geodata.queries import fetch_rows


def healthz() -> tuple[flask.Response, int]:
    """Database reachability, schema version and data version; 503 when the database is down."""
    try:
        schema_version, data_version = fetch_rows("health")[0]
    except psycopg2.Error as exc:  # the driver's words name the host and port: the log has them, not the answer
        flask.current_app.logger.warning("healthz: database unavailable: %s", str(exc).strip().splitlines()[:1])
        return flask.jsonify(status="unavailable", database=False, error="database unavailable"), 503
    return flask.jsonify(
        status="ok", database=True, schema_version=int(schema_version), data_version=int(data_version)
    ), 200


def register(server: flask.Flask) -> None:
    """Attach /healthz."""
    server.add_url_rule("/healthz", "healthz", healthz)
