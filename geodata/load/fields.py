# Long (over 400 lines): the column names, time formats and status words of real exports are data.
"""From a file's columns to our fields: header detection, times, statuses and other values.

Headers are matched after normalising (lower case; spaces, ``_``, ``-``, ``.`` and ``/`` removed;
a bracketed part such as ``经度(lon)`` counts both with and without the brackets). The first alias
in a field's list that matches a column wins, so ``Longitude`` beats ``X``.
"""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.errors import LoadError
from i18n import Message

ALIASES: dict[str, list[str]] = {
    "lon": ["lon", "lng", "long", "longitude", "经度", "gpsx", "x"],
    "lat": ["lat", "latitude", "纬度", "gpsy", "y"],
    "geometry": ["wkt", "geometry", "geom", "thegeom", "shape", "wkb", "ewkb", "ewkt", "几何"],
    "external_id": [
        "externalid",
        "uniquekey",
        "工单编号",
        "案件编号",
        "诉求编号",
        "工单号",
        "编号",
        "caseid",
        "ticketid",
        "servicerequestid",
        "requestid",
        "id",
    ],
    "code": [
        "code",
        "adcode",
        "编码",
        "代码",
        "区划代码",
        "行政区划代码",
        "网格编码",
        "编号",
        "点位编号",
        "设备编码",
        "gridcode",
        "id",
        "objectid",
        "cartodbid",
        "fid",
        "gid",
    ],
    "name": ["name", "名称", "网格名称", "社区名称", "街道名称", "点位名称", "设备名称", "title", "标题"],
    "parent_code": ["parentcode", "parent", "上级编码", "上级代码", "所属编码", "parentadcode"],
    "kind": ["kind", "type", "类型", "网格类型", "设备类型", "gridtype"],
    "type": ["typecode", "type", "类型", "点位类型", "kind"],
    "level": ["level", "层级", "级别"],
    "population": ["population", "人口", "人口数", "常住人口"],
    "households": ["households", "户数", "住户数"],
    "manager": ["manager", "网格员", "负责人", "责任人"],
    "phone": ["phone", "电话", "联系电话", "手机"],
    "status": ["status", "状态", "办理状态", "工单状态", "处理状态", "案件状态", "casestatus", "在线状态"],
    "reported_at": [
        "reportedat",
        "createddate",
        "createdat",
        "created",
        "受理时间",
        "上报时间",
        "创建时间",
        "登记时间",
        "来电时间",
        "反映时间",
        "发生时间",
        "opendate",
        "date",
        "日期",
        "时间",
    ],
    "dispatched_at": ["dispatchedat", "派单时间", "派遣时间", "assigneddate"],
    "accepted_at": ["acceptedat", "签收时间", "接单时间"],
    "resolved_at": ["resolvedat", "resolveddate", "办结时间", "处理完成时间", "完成时间"],
    "closed_at": ["closedat", "closeddate", "结案时间", "关闭时间", "核验时间"],
    "deadline_at": ["deadlineat", "deadline", "duedate", "截止时间", "办理时限", "处理时限", "到期时间"],
    "category": [
        "category",
        "categorycode",
        "类别",
        "案件类别",
        "问题类型",
        "事件类型",
        "诉求类型",
        "分类",
        "complainttype",
        "问题分类",
    ],
    "description": ["description", "descriptor", "描述", "内容", "问题描述", "诉求内容", "事件描述", "反映内容"],
    "address": ["address", "incidentaddress", "地址", "事发地址", "详细地址", "事件地址"],
    "department": [
        "department",
        "departmentcode",
        "agency",
        "承办单位",
        "责任单位",
        "责任部门",
        "处置部门",
        "承办部门",
    ],
    "reply": ["reply", "resolutiondescription", "回复", "答复", "办理结果", "处理结果", "回复内容"],
    "satisfaction": ["satisfaction", "满意度", "评价", "群众评价"],
    "handled_online": ["handledonline", "网上办理", "opendatachanneltype", "channel", "渠道", "来源渠道"],
    "last_seen_at": ["lastseenat", "lastseen", "最后在线时间", "最近在线时间"],
    "view_range_m": ["viewrangem", "viewrange", "视距", "监控范围", "可视距离"],
    # inspection results kept in spreadsheets (geodata/load/inspections.py)
    "checkpoint": ["checkpoint", "checkpointcode", "点位编号", "点位代码", "点位编码", "code", "编码"],
    "element": [
        "element",
        "elementcode",
        "要素",
        "要素编码",
        "要素名称",
        "检查要素",
        "排查要素",
        "检查项目",
        "排查项目",
    ],
    "result": ["result", "passed", "结果", "排查结果", "检查结果", "是否达标", "达标情况"],
    "inspected_at": [
        "inspectedat",
        "inspectiontime",
        "inspectiondate",
        "排查时间",
        "排查日期",
        "检查时间",
        "检查日期",
        "巡查时间",
        "巡查日期",
        "date",
        "time",
        "日期",
        "时间",
    ],
    "inspector": ["inspector", "排查人", "排查人员", "检查人", "检查人员", "巡查人", "督查人"],
    "note": ["note", "notes", "remark", "remarks", "说明", "备注", "情况说明", "问题描述"],
}

FIELDS: dict[str, list[str]] = {
    "units": ["code", "name", "parent_code", "kind", "level", "population", "households", "manager", "phone"],
    "cameras": ["code", "name", "kind", "status", "last_seen_at", "view_range_m", "lon", "lat", "geometry"],
    "checkpoints": ["code", "name", "type", "department", "lon", "lat", "geometry"],
    "cases": [
        "external_id",
        "reported_at",
        "category",
        "status",
        "description",
        "address",
        "department",
        "reply",
        "dispatched_at",
        "accepted_at",
        "resolved_at",
        "closed_at",
        "deadline_at",
        "satisfaction",
        "handled_online",
        "lon",
        "lat",
        "geometry",
    ],
    "inspections": ["checkpoint", "element", "result", "inspected_at", "inspector", "note"],
}

# Source statuses onto our lifecycle (case_statuses). Keys are matched lower-cased and trimmed.
# "merged" is not a target: a merged case needs the case it was merged into.
DEFAULT_STATUS_MAP: dict[str, str] = {
    # NYC 311 and other English exports
    "open": "reported",
    "new": "reported",
    "reported": "reported",
    "unspecified": "reported",
    "received": "reported",
    "assigned": "dispatched",
    "dispatched": "dispatched",
    "pending": "dispatched",
    "in progress": "accepted",
    "started": "accepted",
    "accepted": "accepted",
    "in process": "accepted",
    "returned": "returned",
    "resolved": "resolved",
    "completed": "resolved",
    "done": "resolved",
    "rated": "rated",
    "closed": "closed",
    "rejected": "rejected",
    "cancelled": "rejected",
    "canceled": "rejected",
    "invalid": "rejected",
    # Chinese hotline and city-management systems
    "待受理": "reported",
    "已受理": "reported",
    "受理": "reported",
    "待处理": "reported",
    "未处理": "reported",
    "已上报": "reported",
    "待派单": "reported",
    "已派单": "dispatched",
    "已派遣": "dispatched",
    "派单": "dispatched",
    "待签收": "dispatched",
    "处理中": "accepted",
    "办理中": "accepted",
    "已签收": "accepted",
    "已接单": "accepted",
    "处置中": "accepted",
    "退回": "returned",
    "已退回": "returned",
    "退回重派": "returned",
    "已办结": "resolved",
    "办结": "resolved",
    "已处理": "resolved",
    "已解决": "resolved",
    "已处置": "resolved",
    "已评价": "rated",
    "已关闭": "closed",
    "已结案": "closed",
    "结案": "closed",
    "已核验": "closed",
    "已归档": "closed",
    "无效件": "rejected",
    "作废": "rejected",
    "已作废": "rejected",
    "不予受理": "rejected",
}
CASE_STATUSES = ("reported", "dispatched", "accepted", "returned", "resolved", "rated", "closed", "rejected", "merged")
CAMERA_STATUS = {
    "online": "online",
    "在线": "online",
    "1": "online",
    "true": "online",
    "正常": "online",
    "offline": "offline",
    "离线": "offline",
    "0": "offline",
    "false": "offline",
    "故障": "offline",
}
ONLINE_CHANNELS = {
    "online",
    "mobile",
    "app",
    "web",
    "网上",
    "网络",
    "在线",
    "网上办理",
    "是",
    "true",
    "1",
    "yes",
    "y",
    "t",
}
SATISFACTION_WORDS = {"非常满意": 5, "满意": 5, "基本满意": 3, "一般": 3, "不满意": 1, "很不满意": 1}

# Time formats tried per column; the one that reads most of a sample wins (ties: first listed).
TIME_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
    "%y-%m-%d %H:%M:%S",
    "%y-%m-%d %H:%M",
    "%y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H时%M分",
    "%Y年%m月%d日",
    "%Y%m%d%H%M%S",
    "%Y%m%d",
]
MIN_YEAR, MAX_YEAR = 1970, 2100


def _variants(header: str) -> set[str]:
    h = header.strip().lstrip("\ufeff").lower().replace("（", "(").replace("）", ")")
    out = {re.sub(r"[\s_\-./]+", "", h)}
    inner = re.findall(r"\(([^)]*)\)", h)
    outer = re.sub(r"\([^)]*\)", "", h)
    out.add(re.sub(r"[\s_\-./]+", "", outer))
    out.update(re.sub(r"[\s_\-./]+", "", i) for i in inner)
    return out - {""}


def detect_columns(columns: list[str], kind: str, overrides: dict[str, str]) -> dict[str, str]:
    """Our field → the file's column, from the aliases, with ``--map`` overrides first."""
    fields = FIELDS[kind]
    found: dict[str, str] = {}
    for ours, theirs in overrides.items():
        if ours not in fields:
            raise LoadError(
                Message(
                    "load.err.map_no_field", ours=ours, kind=Message(f"load.err.kind.{kind}"), fields=", ".join(fields)
                )
            )
        if theirs not in columns:
            raise LoadError(
                Message("load.err.map_no_column", ours=ours, theirs=theirs, columns=", ".join(columns[:30]))
            )
        found[ours] = theirs
    variants = {c: _variants(c) for c in columns}
    for field in fields:
        if field in found:
            continue
        taken = set(found.values())
        for alias in ALIASES[field]:
            hit = next((c for c in columns if c not in taken and alias in variants[c]), None)
            if hit is not None:
                found[field] = hit
                break
    return found


def parse_map_args(pairs: list[str]) -> dict[str, str]:
    """``--map our=theirs`` arguments as a dict."""
    out = {}
    for pair in pairs:
        ours, sep, theirs = pair.partition("=")
        if not sep or not ours.strip() or not theirs.strip():
            raise LoadError(Message("load.err.map_syntax", pair=pair))
        out[ours.strip()] = theirs.strip()
    return out


def parse_times(values: pd.Series, tz: str, placeholders: bool = False) -> tuple[pd.Series, np.ndarray]:
    """UTC timestamps of a text column and a mask of the non-empty values that could not be read.

    Naive times are taken in ``tz``; values with an offset or "Z" keep it. With ``placeholders``,
    a readable time outside 1970–2100 (exports write 01/01/1900 for "none") counts as empty.
    """
    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    empty = (text == "").to_numpy()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us, UTC]")
    if empty.all():
        return out, np.zeros(len(text), dtype=bool)
    sample = text[~empty].drop_duplicates().head(200)
    best, best_ok = None, -1
    for fmt in TIME_FORMATS:
        ok = _sane(pd.to_datetime(sample, format=fmt, errors="coerce")).notna().sum()
        if ok > best_ok:
            best, best_ok = fmt, ok
    parsed = _sane(pd.to_datetime(text.where(~empty, None), format=best, errors="coerce"))
    naive = parsed.dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").dt.tz_convert("UTC")
    out[:] = naive.astype("datetime64[us, UTC]")
    for fmt in TIME_FORMATS:  # a column mixing spellings: the other formats, in order
        rest = out.isna().to_numpy() & ~empty
        if not rest.any():
            break
        more = _sane(pd.to_datetime(text.where(rest, None), format=fmt, errors="coerce"))
        hit = more.notna().to_numpy()
        if hit.any():
            local = more[hit].dt.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward").dt.tz_convert("UTC")
            out[hit] = local.astype("datetime64[us, UTC]")
    rest = np.flatnonzero(out.isna().to_numpy() & ~empty)
    if len(rest):  # ISO 8601 with offsets
        for i in rest:
            out.iloc[i] = _one_time(text.iloc[i], tz)
    bad = out.isna().to_numpy() & ~empty
    if placeholders and bad.any():
        raw = pd.to_datetime(text.where(bad, None), format=best, errors="coerce")
        bad &= raw.isna().to_numpy()
    return out, bad


def _sane(parsed: pd.Series) -> pd.Series:
    years = parsed.dt.year
    return parsed.where((years >= MIN_YEAR) & (years <= MAX_YEAR))


def _one_time(value: str, tz: str):
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    if ts is pd.NaT or not (MIN_YEAR <= ts.year <= MAX_YEAR):
        return pd.NaT
    return (ts.tz_localize(tz) if ts.tzinfo is None else ts).tz_convert("UTC")


def read_map_file(path: Path, flag: str) -> dict[str, str]:
    """Pairs "their value → ours" from a UTF-8 CSV (two columns, an optional header) or a JSON
    object file; keys stripped and lower-cased, as the loader matches them."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(Message("load.err.map_file_unreadable", flag=flag, path=path, detail=str(exc))) from exc
    try:
        pairs = (
            json.loads(text)
            if path.suffix.lower() == ".json"
            else dict((r[0], r[1]) for r in csv.reader(text.splitlines()) if len(r) >= 2 and r[0].strip())
        )
    except (ValueError, TypeError) as exc:
        raise LoadError(Message("load.err.map_file_malformed", flag=flag, path=path, detail=str(exc))) from exc
    if not isinstance(pairs, dict):
        raise LoadError(Message("load.err.map_file_not_object", flag=flag, path=path))
    out: dict[str, str] = {}
    for source, target in pairs.items():
        source, target = str(source).strip(), str(target).strip()
        if source.lower() in {"source", "status", "category", "from"} and target.lower() in {"target", "to", "ours"}:
            continue  # a header row
        out[source.lower()] = target
    return out


def load_status_map(path: Path | None) -> dict[str, str]:
    """The default status map, updated from a CSV (``source,target`` rows) or JSON object file."""
    mapping = dict(DEFAULT_STATUS_MAP)
    if path is None:
        return mapping
    for source, target in read_map_file(path, "--status-map").items():
        if target not in CASE_STATUSES or target == "merged":
            statuses = ", ".join(s for s in CASE_STATUSES if s != "merged")
            raise LoadError(
                Message("load.err.status_map_target", path=path, source=source, target=target, statuses=statuses)
            )
        mapping[source] = target
    return mapping


def load_category_map(path: Path | None, leaves: set[str]) -> dict[str, str]:
    """Their category (text, lower-cased) → our leaf category code, from a ``--category-map`` file
    (CSV ``source,target`` rows or a JSON object); empty without one."""
    if path is None:
        return {}
    mapping = read_map_file(path, "--category-map")
    wrong = {s: t for s, t in mapping.items() if t not in leaves}
    if wrong:
        source, target = next(iter(wrong.items()))
        raise LoadError(
            Message("load.err.category_map_target", path=path, source=source, target=target, count=len(wrong))
        )
    return mapping


def per_value(values: pd.Series, fn) -> pd.Series:
    """``fn`` applied once per distinct value (an export repeats its statuses and categories)."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    done = np.array([fn(v) for v in uniques], dtype=object)
    out = np.empty(len(values), dtype=object)
    out[:] = None
    hit = codes >= 0
    out[hit] = done[codes[hit]]
    return pd.Series(out, index=values.index, dtype=object)


def _clean(value) -> str | None:
    """Trimmed, with HTML entities decoded (exports write ``&amp;`` for ``&``); empty as None."""
    text = str(value).strip()
    if "&" in text:
        text = html.unescape(text).strip()
    return text or None


def map_status(values: pd.Series, mapping: dict[str, str]) -> tuple[pd.Series, np.ndarray]:
    """Our status per row (empty → reported) and a mask of values the map does not know."""
    out = per_value(values, lambda v: mapping.get(str(v).strip().lower()) if str(v).strip() else "reported")
    out[values.isna()] = "reported"
    return out, out.isna().to_numpy()


def to_number(values: pd.Series) -> pd.Series:
    """Numbers from text (empty → NaN); a decimal comma is not guessed."""
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float)
    out = pd.to_numeric(values, errors="coerce")
    retry = out.isna() & values.notna() & (values.astype(object) != "")
    if retry.any():  # surrounding spaces
        out[retry] = pd.to_numeric(text_or_none(values[retry]), errors="coerce")
    return out.astype(float)


def text_or_none(values: pd.Series) -> pd.Series:
    """Trimmed text, empty as missing."""
    return per_value(values, _clean)
