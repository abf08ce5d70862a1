"""The gate in front of every route and callback (docs/security.md): no principal, no data.

- Pages without a session redirect to /login; Dash's own endpoints and the APIs answer 401.
- ``?token=gw_…`` on /wall signs a wall display in (read-only, scoped, revocable).
- A wall display may open only the wall and the case view, and run only their callbacks
  (access/wall_callbacks.py); a department's handler only the workbench and the case view.
- Sessions live on the server (access/session_state.py): a signed-out, disabled, rescoped or
  re-passworded user's session, or a revoked wall token's, ends at once in every process.
- Text no handler can take (a NUL character) is refused with 400 (access/inputs.py).
- The intake APIs take an API key (X-API-Key, or api_key for Open311) or a user's session;
  their writes check the key themselves (api/auth.py).
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import flask
import psycopg2
from dash.exceptions import DashException, DependencyException
from werkzeug.exceptions import InternalServerError

from access import session_state, verifiers, wall_callbacks
from access.inputs import refuse_unusable_input
from access.principal import Principal
from geodata import memo
from geodata.db import SCOPE
from geodata.errors import RETRY_AFTER_S
from settings import get_settings

PUBLIC = (
    "/login",
    "/logout",
    "/healthz",
    "/assets/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/glyphs/",
    "/api/v1/openapi.json",
    "/rate/",  # the citizen's one-time rating link: the token is the right (geodata/cases/rating.py)
)
API = ("/api/", "/open311/")
# Dash's own endpoints, and what every live page asks beside its callbacks (the push stream's
# ticket, routes/events.py): without a session they answer 401, never the sign-in page.
DASH_INTERNAL = ("/_dash-", "/_reload-hash", "/events/ticket")
WALL_PAGES = ("/wall", "/case/")
WORK_PAGES = ("/work", "/case/", "/reports")  # all a department's handler opens: its cases and its reports
# The routes that take a photo: the API's, and the phone page's forms (report, verify).
PHOTO_ROUTES = re.compile(r"^(/api/v1/cases/[^/]+/photos|/m/report|/m/case/[^/]+/(verify|photo))$")
FORM_SLACK = 64 * 1024  # the form's other fields beside the file
# The routes that take an inspection: a photo of each failed element (api/inspections.py).
INSPECTION_ROUTES = re.compile(r"^(/api/v1/checkpoints/[^/]+/inspections|/m/inspect/[^/]+)$")
INSPECTION_PHOTOS = 8
# The camera status feed (api/cameras.py): a batch of up to GRIDOPS_CAMERA_BATCH_MAX statuses.
CAMERA_STATUS_ROUTE = "/api/v1/cameras/status"
CAMERA_STATUS_BYTES = 256  # one status as JSON, generously: {"code": 20 digits, "status", "at" with µs}


def _wall_sign_in(token: str) -> Principal | None:
    found = verifiers.wall_tokens().check(token)
    if found is None:
        return None
    session_state.sign_in_wall(found.id)
    return session_state.principal()


def _refuse(status: int, message: str) -> flask.Response:
    response = flask.jsonify(error={401: "unauthorized", 403: "forbidden"}.get(status, "unavailable"), message=message)
    response.status_code = status
    if status == 503:  # the database is restarting or failing over (docs/scaling.md): retry shortly
        response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _body_limit(path: str) -> int | None:
    """The largest body a route that takes files accepts (every other request: the app's
    GRIDOPS_REQUEST_MAX_BYTES); set before anything reads the body."""
    settings = get_settings()
    if path == "/import/upload":
        return settings.import_max_bytes
    if PHOTO_ROUTES.match(path):
        return settings.photo_max_bytes + FORM_SLACK
    if INSPECTION_ROUTES.match(path):
        return settings.photo_max_bytes * INSPECTION_PHOTOS + FORM_SLACK
    if path == CAMERA_STATUS_ROUTE:
        return max(settings.request_max_bytes, settings.camera_batch_max * CAMERA_STATUS_BYTES + FORM_SLACK)
    return None


def check():
    """Flask before_request: attach the principal, or answer for the request; a request let through
    must still carry input its handler can take."""
    if (limit := _body_limit(flask.request.path)) is not None:
        flask.request.max_content_length = limit
    return _decide() or refuse_unusable_input(flask.request)


def _decide():
    """Attach the principal; an answer when the request may not go on, None when it may."""
    request = flask.request
    path = request.path
    SCOPE.set(None)  # server threads are reused: nothing carries over from an earlier request
    memo.REQUEST.set({})  # what this request reads once (geodata.memo.once_per_request)
    token = request.args.get("token")
    try:
        who = (_wall_sign_in(token) if token and path == "/wall" else None) or session_state.principal()
    except psycopg2.Error:
        if path.startswith(PUBLIC):
            who = None
        else:
            return _refuse(503, "the database is unavailable; retry shortly")
    if who is None and session_state.KEY in flask.session:
        flask.session.pop(session_state.KEY)  # an ended session, a revoked token or a scope that no longer exists
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
    if who.role == "department":
        if path == "/_dash-update-component" and not wall_callbacks.allowed(
            request, wall_callbacks.WORK_PREFIXES, wall_callbacks.WORK_PATHS
        ):
            return _refuse(403, "a department's handler runs the workbench's and the case view's callbacks only")
        if not (path.startswith(WORK_PAGES) or path.startswith(DASH_INTERNAL)):
            return flask.redirect("/work", code=302)
        return None
    if path == "/" and not who.whole_territory and not who.read_only:
        return flask.redirect(f"/unit/{who.scope.code}", code=302)  # the one map is the whole district
    if who.read_only and not (path.startswith(WALL_PAGES) or path.startswith(DASH_INTERNAL)):
        return flask.Response(
            "此令牌只能查看大屏 (this token opens the wall display only)", status=403, mimetype="text/plain"
        )
    if who.read_only and path == "/_dash-update-component" and not wall_callbacks.allowed(request):
        return _refuse(403, "a wall display runs the wall's and the case view's callbacks only")
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


def _no_such_asset(exc: Exception):
    """Dash refuses an unknown component package or file: that is a 404, not a server error."""
    del exc
    response = flask.jsonify(error="not_found", message="no such script or style sheet")
    response.status_code = 404
    return response


def _forget_request(_exc: BaseException | None) -> None:
    """What the request read once is not kept past it: code that runs outside any request in the
    same thread afterwards (a job, a script, a test) reads afresh (geodata.memo.once_per_request)."""
    memo.REQUEST.set(None)


def register(server: flask.Flask) -> None:
    """Put the gate in front of every request."""
    server.before_request(check)
    server.teardown_request(_forget_request)
    server.register_error_handler(DependencyException, _no_such_asset)
    server.register_error_handler(DashException, _bad_callback_input)  # e.g. inputs that do not match
    for kind in (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError):
        server.register_error_handler(kind, _bad_callback_input)
