"""The REST JSON API under /api/v1: take in cases, move them through the case loop, read and
search them. Reads are open; writes need an API key (X-API-Key). The contract is
/api/v1/openapi.json, built from the same models that validate the requests."""

from __future__ import annotations

from typing import TypeVar

import flask
from pydantic import BaseModel, ValidationError

from access.principal import reader_scope, sees_case
from api import auth, convert, errors, openapi
from api.errors import ApiError, invalid_fields
from api.models import CaseCreate, CaseCreated, CaseDetail, CaseList, CaseQuery, Category, TransitionCreate
from api.takein import take_in
from geodata import units
from geodata.accounts import audit
from geodata.cases import catalogue, intake, lifecycle, rating
from geodata.cases import search as case_search
from geodata.cases.detail import events, parse_id
from geodata.db import get_db
from geodata.queries import sql_text
from settings import get_settings

bp = flask.Blueprint("api_v1", __name__, url_prefix="/api/v1")
errors.register(bp)
M = TypeVar("M", bound=BaseModel)


def parse_body(model: type[M]) -> M:
    """The JSON body as ``model``, or 400 naming what is wrong."""
    if not flask.request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the body as JSON (Content-Type: application/json)")
    try:
        return model.model_validate_json(flask.request.get_data())  # JSON types as sent, no coercion
    except ValidationError as exc:
        body = flask.request.get_json(silent=True)  # parsed again only to say what is wrong
        if body is None:
            raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "the body must be a JSON object") from None
        raise invalid_fields(errors.fields_of(exc)) from None


def _json(model: BaseModel, status: int = 200) -> flask.Response:
    return flask.Response(model.model_dump_json(), status=status, mimetype="application/json")


def _case_id(raw: str) -> int:
    case_id = parse_id(raw)
    if case_id is None:
        raise ApiError(404, "not_found", f"no case {raw!r}: case ids are positive integers")
    return case_id


def _detail(cur, case_id: int) -> CaseDetail:
    """The case, its timeline and its next actions, read inside the caller's transaction (a case
    outside a signed-in reader's area reads as missing)."""
    row = case_search.one(cur, case_id)
    if row is None or not sees_case(row, reader_scope()):
        raise ApiError(404, "not_found", f"no case {case_id}")
    return convert.detail(row, events(cur, case_id), lifecycle.allowed_actions(cur, lifecycle.state(cur, case_id)))


@bp.get("/openapi.json")
def spec() -> flask.Response:
    """The OpenAPI document of this API."""
    return flask.jsonify(openapi.document())


@bp.get("/categories")
def categories() -> flask.Response:
    """Case categories with their SLA hours."""
    cats = catalogue.get(get_db()).categories.values()
    body = [Category(**{k: getattr(c, k) for k in Category.model_fields}).model_dump() for c in cats]
    return flask.jsonify(body)


@bp.post("/cases")
def create_case() -> flask.Response:
    """Take in a case; a repeated (source, external_id) returns the existing case with 200."""
    key = auth.header_key()
    body = parse_body(CaseCreate)
    lon, lat = convert.to_wgs84(body.lon, body.lat, body.crs)
    new = intake.NewCase(
        source=auth.source_for(key, body.source),
        external_id=body.external_id,
        category=body.category,
        lon=lon,
        lat=lat,
        actor=key.name,
        description=body.description,
        address=body.address,
        reported_at=body.reported_at,
        handled_online=body.handled_online,
    )
    case_id, row = take_in(new)
    db = get_db()
    if row is not None:  # new: the insert returned everything the answer needs
        event = row.pop("event")
        case = convert.detail(row, [event], catalogue.get(db).actions.get("reported", []))
    else:  # a repeat: read the existing case as it stands
        with db.transaction() as cur:
            case = _detail(cur, case_id)
    response = _json(CaseCreated(created=row is not None, case=case), 201 if row is not None else 200)
    response.headers["Location"] = f"/api/v1/cases/{case_id}"
    return response


def _unit_in_scope(code: str | None) -> str | None:
    """A signed-in reader searches inside their own area: no unit means theirs, and a unit outside
    it reads as unknown."""
    scope = reader_scope()
    if scope is None:
        return code
    if code is None:
        return scope.code
    if not units.within(units.by_code(get_db(), code), scope):
        raise invalid_fields({"unit": f"no unit with code {code!r}"})
    return code


@bp.get("/cases")
def list_cases() -> flask.Response:
    """Cases newest first, filtered, a page at a time."""
    try:
        q = CaseQuery.model_validate(flask.request.args.to_dict())
    except ValidationError as exc:
        raise invalid_fields(errors.fields_of(exc)) from None
    f = case_search.CaseFilter(
        unit=_unit_in_scope(q.unit),
        status=tuple(q.status.split(",")) if q.status else (),
        category=q.category,
        source=q.source,
        external_id=q.external_id,
        since=q.since,
        until=q.until,
        open=q.open,
        overdue=q.overdue,
        before=q.before,
        limit=q.limit + 1,
    )
    try:
        rows = case_search.search(get_db(), f)
    except lifecycle.FieldError as exc:
        raise invalid_fields(exc.errors) from None
    page = rows[: q.limit]
    more = len(rows) > q.limit
    return _json(CaseList(items=[convert.case(r) for r in page], next_before=page[-1]["id"] if more else None))


@bp.get("/cases/<raw_id>")
def get_case(raw_id: str) -> flask.Response:
    """One case with its timeline and the actions allowed next."""
    case_id = _case_id(raw_id)
    with get_db().transaction() as cur:
        return _json(_detail(cur, case_id))


def _check_key_may_move(cur, key, case_id: int) -> None:
    """403 unless the key was made for the case's source or holds the right ``transitions``."""
    cur.execute(sql_text("case_source"), {"id": case_id})
    row = cur.fetchone()
    if row is None:
        raise lifecycle.CaseNotFoundError(f"no case {case_id}")
    if not key.may_move(row[0]):
        raise ApiError(
            403,
            "forbidden",
            f"this key moves cases of {', '.join(key.sources)} only, and case {case_id} "
            f"came from {row[0]!r}; ask for a key with the right 'transitions'",
        )


@bp.post("/cases/<raw_id>/transitions")
def transition(raw_id: str) -> flask.Response:
    """Apply one step of the case loop; 409 with the allowed actions when it does not fit."""
    key = auth.header_key()
    case_id = _case_id(raw_id)
    body = parse_body(TransitionCreate)
    fields = body.model_dump(exclude={"action", "actor"}, exclude_none=True)
    try:
        with get_db().transaction() as cur:
            _check_key_may_move(cur, key, case_id)
            moved = lifecycle.apply(cur, case_id, body.action, key.name, claimed_actor=body.actor, **fields)
            audit.record(
                cur,
                f"key:{key.prefix}",
                "case_transition",
                flask.request.remote_addr,
                case=case_id,
                step=body.action,
                status=moved["status"],
                by=key.name,
                claimed=body.actor,
            )
            answer = _detail(cur, case_id)
    except lifecycle.CaseNotFoundError:
        raise ApiError(404, "not_found", f"no case {case_id}") from None
    except lifecycle.TransitionError as exc:
        raise ApiError(
            409, "invalid_transition", str(exc), current_status=exc.current, allowed_actions=exc.allowed
        ) from None
    except lifecycle.FieldError as exc:
        raise invalid_fields(exc.errors) from None
    return _json(answer)


RATING_LINK_ROLES = ("admin", "dispatcher")


@bp.post("/cases/<raw_id>/rating-link")
def rating_link(raw_id: str) -> flask.Response:
    """A one-time link the citizen rates the case with (群众评单), for a hotline or an SMS gateway to
    send: 201 with its address; 409 while the case is not resolved and checked."""
    actor = auth.writer(RATING_LINK_ROLES)
    case_id = _case_id(raw_id)
    settings = get_settings()
    try:
        with get_db().transaction() as cur:
            _detail(cur, case_id)  # 404 for a case outside a signed-in dispatcher's area
            token, expires = rating.issue(cur, case_id, actor, settings.rating_link_days)
            audit.record(cur, actor, "rating_link", flask.request.remote_addr, case=case_id)
    except lifecycle.CaseNotFoundError:
        raise ApiError(404, "not_found", f"no case {case_id}") from None
    except rating.RatingError as exc:
        raise ApiError(409, "not_ready", str(exc)) from None
    base = (settings.public_url or flask.request.host_url).rstrip("/")
    return flask.make_response(
        flask.jsonify(case_id=case_id, url=f"{base}/rate/{token}", expires_at=expires.isoformat()), 201
    )
