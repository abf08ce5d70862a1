"""`gridops load inspections FILE`: checkpoint inspection results (创文点位排查) kept in spreadsheets,
recorded as inspections of kind ``import`` (geodata/inspections/record.py).

Two layouts, told apart by the header:

- long: one row per checkpoint and element: 点位编号, 要素 (its code or name), 结果, and optionally
  排查时间, 排查人 and 说明 (the element's note);
- wide: one row per inspection: 点位编号, 排查时间, 排查人, 说明, and one column per element headed
  by its code or name (公益广告, 环境卫生 …), read by the type of each row's checkpoint (several
  types share a name). An empty cell is an element not judged: it keeps its latest result.

Rows of one (checkpoint, 排查时间, 排查人) are one inspection. Every row is checked before anything
is written: one bad row refuses the whole file (each bad row is reported with its number and why)
and nothing is written. Then every inspection is recorded in one transaction, in the territory's
scope as the API records one; a failed element opens its rectification case (or joins the one still
open). An inspection's external id comes from its checkpoint, time and inspector, so loading a file
again records nothing new: its inspections are counted as repeats.

Elements a device judges (an intersection's camera coverage) are never taken from a file.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd
import psycopg2
import psycopg2.errors

from geodata.accounts import audit
from geodata.db import SCOPE, Database
from geodata.errors import LoadError
from geodata.inspections import history, record
from geodata.load.fields import _variants, detect_columns, parse_times
from geodata.load.inspection_report import InspectionReport
from geodata.load.options import Options
from geodata.load.reasons import Reason
from geodata.load.sheets import read_frame
from geodata.queries import sql_text
from i18n import Message
from settings import Settings, get_settings

KIND = "inspections"
LAYOUTS = ("long", "wide")
DEFAULT_ACTOR = "表格导入"
MAX_INSPECTOR = 100
# Results as spreadsheets write them (compared lower-cased and trimmed).
PASSED = {"达标", "合格", "是", "1", "pass", "passed", "true", "t", "yes", "y", "ok", "√", "✓", "✔", "通过"}
FAILED = {"不达标", "不合格", "否", "0", "fail", "failed", "false", "f", "no", "n", "×", "x", "✗", "✘", "不通过"}
# Written for an element that was not judged (not applicable): the same as an empty cell.
NOT_JUDGED = {"", "/", "-", "--", "—", "——", "n/a", "na", "不涉及", "不适用"}


class _RollbackError(Exception):
    """Raised inside the transaction to roll it back (refused rows, a dry run)."""


@dataclass
class _Planned:
    """One inspection to record: the rows that make it and its results by element code."""

    point: dict[str, Any]
    at: datetime | None
    inspector: str | None
    rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    results: dict[str, tuple[bool, str | None, int]] = field(default_factory=dict)  # code → (passed, note, row)


# ---- understanding the rows -----------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[\s_\-./]+", "", text.strip().lower())


def _element_index(elements: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    """Per checkpoint type: each element by its code, its name and its English name (normalised)."""
    index: dict[str, dict[str, dict[str, Any]]] = {}
    for e in elements:
        keys = index.setdefault(e["type_code"], {})
        for word in (e["code"], e["name"], e["name_en"]):
            if word:
                keys.setdefault(_key(word), e)
    return index


def _known(index: dict[str, dict[str, Any]]) -> str:
    """A type's elements as a reason lists them: code and name, the device's marked."""
    seen = {e["code"]: e for e in index.values()}
    return ", ".join(f"{c} {e['name']}" for c, e in sorted(seen.items()) if e["device"] is None)


def _result(value: str) -> bool | None:
    word = value.strip().lower()
    if word in PASSED:
        return True
    if word in FAILED:
        return False
    return None


def _element_columns(
    frame: pd.DataFrame, cols: dict[str, str], index: dict[str, dict[str, dict[str, Any]]], report: InspectionReport
) -> dict[str, dict[str, dict[str, Any]]]:
    """Wide layout: each element column → {type: element}. Other columns are left aside (a name, an
    address, a row number) unless they hold results, which refuses the file."""
    taken = set(cols.values())
    found: dict[str, dict[str, dict[str, Any]]] = {}
    aside: list[str] = []
    for column in frame.columns:
        if column in taken:
            continue
        variants = {_key(v) for v in _variants(column)}
        by_type = {
            type_code: next(keys[v] for v in variants if v in keys)
            for type_code, keys in index.items()
            if variants & keys.keys()
        }
        if by_type:
            found[column] = by_type
            continue
        values = [v for v in frame[column].tolist() if v.strip().lower() not in NOT_JUDGED]
        words = [_result(v) for v in values]
        if values and None not in words and any(not v.strip().isdigit() for v in values):
            raise LoadError(Message("load.insp.err.results_without_element", column=column))
        aside.append(column)
    if not found:
        raise LoadError(Message("load.insp.err.no_element_columns", columns=", ".join(map(str, frame.columns[:30]))))
    for column, by_type in found.items():
        codes = sorted({e["code"] for e in by_type.values()})
        report.understood.append(("element", "/".join(codes), repr(column)))
    if aside:
        report.understood.append(("columns aside", "", ", ".join(map(repr, aside))))
    return found


def _external_id(point: dict[str, Any], at: datetime | None, inspector: str | None, results: dict) -> str:
    """The inspection's key under its checkpoint: its code, time and inspector; an inspection
    without a time is known by its results instead."""
    parts = [point["code"], at.astimezone(UTC).isoformat() if at else "", inspector or ""]
    if at is None:
        parts += [f"{c}={int(p)}" for c, (p, _, _) in sorted(results.items())]
    return "XL-" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:40]


def _plan(
    frame: pd.DataFrame,
    cols: dict[str, str],
    layout: str,
    points: dict[str, dict[str, Any]],
    index: dict[str, dict[str, dict[str, Any]]],
    tz: str,
    report: InspectionReport,
) -> list[_Planned]:
    """The inspections the rows make, each row checked; the bad ones are refused in the report."""
    wide = _element_columns(frame, cols, index, report) if layout == "wide" else {}
    text = {c: frame[c].tolist() for c in frame.columns}
    when_column = cols.get("inspected_at")
    if when_column:
        parsed, unreadable = parse_times(frame[when_column], tz)
        times = [None if pd.isna(v) else v.to_pydatetime() for v in parsed]
    now = datetime.now(UTC)
    groups: dict[tuple, _Planned] = {}
    for i in range(len(frame)):
        row = i + 1
        if not any(text[c][i] for c in frame.columns):
            continue  # a blank row
        code = text[cols["checkpoint"]][i]
        if not code:
            report.reject(row, Reason("insp.no_checkpoint"))
            continue
        point = points.get(code)
        if point is None:
            report.reject(row, Reason("insp.unknown_checkpoint", code=code))
            continue
        at = None
        if when_column:
            raw = text[when_column][i]
            if unreadable[i]:
                report.reject(row, Reason("insp.bad_time", value=raw))
                continue
            at = times[i]
            if at is not None and at > now:
                report.reject(row, Reason("insp.future_time", value=raw))
                continue
        inspector = (text[cols["inspector"]][i] or None) if "inspector" in cols else None
        if inspector and len(inspector) > MAX_INSPECTOR:
            report.reject(row, Reason("insp.long_inspector", limit=MAX_INSPECTOR))
            continue
        note = (text[cols["note"]][i] or None) if "note" in cols else None
        if note and len(note) > record.MAX_NOTE:
            report.reject(row, Reason("insp.long_note", limit=record.MAX_NOTE))
            continue
        keys = index.get(point["type_code"], {})
        cells: list[tuple[dict[str, Any], bool, str | None]] = []
        problem = None
        if layout == "long":
            value, said = text[cols["element"]][i], text[cols["result"]][i]
            element = keys.get(_key(value)) if value else None
            passed = _result(said)
            if not value:
                problem = Reason("insp.no_element")
            elif element is None:
                problem = Reason("insp.unknown_element", value=value, type=point["type_code"], known=_known(keys))
            elif element["device"] is not None:
                problem = Reason("insp.device_element", value=value)
            elif not said.strip():
                problem = Reason("insp.no_result")
            elif said.strip().lower() in NOT_JUDGED:
                pass  # written as not judged
            elif passed is None:
                problem = Reason("insp.bad_result", column=cols["result"], value=said)
            else:
                cells.append((element, passed, note))
        else:
            for column, by_type in wide.items():
                said = text[column][i]
                if said.strip().lower() in NOT_JUDGED:
                    continue
                element = by_type.get(point["type_code"])
                passed = _result(said)
                if element is None:
                    problem = Reason("insp.unknown_element", value=column, type=point["type_code"], known=_known(keys))
                elif element["device"] is not None:
                    problem = Reason("insp.device_element", value=column)
                elif passed is None:
                    problem = Reason("insp.bad_result", column=column, value=said)
                if problem is not None:
                    break
                cells.append((element, passed, None))
        if problem is not None:
            report.reject(row, problem)
            continue
        planned = groups.setdefault((point["id"], at, inspector), _Planned(point, at, inspector))
        planned.rows.append(row)
        if layout == "wide" and note and note not in planned.notes:
            planned.notes.append(note)
        for element, passed, said_note in cells:
            code_ = element["code"]
            if code_ in planned.results:
                first_passed, first_note, first_row = planned.results[code_]
                if first_passed != passed:
                    report.reject(row, Reason("insp.conflict", element=code_, first=first_row))
                    break
                if said_note and said_note != first_note:
                    joined = "；".join(filter(None, (first_note, said_note)))[: record.MAX_NOTE]
                    planned.results[code_] = (first_passed, joined, first_row)
                continue
            planned.results[code_] = (passed, said_note, row)
    for planned in groups.values():
        if not planned.results:
            for row in planned.rows:
                report.reject(row, Reason("insp.nothing_judged"))
    return sorted(
        (p for p in groups.values() if p.results),
        key=lambda p: (p.point["id"], p.at or now, p.rows[0]),
    )


# ---- loading --------------------------------------------------------------------------------


def _os_user() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def _rows(cur) -> list[dict[str, Any]]:
    names = [d.name for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _layout(cols: dict[str, str], name: str) -> str:
    if "checkpoint" not in cols:
        raise LoadError(Message("load.insp.err.no_checkpoint_column", name=name))
    if "element" in cols and "result" in cols:
        return "long"
    if "element" in cols or "result" in cols:
        has, lacks = ("element", "result") if "element" in cols else ("result", "element")
        raise LoadError(Message("load.insp.err.half_long", column=cols[has], lacks=Message(f"load.field.{lacks}")))
    return "wide"


def load(
    path: Path | str,
    opts: Options | None = None,
    db: Database | None = None,
    settings: Settings | None = None,
) -> InspectionReport:
    """Check every row of the file, then record its inspections in one transaction (or, with any
    row refused, nothing); return the report. ``db``: a scoped pool on the app role (default: one
    on settings.app_dsn(), closed at the end)."""
    opts = opts or Options()
    settings = settings or get_settings()
    tz = opts.tz or settings.territory_tz
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LoadError(Message("load.err.unknown_tz", tz=tz)) from exc
    path = Path(path)
    report = InspectionReport(path.name, dry_run=opts.dry_run)
    frame = read_frame(path, opts, settings, KIND, "checkpoint")
    report.read = len(frame)
    cols = detect_columns(list(frame.columns), KIND, opts.mapping)
    report.layout = _layout(cols, path.name)
    report.understood = [("layout", "", report.layout)]
    report.understood += [("column", ours, repr(theirs)) for ours, theirs in cols.items()]
    report.understood.append(("time_zone", "", tz))
    if "inspected_at" not in cols:
        report.notes.append(Message("load.insp.note.no_time"))
    actor = f"{opts.actor or DEFAULT_ACTOR}：{path.name}"[:200]
    own = db is None
    db = db or Database(settings.app_dsn(), maxconn=1, statement_timeout_ms=settings.statement_timeout_ms, scoped=True)
    token = SCOPE.set(("all", 0))  # the checkpoints and the cases their failures open, territory-wide
    try:
        with db.transaction() as cur:
            _write(cur, frame, cols, tz, actor, opts, report)
    except _RollbackError:
        pass
    except psycopg2.errors.UniqueViolation as exc:
        raise LoadError(Message("load.insp.err.concurrent")) from exc
    except psycopg2.errors.UndefinedTable as exc:
        raise LoadError(Message("load.err.not_set_up")) from exc
    finally:
        SCOPE.reset(token)
        if own:
            db.close()
    return report


def _write(cur, frame, cols, tz: str, actor: str, opts: Options, report: InspectionReport) -> None:
    """Everything inside the one transaction: look up, check, record, audit (or roll back)."""
    codes = sorted({c for c in frame[cols["checkpoint"]].tolist() if c})
    cur.execute(sql_text("load_inspection_checkpoints"), {"codes": codes})
    points = {p["code"]: p for p in _rows(cur)}
    cur.execute(sql_text("load_inspection_elements"))
    index = _element_index(_rows(cur))
    planned = _plan(frame, cols, report.layout, points, index, tz, report)
    if report.rejected:
        raise _RollbackError
    for one in planned:
        results = {c: record.Observation(passed=p, note=n) for c, (p, n, _) in one.results.items()}
        external_id = _external_id(one.point, one.at, one.inspector, one.results)
        if history.by_external_id(cur, one.point["id"], external_id) is not None:
            report.repeats += 1
            continue
        heads = [f"排查人：{one.inspector}"] if one.inspector else []
        note = "；".join(heads + one.notes) or None
        inspection = record.Inspection(
            actor=actor,
            results=results,
            kind="import",
            note=note[: record.MAX_NOTE] if note else None,
            at=one.at,
            external_id=external_id,
        )
        try:
            done = record.record(cur, one.point["id"], inspection)
        except (record.InspectionError, record.CheckpointNotFoundError) as exc:
            rows = ", ".join(map(str, one.rows))
            raise LoadError(Message("load.insp.err.not_recorded", rows=rows, detail=str(exc))) from exc
        report.recorded += 1
        report.elements += len(results)
        report.failures += sum(1 for o in results.values() if not o.passed)
        report.opened += sum(1 for c in done["cases"] if c["opened"])
        report.joined += sum(1 for c in done["cases"] if not c["opened"])
    audit.record(
        cur,
        opts.actor or _os_user(),
        "import",
        None,
        kind=KIND,
        file=report.path,
        read=report.read,
        recorded=report.recorded,
        repeats=report.repeats,
        failures=report.failures,
        opened=report.opened,
    )
    if opts.dry_run:
        raise _RollbackError
