"""Error answers of the HTTP API: one exception type, JSON bodies, and never a bare 500 page.

/api/v1 answers ``{"error": code, "message": …, "fields": {…}}``; Open311 answers its own
``[{"code": status, "description": …}]``. Database outages (and a write that reaches a standby
mid-failover) are 503 with Retry-After, so a client knows to retry.
"""

from __future__ import annotations

import logging

import flask
import psycopg2
import psycopg2.errors
from psycopg2.pool import PoolError
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestEntityTooLarge

from geodata.errors import RETRY_AFTER_S

log = logging.getLogger(__name__)
API_PREFIXES = ("/api/", "/open311/")


class ApiError(Exception):
    """An answer other than success: HTTP status, error code, message and details."""

    def __init__(self, status: int, code: str, message: str, **details) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = {k: v for k, v in details.items() if v is not None}


def fields_of(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as field → message (the first message per field)."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        name = ".".join(str(p) for p in err["loc"]) or "body"
        out.setdefault(name, err["msg"])
    return out


def invalid_fields(errors: dict[str, str]) -> ApiError:
    """400 naming every bad field."""
    listed = "; ".join(f"{k}: {v}" for k, v in errors.items())
    return ApiError(400, "invalid_fields", f"invalid fields: {listed}", fields=errors)


def _is_open311() -> bool:
    return flask.request.path.startswith("/open311/")


def render(err: ApiError) -> flask.Response:
    """The JSON body of an error, in the dialect of the route that raised it."""
    if _is_open311():
        response = flask.jsonify([{"code": err.status, "description": err.message}])
    else:
        response = flask.jsonify({"error": err.code, "message": err.message, **err.details})
    response.status_code = err.status
    if err.status == 401:
        response.headers["WWW-Authenticate"] = 'ApiKey header="X-API-Key"'
    return response


def _unavailable(exc: Exception) -> flask.Response:
    """503 with Retry-After: the database is unreachable, or is a standby that cannot take a write
    (mid-failover). Nothing was stored, or the write is repeated safely: a create with the same
    external_id returns the case it made."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    log.warning("database unavailable for %s: %s", flask.request.path, first)
    response = render(
        ApiError(503, "unavailable", f"the database is unavailable (failover or restart); retry in {RETRY_AFTER_S} s")
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def _unexpected(exc: Exception) -> flask.Response:
    if isinstance(exc, HTTPException):
        return _http(exc)
    log.exception("unexpected error on %s %s", flask.request.method, flask.request.path)
    return render(ApiError(500, "internal", f"internal error ({type(exc).__name__}); it has been logged"))


def _http(exc: HTTPException):
    """Flask's own 404/405/413… as JSON on API paths (the page routes keep their HTML)."""
    if not flask.request.path.startswith(API_PREFIXES):
        return exc
    response = render(ApiError(exc.code, exc.name.lower().replace(" ", "_"), exc.description or exc.name))
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def register(blueprint: flask.Blueprint) -> None:
    """Attach the handlers to an API blueprint."""
    blueprint.register_error_handler(ApiError, render)
    blueprint.register_error_handler(psycopg2.OperationalError, _unavailable)
    blueprint.register_error_handler(psycopg2.InterfaceError, _unavailable)  # a connection the server closed
    blueprint.register_error_handler(psycopg2.errors.ReadOnlySqlTransaction, _unavailable)  # a standby
    blueprint.register_error_handler(PoolError, _unavailable)
    blueprint.register_error_handler(Exception, _unexpected)


DASH_PAGES = "/<path:path>"  # the dashboard's catch-all page route
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


def _api_methods(path: str) -> list[str]:
    """The methods an API path answers, leaving out the dashboard's catch-all page route."""
    adapter = flask.current_app.url_map.bind("api")
    out = []
    for method in METHODS:
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.rule != DASH_PAGES:
            out.append(method)
    return out


def _no_page_under_api():
    """Under /api and /open311, an unknown path is a JSON 404 and a wrong method a 405, never the
    dashboard's catch-all page; OPTIONS lists exactly the API's methods."""
    request = flask.request
    if not request.path.startswith(API_PREFIXES):
        return None
    rule = request.url_rule
    if request.method == "OPTIONS" or (rule is not None and rule.rule == DASH_PAGES) or rule is None:
        allowed = _api_methods(request.path)
        if request.method == "OPTIONS" and allowed:
            response = flask.Response(status=204)
        elif allowed and request.method not in allowed:
            response = render(
                ApiError(405, "method_not_allowed", f"{request.method} is not allowed here; use {', '.join(allowed)}")
            )
        elif not allowed:
            return render(ApiError(404, "not_found", f"no API route {request.path}; see /api/v1/openapi.json"))
        else:
            return None
        response.headers["Allow"] = ", ".join([*allowed, "OPTIONS"] + (["HEAD"] if "GET" in allowed else []))
        return response
    return None


def register_app(server: flask.Flask) -> None:
    """Routing errors (404, 405, 413) on API paths answer JSON too."""
    server.before_request(_no_page_under_api)
    server.register_error_handler(MethodNotAllowed, _http)
    server.register_error_handler(RequestEntityTooLarge, _http)
