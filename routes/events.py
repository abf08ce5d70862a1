"""GET /events/ticket: what a live page needs to open the push stream (push/, docs/refresh.md).

The answer is the stream's address and a ticket signed with the app's key for a few minutes: the
viewer's row scope (``Principal.rows``: what changes it may hear of), its server-side session (the
stream closes when that ends) and the page's origin (the stream answers it for CORS). Signed-in
users and wall displays get one (access/gate.py); anybody else gets 401.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import flask
import psycopg2

from access import session_state
from access.principal import current
from geodata.accounts import sessions
from geodata.db import get_db
from push import tickets
from settings import get_settings


def ticket() -> tuple[flask.Response, int]:
    """The stream's URL and a fresh ticket for the request's session."""
    who = current()
    token = flask.session.get(session_state.KEY)
    try:
        found = sessions.lookup(get_db(), token) if who is not None and isinstance(token, str) else None
        rows = who.rows if found is not None else None
    except psycopg2.Error:
        return flask.jsonify(error="unavailable", message="the database is unavailable; retry shortly"), 503
    if found is None or rows is None:
        return flask.jsonify(error="unauthorized", message="not signed in: open /login"), 401
    request = flask.request
    origin = request.host_url.rstrip("/")
    signed = tickets.mint(flask.current_app.secret_key, rows, found.id, origin)
    return flask.jsonify(url=tickets.stream_url(get_settings(), urlsplit(origin).hostname), ticket=signed), 200


def register(server: flask.Flask) -> None:
    """Attach /events/ticket."""
    server.add_url_rule("/events/ticket", "events_ticket", ticket, methods=["GET"])
