"""The camera status feed: a video platform (a GB/T 28181 platform, a VMS) reports its devices'
statuses in batches, and ``take`` checks and applies one batch, sweeps the cameras not heard from,
and judges again the checkpoints whose camera coverage may have turned, all in one transaction.

- A report is ``{"code": …, "status": "online" | "offline", "at": ISO 8601 with a zone}``. A bad
  report is named by its position in the batch (from 0), its code and a reason; the good ones are
  still applied.
- Within a batch the newest report per camera counts. A report is applied only when it is newer
  than the camera's latest applied report (``cameras.status_at``): a batch sent twice changes
  nothing the second time, and a report that arrives late is ignored and counted as ``stale``.
  A report of ``online`` is also a sighting (``last_seen_at``).
- The sweep: an online camera silent for GRIDOPS_CAMERA_STALE_MINUTES goes offline.
- The device check: an element judged by cameras (``checkpoint_elements.device``: the camera
  coverage of an intersection) passes while an online camera stands within
  GRIDOPS_CHECKPOINT_CAMERA_M of its checkpoint. When a status change turns that verdict, a device
  inspection (设备状态) records it, carrying every other element's latest result forward.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from geodata.clock import TZ
from geodata.db import Database
from geodata.queries import sql_text
from settings import get_settings

STATUSES = ("online", "offline")
FUTURE_SLACK = timedelta(minutes=5)  # a device clock this far ahead is still believed
MAX_CODE = 100
MAX_TIME_TEXT = 64
MAX_OFFSET = timedelta(hours=14)
INSPECTOR = "设备状态"  # who a device inspection names (camera_device_check.sql)
MESSAGES = {
    "invalid_item": "a status must be a JSON object with code, status and at",
    "missing_code": "code is missing or empty",
    "invalid_code": f"code must be a string of at most {MAX_CODE} characters",
    "invalid_status": "status must be 'online' or 'offline'",
    "invalid_time": "at must be an ISO 8601 date-time with a zone, e.g. 2026-11-20T15:30:00+08:00",
    "future_time": f"at lies more than {int(FUTURE_SLACK.total_seconds() // 60)} minutes in the future",
    "unknown_code": "no camera has this code",
    "stale": "not newer than the camera's latest status report: ignored",
    "superseded": "a newer report for this camera came in the same batch: ignored",
}


class BatchTooLargeError(ValueError):
    """More statuses than one batch may carry (GRIDOPS_CAMERA_BATCH_MAX)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"at most {limit} statuses per batch (GRIDOPS_CAMERA_BATCH_MAX); this one has {size}")
        self.size, self.limit = size, limit


@dataclass(frozen=True)
class Report:
    """One report that passed the checks, and its position in the batch."""

    index: int
    code: str
    status: str
    at: datetime


def _problem(index: int, code: Any, reason: str) -> dict[str, Any]:
    shown = code.strip() if isinstance(code, str) else None
    # "superseded" is a kind of stale: the counts say stale, the message says why
    return {
        "index": index,
        "code": shown or None,
        "reason": "stale" if reason == "superseded" else reason,
        "message": MESSAGES[reason],
    }


def _time(value: Any, now: datetime) -> datetime | str:
    """The report's time, or the reason it is refused."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TIME_TEXT:
        return "invalid_time"
    try:
        at = datetime.fromisoformat(value.strip())
    except ValueError:
        return "invalid_time"
    offset = at.utcoffset()
    if offset is None or abs(offset) > MAX_OFFSET or not 2000 <= at.year <= 2100:
        return "invalid_time"
    if at > now + FUTURE_SLACK:
        return "future_time"
    return at


def check(items: list[Any], now: datetime) -> tuple[list[Report], list[dict[str, Any]]]:
    """The reports that may be applied, and a problem for each one that may not."""
    good: list[Report] = []
    problems: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(_problem(index, None, "invalid_item"))
            continue
        code, status = item.get("code"), item.get("status")
        if code is None or (isinstance(code, str) and not code.strip()):
            problems.append(_problem(index, None, "missing_code"))
            continue
        if not isinstance(code, str) or len(code.strip()) > MAX_CODE:
            problems.append(_problem(index, None, "invalid_code"))
            continue
        if status not in STATUSES:
            problems.append(_problem(index, code, "invalid_status"))
            continue
        at = _time(item.get("at"), now)
        if isinstance(at, str):
            problems.append(_problem(index, code, at))
            continue
        good.append(Report(index, code.strip(), status, at))
    return good, problems


def array_text(values: list[str]) -> str:
    """A PostgreSQL array literal of text values, each quoted: sent as one string parameter and
    cast in the statement, it costs the server one parse (a list of 10,000 values that psycopg2
    adapts one by one costs milliseconds on both sides)."""
    quoted = (v.replace("\\", "\\\\").replace('"', '\\"') for v in values)
    return "{" + ",".join(f'"{v}"' for v in quoted) + "}"


def _apply(cur, reports: list[Report]) -> dict[str, Any]:
    """Apply the reports (camera_status_take.sql); what happened to each."""
    cur.execute(
        sql_text("camera_status_take"),
        {
            "codes": array_text([r.code for r in reports]),
            "statuses": array_text([r.status for r in reports]),
            "ats": array_text([r.at.isoformat() for r in reports]),
        },
    )
    return dict(zip([d.name for d in cur.description], cur.fetchone()))


def _sweep(cur, now: datetime) -> list[tuple[int, datetime]]:
    """Online cameras silent for too long go offline as of ``now``; (camera id, time) of each."""
    cur.execute(sql_text("camera_status_sweep"), {"now": now, "stale_minutes": get_settings().camera_stale_minutes})
    return [(int(i), at) for i, at in cur.fetchall()]


def _judge(cur, changes: list[tuple[int, datetime]]) -> int:
    """Judge again the checkpoints near cameras whose status changed (camera_device_check.sql); how
    many got a device inspection."""
    if not changes:
        return 0
    cur.execute(
        sql_text("camera_device_check"),
        {
            "ids": "{" + ",".join(str(int(i)) for i, _ in changes) + "}",
            "ats": array_text([at.isoformat() for _, at in changes]),
            "range_m": get_settings().checkpoint_camera_m,
        },
    )
    return int(cur.fetchone()[0])


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(TZ)
    if now.utcoffset() is None:
        raise ValueError("now must carry a time zone")
    return now


def take(db: Database, items: list[Any], now: datetime | None = None) -> dict[str, Any]:
    """Take in one batch of status reports (see the module's docstring); the counts, and a problem
    for each report that was refused or ignored, by its position in the batch."""
    if not isinstance(items, list):
        raise ValueError("a batch is a list of statuses")
    limit = get_settings().camera_batch_max
    if len(items) > limit:
        raise BatchTooLargeError(len(items), limit)
    now = _now(now)
    reports, problems = check(items, now)
    outcome: dict[str, Any] = {"changed": 0, "unchanged": 0, "stale": [], "superseded": [], "unknown": []}
    with db.transaction() as cur:
        if reports:
            outcome = _apply(cur, reports)
        changes = list(zip(outcome.get("changed_ids", []), outcome.get("changed_at", [])))
        swept = _sweep(cur, now)
        judged = _judge(cur, changes + swept)
    for reason, key in (("unknown_code", "unknown"), ("stale", "stale"), ("superseded", "superseded")):
        for ord_ in outcome[key]:
            report = reports[ord_ - 1]  # the statement's positions count the applied reports from 1
            problems.append(_problem(report.index, report.code, reason))
    problems.sort(key=lambda p: p["index"])
    stale = len(outcome["stale"]) + len(outcome["superseded"])
    return {
        "received": len(items),
        "applied": outcome["changed"] + outcome["unchanged"],
        "changed": outcome["changed"],
        "unchanged": outcome["unchanged"],
        "stale": stale,
        "unknown": len(outcome["unknown"]),
        "invalid": len(items) - len(reports),
        "swept": len(swept),
        "checkpoints_changed": judged,
        "problems": problems,
    }


def sweep(db: Database, now: datetime | None = None) -> dict[str, int]:
    """Turn the cameras not heard from offline (as of ``now``) and judge again the checkpoints near
    them, in one transaction: how many cameras went offline and how many checkpoints changed."""
    now = _now(now)
    with db.transaction() as cur:
        swept = _sweep(cur, now)
        judged = _judge(cur, swept)
    return {"swept": len(swept), "checkpoints_changed": judged}
