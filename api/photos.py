"""Case photos over HTTP: ``POST /api/v1/cases/{id}/photos`` (multipart ``file`` and ``stage``),
the list, and each photo and its thumbnail, served through the gate with the case's scope.

Who may send one: an API key that may move the case (as for transitions), or a signed-in working
user who sees the case, with the page's form token (``X-CSRF-Token`` header or ``csrf`` field).
Wall displays and analysts only look.
"""

from __future__ import annotations

import flask

from access.principal import current
from api.errors import ApiError, invalid_fields
from api.v1 import _case_id, _check_key_may_move, auth, bp
from geodata.cases import lifecycle, photos, work
from geodata.cases import search as case_search
from geodata.db import get_db
from geodata.storage import StoreError
from geodata.storage import photos as photo_store

UPLOADER_ROLES = (
    *("admin", "dispatcher", "department", "gridworker", "verifier"),
    *("city", "district", "street", "community"),
)


def _visible(cur, case_id: int) -> None:
    """404 unless the reader may see the case (row-level security hides it from other scopes)."""
    who = current()
    area = who.area if who is not None and who.kind == "user" else None
    if (work.case_in_area(cur, case_id, area) if area is not None else case_search.one(cur, case_id)) is None:
        raise ApiError(404, "not_found", f"no case {case_id}")


def described(row: dict) -> dict:
    """A photo as the API shows it."""
    hint = None
    if row.get("hint_lon") is not None:
        hint = {"lon": row["hint_lon"], "lat": row["hint_lat"], "note": "from the photo's EXIF; a hint only"}
    return {
        "id": row["id"],
        "case_id": row["case_id"],
        "stage": row["stage"],
        "url": photos.url(row["case_id"], row["id"]),
        "thumb_url": photos.url(row["case_id"], row["id"], thumb=True),
        "content_type": row["content_type"],
        "width": row["width"],
        "height": row["height"],
        "bytes": row["bytes"],
        "uploaded_by": row.get("uploaded_by_name") or row["uploaded_by"],
        "uploaded_at": row["uploaded_at"].isoformat(),
        "taken_at": row["taken_at"].isoformat() if row.get("taken_at") else None,
        "place_hint": hint,
    }


def take(case_id: int, stage: str, data: bytes, actor: str) -> dict:
    """Check and keep one photo of a case the caller sees; the API's answer for it."""
    checked = photos.check(data)
    with get_db().transaction() as cur:
        _visible(cur, case_id)
        row = photos.save(cur, case_id, stage, checked, actor, flask.request.remote_addr)
    return described(row)


@bp.post("/cases/<raw_id>/photos")
def upload(raw_id: str) -> flask.Response:
    """Add a photo to a case: 201 with the photo, 422 naming why the file was refused."""
    case_id = _case_id(raw_id)
    actor = auth.writer(UPLOADER_ROLES)
    stage = flask.request.form.get("stage", "")
    upload = flask.request.files.get("file")
    problems = {}
    if stage not in photos.STAGES:
        problems["stage"] = f"one of {', '.join(photos.STAGES)}"
    if upload is None:
        problems["file"] = "send the photo as the multipart field 'file'"
    if problems:
        raise invalid_fields(problems)
    if flask.request.headers.get(auth.HEADER):
        try:
            with get_db().transaction() as cur:
                _check_key_may_move(cur, auth.header_key(), case_id)
        except lifecycle.CaseNotFoundError:
            raise ApiError(404, "not_found", f"no case {case_id}") from None
    try:
        answer = take(case_id, stage, upload.stream.read(), actor)
    except photos.PhotoError as exc:
        raise ApiError(422, "invalid_photo", str(exc), reason=exc.code) from None
    except StoreError as exc:
        flask.current_app.logger.error("photo store: %s", exc)
        raise ApiError(503, "unavailable", "the photo store is unavailable; send the photo again shortly") from None
    response = flask.jsonify(answer)
    response.status_code = 201
    response.headers["Location"] = answer["url"]
    return response


@bp.get("/cases/<raw_id>/photos")
def listing(raw_id: str) -> flask.Response:
    """The case's photos, oldest first."""
    case_id = _case_id(raw_id)
    with get_db().transaction() as cur:
        _visible(cur, case_id)
        return flask.jsonify([described(r) for r in photos.of_case(cur, case_id)])


@bp.get("/cases/<raw_id>/photos/<raw_photo>")
def image(raw_id: str, raw_photo: str) -> flask.Response:
    """The photo's bytes (``?size=thumb``: its 320-px thumbnail)."""
    case_id = _case_id(raw_id)
    photo_id = int(raw_photo) if raw_photo.isdigit() and len(raw_photo) < 19 else 0
    with get_db().transaction() as cur:
        _visible(cur, case_id)
        row = photos.one(cur, case_id, photo_id)
    if row is None:
        raise ApiError(404, "not_found", f"case {case_id} has no photo {raw_photo!r}")
    thumb = flask.request.args.get("size") == "thumb"
    try:
        data = photo_store().get(row["thumb_key"] if thumb else row["store_key"])
    except StoreError as exc:
        flask.current_app.logger.error("photo store: %s", exc)
        raise ApiError(503, "unavailable", "the photo store is unavailable; retry shortly") from None
    if data is None:
        raise ApiError(404, "not_found", f"the file of photo {photo_id} is missing from the photo store")
    response = flask.Response(data, mimetype="image/jpeg" if thumb else row["content_type"])
    response.headers["Cache-Control"] = "private, max-age=86400"  # a photo never changes under its id
    response.headers["Content-Disposition"] = "inline"
    return response
