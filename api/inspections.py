"""Checkpoint inspections over HTTP (创文点位排查), on the /api/v1 blueprint.

- ``GET  /api/v1/checkpoints/{id}``              latest compliance per element, open rectifications,
                                                  the cameras that cover it, recent inspections
- ``POST /api/v1/checkpoints/{id}/inspections``  record an inspection (JSON, or a multipart form
                                                  with a photo of each failed element)
- ``GET  /api/v1/inspection-rounds``             rounds with their coverage (``?unit=`` code)
- ``POST /api/v1/inspection-rounds``             make a round

An inspection's body, as JSON::

    {"results": {"ads": true, "sanitation": {"passed": false, "note": "门口垃圾未清"}},
     "lon": 113.79, "lat": 34.66, "crs": "wgs84", "note": "…", "external_id": "…", "at": "…"}

or as a form (what /m and /work send): ``el_<code>`` = 1 (达标) or 0 (不达标), ``note_<code>``,
``photo_<code>`` (a file), ``note``, ``lon``, ``lat``. The forms must send a photo of every failed
element; an integration's key need not. Who may record: an API key with the right
``inspections``, or a signed-in inspecting user (grid worker, verifier, dispatcher, admin) with
the page's form token, for a checkpoint inside their area.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import flask
import psycopg2

from access.gate import INSPECTION_PHOTOS
from access.principal import current
from api import auth, convert
from api.errors import ApiError, invalid_fields
from api.v1 import bp
from geodata import units
from geodata.cases import lifecycle, photos
from geodata.cases.detail import parse_id
from geodata.db import SCOPE, get_db
from geodata.inspections import history, record, rounds
from geodata.storage import StoreError

INSPECTOR_ROLES = record.INSPECTOR_ROLES
ROUND_ROLES = rounds.ROUND_ROLES
MAX_PHOTOS = INSPECTION_PHOTOS  # one photo per failed element; no checkpoint type has more elements


def _checkpoint_id(raw: str) -> int:
    found = parse_id(raw)
    if found is None:
        raise ApiError(404, "not_found", f"no checkpoint {raw!r}: checkpoint ids are positive integers")
    return found


def _key_may(right: str) -> None:
    """403 unless the request's API key has ``right`` (a signed-in user is checked by role)."""
    if flask.request.headers.get(auth.HEADER) and right not in auth.header_key().rights:
        raise ApiError(403, "forbidden", f"this key may not do this: it needs the right {right!r}")


def _place(lon: Any, lat: Any, crs: Any) -> tuple[float | None, float | None]:
    if lon in (None, "") and lat in (None, ""):
        return None, None
    try:
        x, y = float(lon), float(lat)
    except (TypeError, ValueError):
        raise invalid_fields(
            {"place": "lon and lat must be numbers (WGS84 degrees unless crs says otherwise)"}
        ) from None
    try:
        return convert.to_wgs84(x, y, crs or "wgs84")
    except (ValueError, KeyError):
        raise invalid_fields({"crs": "one of wgs84, gcj02, bd09"}) from None


def _verdict(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("1", "pass", "passed", "true", "达标"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("0", "fail", "failed", "false", "不达标"):
        return False
    return None


def _json_results(raw: Any) -> dict[str, record.Observation]:
    items: list[tuple[str, Any]]
    if isinstance(raw, dict):
        items = list(raw.items())
    elif isinstance(raw, list) and all(isinstance(r, dict) for r in raw):
        items = [(str(r.get("element", "")), r) for r in raw]
    else:
        raise invalid_fields({"results": 'an object {"<element code>": true|false|{"passed": …, "note": …}}'})
    out: dict[str, record.Observation] = {}
    problems: dict[str, str] = {}
    for code, value in items:
        passed = _verdict(value.get("passed") if isinstance(value, dict) else value)
        note = value.get("note") if isinstance(value, dict) else None
        if passed is None:
            problems[f"element.{code}"] = "passed must be true or false"
        elif note is not None and not isinstance(note, str):
            problems[f"element.{code}"] = "note must be text"
        else:
            out[code] = record.Observation(passed=passed, note=(note or "").strip() or None)
    if problems:
        raise invalid_fields(problems)
    return out


def _form_results(form, files) -> dict[str, record.Observation]:
    out: dict[str, record.Observation] = {}
    problems: dict[str, str] = {}
    sent = [name for name in files if name.startswith("photo_") and files[name].filename]
    if len(sent) > MAX_PHOTOS:
        raise invalid_fields({"photos": f"at most {MAX_PHOTOS} photos, one per failed element"})
    for name, value in form.items():
        if not name.startswith("el_"):
            continue
        code = name[3:]
        passed = _verdict(value)
        if passed is None:
            problems[f"element.{code}"] = "choose 达标 (1) or 不达标 (0)"
            continue
        photo = None
        upload = files.get(f"photo_{code}")
        data = upload.stream.read() if upload is not None and upload.filename else b""
        if data and not passed:
            try:
                photo = photos.check(data)
            except photos.PhotoError as exc:
                raise ApiError(422, "invalid_photo", f"{code}: {exc}", reason=exc.code, element=code) from None
        note = form.get(f"note_{code}", "").strip() or None
        out[code] = record.Observation(passed=passed, note=note, photo=photo)
    if problems:
        raise invalid_fields(problems)
    return out


def parse(actor: str, photos_required: bool) -> record.Inspection:
    """The inspection the request sends (JSON or a form), or 400 naming what is wrong."""
    request = flask.request
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "the body must be a JSON object with 'results'")
        results = _json_results(body.get("results"))
        lon, lat = _place(body.get("lon"), body.get("lat"), body.get("crs"))
        at = body.get("at")
        if at is not None:
            at = lifecycle.aware_time(at)
            if at is None or at > datetime.now(at.tzinfo):
                raise invalid_fields({"at": "a past time with its zone (ISO 8601, e.g. 2026-12-06T10:00:00+08:00)"})
        note, external_id = body.get("note"), body.get("external_id")
        if not (note is None or isinstance(note, str)) or not (
            external_id is None or (isinstance(external_id, str) and 1 <= len(external_id) <= 100)
        ):
            raise invalid_fields({"note": "text", "external_id": "text of 1 to 100 characters"})
    elif request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        results = _form_results(request.form, request.files)
        lon, lat = _place(request.form.get("lon"), request.form.get("lat"), request.form.get("crs"))
        at, external_id = None, request.form.get("key") or None
        note = request.form.get("note", "").strip() or None
    else:
        raise ApiError(415, "unsupported_media_type", "send JSON, or a multipart form with a photo per failed element")
    return record.Inspection(
        actor=actor,
        results=results,
        lon=lon,
        lat=lat,
        note=note,
        at=at,
        external_id=external_id,
        photos_required=photos_required,
        ip=request.remote_addr,
    )


def save(checkpoint_id: int, inspection: record.Inspection) -> tuple[dict[str, Any], bool]:
    """Record it; (the answer, whether it is new). A repeated external id (or form key) answers
    with the inspection already recorded under it.

    The checkpoint must be visible in the writer's scope; the inspection is then written in the
    territory's, as a 随手拍 report is (routes/mobile.py): the rectification case it opens is one
    statement with its first event, which a narrower scope's policy cannot see yet."""
    db = get_db()
    with db.transaction() as cur:
        if history.view(cur, checkpoint_id, limit=1) is None:
            raise record.CheckpointNotFoundError(f"no checkpoint {checkpoint_id}")
    token = SCOPE.set(("all", 0))
    try:
        with db.transaction() as cur:
            if inspection.external_id and (done := history.by_external_id(cur, checkpoint_id, inspection.external_id)):
                return done, False
            return record.record(cur, checkpoint_id, inspection), True
    except psycopg2.IntegrityError:
        with db.transaction() as cur:  # the same key sent twice at once: the other one was recorded
            done = history.by_external_id(cur, checkpoint_id, inspection.external_id or "")
        if done is None:
            raise
        return done, False
    finally:
        SCOPE.reset(token)


def _answer_errors(exc: Exception) -> ApiError:
    if isinstance(exc, record.CheckpointNotFoundError):
        return ApiError(404, "not_found", str(exc))
    if isinstance(exc, record.InspectionError):
        return invalid_fields(exc.errors)
    if isinstance(exc, StoreError):
        return ApiError(503, "unavailable", "the photo store is unavailable; send the inspection again shortly")
    return ApiError(409, "conflict", str(exc))


@bp.post("/checkpoints/<raw_id>/inspections")
def inspect(raw_id: str) -> flask.Response:
    """Record an inspection: 201 with its summary (200 for a repeat of the same external id)."""
    checkpoint_id = _checkpoint_id(raw_id)
    actor = auth.writer(INSPECTOR_ROLES)
    _key_may("inspections")
    who = current()
    inspection = parse(actor, photos_required=who is not None and who.kind == "user")
    try:
        answer, new = save(checkpoint_id, inspection)
    except (record.CheckpointNotFoundError, record.InspectionError, StoreError, lifecycle.TransitionError) as exc:
        raise _answer_errors(exc) from None
    response = flask.jsonify(_jsonable(answer))
    response.status_code = 201 if new else 200
    response.headers["Location"] = f"/api/v1/checkpoints/{checkpoint_id}"
    return response


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


@bp.get("/checkpoints/<raw_id>")
def checkpoint(raw_id: str) -> flask.Response:
    """The checkpoint's latest compliance, element by element, and what is open on it."""
    checkpoint_id = _checkpoint_id(raw_id)
    limit = flask.request.args.get("history", "12")
    limit = int(limit) if limit.isdigit() and 0 < int(limit) <= 200 else 12
    with get_db().transaction() as cur:
        found = history.view(cur, checkpoint_id, limit)
    if found is None:
        raise ApiError(404, "not_found", f"no checkpoint {checkpoint_id}")
    return flask.jsonify(_jsonable(found))


@bp.get("/inspection-rounds")
def round_list() -> flask.Response:
    """The rounds with checkpoints inside ``?unit=`` (default: the reader's area or the territory)."""
    db = get_db()
    who = current()
    area = who.area if who is not None and who.kind == "user" else None
    code = flask.request.args.get("unit")
    unit = units.by_code(db, code) if code else (area or units.top(db))
    if unit is None or (area is not None and not units.within(unit, area)):
        raise invalid_fields({"unit": f"no unit with code {code!r}"})
    return flask.jsonify(_jsonable(rounds.listed(db, unit)))


@bp.post("/inspection-rounds")
def round_create() -> flask.Response:
    """Make a round: {name, starts_on, ends_on, type?, unit?}; 201 with its id and due count."""
    actor = auth.writer(ROUND_ROLES)
    _key_may("inspections")
    body = flask.request.get_json(silent=True) if flask.request.is_json else None
    if not isinstance(body, dict):
        raise ApiError(415, "unsupported_media_type", "send the round as a JSON object")
    who = current()
    area = who.area if who is not None and who.kind == "user" else None
    unit_code = body.get("unit") or (area.code if area is not None else None)
    if area is not None and not units.within(units.by_code(get_db(), unit_code), area):
        raise invalid_fields({"unit": f"no unit with code {unit_code!r} in your area"})
    try:
        made = rounds.create(
            get_db(),
            str(body.get("name") or ""),
            body.get("starts_on"),
            body.get("ends_on"),
            actor,
            type_code=body.get("type"),
            unit_code=unit_code,
            ip=flask.request.remote_addr,
        )
    except rounds.RoundError as exc:
        raise invalid_fields(exc.errors) from None
    response = flask.jsonify(made)
    response.status_code = 201
    return response
