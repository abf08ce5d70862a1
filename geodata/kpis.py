"""The KPIs every page shows (wall, drill-down, analyst), defined once.

Each KPI is a count or a rate over the facts inside one unit (see ``geodata.units.scope_of``),
computed as of a time ``now`` (default: the database clock), and compared with an earlier
value. Day boundaries are Beijing time (Asia/Shanghai).

=================  ========================================================================
KPI                Definition
=================  ========================================================================
new_today          今日新增. Cases reported since 00:00 today. Compared with yesterday from
                   00:00 to the same time of day.
open               在办. Cases open now: reported, and not yet ended (``ended_at``: the
                   resolve time, or the close time of rejected and merged cases). Compared
                   with the same time yesterday.
overdue            超期. Open cases whose deadline has passed. Compared with the same time
                   yesterday.
on_time_rate       按期结案率, on the standard base of the assessment rules (DESIGN §13,
                   docs/assessment.md): 按期结案数 / 应结案数. 按期结案数: the cases resolved
                   (resolved, rated or closed; not rejected or merged) in the last ``days``
                   days by their deadline. 应结案数: the cases resolved in those days plus the
                   cases overdue and open at their end (parked ones have no deadline). An
                   office that leaves overdue cases open scores low. Compared with the
                   ``days`` days before (overdue and open at that window's end). The
                   deadline is the current one (an approved extension moves it); the monthly
                   assessment (geodata/assessment) holds a case to the one before extensions.
                   The composite score below keeps its own input, on time ÷ resolved
                   (``extra['resolved']``), so that today's rankings are reproduced.
satisfaction       满意率. Of the ratings given in the last ``days`` days, the share of 4 or 5
                   on the 1–5 scale (满意 and 基本满意). Compared with the ``days`` days before.
online_rate        网上办理率 (群众诉求网上办理率). Of the cases reported in the last ``days``
                   days, the share handled online. Compared with the ``days`` days before.
checkpoint_rate    创文点位达标率. Over the latest inspection of every checkpoint, the share of
                   required elements (要素) that passed. Compared with the same figure as of
                   ``days`` days ago. ``fully`` counts checkpoints with every element passing.
inspection_progress 排查进度. Of the checkpoints due in the inspection rounds running today
                   (geodata/inspections/rounds.py), the share inspected in their round.
                   Compared with the same figure as of yesterday at this time.
cameras_online     摄像头在线率. Cameras online now over all cameras. Compared with the same
                   time yesterday (from the camera status log).
=================  ========================================================================

The ranking score (红黑旗) is ``score`` below; its formula is documented there and in README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from geodata.db import SCOPE, Database
from geodata.memo import Memo, once_per_request
from geodata.queries import fetch_columns, fetch_rows
from geodata.units import Unit, child_groupings, children, fact_column, scope_of
from i18n import t
from settings import get_settings

STRIP_DAYS = 7  # window of the rate KPIs on the KPI strip ("compared with last week")
RANKING_DAYS = 30  # window of the rates behind the ranking (月考: the last 30 days)


@dataclass(frozen=True)
class KpiDef:
    """What a KPI is called, how it is shown and which direction is good."""

    key: str
    kind: Literal["count", "rate"]
    higher_is_better: bool
    compare: str  # what the comparison is against: a catalogue key

    def definition(self, lang: str) -> str:
        """How the KPI is computed, in ``lang`` (the card's hover text: ``kpi.def.<key>``)."""
        return t(f"kpi.def.{self.key}", lang)

    def label(self, lang: str) -> str:
        """The name in ``lang`` (the catalogue's ``kpi.<key>``)."""
        return t(f"kpi.{self.key}", lang)

    def compare_label(self, lang: str) -> str:
        """What the comparison is against, in ``lang``."""
        return t(self.compare, lang)


KPIS: tuple[KpiDef, ...] = (
    KpiDef("new_today", "count", False, "kpi.vs.same_time_yesterday"),
    KpiDef("open", "count", False, "kpi.vs.yesterday"),
    KpiDef("overdue", "count", False, "kpi.vs.yesterday"),
    KpiDef("on_time_rate", "rate", True, "kpi.vs.last_week"),
    KpiDef("satisfaction", "rate", True, "kpi.vs.last_week"),
    KpiDef("online_rate", "rate", True, "kpi.vs.last_week"),
    KpiDef("checkpoint_rate", "rate", True, "kpi.vs.last_week"),
    KpiDef("inspection_progress", "rate", True, "kpi.vs.yesterday"),
    KpiDef("cameras_online", "rate", True, "kpi.vs.yesterday"),
)
BY_KEY = {k.key: k for k in KPIS}


@dataclass(frozen=True)
class KpiValue:
    """A KPI's value now and before; rates carry their numerator and denominator."""

    key: str
    value: float | None
    previous: float | None
    num: int | None = None
    den: int | None = None
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def delta(self) -> float | None:
        """Now minus before (None when either is unknown)."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def trend(self) -> Literal["up", "down", "flat", "none"]:
        """Direction of the change."""
        d = self.delta
        if d is None:
            return "none"
        if abs(d) < 1e-9:
            return "flat"
        return "up" if d > 0 else "down"

    @property
    def good(self) -> bool | None:
        """Whether the change is an improvement (None when flat or unknown)."""
        if self.trend in ("flat", "none"):
            return None
        return (self.trend == "up") == BY_KEY[self.key].higher_is_better


def _rate(num: int, den: int) -> float | None:
    return num / den if den else None


TOPIC = {"kpi_cases": "cases", "kpi_checkpoints": "checkpoints", "kpi_rounds": "checkpoints", "kpi_cameras": "cameras"}
_memo = Memo(512)
# The levels of the daily case counts (case_days, migration 0016) by the case columns they keep.
ROLLUP_LEVELS = (
    (1, ("street_id",)),
    (2, ("street_id", "community_id")),
    (3, ("community_id", "grid_id")),
    (4, ("exclusive_grid_id",)),
    (5, ("city_id", "district_id")),  # migration 0028
    (6, ("district_id", "street_id")),
    (7, ("grid_id", "micro_id")),
)


def rollup_level(scope: str, group: str | None = None) -> int:
    """The case_days level that holds the cases of ``scope`` by ``group`` (None: not grouped)."""
    for level, columns in ROLLUP_LEVELS:
        if scope in columns and (group is None or group in columns):
            return level
    raise ValueError(f"no daily case counts by {group} within a {scope}")


def _fetch(
    db: Database,
    name: str,
    scope: tuple[str, list[int]],
    group: str | None,
    params: dict[str, Any],
    versions: dict[str, int] | None,
) -> dict[Any, dict[str, int]]:
    """Run a KPI query for one scope; unit_id → counts (unit_id None when not grouped).

    With ``versions`` (the data versions the caller just read) and the database clock as "now",
    the result is shared for the rest of the minute while the query's topic has not moved; and
    the case counts are put together by ``live_cases``.
    """
    col, ids = scope

    def run(query: str = name) -> dict[Any, dict[str, int]]:
        return _run(db, query, scope, group, params)

    if versions is None or params.get("now") is not None:
        request_key = ("kpi", db.dsn, name, col, tuple(ids), group, tuple(sorted(params.items())))
        return once_per_request(request_key, run)  # the unit's KPIs and its ranking may ask alike
    minute = datetime.now().strftime("%Y%m%d%H%M")
    key = (db.dsn, SCOPE.get() or db.default_scope, name, col, tuple(ids), group, tuple(sorted(params.items())))
    if name == "kpi_cases":
        past = _memo.get((*key, minute), run)
        live = _memo.get((*key, "live", versions.get("cases"), minute), lambda: run("kpi_cases_live"))
        return live_cases(past, live)
    return _memo.get((*key, versions.get(TOPIC[name]), minute), run)


def _run(
    db: Database, name: str, scope: tuple[str, list[int]], group: str | None, params: dict[str, Any]
) -> dict[Any, dict[str, int]]:
    col, ids = scope
    args = {**params, "scope_ids": list(ids)}
    bounds = "kpi_as_of"
    if name.startswith("kpi_cases"):
        args["level"] = rollup_level(col, group)
        # Open counts from the maintained counters when the groups are the scope's own units
        # (or the whole scope): see kpi_cases.sql.
        args["counted"], args["grouped"] = group in (None, col), group is not None
        bounds = "case_windows"
    live = name == "kpi_cases_live"  # planned once per connection (kpi_cases_live.sql)
    cols = fetch_columns(name, args, db, bounds=bounds, planned_once=live, scope=col, group=group)
    keys = [k for k in cols if k != "unit_id"]
    return {u: {k: int(cols[k][i]) for k in keys} for i, u in enumerate(cols["unit_id"])}


# The case counts of a live page (the wall) come from two reads: the past, read once a minute
# (kpi_cases.sql whole: 250 ms at city scale), and what moves with every change, read on every
# change (kpi_cases_live.sql: new today, open and overdue now, today's part of the window counts).
# What the first says of the past does not change when a case is reported, ended or rated now:
# yesterday at this time, last week's window, the days before today. A change made to the past
# itself (an import of history) shows in the comparisons within the minute.
LIVE = ("new_now", "open_now", "overdue_now")
TODAY = ("reported", "online", "resolved", "on_time", "rated", "satisfied")


def live_cases(past: dict[Any, dict[str, int]], live: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    """Per unit, the counts of ``past`` (kpi_cases.sql, read a while ago) with those of ``live``
    (kpi_cases_live.sql, read now) in place of its live counts and of today's part of its window
    counts."""
    out = {}
    for unit_id in past.keys() | live.keys():
        counts, now = dict(past.get(unit_id, {})), live.get(unit_id, {})
        for key in LIVE:
            counts[key] = now.get(key, 0)
        for key in TODAY:
            today = now.get(f"today_{key}", 0)
            counts[f"{key}_now"] = counts.get(f"{key}_now", 0) - counts.get(f"today_{key}", 0) + today
            counts[f"today_{key}"] = today
        out[unit_id] = counts
    return out


# The counts that add up over any grouping of a scope's facts: a unit's own figure is the sum of its
# children's (every group, and the facts in no child). Read that way, a page that shows a unit and
# ranks its children reads the ones the two share (now, and cameras as of yesterday) once; each
# scans every camera or checkpoint of the scope (the territory's cameras: ~100 ms at city scale).
ADDITIVE = ("kpi_checkpoints", "kpi_rounds", "kpi_cameras")


def _counts(
    db: Database,
    scope: tuple[str, list[int]],
    group: str | None,
    now: datetime | None,
    days: int,
    versions: dict[str, int] | None = None,
    by: str | None = None,
) -> dict[Any, dict[str, int]]:
    """Every raw count behind the KPIs, per group. ``by`` (with ``group`` None): the column of the
    scope's children; the ``ADDITIVE`` counts are read by it and summed."""
    out: dict[Any, dict[str, int]] = {}

    def merge(name: str, params: dict[str, Any], suffix: str = "") -> None:
        if group is None and by is not None and name in ADDITIVE:
            part = {None: _summed(_fetch(db, name, scope, by, params, versions).values())}
        else:
            part = _fetch(db, name, scope, group, params, versions)
        for unit_id, counts in part.items():
            out.setdefault(unit_id, {}).update({k + suffix: v for k, v in counts.items()})

    merge("kpi_cases", {"now": now, "days": days})
    merge("kpi_checkpoints", {"now": now, "back": 0}, "_now")
    merge("kpi_checkpoints", {"now": now, "back": days}, "_prev")
    tz = get_settings().territory_tz
    merge("kpi_rounds", {"now": now, "back": 0, "tz": tz}, "_now")
    merge("kpi_rounds", {"now": now, "back": 1, "tz": tz}, "_prev")
    merge("kpi_cameras", {"now": now, "back": 0}, "_now")
    merge("kpi_cameras", {"now": now, "back": 1}, "_prev")
    return out


def _summed(parts: Any) -> dict[str, int]:
    total: dict[str, int] = {}
    for counts in parts:
        for key, value in counts.items():
            total[key] = total.get(key, 0) + value
    return total


def from_counts(c: dict[str, int]) -> dict[str, KpiValue]:
    """The KPI values from the raw counts of one unit (missing counts are zero)."""
    g = lambda k: int(c.get(k, 0))  # noqa: E731
    out = {key: KpiValue(key, g(f"{key}_now"), g(f"{key}_prev")) for key in ("open", "overdue")}
    out["new_today"] = KpiValue("new_today", g("new_now"), g("new_prev"))
    for key, num, den in (
        ("satisfaction", "satisfied", "rated"),
        ("online_rate", "online", "reported"),
        ("checkpoint_rate", "passed", "elements"),
        ("inspection_progress", "round_done", "round_due"),
        ("cameras_online", "cameras_up", "cameras"),
    ):
        n, d = (g(f"{num}_now"), g(f"{den}_now"))
        out[key] = KpiValue(key, _rate(n, d), _rate(g(f"{num}_prev"), g(f"{den}_prev")), n, d)
    due_now, due_prev = g("resolved_now") + g("overdue_now"), g("resolved_prev") + g("overdue_c2")
    out["on_time_rate"] = KpiValue(
        "on_time_rate",
        _rate(g("on_time_now"), due_now),
        _rate(g("on_time_prev"), due_prev),
        g("on_time_now"),
        due_now,
        {"resolved": g("resolved_now"), "overdue": g("overdue_now")},
    )
    out["checkpoint_rate"] = KpiValue(
        "checkpoint_rate",
        out["checkpoint_rate"].value,
        out["checkpoint_rate"].previous,
        out["checkpoint_rate"].num,
        out["checkpoint_rate"].den,
        {"checkpoints": g("checkpoints_now"), "fully": g("fully_compliant_now"), "inspected": g("inspected_now")},
    )
    return {k.key: out[k.key] for k in KPIS}


def unit_kpis(
    db: Database,
    unit: Unit,
    now: datetime | None = None,
    days: int = STRIP_DAYS,
    versions: dict[str, int] | None = None,
) -> dict[str, KpiValue]:
    """Every KPI of one unit (``versions``: share results within the minute, see ``_fetch``)."""
    groupings = child_groupings(db, unit)
    by = groupings[0][2] if groupings else None  # its children's column: read as its ranking reads
    counts = _counts(db, scope_of(db, unit), None, now, days, versions, by)
    return from_counts(counts.get(None, {}))


# Past this many units, a scope is read through their parents' column: the planner weighs every id
# of an "= ANY" list against every partition of cases in every branch of kpi_cases.sql (the city's
# 70k grids: 5.4 s of planning for 3.2 s of execution; through their 2,000 communities, 0.3 s).
BROAD_SCOPE = 5000


def each_unit_kpis(
    db: Database, column: str, ids: list[int], now: datetime | None = None, days: int = STRIP_DAYS
) -> dict[int, dict[str, KpiValue]]:
    """Every KPI of each unit whose facts hold its id in ``column`` (say every grid: 'grid_id' and
    their ids), in one set of statements: ``unit_kpis`` of each, at once (units without any facts
    are absent)."""
    wanted = set(ids)
    scope = (len(ids) > BROAD_SCOPE and _parents_scope(db, column, ids)) or (column, list(ids))
    counts = _counts(db, scope, column, now, days)
    return {u: from_counts(c) for u, c in counts.items() if u is not None and u in wanted}


def _parents_scope(db: Database, column: str, ids: list[int]) -> tuple[str, list[int]] | None:
    """The parents of the units ``ids`` as a scope whose daily counts hold ``column`` (every grid:
    their communities), or None when they have parents of several levels or no such counts."""
    rows = fetch_rows("unit_parents", {"ids": list(ids)}, db)
    if len(rows) != 1:
        return None
    parent = fact_column(rows[0][0])
    try:
        rollup_level(parent, column)
    except ValueError:
        return None
    return parent, list(rows[0][1])


def child_kpis(
    db: Database,
    unit: Unit,
    now: datetime | None = None,
    days: int = RANKING_DAYS,
    versions: dict[str, int] | None = None,
) -> dict[int, dict[str, KpiValue]]:
    """Every KPI of each direct child of ``unit`` (children without any facts are absent)."""
    out: dict[int, dict[str, KpiValue]] = {}
    for col, ids, group in child_groupings(db, unit):
        for unit_id, counts in _counts(db, (col, ids), group, now, days, versions).items():
            if unit_id is not None:
                out[unit_id] = from_counts(counts)
    return out


# Ranking (红黑旗). score = 100 × Σ wᵢ·xᵢ / Σ wᵢ over the components a unit has data for:
#   on time ÷ resolved 0.30 (not the on-time KPI's standard base), satisfaction 0.25, online-handling rate 0.15,
#   checkpoint compliance 0.15, and 1 − overdue/open (share of open cases within deadline) 0.15.
SCORE_WEIGHTS = {
    "on_time_rate": 0.30,
    "satisfaction": 0.25,
    "online_rate": 0.15,
    "checkpoint_rate": 0.15,
    "within_deadline": 0.15,
}


def on_time_of_resolved(kv: KpiValue) -> float | None:
    """The composite's on-time input: of the cases resolved in the window, the share resolved by
    their deadline (None when none was resolved)."""
    return _rate(kv.num or 0, kv.extra.get("resolved", 0))


def score(kpis: dict[str, KpiValue]) -> float | None:
    """The composite score (0–100) of one unit; None when it has no data at all."""
    parts = {k: kpis[k].value for k in ("on_time_rate", "satisfaction", "online_rate", "checkpoint_rate")}
    parts["on_time_rate"] = on_time_of_resolved(kpis["on_time_rate"])
    open_now = kpis["open"].value or 0
    parts["within_deadline"] = 1 - (kpis["overdue"].value or 0) / open_now if open_now else None
    have = {k: v for k, v in parts.items() if v is not None}
    if not have:
        return None
    weight = sum(SCORE_WEIGHTS[k] for k in have)
    return 100 * sum(SCORE_WEIGHTS[k] * v for k, v in have.items()) / weight


@dataclass(frozen=True)
class Ranked:
    """One unit's place in a ranking."""

    unit_id: int
    rank: int
    score: float | None
    flag: Literal["red", "black", ""]


def rank(scores: dict[int, float | None]) -> list[Ranked]:
    """Units best first. The best ⌈n/5⌉ get a red flag and the worst ⌈n/5⌉ a black flag (红旗/黑旗),
    when at least three units have a score; units without a score rank last, unflagged."""
    scored = sorted((s, i) for i, s in scores.items() if s is not None)
    order = [i for s, i in sorted(scored, key=lambda x: (-x[0], x[1]))] + sorted(
        i for i, s in scores.items() if s is None
    )
    n = len(scored)
    k = -(-n // 5) if n >= 3 else 0
    out = []
    for pos, unit_id in enumerate(order):
        flag: Literal["red", "black", ""] = ""
        if scores[unit_id] is not None and pos < k:
            flag = "red"
        elif scores[unit_id] is not None and n - k <= pos < n:
            flag = "black"
        out.append(Ranked(unit_id, pos + 1, scores[unit_id], flag))
    return out


@dataclass(frozen=True)
class RankRow:
    """A child unit in its parent's ranking, with the KPIs behind its score."""

    unit_id: int
    code: str
    name: str
    kind: str
    rank: int
    score: float | None
    flag: Literal["red", "black", ""]
    kpis: dict[str, KpiValue]


def ranking(
    db: Database,
    unit: Unit,
    now: datetime | None = None,
    days: int = RANKING_DAYS,
    versions: dict[str, int] | None = None,
) -> list[RankRow]:
    """The direct children of ``unit`` ranked by ``score`` over the last ``days`` days, with flags.
    Children without any facts rank last with empty KPIs."""
    kids = children(db, unit)
    per_child = child_kpis(db, unit, now, days, versions)
    empty = from_counts({})
    values = {i: per_child.get(i, empty) for i in kids["id"]}
    info = {i: (c, n, k) for i, c, n, k in zip(kids["id"], kids["code"], kids["name"], kids["kind"])}
    return [
        RankRow(r.unit_id, *info[r.unit_id], r.rank, r.score, r.flag, values[r.unit_id])
        for r in rank({i: score(v) for i, v in values.items()})
    ]
