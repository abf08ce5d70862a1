"""Deterministic citizen cases with a full lifecycle and event log, for the demo and city scales.

Locations mix hotspots (markets, schools, busy streets) with a uniform background. Each case
walks the case loop (受理 → 派单 → 签收 → 办结 → 评价 → 核验); how far it got depends on its
age, its category's SLA and whether it is one of the hard cases that drag on for weeks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
import shapely

from geodata.clock import TZ_NAME
from geodata.demo.nearest_line import NearestLine
from geodata.demo.points import jitter, random_in
from geodata.unit_assign import UnitIndex

HOUR = 3600.0
DAY = 86_400.0
SOURCES = (["hotline", "app", "patrol", "camera_ai"], [0.45, 0.20, 0.25, 0.10])
SOURCE_PREFIX = {"hotline": "RX", "app": "SSP", "patrol": "XC", "camera_ai": "AI", "inspection": "JC"}
SOURCE_VOICE = {
    "hotline": "市民来电反映",
    "app": "市民随手拍上报",
    "patrol": "网格员巡查发现",
    "camera_ai": "视频AI识别告警",
    "inspection": "专项检查发现",
}
# Relative frequency of leaf categories; a category missing here gets weight 1. "99" (其他) is the
# loader's fallback for foreign complaint types and never generated.
CATEGORY_WEIGHT = {
    "99": 0,
    "0101": 9,
    "0102": 4,
    "0103": 5,
    "0104": 1,
    "0105": 4,
    "0201": 5,
    "0202": 2,
    "0301": 4,
    "0302": 2,
    "0303": 3,
    "0401": 0.5,
    "0402": 1,
    "0403": 1,
    "0501": 8,
    "0502": 6,
    "0503": 7,
    "0504": 5,
    "0601": 6,
    "0602": 5,
    "0603": 3,
    "0604": 2,
    "0605": 3,
}
HOUR_PROFILE = np.array([1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 10, 10, 9, 9, 8, 7, 6, 4, 3, 2], dtype=float)
HARD_SHARE = 0.12  # cases that drag on for days or weeks (疑难件)
HARD_DAYS = 25.0  # median working time of a hard case
NORMAL_SHARE = 0.35  # median working time of an ordinary case, as a share of its SLA
SATISFACTION_ON_TIME = [0.03, 0.04, 0.10, 0.33, 0.50]
SATISFACTION_LATE = [0.12, 0.15, 0.25, 0.28, 0.20]
ACTOR_CENTRE = "区城运中心"


@dataclass(frozen=True)
class CaseContext:
    """What case generation needs from the rest of the city."""

    district: object
    index: UnitIndex
    hotspots: np.ndarray  # (k, 3): lon, lat, sigma_m
    road_geoms: np.ndarray
    road_names: np.ndarray
    categories: pd.DataFrame  # leaf categories: code, name, sla_hours, department_id
    departments: dict[int, str]  # id → name


def hotspots(checkpoints: pd.DataFrame, rng: np.random.Generator, count: int = 25) -> np.ndarray:
    """Hotspot centres at busy checkpoints (markets, schools, commercial streets)."""
    busy = checkpoints[checkpoints.type_code.isin(["market", "school", "commercial", "hospital"])]
    pick = busy.iloc[rng.choice(len(busy), min(count, len(busy)), replace=False)]
    return np.column_stack([pick.lon, pick.lat, rng.uniform(80, 300, len(pick))])


def _locations(ctx: CaseContext, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_hot = int(n * 0.55)
    which = rng.choice(len(ctx.hotspots), n_hot, p=_zipf(len(ctx.hotspots)))
    h = ctx.hotspots[which]
    lon, lat = jitter(rng, h[:, 0], h[:, 1], 1.0)
    lon = h[:, 0] + (lon - h[:, 0]) * h[:, 2]
    lat = h[:, 1] + (lat - h[:, 1]) * h[:, 2]
    bg_lon, bg_lat = random_in(ctx.district, n - n_hot, rng)
    lon, lat = np.r_[lon, bg_lon], np.r_[lat, bg_lat]
    outside = ~shapely.contains_xy(ctx.district, lon, lat)
    if outside.any():
        lon[outside], lat[outside] = random_in(ctx.district, int(outside.sum()), rng)
    order = rng.permutation(n)
    return lon[order], lat[order]


def _zipf(k: int) -> np.ndarray:
    w = 1.0 / np.arange(1, k + 1) ** 0.7
    return w / w.sum()


def _report_times(anchor_s: float, days: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """Epoch seconds: more cases lately and by day, none in the future."""
    out = np.empty(0)
    while len(out) < n:
        m = 2 * n + 64
        u = rng.random(m)
        age = np.where(rng.random(m) < 0.7, u, 1 - np.sqrt(u)) * days * DAY
        t = anchor_s - age
        local_hour = ((t + 8 * HOUR) // HOUR % 24).astype(int)
        keep = rng.random(m) < HOUR_PROFILE[local_hour] / HOUR_PROFILE.max()
        out = np.r_[out, t[keep]]
    return np.sort(out[:n])


def generate(
    ctx: CaseContext,
    n: int,
    days: float,
    anchor: datetime,
    rng: np.random.Generator,
    first_id: int = 1,
    window_end: datetime | None = None,
    stalled_share: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` cases with ids from ``first_id`` and their events, as seen at ``anchor`` (now).

    They are reported in the ``days`` before ``window_end`` (default: ``anchor``). A
    ``stalled_share`` of them (积压件) is taken on by a department and never resolved, so that they
    stay open whatever their age: the city scale's backlog of about a million open cases.
    The random draws keep their order, so that a seed gives the same district every time.
    """
    now = anchor.timestamp()
    ids = np.arange(first_id, first_id + n)
    lon, lat = _locations(ctx, n, rng)
    reported = _report_times((window_end or anchor).timestamp(), days, n, rng)
    weights = ctx.categories.code.map(CATEGORY_WEIGHT).fillna(1.0).to_numpy()
    cat_idx = rng.choice(len(ctx.categories), n, p=weights / weights.sum())
    cats = ctx.categories.iloc[cat_idx]
    sla = cats.sla_hours.to_numpy(dtype=float) * HOUR
    source = rng.choice(SOURCES[0], n, p=SOURCES[1])
    loop = _loop(reported, sla, ids, first_id, now, rng, stalled_share)
    deadline, satisfaction = _deadline_and_rating(reported, sla, loop, now, rng)
    merged_into = np.where(loop.status == "merged", ids - rng.integers(1, 10, n), -1)
    address, descr, external = _texts(ctx, lon, lat, source, cats, reported, ids)
    t = loop.times
    cases = pd.DataFrame(
        {
            "id": ids,
            "source": source,
            "external_id": external,
            "category_code": cats.code.to_numpy(),
            "status": loop.status,
            "description": descr,
            "address": address,
            "lon": lon,
            "lat": lat,
            "department_id": cats.department_id.to_numpy(),
            "reported_at": _ts(reported),
            **{f"{step}_at": _ts(t[step]) for step in ("dispatched", "accepted", "resolved", "rated", "closed")},
            "deadline_at": _ts(deadline),
            "satisfaction": pd.array(np.where(satisfaction > 0, satisfaction, None), dtype="Int64"),
            "handled_online": rng.random(n) < 0.85,
            "reply": np.where(np.isnan(t["resolved"]), None, "已现场处置完毕，已回复诉求人"),
            "merged_into": pd.array(np.where(merged_into > 0, merged_into, None), dtype="Int64"),
        }
    )
    cases = pd.concat([cases, ctx.index.assign(lon, lat)], axis=1)
    return cases, _events(cases, ctx, {"reported": reported, **t})


@dataclass(frozen=True)
class _Loop:
    """Where each case is in the loop at ``now``: its status, the times of the steps it has taken
    (NaN: not yet), and whether it is a hard case and how long its work takes."""

    status: np.ndarray
    times: dict[str, np.ndarray]
    hard: np.ndarray
    work: np.ndarray


def _loop(
    reported: np.ndarray,
    sla: np.ndarray,
    ids: np.ndarray,
    first_id: int,
    now: float,
    rng: np.random.Generator,
    stalled_share: float,
) -> _Loop:
    n = len(reported)
    dispatched = reported + rng.exponential(0.5 * HOUR, n) + 60
    accepted = dispatched + rng.exponential(1.5 * HOUR, n) + 60
    hard = rng.random(n) < HARD_SHARE
    work = np.where(
        hard, rng.lognormal(np.log(HARD_DAYS * DAY), 0.9, n), rng.lognormal(np.log(NORMAL_SHARE), 0.7, n) * sla
    )
    resolved = accepted + work
    if stalled_share > 0:  # drawn only then, so that the demo's rows stay as they were
        resolved[rng.random(n) < stalled_share] = np.inf
    rates = rng.random(n) < 0.75
    rated = resolved + rng.exponential(10 * HOUR, n) + 300
    closed = np.where(rates, rated, resolved) + rng.exponential(20 * HOUR, n) + 300
    rejected = rng.random(n) < 0.03
    merged = (rng.random(n) < 0.01) & (ids > first_id + 10) & ~rejected
    returned = rng.random(n) < 0.03

    status = np.full(n, "closed", dtype=object)
    status[closed > now] = "rated"
    status[(rated > now) | (~rates & (closed > now))] = "resolved"
    status[resolved > now] = "accepted"
    status[accepted > now] = "dispatched"
    status[(accepted > now) & returned & (dispatched < now)] = "returned"
    status[dispatched > now] = "reported"
    done_early = dispatched + 0.5 * HOUR
    status[rejected & (done_early <= now)] = "rejected"
    status[merged & (done_early <= now)] = "merged"
    special = np.isin(status, ["rejected", "merged"])

    def upto(t: np.ndarray, reached: np.ndarray) -> np.ndarray:
        return np.where(reached & (t <= now), t, np.nan)

    times = {
        "dispatched": upto(dispatched, ~special | (dispatched <= now)),
        "accepted": upto(accepted, ~special),
        "resolved": upto(resolved, ~special),
        "rated": upto(rated, ~special & rates),
        "closed": np.where(special, done_early, upto(closed, ~special)),
    }
    return _Loop(status, times, hard, work)


def _deadline_and_rating(
    reported: np.ndarray, sla: np.ndarray, loop: _Loop, now: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Deadlines (most hard cases get an approved extension, 延期; the rest run overdue) and
    satisfaction (1–5; -1: not rated), lower for cases resolved late."""
    n = len(reported)
    extended = loop.hard & (rng.random(n) < 0.8)
    deadline = reported + sla + np.where(extended, loop.work * rng.uniform(0.9, 1.6, n), 0.0)
    late = np.nan_to_num(loop.times["resolved"], nan=now) > deadline
    satisfaction = np.where(
        ~np.isnan(loop.times["rated"]),
        np.where(late, rng.choice(5, n, p=SATISFACTION_LATE), rng.choice(5, n, p=SATISFACTION_ON_TIME)) + 1,
        -1,
    )
    return deadline, satisfaction


def _texts(
    ctx: CaseContext, lon: np.ndarray, lat: np.ndarray, source: np.ndarray, cats: pd.DataFrame, reported, ids
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Address (the nearest road), description and the source's case number of each case."""
    nearest = NearestLine(ctx.road_geoms)(lon, lat)
    address = np.char.add(ctx.road_names[nearest].astype(str), "附近")
    voice = pd.Series(source).map(SOURCE_VOICE).to_numpy().astype(str)
    descr = np.char.add(np.char.add(np.char.add(voice, "："), address), cats.name.to_numpy().astype(str))
    day = pd.to_datetime(reported, unit="s", utc=True).tz_convert(TZ_NAME).strftime("%Y%m%d").to_numpy()
    prefix = pd.Series(source).map(SOURCE_PREFIX).to_numpy().astype(str)
    external = np.char.add(np.char.add(prefix, day.astype(str)), np.char.zfill(ids.astype(str), 8))
    return address, descr, external


def _ts(seconds: np.ndarray) -> pd.DatetimeIndex:
    return pd.to_datetime(seconds, unit="s", utc=True).round("s").tz_convert(TZ_NAME)


def _events(cases: pd.DataFrame, ctx: CaseContext, times: dict[str, np.ndarray]) -> pd.DataFrame:
    """One event per step each case reached, in lifecycle order."""
    dept = cases.department_id.map(ctx.departments).to_numpy()
    source_actor = cases.source.map(
        {"hotline": "12345热线", "app": "随手拍", "patrol": "网格员", "camera_ai": "视频AI", "inspection": "督查组"}
    ).to_numpy()
    status = cases.status.to_numpy()
    special = np.isin(status, ["rejected", "merged"])
    steps = [
        ("reported", None, "reported", source_actor, "民意收集", np.ones(len(cases), bool)),
        ("dispatched", "reported", "dispatched", ACTOR_CENTRE, "网格吹哨，派单至责任部门", np.ones(len(cases), bool)),
        ("accepted", "dispatched", "accepted", dept, "部门报到", ~special),
        ("resolved", "accepted", "resolved", dept, "处理反馈", ~special),
        ("rated", "resolved", "rated", "群众评单", "综合评价", ~special),
    ]
    frames = []
    for key, frm, to, actor, note, mask in steps:
        t = times[key]
        ok = mask & ~np.isnan(t)
        frames.append(_event_frame(cases.id.to_numpy()[ok], t[ok], frm, to, actor, ok, note))
    t = times["closed"]
    ok = ~np.isnan(t)
    prev = np.where(~np.isnan(times["rated"]), "rated", "resolved")
    prev = np.where(special, "dispatched", prev)
    to = np.where(special, status, "closed")
    frames.append(
        pd.DataFrame(
            {
                "case_id": cases.id.to_numpy()[ok],
                "at": _ts(t[ok]),
                "from_status": prev[ok],
                "to_status": to[ok],
                "actor": np.where(special, ACTOR_CENTRE, "党工委验单")[ok],
                "note": np.where(special, "无效或重复诉求", "核验办结")[ok],
            }
        )
    )
    ret = status == "returned"
    frames.append(
        pd.DataFrame(
            {
                "case_id": cases.id.to_numpy()[ret],
                "at": _ts(times["dispatched"][ret] + 600),
                "from_status": "dispatched",
                "to_status": "returned",
                "actor": dept[ret],
                "note": "非本部门职责，退回重派",
            }
        )
    )
    events = pd.concat(frames, ignore_index=True)
    order = np.lexsort((events["at"].to_numpy(dtype="datetime64[ns]"), events.case_id.to_numpy()))  # stable
    return events.take(order).reset_index(drop=True)


def _event_frame(case_ids, t, frm, to, actor, mask, note) -> pd.DataFrame:
    actor_col = actor[mask] if isinstance(actor, np.ndarray) else actor
    return pd.DataFrame(
        {"case_id": case_ids, "at": _ts(t), "from_status": frm, "to_status": to, "actor": actor_col, "note": note}
    )
