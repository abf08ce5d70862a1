"""What a report says, read from a closed period's stored results (never recomputed).

``gather(db, label, subject)`` reads the period (it must be closed), the stored results of every
ranking the subject's report has (the units below it down to the street level, the departments
for the top and for a department, the grid workers inside it), the closed months before it for
the trends and the black-flag runs (连续两月黑旗), and the outlines of the units its map colours.
The workbook (workbook.py) and the PDF (document.py) are drawn from this one ``Report``, so the
two always agree with each other and with the closed period.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shapely import wkb

from geodata import territory, units
from geodata.assessment import history, periods, schemes
from geodata.assessment.indicators import INDICATORS, Figures
from geodata.clock import TZ
from geodata.db import Database
from geodata.queries import fetch_rows
from geodata.reports import subjects
from geodata.reports.subjects import Subject

TREND_MONTHS = 12
AREA_KEYS = tuple(i.key for i in INDICATORS if i.applies == "area")
POST_KEYS = tuple(i.key for i in INDICATORS if i.applies == "post")
MAP_TOLERANCE = 0.0005  # degrees (about 50 m): the outlines a printed map needs


class NotClosedError(ValueError):
    """The period asked for is not closed (its message names the command that closes it)."""


@dataclass(frozen=True)
class Row:
    """One ranked unit, department or post: its stored counts, score, rank and flag, and the run
    of black flags that ends with this period's month (``run``)."""

    key: str
    code: str
    name: str
    counts: dict[str, int]
    score: float | None
    rank: int | None
    flag: str | None
    scheme: str | None
    run: int = 0
    parent: str = ""  # the name of the unit it lies in (a post's grid, a street's district)
    mine: bool = False  # the report's subject itself

    @property
    def figures(self) -> Figures:
        """The indicators of the stored counts."""
        return Figures(self.key, "post" if "reports" in self.counts else "area", self.counts)

    def value(self, key: str) -> int | float | None:
        """An indicator's value (a rate is None when its base is 0)."""
        return self.figures.value(key)


@dataclass(frozen=True)
class Ranking:
    """One ranking of the report: what is ranked (a unit level, department or post) and its rows,
    best first."""

    grouping: str
    rows: list[Row]
    scheme: schemes.Scheme | None


@dataclass(frozen=True)
class Trend:
    """The closed months up to the period's end, oldest first: the subject's own counts and score
    per month, and each ranked row's score and flag per month."""

    months: list[str]
    own_counts: list[dict[str, int] | None]
    own_scores: list[float | None]
    own_ranks: list[int | None]
    grouping: str | None  # the ranking the table of scores is of
    names: dict[str, str]  # key → name, in the ranking's order
    scores: dict[str, list[float | None]]
    flags: dict[str, list[str | None]]


@dataclass(frozen=True)
class Shape:
    """One unit of the map: its outline (shapely geometry, lon/lat) and its stored result."""

    key: str
    name: str
    geometry: Any
    score: float | None
    flag: str | None


@dataclass(frozen=True)
class Report:
    """Everything a report of one subject over one closed period shows."""

    label: str
    kind: str  # month, quarter, year, day, custom
    start: datetime
    end: datetime
    closed_at: datetime
    territory: str
    subject: Subject
    own: Row | None  # the subject's own stored row among its peers (None: the whole territory)
    peers: int  # how many units (departments) of its grouping were ranked with it
    totals: dict[str, int]  # the subject's counts (the whole territory: summed over its top units)
    rankings: list[Ranking]
    trend: Trend
    map_level: str | None
    shapes: list[Shape]
    schemes: list[schemes.Scheme]
    generated_at: datetime = field(default_factory=lambda: datetime.now(TZ))

    @property
    def totals_figures(self) -> Figures:
        """The indicators of the subject's counts."""
        return Figures(self.subject.key, "area", self.totals)

    def warnings(self) -> list[Row]:
        """The rows of every ranking whose black flags run two months or more (连续两月黑旗)."""
        seen, out = set(), []
        for ranking in self.rankings:
            for r in ranking.rows:
                if r.run >= 2 and (ranking.grouping, r.key) not in seen:
                    seen.add((ranking.grouping, r.key))
                    out.append(r)
        return out


def period_row(db: Database, label: str) -> tuple:
    """(label, kind, start, end, closed_at, closed_by, computed_at, recomputed) of a closed period;
    NotClosedError (a ValueError naming the fix) when it is not closed, ValueError when the label is not
    a period."""
    p = periods.parse(label)
    rows = fetch_rows("report_period", {"label": p.label}, db)
    if not rows:
        raise NotClosedError(
            f"period {p.label} is not closed, so it has no report yet: close it first "
            f"(gridops assess close --period {p.label}), then gridops report --period {p.label}"
        )
    return rows[0]


def _counts(value: Any) -> dict[str, int]:
    return json.loads(value) if isinstance(value, str) else dict(value)


def _results(db: Database, label: str, grouping: str, keys: list[str] | None) -> list[tuple]:
    return fetch_rows("report_results", {"label": label, "grouping": grouping, "keys": keys}, db)


def _trend_rows(db: Database, end: datetime, grouping: str, keys: list[str]) -> dict[str, dict[str, tuple]]:
    """key → month → (counts, score, rank, flag) over the last TREND_MONTHS closed months."""
    out: dict[str, dict[str, tuple]] = {}
    params = {"end": end, "grouping": grouping, "keys": keys, "months": TREND_MONTHS}
    for label, key, counts, score, rank, flag in fetch_rows("report_trend", params, db):
        out.setdefault(key, {})[label] = (counts, None if score is None else float(score), rank, flag)
    return out


def _run(months: list[str], by_month: dict[str, tuple]) -> int:
    """The black flags in a row ending with the last closed month by the period's end."""
    return history.black_run([(m, by_month.get(m, (None, None, None, None))[3]) for m in months])


def _unit_rows(db: Database, levels: list[str]) -> dict[str, dict[str, tuple]]:
    """level → unit id (text) → (id, code, name, level, kind, parent_id, city_id, district_id,
    street_id, community_id)."""
    out: dict[str, dict[str, tuple]] = {}
    for row in subjects.unit_rows(db, levels):
        out.setdefault(row[3], {})[str(row[0])] = row
    return out


def _inside(row: tuple, subject: Subject) -> bool:
    if subject.territory:
        return True
    col = {"city": 6, "district": 7, "street": 8, "community": 9}.get(subject.level)
    return col is not None and row[col] == subject.id


def _scheme(db: Database, code: str | None, cache: dict) -> schemes.Scheme | None:
    if not code:
        return None
    if code not in cache:
        try:
            cache[code] = schemes.load(db, code)
        except ValueError:
            cache[code] = None
    return cache[code]


def _ranking(
    db: Database,
    label: str,
    end: datetime,
    months: list[str],
    grouping: str,
    names: dict[str, tuple[str, str, str]],
    mine: str | None,
    cache: dict,
) -> tuple[Ranking, dict[str, dict[str, tuple]]]:
    """The stored results of ``names``' keys (key → (code, name, parent)), best first."""
    keys = list(names)
    found = _results(db, label, grouping, keys) if keys else []
    trend = _trend_rows(db, end, grouping, keys) if keys and months else {}
    rows = []
    for key, scheme, counts, score, rank, flag in found:
        code, name, parent = names[key]
        rows.append(
            Row(
                key,
                code,
                name,
                _counts(counts),
                None if score is None else float(score),
                rank,
                flag,
                scheme,
                _run(months, trend.get(key, {})),
                parent,
                key == mine,
            )
        )
    code = next((r.scheme for r in rows if r.scheme), None)
    return Ranking(grouping, rows, _scheme(db, code, cache)), trend


def _posts(db: Database, subject: Subject) -> dict[str, tuple[str, str, str]]:
    """username → (username, display name, grid name) of the grid workers inside a unit subject."""
    out = {}
    for username, display, _uid, unit_name, street, district, city, community in fetch_rows("report_posts", None, db):
        ids = {"street": street, "district": district, "city": city, "community": community}
        if subject.territory or ids.get(subject.level) == subject.id:
            out[username] = (username, display, unit_name or "")
    return out


def _shapes(db: Database, ranking: Ranking, names: dict[str, tuple[str, str, str]]) -> list[Shape]:
    by_key = {r.key: r for r in ranking.rows}
    ids = [int(k) for k in names]
    out = []
    for uid, shape in fetch_rows("report_shapes", {"ids": ids, "tolerance": MAP_TOLERANCE}, db):
        if shape is None:
            continue
        r = by_key.get(str(uid))
        out.append(
            Shape(
                str(uid),
                names[str(uid)][1],
                wkb.loads(bytes(shape)),
                None if r is None else r.score,
                None if r is None else r.flag,
            )
        )
    return out


def gather(db: Database, label: str, subject: Subject) -> Report:
    """The report of ``subject`` over the closed period ``label`` (NotClosedError when it is not)."""
    p_label, kind, start, end, closed_at, _by, _computed, _n = period_row(db, label)
    start, end, closed_at = start.astimezone(TZ), end.astimezone(TZ), closed_at.astimezone(TZ)
    months = [m for (m,) in fetch_rows("report_trend_months", {"end": end, "months": TREND_MONTHS}, db)]
    loaded = subjects.loaded_levels(db)
    cache: dict = {}
    rankings: list[Ranking] = []
    trends: dict[str, dict[str, dict[str, tuple]]] = {}
    own: Row | None = None
    peers = 0
    map_level, shapes = None, []
    if subject.kind == "unit":
        levels = subjects.ranked_levels(subject, loaded)
        all_units = _unit_rows(
            db, sorted({*levels, *([subject.level] if subject.grouping else [])}, key=units.LEVELS.index)
        )
        parent_names = {}
        for level_rows in all_units.values():
            for uid, row in level_rows.items():
                parent_names[uid] = row[2]
        for level in levels:
            names = {
                uid: (row[1], row[2], parent_names.get(str(row[5]), ""))
                for uid, row in all_units.get(level, {}).items()
                if _inside(row, subject)
            }
            ranking, trend = _ranking(db, p_label, end, months, level, names, None, cache)
            rankings.append(ranking)
            trends[level] = trend
        if subject.grouping:  # the subject among its peers (a street among the streets)
            peers = {
                uid: (row[1], row[2], parent_names.get(str(row[5]), ""))
                for uid, row in all_units.get(subject.level, {}).items()
            }
            found, trend = _ranking(db, p_label, end, months, subject.level, peers, str(subject.id), cache)
            own = next((r for r in found.rows if r.mine), None)
            peers = len(found.rows)
            trends.setdefault("_own", {}).update(trend)
        if subject.territory or subject.level in ("city", "district"):
            depts = {str(i): (c, n, "") for i, c, n in fetch_rows("report_departments", None, db)}
            ranking, trend = _ranking(db, p_label, end, months, "department", depts, None, cache)
            rankings.append(ranking)
            trends["department"] = trend
        posts = _posts(db, subject)
        if posts:
            ranking, _unused = _ranking(db, p_label, end, months, "post", posts, None, cache)
            if ranking.rows:
                rankings.append(ranking)
        if levels:
            map_level = levels[-1]
            deepest = next(r for r in rankings if r.grouping == map_level)
            names = {
                uid: (row[1], row[2], "") for uid, row in all_units.get(map_level, {}).items() if _inside(row, subject)
            }
            shapes = _shapes(db, deepest, names)
    else:
        depts = {str(i): (c, n, "") for i, c, n in fetch_rows("report_departments", None, db)}
        ranking, trend = _ranking(db, p_label, end, months, "department", depts, str(subject.id), cache)
        rankings.append(ranking)
        trends["department"] = trend
        trends["_own"] = trend
        own = next((r for r in ranking.rows if r.mine), None)
        peers = len(ranking.rows)

    if own is not None:
        totals = dict(own.counts)
    else:  # the whole territory: the sum of its top-level units' counts
        first = rankings[0] if rankings and rankings[0].grouping in units.LEVELS else None
        totals = {k: 0 for k in AREA_KEYS if k in (first.rows[0].counts if first and first.rows else {})}
        for r in first.rows if first else []:
            for k, v in r.counts.items():
                totals[k] = totals.get(k, 0) + int(v)

    trend = _trend(months, subject, own, rankings, trends)
    used = []
    for ranking in rankings:
        if ranking.scheme is not None and ranking.scheme.code not in {s.code for s in used}:
            used.append(ranking.scheme)
    return Report(
        p_label,
        kind,
        start,
        end,
        closed_at,
        territory.name(db, "zh"),
        subject,
        own,
        peers,
        totals,
        rankings,
        trend,
        map_level,
        shapes,
        used,
    )


def _trend(
    months: list[str],
    subject: Subject,
    own: Row | None,
    rankings: list[Ranking],
    trends: dict[str, dict[str, dict[str, tuple]]],
) -> Trend:
    """The subject's own months, and the scores of its first ranking's rows per month."""
    first = rankings[0] if rankings else None
    grouping = first.grouping if first else None
    by_key = trends.get(grouping or "", {})
    if own is not None:
        mine = trends.get("_own", {}).get(own.key, {})
        own_counts = [_counts(mine[m][0]) if m in mine else None for m in months]
        own_scores = [mine[m][1] if m in mine else None for m in months]
        own_ranks = [mine[m][2] if m in mine else None for m in months]
    else:  # the whole territory: its top units' counts summed per month
        own_counts, own_scores, own_ranks = [], [None] * len(months), [None] * len(months)
        for m in months:
            total: dict[str, int] = {}
            for per in by_key.values():
                if m in per:
                    for k, v in _counts(per[m][0]).items():
                        total[k] = total.get(k, 0) + int(v)
            own_counts.append(total or None)
    names = {r.key: r.name for r in first.rows} if first else {}
    scores = {k: [by_key.get(k, {}).get(m, (None, None))[1] for m in months] for k in names}
    flags = {k: [by_key.get(k, {}).get(m, (None, None, None, None))[3] for m in months] for k in names}
    return Trend(months, own_counts, own_scores, own_ranks, grouping, names, scores, flags)
