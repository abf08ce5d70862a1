"""Recording one inspection of a checkpoint (创文点位排查): its results per element, where the
inspector stood, the round it covers, and a rectification case (整改) for each failed element.

Everything happens in the caller's transaction, with the checkpoint locked: the inspection, its
results, the cases it opens (through the same intake statement and case loop as any case, sent
straight to the checkpoint's department) and the photos of the failures (stored on those cases).
Nothing is written unless every check passes; photos stored before a later failure are removed.

- Every element an inspector judges must be in the results; an element a device judges (the
  camera coverage of an intersection) is never asked: it takes the devices' verdict now.
- A spreadsheet row (kind ``import``) may carry some elements only: the others keep their latest
  result, marked carried.
- A failure found again while its rectification is still open joins that case.
- An inspection made farther than GRIDOPS_INSPECT_FAR_M from the checkpoint, or without the
  inspector's place, is flagged (``far``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from geodata.accounts import audit
from geodata.cases import lifecycle, photos
from geodata.inspections import rounds
from geodata.queries import prepared, sql_text
from settings import get_settings

SOURCE = "inspection"  # 专项检查: the case source of rectifications
INSPECTOR_ROLES = ("admin", "dispatcher", "gridworker", "verifier")  # who may record an inspection
KINDS = ("routine", "import")  # what a person or a file records; verifications and devices record themselves
MAX_NOTE = 2000


class CheckpointNotFoundError(LookupError):
    """No checkpoint with that id (or none the reader may see)."""


class InspectionError(ValueError):
    """Bad results, one message per field (``element.<code>`` for an element)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Observation:
    """What the inspector found for one element."""

    passed: bool
    note: str | None = None
    photo: photos.Checked | None = None


@dataclass(frozen=True)
class Inspection:
    """One inspection as it is sent: results by element code, and where and by whom."""

    actor: str
    results: dict[str, Observation]
    kind: str = "routine"
    lon: float | None = None
    lat: float | None = None
    note: str | None = None
    at: datetime | None = None
    external_id: str | None = None
    photos_required: bool = False  # the forms ask for a photo of every failure; the API does not
    ip: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _rows(cur) -> list[dict[str, Any]]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def elements(cur, type_code: str) -> list[dict[str, Any]]:
    """The required elements of a checkpoint type, in code order."""
    cur.execute(sql_text("checkpoint_type_elements"), {"type_code": type_code})
    return _rows(cur)


def _checked(
    inspection: Inspection, required: list[dict[str, Any]]
) -> tuple[dict[str, Observation], float | None, float | None]:
    """The observations to record, or InspectionError naming every problem."""
    errors: dict[str, str] = {}
    if inspection.kind not in KINDS:
        errors["kind"] = f"must be one of {', '.join(KINDS)}"
    if not inspection.actor or len(inspection.actor) > 200:
        errors["actor"] = "required, at most 200 characters"
    if inspection.note is not None and len(inspection.note) > MAX_NOTE:
        errors["note"] = f"at most {MAX_NOTE} characters"
    by_code = {e["code"]: e for e in required}
    manual = [e["code"] for e in required if e["device"] is None]
    said: list[str] = []
    unknown = sorted(set(inspection.results) - set(by_code))
    if unknown:
        said.append(f"unknown element(s) {', '.join(unknown)} for this checkpoint; its elements: {', '.join(by_code)}")
    devices = sorted(c for c in inspection.results if c in by_code and by_code[c]["device"] is not None)
    if devices:
        said.append(f"element(s) {', '.join(devices)} are judged by devices (camera status), not by inspectors")
    missing = [c for c in manual if c not in inspection.results]
    if missing and inspection.kind == "routine":
        said.append(f"every element must be judged; missing: {', '.join(missing)}")
    if not inspection.results and not said:
        said.append("no element judged")
    if said:
        errors["results"] = "; ".join(said)
    for code, seen in inspection.results.items():
        if seen.note is not None and len(seen.note) > MAX_NOTE:
            errors[f"element.{code}"] = f"note: at most {MAX_NOTE} characters"
        elif inspection.photos_required and not seen.passed and seen.photo is None:
            errors[f"element.{code}"] = "a failed element needs a photo"
    lon, lat = inspection.lon, inspection.lat
    if (lon is None) != (lat is None) or (lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90)):
        errors["place"] = "lon and lat must come together, in WGS84 degrees"
    if errors:
        raise InspectionError(errors)
    return inspection.results, lon, lat


def record(cur, checkpoint_id: int, inspection: Inspection) -> dict[str, Any]:
    """Record the inspection; return {id, inspected_at, round_id, far, distance_m, elements,
    passed, compliant, cases: [{element, case_id, opened}]}.

    Raises CheckpointNotFoundError, InspectionError, or the case loop's errors."""
    settings = get_settings()
    cur.execute(sql_text("checkpoint_locked"), {"id": checkpoint_id})
    found = _rows(cur)
    if not found:
        raise CheckpointNotFoundError(f"no checkpoint {checkpoint_id}")
    point = found[0]
    required = elements(cur, point["type_code"])
    seen, lon, lat = _checked(inspection, required)
    distance = None
    if lon is not None:
        cur.execute(sql_text("inspection_distance"), {"id": checkpoint_id, "lon": lon, "lat": lat})
        distance = round(float(cur.fetchone()[0]), 1)
    far = distance is None or distance > settings.inspect_far_m
    day = inspection.at.astimezone(ZoneInfo(settings.territory_tz)).date() if inspection.at else rounds.today()
    cur.execute(sql_text("inspection_due_round"), {"id": checkpoint_id, "today": day})
    due = cur.fetchone()
    round_id = due[0] if due else None
    # What stood before this inspection: the results it carries forward, whether it is the newest
    # (an old spreadsheet row changes the history, not today's compliance, and opens no case),
    # and the rectifications still open.
    cur.execute(sql_text("checkpoint_latest_results"), {"id": checkpoint_id, "at": inspection.at})
    found = _rows(cur)
    newest = not found[0]["later"]
    before = {r["element_code"]: r for r in found if r["element_code"] is not None}
    cur.execute(sql_text("rectification_open"), {"id": checkpoint_id})
    open_cases = {r["element_code"]: r["case_id"] for r in _rows(cur)}
    cur.execute(
        sql_text("inspection_insert"),
        {
            "checkpoint_id": checkpoint_id,
            "type_code": point["type_code"],
            "at": inspection.at,
            "actor": inspection.actor,
            "kind": inspection.kind,
            "round_id": round_id,
            "lon": lon,
            "lat": lat,
            "distance_m": distance,
            "far": far,
            "note": inspection.note,
            "external_id": inspection.external_id,
        },
    )
    inspection_id, inspected_at = cur.fetchone()
    stored: list[str] = []
    results: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    try:
        for element in required:
            code = element["code"]
            row = {"element_code": code, "carried": False, "case_id": None, "photo_id": None}
            if element["device"] == "camera":
                cur.execute(
                    sql_text("checkpoint_camera_verdict"),
                    {"id": checkpoint_id, "range_m": settings.checkpoint_camera_m},
                )
                covered = bool(cur.fetchone()[0])
                row.update(passed=covered, note="视频监控在线" if covered else "附近无在线摄像头")
            elif code in seen:
                row.update(passed=seen[code].passed, note=seen[code].note)
            elif code in before:
                row.update(passed=before[code]["passed"], note=before[code]["note"], carried=True)
            else:
                continue  # never judged yet, and not in this (partial) inspection
            if code in seen and not seen[code].passed and newest:
                case_id, opened = _rectification(cur, point, element, inspection, inspection_id, open_cases)
                row["case_id"] = case_id
                cases.append({"element": code, "case_id": case_id, "opened": opened})
                if seen[code].photo is not None:
                    photo = photos.save(
                        cur, case_id, "report", seen[code].photo, inspection.actor, inspection.ip, stored
                    )
                    row["photo_id"] = photo["id"]
            results.append(row)
        params = {k: [r[k] for r in results] for k in ("element_code", "passed", "note", "carried", "case_id")}
        params["photo_id"] = [r["photo_id"] for r in results]
        cur.execute(
            sql_text("inspection_results_insert"),
            {"inspection_id": inspection_id, "type_code": point["type_code"], **params},
        )
        if round_id is not None:
            cur.execute(
                sql_text("inspection_round_done"),
                {"inspection_id": inspection_id, "round_id": round_id, "checkpoint_id": checkpoint_id},
            )
        audit.record(
            cur,
            inspection.actor,
            "inspection",
            inspection.ip,
            checkpoint=checkpoint_id,
            inspection=inspection_id,
            failed=[c["element"] for c in cases],
            far=far,
        )
    except BaseException:
        photos.forget(stored)
        raise
    passed = sum(1 for r in results if r["passed"])
    return {
        "id": inspection_id,
        "checkpoint_id": checkpoint_id,
        "inspected_at": inspected_at,
        "round_id": round_id,
        "far": far,
        "distance_m": distance,
        "elements": len(results),
        "passed": passed,
        "compliant": bool(results) and passed == len(results) and len(results) == len(required),
        "cases": cases,
    }


def _rectification(
    cur,
    point: dict[str, Any],
    element: dict[str, Any],
    inspection: Inspection,
    inspection_id: int,
    open_cases: dict[str, int],
) -> tuple[int, bool]:
    """The rectification case of a failed element: the one still open for it, or a new one filed
    under the element's category, at the checkpoint, sent to the checkpoint's department with the
    category's time limit. (case id, whether it was opened now)."""
    code = element["code"]
    if code in open_cases:
        return open_cases[code], False
    seen = inspection.results[code]
    text = f"创文点位排查：{point['name']}「{element['name']}」不达标"
    if seen.note:
        text += f"。{seen.note}"
    one = {
        "source": [SOURCE],
        "external_id": [f"JC-{inspection_id}-{code}"],
        "category": [element["category_code"]],
        "description": [text[:2000]],
        "address": [point["name"][:200]],
        "lon": [point["lon"]],
        "lat": [point["lat"]],
        "reported_at": [None],
        "handled_online": [False],
        "actor": [inspection.actor],
        "note": "创文排查发现",
    }
    cur.execute(*prepared(cur, "case_create", one, generic=True))
    names = [d.name for d in cur.description]
    row = dict(zip(names, cur.fetchone()))
    case_id = row["id"]
    if point["department_code"]:
        lifecycle.apply(
            cur,
            case_id,
            "dispatch",
            inspection.actor,
            department=point["department_code"],
            note=f"整改派单：{element['name']}",
        )
    open_cases[code] = case_id
    return case_id, True
