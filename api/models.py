"""The shapes of the intake API's requests and answers (pydantic): they validate what comes in,
and their JSON Schemas are the OpenAPI components, so the documentation cannot drift from it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def iso_text(value: object) -> object:
    """Times come as ISO 8601 text; a number is not taken as a Unix time."""
    if value is None or isinstance(value, datetime) or (isinstance(value, str) and ISO_TIME.match(value)):
        return value
    raise ValueError("must be an ISO 8601 date-time with a zone, e.g. 2026-11-01T08:00:00+08:00")


def sane_time(value: datetime | None) -> datetime | None:
    """A real-world time: a zone offset of at most 14 hours, a year from 2000 to 2100."""
    if value is None:
        return value
    offset = value.utcoffset()
    if offset is not None and abs(offset) > timedelta(hours=14):
        raise ValueError("the zone offset lies beyond ±14:00")
    if not 2000 <= value.year <= 2100:
        raise ValueError("the year must lie between 2000 and 2100")
    return value


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error rather than silently dropped data."""

    model_config = ConfigDict(extra="forbid")


class CaseCreate(Strict):
    """A new case (民意收集) from a source system."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        json_schema_extra={
            "examples": [
                {
                    "external_id": "RX2026112200001",
                    "category": "0101",
                    "lon": 113.7801,
                    "lat": 34.7325,
                    "description": "市民来电反映：小区门口垃圾堆放",
                    "address": "经北一路与第八大街交叉口",
                }
            ]
        },
    )

    external_id: str = Field(pattern=r"^[!-~]{1,64}$", description="The sending system's own id (ASCII, ≤64).")
    category: str = Field(pattern=r"^[0-9A-Za-z_-]{1,16}$", description="Leaf category code (GET /categories).")
    lon: float = Field(ge=-180, le=180, description="Longitude in the frame named by crs.")
    lat: float = Field(ge=-90, le=90, description="Latitude in the frame named by crs.")
    crs: Literal["wgs84", "gcj02", "bd09"] = Field(
        default="wgs84", description="Frame of lon/lat: wgs84, gcj02 (AMap, Tencent) or bd09 (Baidu)."
    )
    source: str | None = Field(
        default=None, pattern=r"^[a-z_]{1,32}$", description="Case source; default: the key's only source."
    )
    description: str | None = Field(default=None, max_length=4000)
    address: str | None = Field(default=None, max_length=500)
    reported_at: AwareDatetime | None = Field(default=None, strict=False, description="When received; default: now.")
    handled_online: bool = False

    _iso = field_validator("reported_at", mode="before")(iso_text)
    _sane = field_validator("reported_at")(sane_time)


class TransitionCreate(Strict):
    """One step of the case loop (派单, 签收, 办结, 核查, 评价, 结案, 退回, 作废, 合并) or around it
    (催办 urge, 督办 supervise, 延期 request/approve/deny_extension, 挂账 park, request/approve/
    deny_park, unpark)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    action: str = Field(pattern=r"^[a-z_]{1,32}$", description="dispatch, accept, resolve, rate, close, return, …")
    actor: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Who the caller says acted (kept as claimed); the step is recorded under the key's name.",
    )
    note: str | None = Field(default=None, max_length=2000)
    department: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_-]{1,32}$", description="For dispatch.")
    reply: str | None = Field(default=None, min_length=1, max_length=2000, description="For resolve.")
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="For rate: 1 (worst) to 5.")
    merged_into: int | None = Field(default=None, ge=1, le=2**63 - 1, description="For merge: the surviving case.")
    passed: bool | None = Field(default=None, description="For verify: true (passed) or false (rework, 返工).")
    until: AwareDatetime | None = Field(
        default=None, strict=False, description="For request_extension: the deadline asked for."
    )
    due: AwareDatetime | None = Field(
        default=None, strict=False, description="For supervise: when the 督办件 must be done."
    )
    reason: str | None = Field(
        default=None, min_length=1, max_length=2000, description="For request_extension, park and request_park."
    )


class CaseQuery(Strict):
    """Filters of GET /cases; all optional."""

    unit: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,40}$", description="Unit code: cases inside it.")
    status: str | None = Field(
        default=None, pattern=r"^[a-z_]{1,32}(,[a-z_]{1,32}){0,9}$", description="Status codes, comma separated."
    )
    category: str | None = Field(default=None, pattern=r"^[0-9A-Za-z_-]{1,16}$", description="Category or group.")
    source: str | None = Field(default=None, pattern=r"^[a-z_]{1,32}$")
    external_id: str | None = Field(default=None, pattern=r"^[!-~]{1,64}$")
    since: AwareDatetime | None = Field(default=None, description="Reported at or after (ISO 8601 with zone).")
    until: AwareDatetime | None = Field(default=None, strict=False, description="Reported before.")
    open: bool | None = None
    overdue: bool | None = None
    before: int | None = Field(default=None, ge=1, le=2**63 - 1, description="Paging: ids below this (next_before).")
    limit: int = Field(default=50, ge=1, le=500)

    _iso = field_validator("since", "until", mode="before")(iso_text)
    _sane = field_validator("since", "until")(sane_time)


class Case(BaseModel):
    """A case with its names resolved. Coordinates are WGS84."""

    id: int
    source: str
    external_id: str
    category_code: str
    category: str
    status: str
    status_name: str
    is_open: bool
    overdue: bool
    description: str | None
    address: str | None
    lon: float
    lat: float
    city_code: str | None = None
    city: str | None = None
    district_code: str | None = None
    district: str | None = None
    street_code: str | None
    street: str | None
    community_code: str | None
    community: str | None
    grid_code: str | None
    grid: str | None
    department_code: str | None
    department: str | None
    reported_at: datetime
    dispatched_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    rated_at: datetime | None
    closed_at: datetime | None
    deadline_at: datetime | None = Field(description="Null while the case is parked (挂账: the clock stops).")
    satisfaction: int | None
    handled_online: bool
    reply: str | None
    merged_into: int | None
    verified_at: datetime | None = Field(default=None, description="When the on-site check (核查) passed.")
    urge_count: int = Field(default=0, description="Times urged (催办).")
    rework_count: int = Field(default=0, description="Times sent back after a failed check (返工).")
    supervised_at: datetime | None = Field(default=None, description="When a leader marked it 督办.")
    supervise_due_at: datetime | None = None
    deadline_original_at: datetime | None = Field(
        default=None, description="The deadline before the first approved extension (延期)."
    )
    extension_count: int = 0
    extension_until: datetime | None = Field(default=None, description="A requested deadline awaiting approval.")
    extension_reason: str | None = None
    park_requested_at: datetime | None = Field(default=None, description="Parking (挂账) asked for, awaiting approval.")
    parked_at: datetime | None = Field(default=None, description="Parked (挂账) since.")
    park_reason: str | None = None


class CaseEvent(BaseModel):
    """One logged transition."""

    id: int
    at: datetime
    from_status: str | None
    to_status: str
    action: str | None = Field(default=None, description="The step taken (null for steps logged before 0030).")
    action_name: str | None = None
    actor: str
    actor_name: str | None = Field(default=None, description="The user's display name, when a user acted.")
    claimed_actor: str | None = Field(default=None, description="Who an API caller said it acted for (unchecked).")
    note: str | None


class CaseDetail(Case):
    """A case with its timeline and what may happen next."""

    events: list[CaseEvent]
    allowed_actions: list[str]


class CaseCreated(BaseModel):
    """The answer to a create: the case, and whether this request made it."""

    created: bool
    case: CaseDetail


class CaseList(BaseModel):
    """One page of cases, newest first."""

    items: list[Case]
    next_before: int | None = Field(description="Pass as before= for the next page; null on the last page.")


class Category(BaseModel):
    """A case category with its deadline (SLA hours)."""

    code: str
    name: str
    name_en: str
    parent_code: str | None
    sla_hours: int
    department_code: str | None
    leaf: bool


class CameraStatus(BaseModel):
    """One device status from a video platform (a GB/T 28181 platform, a VMS). A status that breaks
    these rules is named in the answer's problems; the others of the batch are still taken."""

    code: str = Field(min_length=1, max_length=100, description="The camera's code, e.g. a GB/T 28181 device id.")
    status: Literal["online", "offline"]
    at: AwareDatetime = Field(description="When the platform saw it (ISO 8601 with a zone); at most 5 min ahead.")


class CameraStatusBatch(BaseModel):
    """A batch of statuses wrapped in an object (a bare JSON array of them is taken as well)."""

    items: list[CameraStatus]


class CameraStatusProblem(BaseModel):
    """A status of the batch that was refused or ignored, by its position in the batch (from 0)."""

    index: int
    code: str | None
    reason: Literal[
        "invalid_item",
        "missing_code",
        "invalid_code",
        "invalid_status",
        "invalid_time",
        "future_time",
        "unknown_code",
        "stale",
    ] = Field(description="stale: not newer than the camera's latest report, or a newer one came in the same batch.")
    message: str


class CameraStatusSummary(BaseModel):
    """What became of a batch: statuses applied (changed or a heartbeat), stale, of unknown cameras
    or invalid; cameras the sweep turned offline; checkpoints whose camera element turned."""

    received: int
    applied: int
    changed: int = Field(description="Applied and changed the camera's status (logged in camera_events).")
    unchanged: int = Field(description="Applied as a heartbeat: the same status, newer time.")
    stale: int = Field(description="Ignored: not newer than the camera's latest report (a batch sent twice).")
    unknown: int
    invalid: int
    swept: int = Field(description="Online cameras silent for GRIDOPS_CAMERA_STALE_MINUTES, now offline.")
    checkpoints_changed: int = Field(description="Checkpoints given a device inspection (设备状态) by this batch.")
    problems: list[CameraStatusProblem]


class Error(BaseModel):
    """Every error answer: a code, a message, and the details that apply."""

    error: str = Field(
        description="invalid_fields, invalid_json, unauthorized, forbidden, not_found, "
        "invalid_transition, outside_territory, unavailable, …"
    )
    message: str
    fields: dict[str, str] | None = None
    current_status: str | None = None
    allowed_actions: list[str] | None = None
    limit: int | None = Field(default=None, description="The limit a request went past (413).")
