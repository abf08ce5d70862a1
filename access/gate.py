"""The gate in front of every route and callback (DESIGN §8): no principal, no data.

- Pages without a session redirect to /login; Dash's own endpoints and the APIs answer 401.
- ``?token=gw_…`` on /wall signs a wall display in (read-only, scoped, revocable).
- A wall display may open only the wall and the case view.
- The intake APIs take an API key (X-API-Key, or api_key for Open311) or a user's session;
  their writes check the key themselves (api/auth.py).
- A disabled user's session ends at its next request.
"""

from __future__ import annotations

import threading
import time
from urllib.parse import urlencode

import flask
import psycopg2
from werkzeug.exceptions import InternalServerError

from access import verifiers
from access.principal import Principal
from geodata import units, users
from geodata.db import SCOPE, get_db

PUBLIC = ("/login", "/logout", "/healthz", "/assets/", "/_dash-component-suites/", "/_favicon.ico", "/glyphs/",
          "/api/v1/openapi.json")  # fmt: skip
API = ("/api/", "/open311/")
DASH_INTERNAL = ("/_dash-", "/_reload-hash")
WALL_PAGES = ("/wall", "/case/")
USER_TTL = 5.0  # seconds a process trusts a session's user row (disable/rescope take effect within it)

_lock = threading.Lock()
_users: dict[tuple, tuple[float, Principal | None]] = {}


def _principal_of_session() -> Principal | None:
    session = flask.session
    key = ("user", session["uid"]) if "uid" in session else ("wall", session["wall"]) if "wall" in session else None
    if key is None:
        return None
    now = time.monotonic()
    with _lock:
        hit = _users.get(key)
    if hit and now - hit[0] < USER_TTL:
        return hit[1]
    try:
        found = _load(key, session)
    except psycopg2.Error:
        if hit:  # the database is away: a known viewer keeps the last picture (and its banner)
            return hit[1]
        raise
    with _lock:
        if len(_users) > 10_000:
            _users.clear()
        _users[key] = (now, found)
    return found


def _load(key: tuple, session) -> Principal | None:
    db = get_db()
    found: Principal | None = None
    if key[0] == "user":
        user = users.by_id(db, key[1])
        scope = units.by_code(db, user.scope_code) if user else None
        found = Principal("user", user.username, user.role, scope) if user and scope else None
    else:
        token = verifiers.wall_tokens().check(session.get("wall_token"))
        scope = units.by_code(db, token.scope_code) if token else None
        found = Principal("wall", token.name, "wall", scope) if token and scope else None
    return found


def _wall_sign_in(token: str) -> Principal | None:
    found = verifiers.wall_tokens().check(token)
    if found is None:
        return None
    flask.session.clear()
    flask.session.permanent = True
    flask.session["wall"] = found.id
    flask.session["wall_token"] = token  # re-checked within tokens.CACHE_SECONDS, so a revoke ends the session
    return _principal_of_session()


def _refuse(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error={401: "unauthorized", 403: "forbidden"}.get(status, "unavailable"), message=message)
    response.status_code = status
    return response


def check():
    """Flask before_request: attach the principal, or answer for the request."""
    request = flask.request
    path = request.path
    SCOPE.set(None)  # server threads are reused: nothing carries over from an earlier request
    token = request.args.get("token")
    try:
        who = (_wall_sign_in(token) if token and path == "/wall" else None) or _principal_of_session()
    except psycopg2.Error:
        if path.startswith(PUBLIC):
            who = None
        else:
            return _refuse(503, "the database is unavailable; retry shortly")
    if who is None and ("uid" in flask.session or "wall" in flask.session):
        flask.session.clear()  # a disabled user, a revoked token or a scope that no longer exists
    flask.g.principal = who
    if who is not None:
        SCOPE.set(who.rows)
    if path.startswith(PUBLIC):
        return None
    if path.startswith(API):
        if who is not None and who.kind == "user":
            return None
        key = request.headers.get("X-API-Key") or request.values.get("api_key")
        found = verifiers.api_keys().check(key) if key else None
        flask.g.checked_key = (key, found)  # api/auth.py takes the answer rather than asking again
        if found is not None:
            SCOPE.set(("all", 0))  # integrations see and write the whole territory
            return None
        if request.method == "POST":
            return None  # writes check their key themselves and say what is missing
        return _refuse(401, "sign in, or send an API key in the X-API-Key header (api_key for Open311)")
    if who is None:
        if path.startswith(DASH_INTERNAL) or request.method != "GET":
            return _refuse(401, "not signed in: open /login")
        return flask.redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}), code=302)
    if path == "/" and not who.whole_territory and not who.read_only:
        return flask.redirect(f"/unit/{who.scope.code}", code=302)  # the one map is the whole district
    if who.read_only and not (path.startswith(WALL_PAGES) or path.startswith(DASH_INTERNAL)):
        return flask.Response("此令牌只能查看大屏 (this token opens the wall display only)", status=403,
                              mimetype="text/plain")  # fmt: skip
    return None


def _bad_callback_input(exc: Exception):
    """A crafted callback POST whose values have the wrong shape is refused with 400, not a 500."""
    if flask.request.path != "/_dash-update-component":
        flask.current_app.logger.error("error on %s", flask.request.path, exc_info=exc)  # a bug: keep its traceback
        return InternalServerError(original_exception=exc)
    flask.current_app.logger.warning("refused callback input: %s: %s", type(exc).__name__, exc)
    response = flask.jsonify(error="invalid_input", message=f"invalid callback input ({type(exc).__name__})")
    response.status_code = 400
    return response


def register(server: flask.Flask) -> None:
    """Put the gate in front of every request."""
    server.before_request(check)
    for kind in (TypeError, ValueError, KeyError, AttributeError, IndexError):
        server.register_error_handler(kind, _bad_callback_input)
