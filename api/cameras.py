"""The camera status feed over HTTP: ``POST /api/v1/cameras/status`` takes a batch of device
statuses from a video platform (GB/T 28181, a VMS) and answers what became of each
(geodata/cameras/status.py).

Who may send one: an API key with the right ``devices`` (gridops apikeys create … --right devices),
or a signed-in administrator with the page's form token (``X-CSRF-Token`` header).
The body is a JSON array of ``{"code", "status", "at"}``, or ``{"items": [...]}``, of at most
GRIDOPS_CAMERA_BATCH_MAX statuses.
"""

from __future__ import annotations

import flask

from access.principal import current
from api import auth
from api.errors import ApiError
from api.models import CameraStatusSummary
from api.v1 import bp
from geodata.cameras import status
from geodata.db import get_db

RIGHT = "devices"
REPORTER_ROLES = ("admin",)


def _reporter() -> str:
    """Who reports: a key with the right ``devices``, or a signed-in administrator; 401/403 saying
    what is missing."""
    who = current()
    presented = flask.request.headers.get(auth.HEADER)
    if presented or who is None or who.kind != "user":
        key = auth.require_key(presented)
        if RIGHT not in key.rights:
            raise ApiError(
                403,
                "forbidden",
                f"this key may not report camera statuses: it needs the right '{RIGHT}' "
                f"(gridops apikeys create … --right {RIGHT})",
            )
        return key.name
    return auth.writer(REPORTER_ROLES)


def _items() -> list:
    """The batch in the body: a JSON array, or an object whose ``items`` is one."""
    if not flask.request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON (Content-Type: application/json)")
    body = flask.request.get_json(silent=True)  # parsed once already, by the gate's look for NUL characters
    if body is None:
        raise ApiError(400, "invalid_json", "the body is not valid JSON")
    if isinstance(body, dict) and "items" in body:
        body = body["items"]
    if not isinstance(body, list):
        raise ApiError(
            400,
            "invalid_json",
            'the body must be a JSON array of statuses {"code", "status", "at"}, or an object {"items": [...]}',
        )
    return body


@bp.post("/cameras/status")
def camera_status() -> flask.Response:
    """Take in a batch of camera statuses: 200 with the counts and a problem per refused or ignored
    status; 413 past the batch limit."""
    _reporter()
    items = _items()
    try:
        summary = status.take(get_db(), items)
    except status.BatchTooLargeError as exc:
        raise ApiError(
            413,
            "too_many_items",
            f"at most {exc.limit} statuses per call; this one has {exc.size}: send them in smaller batches",
            limit=exc.limit,
        ) from None
    return flask.Response(CameraStatusSummary(**summary).model_dump_json(), mimetype="application/json")
