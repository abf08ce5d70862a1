# Long (over 400 lines) because the four kinds share their column and rejection helpers.
"""The rows of each kind of file: columns found, values checked and converted, bad rows rejected
with a reason (units, cameras, checkpoints, cases). geodata/load/loader.py runs them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geodata.errors import LoadError
from geodata.load import checks, write
from geodata.load.fields import (
    CAMERA_STATUS,
    ONLINE_CHANNELS,
    SATISFACTION_WORDS,
    load_category_map,
    load_status_map,
    map_status,
    parse_times,
    per_value,
    text_or_none,
    to_number,
)
from geodata.load.options import (
    BULK_MIN_ROWS,
    CAMERA_KINDS,
    CODE_PATTERN,
    LEVELS,
    OPEN_STATUSES,
    PARENT_LEVEL,
    ROOT_LEVELS,
    UNIT_KINDS,
    Options,
)
from geodata.load.read import Table, csv_geometry
from geodata.load.reasons import Reason
from geodata.load.report import LoadReport
from i18n import Message


def _required(cols: dict[str, str], name: str, field_name: str, hint: Message) -> str:
    """The file's column for ``field_name``; ``hint`` names columns it could have been found under."""
    if field_name not in cols:
        raise LoadError(Message("load.err.no_column", name=name, field=field_name, hint=hint))
    return cols[field_name]


def _level_name(level: str) -> Message:
    """A unit level (district, street …) as a value said in the sentence's language."""
    return Message(f"load.name.{level}")


def _code_text(values: pd.Series) -> pd.Series:
    """Codes as text; whole floats (1.0) lose their ".0"."""
    if pd.api.types.is_float_dtype(values.dtype):
        return pd.Series(
            [None if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)) for v in values],
            index=values.index,
            dtype=object,
        )
    return text_or_none(values.astype(object).where(values.notna(), None).map(lambda v: v if v is None else str(v)))


def _points(table: Table, cols: dict[str, str], rows: np.ndarray, opts: Options, report: LoadReport):
    """WGS84 lon/lat per row and the mask of rows with usable coordinates."""
    frame = table.frame
    if table.geoms is not None:
        crs = checks.resolve_crs(opts.crs, table.crs, table.name)
        lon, lat = checks.points_of(table.geoms, rows, report)
    elif "lon" in cols and "lat" in cols:
        crs = checks.resolve_crs(opts.crs, None, table.name)
        lon = to_number(frame[cols["lon"]]).to_numpy(dtype=float)
        lat = to_number(frame[cols["lat"]]).to_numpy(dtype=float)
    elif "geometry" in cols:
        parsed = csv_geometry(frame[cols["geometry"]].astype(str))
        if parsed is None:
            raise LoadError(Message("load.err.geometry_column", name=table.name, column=cols["geometry"]))
        geoms, srid = parsed
        crs = checks.resolve_crs(opts.crs, f"EPSG:{srid}" if srid else None, table.name)
        lon, lat = checks.points_of(geoms, rows, report)
    else:
        raise LoadError(Message("load.err.no_coordinates", name=table.name, lon_lat="经度/纬度"))
    lon, lat = checks.points_to_wgs84(lon, lat, crs)
    return lon, lat, checks.check_points(lon, lat, rows, report)


def _drop_duplicates(keys: pd.Series, keep: np.ndarray, rows: np.ndarray, what: str, report: LoadReport) -> None:
    """Reject later rows whose key repeats an earlier kept row (in place on ``keep``)."""
    kept = keys.where(keep)
    dup = (kept.duplicated(keep="first") & kept.notna()).to_numpy()
    if dup.any():
        first = pd.Series(rows[keep], index=kept[keep].to_numpy()).groupby(level=0).min()
        for i in np.flatnonzero(dup):
            report.reject([rows[i]], Reason("repeats", what=what, value=kept.iloc[i], first=first[kept.iloc[i]]))
        keep &= ~dup


def _reject_mask(mask: np.ndarray, keep: np.ndarray, rows: np.ndarray, report: LoadReport, reason) -> None:
    """Reject rows where ``mask`` (and still kept); ``reason`` is a text or a function of the row index."""
    hit = np.flatnonzero(mask & keep)
    for i in hit:
        report.reject([rows[i]], reason(i) if callable(reason) else reason)
    keep[hit] = False


def _unit_ids(cur, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
    index = write.unit_index(cur)
    if index is None:
        return pd.DataFrame({c: pd.array([None] * len(lon), dtype="Int64") for c in write.FACT_UNIT_COLUMNS})
    return index.assign(lon, lat)


def _matcher(rows: list[tuple], value_cols: tuple[int, ...]) -> dict[str, object]:
    """Lower-cased code/name/English name → the row's first column."""
    out: dict[str, object] = {}
    for r in rows:
        for i in value_cols:
            if r[i]:
                out.setdefault(str(r[i]).strip().lower(), r[0])
    return out


def _lookup(values: pd.Series, table: dict[str, object]) -> pd.Series:
    return per_value(values, lambda v: table.get(str(v).strip().lower()))


# ---- units ----------------------------------------------------------------------------------


def _units(cur, table: Table, cols, rows, opts: Options, report: LoadReport) -> tuple[int, int, int]:
    frame, name = table.frame, table.name
    level = opts.level or _level_from_file(frame, cols, report)
    if level not in LEVELS:
        raise LoadError(Message("load.err.which_level", levels="|".join(LEVELS)))
    geoms, file_crs = table.geoms, table.crs
    if geoms is None:
        parsed = csv_geometry(frame[cols["geometry"]].astype(str)) if "geometry" in cols else None
        if parsed is None:
            raise LoadError(Message("load.err.units_need_polygons", name=name))
        geoms, srid = parsed
        file_crs = f"EPSG:{srid}" if srid else None
    crs = checks.resolve_crs(opts.crs, file_crs, name)
    geoms = checks.check_polygons(checks.geoms_to_wgs84(geoms, crs), rows, report, opts.repair)
    keep = np.ones(len(rows), dtype=bool)
    keep[[r - 1 for r in report.rejected]] = False
    code_hint = Message("load.err.one_of_4", a="code", b="adcode", c="编码", d="id")
    codes = _code_text(frame[_required(cols, name, "code", code_hint)])
    name_hint = Message("load.err.either", a="name", b="名称")
    names = text_or_none(frame[_required(cols, name, "name", name_hint)])
    _reject_mask(codes.isna().to_numpy(), keep, rows, report, Reason("no_code"))
    bad_code = ~codes.fillna("").str.match(CODE_PATTERN).to_numpy()
    _reject_mask(bad_code, keep, rows, report, lambda i: Reason("bad_code", code=codes.iloc[i]))
    _reject_mask(names.isna().to_numpy(), keep, rows, report, Reason("no_name"))
    _reject_mask(names.fillna("").str.len().to_numpy() > 100, keep, rows, report, Reason("long_name"))
    _drop_duplicates(codes, keep, rows, "code", report)
    kinds = _unit_kinds(frame, cols, level, opts, keep, rows, report)
    parent_ids = _parents(cur, level, geoms, frame, cols, keep, rows, report)
    ok = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "code": codes.to_numpy()[ok],
            "name": names.to_numpy()[ok],
            "level": level,
            "kind": kinds[ok],
            "parent_id": pd.array(parent_ids[ok], dtype="Int64"),
            "population": _count(frame, cols, "population", ok),
            "households": _count(frame, cols, "households", ok),
            "manager": _text(frame, cols, "manager", ok),
            "phone": _text(frame, cols, "phone", ok),
            "geom": geoms[ok],
        }
    )
    inserted, updated = write.write_units(cur, out)
    if level == "grid" and len(out):
        report.topology = write.topology(cur, out.code.tolist())
    return inserted, updated, len(out)


def _level_from_file(frame: pd.DataFrame, cols, report: LoadReport) -> str:
    if "level" in cols:
        values = set(text_or_none(frame[cols["level"]]).fillna("").str.lower()) - {""}
        if len(values) == 1 and (only := values.pop()) in LEVELS:
            report.note(Message("load.note.level_from_column", level=only, column=cols["level"]))
            return only
    raise LoadError(Message("load.err.which_level", levels="|".join(LEVELS)))


def _unit_kinds(frame, cols, level, opts: Options, keep, rows, report) -> np.ndarray:
    words = UNIT_KINDS[level]
    default = {"grid": "community"}.get(level, level)
    if opts.unit_kind:
        if opts.unit_kind not in words.values():
            kinds = ", ".join(sorted(set(words.values())))
            raise LoadError(Message("load.err.unit_kind", kind=opts.unit_kind, level=_level_name(level), kinds=kinds))
        return np.full(len(frame), opts.unit_kind, dtype=object)
    if "kind" not in cols or len(set(words.values())) == 1:
        return np.full(len(frame), default, dtype=object)
    raw = text_or_none(frame[cols["kind"]]).fillna("")
    mapped = _lookup(raw, words)
    mapped[raw == ""] = default
    known = ", ".join(sorted(set(words.values())))
    _reject_mask(
        mapped.isna().to_numpy(),
        keep,
        rows,
        report,
        lambda i: Reason("unknown_unit_kind", level=level, value=raw.iloc[i], known=known),
    )
    return mapped.to_numpy(dtype=object)


def _parents(cur, level, geoms, frame, cols, keep, rows, report) -> np.ndarray:
    """Parent unit id per row: by parent code when given, else the parent containing the unit's
    representative point (the lowest id when several do). A city, and a district when no city is
    loaded, are top-level units."""
    ids = np.full(len(rows), None, dtype=object)
    above = PARENT_LEVEL.get(level)
    parents = write.units_at_level(cur, above) if above else None
    if parents is None or (parents.empty and level in ROOT_LEVELS):
        return ids
    if parents.empty:
        raise LoadError(Message("load.err.no_parents", above=_level_name(above), level=_level_name(level)))
    if "parent_code" in cols:
        by_code = dict(zip(parents.code, parents.id))
        given = _code_text(frame[cols["parent_code"]])
        found = given.map(by_code)
        _reject_mask(
            found.isna().to_numpy(),
            keep,
            rows,
            report,
            lambda i: Reason("no_parent_code", value=given.iloc[i], above=above),
        )
        ids[keep] = found.to_numpy(dtype=object)[keep]
        return ids
    idx = np.flatnonzero(keep)
    points = shapely.point_on_surface(geoms[idx])
    tree = shapely.STRtree(parents.geom.to_numpy())
    pt, hit = tree.query(points, predicate="within")
    best: dict[int, int] = {}
    for p, h in zip(pt.tolist(), hit.tolist()):
        pid = int(parents.id.iloc[h])
        best[p] = min(best.get(p, pid), pid)
    for j, i in enumerate(idx):
        ids[i] = best.get(j)
    _reject_mask(
        np.array([v is None for v in ids]),
        keep,
        rows,
        report,
        Reason("no_parent", above=above),
    )
    return ids


def _count(frame, cols, field_name: str, ok: np.ndarray):
    if field_name not in cols:
        return pd.array([None] * len(ok), dtype="Int64")
    values = to_number(frame[cols[field_name]]).to_numpy()[ok]
    good = np.isfinite(values) & (values >= 0) & (values == np.round(values))
    return pd.array(np.where(good, values, np.nan), dtype="Float64").astype("Int64")


def _text(frame, cols, field_name: str, ok: np.ndarray) -> np.ndarray:
    if field_name not in cols:
        return np.full(len(ok), None, dtype=object)
    return text_or_none(frame[cols[field_name]]).to_numpy(dtype=object)[ok]


# ---- cameras and checkpoints --------------------------------------------------------------


def _point_rows(cur, table: Table, cols, rows, opts: Options, report: LoadReport):
    """Coordinates checked against the territory, codes, names and the rows kept."""
    lon, lat, keep = _points(table, cols, rows, opts, report)
    keep = checks.reject_outside(checks.Territory(write.territory_geoms(cur)), lon, lat, rows, keep, report)
    hint = Message("load.err.one_of_3", a="code", b="编号", c="id")
    codes = _code_text(table.frame[_required(cols, table.name, "code", hint)])
    _reject_mask(codes.isna().to_numpy(), keep, rows, report, Reason("no_code"))
    _drop_duplicates(codes, keep, rows, "code", report)
    names = text_or_none(table.frame[cols["name"]]) if "name" in cols else codes
    names = names.where(names.notna(), codes)
    return lon, lat, keep, codes, names


def _word(frame, cols, field_name: str, words: dict, default: str, rejecting, reason: str) -> pd.Series:
    """A field from a fixed vocabulary (``words``: their word → ours); a word not in it rejects
    its row with ``reason``; without the column every row takes ``default`` (and the report says so)."""
    keep, rows, report = rejecting
    if field_name not in cols:
        report.note(Message("load.note.no_column_default", field=field_name, default=default))
        return pd.Series([default] * len(rows))
    raw = text_or_none(frame[cols[field_name]]).fillna("")
    ours = _lookup(raw, words)
    _reject_mask(ours.isna().to_numpy(), keep, rows, report, lambda i: Reason(reason, value=raw.iloc[i]))
    return ours


def _cameras(cur, table: Table, cols, rows, opts: Options, report: LoadReport) -> tuple[int, int, int]:
    frame = table.frame
    lon, lat, keep, codes, names = _point_rows(cur, table, cols, rows, opts, report)
    n = len(rows)
    kind = _word(frame, cols, "kind", CAMERA_KINDS, "bullet", (keep, rows, report), "unknown_camera_kind")
    status = _word(frame, cols, "status", CAMERA_STATUS, "online", (keep, rows, report), "unknown_camera_status")
    seen = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
    if "last_seen_at" in cols:
        seen, bad = parse_times(frame[cols["last_seen_at"]], opts.tz)
        _reject_mask(bad, keep, rows, report, Reason("bad_seen_time", column=cols["last_seen_at"]))
    view = to_number(frame[cols["view_range_m"]]) if "view_range_m" in cols else pd.Series(np.full(n, 50.0))
    view = view.fillna(50.0).to_numpy()
    _reject_mask(view <= 0, keep, rows, report, Reason("bad_view_range"))
    ok = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "code": codes.to_numpy()[ok],
            "name": names.to_numpy()[ok],
            "kind": kind.to_numpy()[ok],
            "status": status.to_numpy()[ok],
            "last_seen_at": seen.iloc[ok].reset_index(drop=True),
            "view_range_m": view[ok],
            "lon": lon[ok],
            "lat": lat[ok],
        }
    )
    out = pd.concat([out, _unit_ids(cur, lon[ok], lat[ok])], axis=1)
    inserted, updated = write.write_cameras(cur, out)
    return inserted, updated, len(out)


def _checkpoints(cur, table: Table, cols, rows, opts: Options, report: LoadReport) -> tuple[int, int, int]:
    frame = table.frame
    lon, lat, keep, codes, names = _point_rows(cur, table, cols, rows, opts, report)
    types = write.catalogue(cur, "load_checkpoint_types")
    hint = Message("load.err.either", a="type", b="点位类型")
    raw = text_or_none(frame[_required(cols, table.name, "type", hint)]).fillna("")
    type_code = _lookup(raw, _matcher(types, (0, 1, 2)))
    known = ", ".join(t[0] for t in types)
    _reject_mask(
        type_code.isna().to_numpy(),
        keep,
        rows,
        report,
        lambda i: Reason("unknown_checkpoint_type", value=raw.iloc[i], known=known),
    )
    dept = _departments(cur, frame, cols, keep, report)
    ok = np.flatnonzero(keep)
    out = pd.DataFrame(
        {
            "code": codes.to_numpy()[ok],
            "name": names.to_numpy()[ok],
            "type_code": type_code.to_numpy()[ok],
            "department_id": pd.array(dept[ok], dtype="Int64"),
            "lon": lon[ok],
            "lat": lat[ok],
        }
    )
    out = pd.concat([out, _unit_ids(cur, lon[ok], lat[ok])], axis=1)
    inserted, updated = write.write_checkpoints(cur, out)
    return inserted, updated, len(out)


def _departments(cur, frame, cols, keep, report: LoadReport) -> np.ndarray:
    if "department" not in cols:
        return np.full(len(frame), None, dtype=object)
    raw = text_or_none(frame[cols["department"]]).fillna("")
    found = _lookup(raw, _matcher(write.catalogue(cur, "load_departments"), (1, 2, 3)))
    unknown = found.isna().to_numpy() & (raw != "").to_numpy() & keep
    if unknown.any():
        report.note(Message("load.note.unknown_department", n=int(unknown.sum()), example=raw[unknown].iloc[0]))
    return found.astype(object).where(found.notna(), None).to_numpy(dtype=object)


# ---- cases ----------------------------------------------------------------------------------


def _cases(cur, table: Table, cols, rows, opts: Options, report: LoadReport) -> tuple[int, int, int]:
    frame = table.frame
    sources = {r[0] for r in write.catalogue(cur, "load_sources")}
    if opts.source not in sources:
        raise LoadError(Message("load.err.unknown_source", source=opts.source, known=", ".join(sorted(sources))))
    id_hint = Message("load.err.an_id", a="Unique Key", b="编号", c="工单编号")
    ext_col = _required(cols, table.name, "external_id", id_hint)
    time_hint = Message("load.err.a_time", a="Created Date", b="受理时间", c="上报时间")
    at_col = _required(cols, table.name, "reported_at", time_hint)
    lon, lat, keep = _points(table, cols, rows, opts, report)
    keep = checks.reject_outside(checks.Territory(write.territory_geoms(cur)), lon, lat, rows, keep, report)
    ext = _code_text(frame[ext_col])
    _reject_mask(ext.isna().to_numpy(), keep, rows, report, Reason("no_external_id"))
    reported, bad = parse_times(frame[at_col], opts.tz)
    _reject_mask(
        bad | reported.isna().to_numpy(),
        keep,
        rows,
        report,
        lambda i: Reason("bad_reported_time", value=frame[at_col].iloc[i], column=at_col),
    )
    times = _case_times(frame, cols, opts, keep, rows, report, reported)
    status, raw_status = _case_status(frame, cols, opts, keep, rows, report, times)
    steps = _step_times(status.to_numpy(dtype=object), times)
    for step in ("dispatched_at", "resolved_at", "closed_at"):
        early = (steps[step] < reported).fillna(False).to_numpy()
        _reject_mask(early, keep, rows, report, Reason("step_before_report", step=step.removesuffix("_at")))
    early = (steps["accepted_at"] < steps["dispatched_at"]).fillna(False).to_numpy()
    _reject_mask(early, keep, rows, report, Reason("accepted_before_dispatch"))
    _drop_duplicates(ext, keep, rows, "external id", report)
    category, sla, cat_dept, raw_category = _categories(cur, frame, cols, opts, keep, report)
    deadline = times["deadline_at"].where(times["deadline_at"] > reported, reported + pd.to_timedelta(sla, unit="h"))
    dept = _departments(cur, frame, cols, keep, report)
    ok = np.flatnonzero(keep)
    take = lambda s: s.iloc[ok].reset_index(drop=True)  # noqa: E731
    out = pd.DataFrame(
        {
            "source": opts.source,
            "external_id": ext.to_numpy()[ok],
            "category_code": category[ok],
            "status": status.to_numpy(dtype=object)[ok],
            "status_given": "status" in cols,
            "source_category": raw_category[ok],
            "source_status": raw_status[ok],
            "description": _text(frame, cols, "description", ok),
            "address": _text(frame, cols, "address", ok),
            "department_id": pd.array(np.where(pd.isna(dept), cat_dept, dept)[ok], dtype="Int64"),
            "reported_at": take(reported),
            **{step: take(steps[step]) for step in ("dispatched_at", "accepted_at", "resolved_at")},
            "rated_at": pd.Series(pd.NaT, index=range(len(ok)), dtype="datetime64[us, UTC]"),
            "closed_at": take(steps["closed_at"]),
            "deadline_at": take(deadline),
            "satisfaction": _satisfaction(frame, cols, ok),
            "handled_online": _online(frame, cols, ok),
            "reply": _text(frame, cols, "reply", ok),
            "lon": lon[ok],
            "lat": lat[ok],
        }
    )
    return _write_cases(cur, pd.concat([out, _unit_ids(cur, lon[ok], lat[ok])], axis=1), opts, report)


STEP_COLUMNS = ("dispatched_at", "accepted_at", "resolved_at", "closed_at", "deadline_at")


def _case_times(frame, cols, opts: Options, keep, rows, report: LoadReport, reported: pd.Series) -> dict:
    """The step times the file gives (NaT where it gives none). A time at midnight before the report
    on the report's own day is a date without its time (exports write 12:00:00 AM): read as the
    end of that day."""
    times = {"reported_at": reported}
    local_day = reported.dt.tz_convert(opts.tz).dt.normalize()
    for step in STEP_COLUMNS:
        if step not in cols:
            times[step] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us, UTC]")
            continue
        times[step], bad_t = parse_times(frame[cols[step]], opts.tz, placeholders=True)
        _reject_mask(
            bad_t,
            keep,
            rows,
            report,
            lambda i, c=cols[step]: Reason("bad_step_time", value=frame[c].iloc[i], column=c),
        )
        local = times[step].dt.tz_convert(opts.tz)
        date_only = (local == local_day) & (times[step] < reported)
        if date_only.any():
            end = (local[date_only] + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)).dt.tz_convert("UTC")
            times[step] = times[step].where(~date_only, end)
            report.note(Message("load.note.date_only", n=int(date_only.sum()), step=step))
    return times


def _case_status(
    frame, cols, opts: Options, keep, rows, report: LoadReport, times: dict
) -> tuple[pd.Series, np.ndarray]:
    """Our status per row and the file's own status text (None without a status column). Without
    one, a new case's status follows the last step it has a time for (a closing time: closed);
    cases already loaded keep theirs (load_cases_reconcile.sql)."""
    if "status" in cols:
        raw = text_or_none(frame[cols["status"]]).fillna("")
        status, unknown = map_status(raw, load_status_map(opts.status_map))
        _reject_mask(unknown, keep, rows, report, lambda i: Reason("unknown_status", value=raw.iloc[i]))
        return status, raw.where(raw != "", None).to_numpy(dtype=object)
    status = pd.Series("reported", index=frame.index, dtype=object)
    for step, name in (("dispatched_at", "dispatched"), ("accepted_at", "accepted"), ("resolved_at", "resolved")):
        status[times[step].notna().to_numpy()] = name
    status[times["closed_at"].notna().to_numpy()] = "closed"
    counts = status[keep].value_counts()
    said = ", ".join(f"{int(n)} {s}" for s, n in counts.items())
    report.note(Message("load.note.no_status_column", counts=said))
    return status, np.full(len(frame), None, dtype=object)


def _write_cases(cur, out: pd.DataFrame, opts: Options, report: LoadReport) -> tuple[int, int, int]:
    bulk = opts.bulk
    if bulk is None:
        bulk = len(out) >= BULK_MIN_ROWS and write.cases_at_most(cur, len(out))
    report.bulk = bool(bulk)
    if bulk:
        report.note(Message("load.note.bulk"))
    done = write.write_cases(cur, out, actor=f"import:{opts.source}", bulk=bulk, backward=opts.allow_backward)
    if done.held:
        first = ", ".join(f"{e} ({old} → {new})" for e, old, new in done.held_first[:5])
        said = "load.note.backward_applied" if opts.allow_backward else "load.note.backward_held"
        report.note(Message(said, n=done.held, first=first))
    return done.inserted, done.updated, len(out)


def _step_times(status: np.ndarray, times: dict[str, pd.Series]) -> dict[str, pd.Series]:
    """Step timestamps that agree with each row's status: an open case has no end, an ended one
    takes its end from the resolved or closed column."""
    st = pd.Series(status, index=times["reported_at"].index)
    is_open = st.isin(OPEN_STATUSES)
    ended = st.isin(("resolved", "rated", "closed"))
    end = times["resolved_at"].fillna(times["closed_at"])
    none = pd.Series(pd.NaT, index=st.index, dtype="datetime64[us, UTC]")
    return {
        "dispatched_at": times["dispatched_at"].where(st != "reported", none),
        "accepted_at": times["accepted_at"].where(~st.isin(("reported", "dispatched")), none),
        "resolved_at": end.where(ended, none),
        "closed_at": times["closed_at"].fillna(end).where(st.isin(("closed", "rejected")) & ~is_open, none),
    }


def _categories(cur, frame, cols, opts: Options, keep, report: LoadReport):
    rows = write.catalogue(cur, "load_categories")
    leaves = {r[0]: r for r in rows if r[5]}
    if opts.category not in leaves:
        known = ", ".join(sorted(leaves)[:30])
        raise LoadError(Message("load.err.not_leaf_category", category=opts.category, known=known))
    n = len(frame)
    mapped = load_category_map(opts.category_map, set(leaves))
    if "category" in cols:
        raw = text_or_none(frame[cols["category"]]).fillna("")
        code = _lookup(raw, _matcher([r for r in rows if r[5]], (0, 1, 2)))
        if mapped:  # the file's pairs first: they say what a category of theirs is among ours
            code = _lookup(raw, mapped).where(lambda c: c.notna(), code)
        foreign = code.isna().to_numpy() & keep
        if foreign.any():
            examples = ", ".join(repr(v) for v in raw[foreign].value_counts().index[:3])
            report.note(
                Message(
                    "load.note.foreign_categories",
                    n=int(foreign.sum()),
                    examples=examples,
                    code=opts.category,
                    name=leaves[opts.category][1],
                )
            )
        code = code.fillna(opts.category).to_numpy(dtype=object)
        original = raw.where(raw != "", None).to_numpy(dtype=object)
    else:
        code = np.full(n, opts.category, dtype=object)
        original = np.full(n, None, dtype=object)
        report.note(Message("load.note.no_category_column", code=opts.category, name=leaves[opts.category][1]))
    sla = np.array([leaves[c][3] for c in code], dtype=float)
    dept = np.array([leaves[c][4] for c in code], dtype=object)
    return code, sla, dept, original


def _satisfaction(frame, cols, ok: np.ndarray):
    if "satisfaction" not in cols:
        return pd.array([None] * len(ok), dtype="Int64")
    raw = text_or_none(frame[cols["satisfaction"]]).fillna("")
    values = to_number(raw).where(lambda v: v.between(1, 5) & (v == v.round()))
    values = values.fillna(raw.map(SATISFACTION_WORDS))
    return pd.array(values.to_numpy()[ok], dtype="Float64").astype("Int64")


def _online(frame, cols, ok: np.ndarray) -> np.ndarray:
    if "handled_online" not in cols:
        return np.zeros(len(ok), dtype=bool)
    online = per_value(frame[cols["handled_online"]], lambda v: str(v).strip().lower() in ONLINE_CHANNELS)
    return online.fillna(False).to_numpy(dtype=bool)[ok]


BUILDERS = {"units": _units, "cameras": _cameras, "checkpoints": _checkpoints, "cases": _cases}
