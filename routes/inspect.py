"""/m/inspect: 创文点位排查 on the phone, server-rendered like the rest of /m.

- ``/m/inspect``               the checkpoints due in the running rounds inside my area, nearest
                               first once the browser's place is known (assets/mobile/m.js)
- ``/m/inspect/<id>``          the form: 达标 / 不达标 per element, a photo of each failure, a note;
                               the inspector's place is sent along
- ``/m/checkpoint/<id>``       the checkpoint: compliance per element, its rectifications, its history

A form carries a key made when it was drawn: sent twice on a flaky connection, it records one
inspection. The inspection goes through the same code as the API's (api/inspections.py).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import flask

from access import csrf
from api import inspections as api
from api.errors import ApiError
from geodata import units
from geodata.cases.detail import parse_id
from geodata.db import get_db
from geodata.inspections import history, record, rounds
from geodata.storage import StoreError
from i18n import lang_query, named, pick, t
from routes.mobile import _page, _who

KEY = re.compile(r"^i-[0-9a-f]{32}$")


def _place(args) -> tuple[float | None, float | None]:
    try:
        lon, lat = float(args.get("lon", "")), float(args.get("lat", ""))
    except ValueError:
        return None, None
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else (None, None)


def _refuse(lang: str, status: int = 404) -> flask.Response:
    return flask.Response(t("m.inspect.error.not_yours", lang), status=status, mimetype="text/plain; charset=utf-8")


def due_list() -> flask.Response:
    """GET /m/inspect: the checkpoints due inside my area."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    if who is None or who.role not in api.INSPECTOR_ROLES:
        return _refuse(lang, 403)
    lon, lat = _place(flask.request.args)
    db = get_db()
    rows = rounds.due(db, who.area or units.top(db), lon, lat)
    return _page("m_inspect_list.html", lang, rows=rows, located=lon is not None, lon=lon, lat=lat)


def _view(checkpoint_id: int) -> dict[str, Any] | None:
    with get_db().transaction() as cur:
        return history.view(cur, checkpoint_id, limit=12)


def form(raw_id: str) -> flask.Response:
    """GET /m/inspect/<id>: the inspection form of one checkpoint."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    checkpoint_id = parse_id(raw_id)
    point = _view(checkpoint_id) if who is not None and checkpoint_id is not None else None
    if point is None or who.role not in api.INSPECTOR_ROLES:
        return _refuse(lang)
    return _form(lang, point, {}, None)


def _form(lang: str, point: dict, sent, error: str | None, status: int = 200) -> flask.Response:
    key = sent.get("key", "")
    return _page(
        "m_inspect.html",
        lang,
        status,
        point=point,
        sent=sent,
        error=error,
        key=key if KEY.match(key) else f"i-{uuid.uuid4().hex}",
    )


def _message(exc: Exception, point: dict, lang: str) -> str:
    """What went wrong, in the inspector's words."""
    names = {e["code"]: named(e, "name", lang) for e in point["elements"]}
    if isinstance(exc, ApiError) and exc.details.get("reason"):
        return t(f"photo.error.{exc.details['reason']}", lang)
    errors = exc.errors if isinstance(exc, record.InspectionError) else exc.details.get("fields", {})
    for field, text in errors.items():
        if field.startswith("element.") and "photo" in text:
            return t("m.inspect.error.photo", lang, element=names.get(field[8:], field[8:]))
    if any(f == "results" or f.startswith("element.") for f in errors):
        return t("m.inspect.error.choose", lang)
    return t("m.inspect.error.other", lang, detail=str(exc))


def submit(raw_id: str) -> flask.Response:
    """POST /m/inspect/<id>: record the inspection; the checkpoint with what happened, or the form
    again with what to fix."""
    sent = flask.request.form
    lang = pick(sent.get("lang"))
    who = _who()
    checkpoint_id = parse_id(raw_id)
    point = _view(checkpoint_id) if who is not None and checkpoint_id is not None else None
    if point is None or who.role not in api.INSPECTOR_ROLES:
        return _refuse(lang)
    if not csrf.ok(sent):
        return _form(lang, point, sent, t("m.error.expired", lang), 400)
    try:
        answer, _ = api.save(checkpoint_id, api.parse(who.name, photos_required=True))
    except (ApiError, record.InspectionError) as exc:
        status = exc.status if isinstance(exc, ApiError) else 400
        return _form(lang, point, sent, _message(exc, point, lang), status)
    except StoreError:
        return _form(lang, point, sent, t("m.error.store", lang), 503)
    except record.CheckpointNotFoundError:
        return _refuse(lang)
    return flask.redirect(f"/m/checkpoint/{checkpoint_id}?done={answer['id']}" + lang_query(lang, "&"), code=303)


def checkpoint(raw_id: str) -> flask.Response:
    """GET /m/checkpoint/<id>: the checkpoint's compliance, rectifications and history."""
    lang = pick(flask.request.args.get("lang"))
    who = _who()
    checkpoint_id = parse_id(raw_id)
    point = _view(checkpoint_id) if who is not None and checkpoint_id is not None else None
    if point is None:
        return _refuse(lang)
    done = parse_id(flask.request.args.get("done", ""))
    shown = None
    if done is not None:
        with get_db().transaction() as cur:
            shown = history.summary(cur, checkpoint_id, done)
    return _page(
        "m_checkpoint.html",
        lang,
        point=point,
        done=shown,
        may_inspect=who.role in api.INSPECTOR_ROLES,
        far_m=None if shown is None or shown["distance_m"] is None else round(shown["distance_m"]),
    )


def register(server: flask.Flask) -> None:
    """Attach the routes."""
    server.add_url_rule("/m/inspect", "m_inspect_list", due_list)
    server.add_url_rule("/m/inspect/<raw_id>", "m_inspect_form", form)
    server.add_url_rule("/m/inspect/<raw_id>", "m_inspect", submit, methods=["POST"])
    server.add_url_rule("/m/checkpoint/<raw_id>", "m_checkpoint", checkpoint)
