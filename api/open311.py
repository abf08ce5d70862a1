"""Open311 GeoReport v2 under /open311/v2 (JSON only): services, service definitions, and
service requests to read and to post. Our statuses map to open/closed; the detail of where a
case stands goes into ``status_notes``. Leaf case categories are the services."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import flask
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from access.principal import reader_scope, sees_case
from api import auth, errors
from api.errors import ApiError
from api.models import sane_time
from api.takein import take_in
from geodata.cases import catalogue, intake, photos
from geodata.cases import search as case_search
from geodata.cases.detail import parse_id
from geodata.db import get_db
from settings import get_settings

bp = flask.Blueprint("open311_v2", __name__, url_prefix="/open311/v2")
errors.register(bp)
WINDOW = timedelta(days=90)  # the spec's default and widest search window
MAX_RESULTS = 1000


class RequestPost(BaseModel):
    """POST requests.json, form-encoded as the spec has it (JSON bodies are taken too)."""

    model_config = ConfigDict(extra="ignore")  # first_name, email, device_id … are accepted and not stored
    api_key: str | None = None
    service_code: str = Field(pattern=r"^[0-9A-Za-z_-]{1,16}$")
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    address_string: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, max_length=4000)
    # Extensions: the sender's own id makes a repeated post idempotent; source picks the key's source.
    external_id: str | None = Field(default=None, pattern=r"^[!-~]{1,64}$")
    source: str | None = Field(default=None, pattern=r"^[a-z_]{1,32}$")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _status_notes(row: dict[str, Any]) -> str:
    notes = [row["status_name"]]
    if row["department"]:
        notes.append(f"承办：{row['department']}")
    if row["reply"]:
        notes.append(row["reply"])
    if row["overdue"]:
        notes.append("已超期")
    return " · ".join(notes)


def service_request(row: dict[str, Any]) -> dict[str, Any]:
    """A case as an Open311 request."""
    steps = [row[k] for k in ("reported_at", "dispatched_at", "accepted_at", "resolved_at", "rated_at", "closed_at")]
    return {
        "service_request_id": str(row["id"]),
        "status": "open" if row["is_open"] else "closed",
        "status_notes": _status_notes(row),
        "service_name": row["category"],
        "service_code": row["category_code"],
        "description": row["description"],
        "agency_responsible": row["department"],
        "service_notice": None,
        "requested_datetime": _iso(row["reported_at"]),
        "updated_datetime": _iso(max(s for s in steps if s is not None)),
        "expected_datetime": _iso(row["deadline_at"]),
        "address": row["address"],
        "address_id": None,
        "zipcode": None,
        "lat": row["lat"],
        "long": row["lon"],
        "media_url": _media_url(row),
    }


def _media_url(row: dict[str, Any]) -> str | None:
    """The case's first photo, as an absolute address (served with the reader's scope)."""
    if row.get("first_photo_id") is None:
        return None
    base = (get_settings().public_url or flask.request.host_url).rstrip("/")
    return base + photos.url(row["id"], row["first_photo_id"])


@bp.get("/services.json")
def services() -> flask.Response:
    """Every leaf category as a service."""
    cat = catalogue.get(get_db())
    out = []
    for c in cat.categories.values():
        if not c.leaf:
            continue
        group = cat.categories.get(c.parent_code)
        by = f"，{c.department}" if c.department else ""
        out.append(
            {
                "service_code": c.code,
                "service_name": c.name,
                "description": f"{c.name}（{c.name_en}）：{c.sla_hours} 小时内办结{by}",
                "metadata": False,
                "type": "realtime",
                "keywords": c.name_en,
                "group": group.name if group else None,
            }
        )
    return flask.jsonify(out)


@bp.get("/services/<code>.json")
def service_definition(code: str) -> flask.Response:
    """A service's definition: none of ours asks for extra attributes."""
    c = catalogue.get(get_db()).categories.get(code)
    if c is None or not c.leaf:
        raise ApiError(404, "not_found", f"no service {code!r}; see services.json")
    return flask.jsonify({"service_code": c.code, "attributes": []})


def _dates(args: dict[str, str]) -> tuple[datetime, datetime]:
    try:
        start = sane_time(datetime.fromisoformat(args["start_date"])) if args.get("start_date") else None
        end = sane_time(datetime.fromisoformat(args["end_date"])) if args.get("end_date") else None
    except ValueError as exc:
        raise ApiError(400, "invalid_fields", f"start_date and end_date must be ISO 8601 date-times ({exc})") from None
    if any(d is not None and d.tzinfo is None for d in (start, end)):
        raise ApiError(400, "invalid_fields", "start_date and end_date need a time zone, e.g. 2026-11-01T00:00+08:00")
    end = end or (start + WINDOW if start else datetime.now(UTC))
    start = start or end - WINDOW
    if not start < end or end - start > WINDOW:
        raise ApiError(400, "invalid_fields", "start_date must come before end_date, at most 90 days apart")
    return start, end


@bp.get("/requests.json")
def requests_() -> flask.Response:
    """Requests by id list, or by service, status and date window (newest first, at most 1000)."""
    args = flask.request.args.to_dict()
    db = get_db()
    if args.get("service_request_id"):
        ids = [parse_id(p.strip()) for p in args["service_request_id"].split(",")]
        if None in ids or len(ids) > MAX_RESULTS:
            raise ApiError(400, "invalid_fields", "service_request_id: comma-separated case ids (at most 1000)")
        rows = case_search.search(db, case_search.CaseFilter(ids=tuple(ids), limit=MAX_RESULTS))
        return flask.jsonify([service_request(r) for r in rows if sees_case(r, reader_scope())])
    start, end = _dates(args)
    wanted = {s.strip() for s in args.get("status", "").split(",") if s.strip()}
    if not wanted <= {"open", "closed"}:
        raise ApiError(400, "invalid_fields", "status: open, closed or both (comma separated)")
    code = args.get("service_code")
    if code is not None and code not in catalogue.get(db).categories:
        raise ApiError(400, "invalid_fields", f"service_code: no service {code!r}; see services.json")
    scope = reader_scope()
    f = case_search.CaseFilter(
        category=code,
        since=start,
        until=end,
        limit=MAX_RESULTS,
        unit=scope.code if scope else None,
        open=None if len(wanted) != 1 else wanted == {"open"},
    )
    return flask.jsonify([service_request(r) for r in case_search.search(db, f)])


@bp.post("/requests.json")
def post_request() -> flask.Response:
    """Take in a request; answers [{service_request_id, service_notice, account_id}]."""
    raw = flask.request.get_json(silent=True) if flask.request.is_json else flask.request.values.to_dict()
    if not isinstance(raw, dict):
        raise ApiError(400, "invalid_json", "send the request form-encoded (or as a JSON object)")
    try:
        body = RequestPost.model_validate(raw)
    except ValidationError as exc:
        raise errors.invalid_fields(errors.fields_of(exc)) from None
    key = auth.require_key(body.api_key or flask.request.headers.get(auth.HEADER))
    if body.lat is None or body.long is None:
        raise ApiError(400, "invalid_fields", "lat and long are required: this server does not geocode addresses")
    new = intake.NewCase(
        source=auth.source_for(key, body.source),
        external_id=body.external_id or f"o311-{uuid.uuid4().hex}",
        category=body.service_code,
        lon=body.long,
        lat=body.lat,
        actor=key.name,
        description=body.description,
        address=body.address_string,
    )
    case_id, _ = take_in(new, rename={"category": "service_code"})
    db = get_db()
    sla = catalogue.get(db).categories[new.category].sla_hours
    notice = f"已受理，将在 {sla} 小时内办结 (to be handled within {sla} h)"
    return flask.jsonify([{"service_request_id": str(case_id), "service_notice": notice, "account_id": None}])


@bp.get("/requests/<raw_id>.json")
def request_one(raw_id: str) -> flask.Response:
    """One request, as a one-element array (the spec's shape)."""
    case_id = parse_id(raw_id)
    with get_db().transaction() as cur:
        row = case_search.one(cur, case_id) if case_id else None
    if row is None or not sees_case(row, reader_scope()):
        raise ApiError(404, "not_found", f"no service request {raw_id!r}")
    return flask.jsonify([service_request(row)])
