"""Assessment schemes (考核方案) as data: the items a scheme scores, their bands, its flag rule.

The tables are migration 0036 (assessment_schemes, assessment_items, assessment_active); the band
vocabulary and the presets are written out in docs/assessment.md ("Schemes"). A scheme scores the
``Figures`` of geodata/assessment/indicators.py. The value an item reads is its indicator's, taken
in per cent for a rate (0–100) and as it is for a count; an item's points are:

- ``linear``: base + weight × v;
- ``threshold``: full when v ≥ at; below, full − per_point × (at − v), never under floor (no
  per_point: floor at once);
- ``steps``: the points of the first [bound, points] pair with v ≤ bound (bounds ascending), else floor.

**The empty-base rule.** An item whose indicator has no base (a rate over 0) scores its ``if_none``
points when the scheme sets them; otherwise the unit has no score (None, 不参评): it ranks after
every scored unit, unflagged. An empty denominator never scores as 0 % or as 100 %.

The preset 'composite' (scorer 'kpis') is today's score of geodata/kpis.py, whose inputs (the wall's
on-time rate over resolved cases, online handling, checkpoints, open cases within their deadline)
are not assessment indicators: it delegates to ``kpis.score`` for each unit, over the period's days
ending at its end, so the existing rankings are reproduced.
"""

from __future__ import annotations

import bisect
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from geodata import kpis, units
from geodata.accounts import audit
from geodata.assessment.indicators import BY_KEY, GROUPINGS, Figures, assess
from geodata.db import Database
from geodata.queries import fetch_rows, sql_text

Flag = Literal["red", "black", ""]
FORMS = ("linear", "threshold", "steps")
RULES = ("count", "share", "score", "none")


@dataclass(frozen=True)
class Item:
    """One scored item of a scheme (see the module's band vocabulary)."""

    indicator: str
    form: str
    base: float = 0.0
    weight: float | None = None
    full: float | None = None
    at: float | None = None
    per_point: float | None = None
    steps: tuple[tuple[float, float], ...] = ()
    floor: float = 0.0
    if_none: float | None = None
    note: str = ""

    def reading(self, figures: Figures) -> float | None:
        """The value the bands read: a rate in per cent, a count as it is; None without a base."""
        v = figures.value(self.indicator)
        if v is None:
            return None
        return 100 * v if BY_KEY[self.indicator].kind == "rate" else float(v)

    def points(self, v: float | None) -> float | None:
        """The points of a reading (``if_none`` when there is none)."""
        if v is None:
            return self.if_none
        if self.form == "linear":
            return self.base + self.weight * v
        if self.form == "threshold":
            if v >= self.at:
                return self.full
            if self.per_point is None:
                return self.floor
            return max(self.floor, self.full - self.per_point * (self.at - v))
        for bound, pts in self.steps:
            if v <= bound:
                return pts
        return self.floor


@dataclass(frozen=True)
class Scheme:
    """A scheme: what it applies to, its items (or the kpis scorer) and its flag rule."""

    code: str
    name: str
    name_en: str
    applies_to: Literal["unit", "department", "post"]
    items: tuple[Item, ...] = ()
    scorer: Literal["items", "kpis"] = "items"
    red_rule: str = "share"
    red_value: float | None = 0.2
    black_rule: str = "share"
    black_value: float | None = 0.2
    flag_min: int = 3
    source: str = ""

    def __post_init__(self) -> None:
        for item in self.items:
            if item.indicator not in BY_KEY:
                raise ValueError(f"scheme {self.code}: no indicator {item.indicator!r}")
            if item.form not in FORMS:
                raise ValueError(f"scheme {self.code}: no band form {item.form!r} (one of {', '.join(FORMS)})")
            wants = "post" if self.applies_to == "post" else "area"
            if BY_KEY[item.indicator].applies != wants:
                raise ValueError(f"scheme {self.code}: {item.indicator} is not an indicator of a {self.applies_to}")
        for rule in (self.red_rule, self.black_rule):
            if rule not in RULES:
                raise ValueError(f"scheme {self.code}: no flag rule {rule!r} (one of {', '.join(RULES)})")

    def fits(self, by: str) -> bool:
        """Whether the scheme assesses this grouping (a unit level, department or post)."""
        return {"department": "department", "post": "post"}.get(by, "unit") == self.applies_to


@dataclass(frozen=True)
class Part:
    """One item's share of a score: the value it read and the points it gave (None: no base)."""

    indicator: str
    value: float | None
    points: float | None
    note: str = ""


@dataclass(frozen=True)
class Scored:
    """A unit's score under a scheme, and its parts (so a report can explain every point)."""

    key: Any
    score: float | None
    parts: tuple[Part, ...]


@dataclass(frozen=True)
class Placed:
    """One unit's place: rank (ties share it, 1, 2, 2, 4), score, flag and the parts."""

    key: Any
    rank: int
    score: float | None
    flag: Flag
    parts: tuple[Part, ...]


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


def load_all(db: Database, code: str | None = None) -> dict[str, Scheme]:
    """Every scheme by code (or the one named; {} when there is no such scheme)."""
    rows = fetch_rows("assessment_schemes", {"code": code}, db)
    items: dict[str, list[Item]] = {}
    for row in fetch_rows("assessment_items", {"codes": [r[0] for r in rows]}, db):
        scheme, _pos, indicator, form, base, weight, full, at, per_point, steps, floor, if_none, note = row
        if isinstance(steps, str):
            steps = json.loads(steps)
        items.setdefault(scheme, []).append(
            Item(
                indicator,
                form,
                float(base),
                _num(weight),
                _num(full),
                _num(at),
                _num(per_point),
                tuple((float(b), float(p)) for b, p in steps or ()),
                float(floor),
                _num(if_none),
                note,
            )
        )
    out = {}
    for c, name, name_en, applies_to, scorer, red_rule, red_v, black_rule, black_v, flag_min, source in rows:
        out[c] = Scheme(
            c,
            name,
            name_en,
            applies_to,
            tuple(items.get(c, ())),
            scorer,
            red_rule,
            _num(red_v),
            black_rule,
            _num(black_v),
            flag_min,
            source,
        )
    return out


def load(db: Database, code: str) -> Scheme:
    """The scheme of this code; a ValueError naming the known ones when there is none."""
    found = load_all(db, code)
    if code not in found:
        known = ", ".join(load_all(db)) or "none"
        raise ValueError(f"no assessment scheme {code!r} (known: {known})")
    return found[code]


def score(scheme: Scheme, figures: Figures) -> Scored:
    """One unit's score: the sum of its items' points; None when an item without ``if_none`` has
    no base."""
    if scheme.scorer != "items":
        raise ValueError(f"scheme {scheme.code} scores with geodata/kpis.py: use score_all")
    parts = []
    for item in scheme.items:
        v = item.reading(figures)
        parts.append(Part(item.indicator, v, item.points(v), item.note))
    total = None if any(p.points is None for p in parts) else sum(p.points for p in parts)
    return Scored(figures.key, total, tuple(parts))


def _composites(db: Database, by: str, keys: list, start: datetime, end: datetime) -> dict[Any, Scored]:
    """kpis.score of each unit of ``by`` over the period's days, ending at its end, the KPIs of every
    unit read at once (kpis.each_unit_kpis)."""
    days = max(1, round((end - start).total_seconds() / 86400))
    column = "exclusive_grid_id" if by == "exclusive_grid" else units.fact_column(by)
    values = kpis.each_unit_kpis(db, column, sorted(int(k) for k in keys), now=end, days=days)
    empty = kpis.from_counts({})
    return {k: _composite(k, values.get(int(k), empty)) for k in keys}


def level_composites(db: Database, by: str, start: datetime, end: datetime) -> dict[Any, Scored]:
    """``_composites`` of every unit of the level ``by``: read before the period's figures say which
    units had cases, so that a close can read both at once (geodata/assessment/history.py)."""
    ids = [int(i) for (i,) in fetch_rows("unit_ids_at_level", {"level": by}, db)]
    return _composites(db, by, ids, start, end)


def _composite(key: int, values: dict[str, kpis.KpiValue]) -> Scored:
    """kpis.score of one unit's KPIs; its parts are the weighted components (points out of 100 of
    the weights present)."""
    open_now = values["open"].value or 0
    raw = {k: values[k].value for k in ("on_time_rate", "satisfaction", "online_rate", "checkpoint_rate")}
    raw["on_time_rate"] = kpis.on_time_of_resolved(values["on_time_rate"])
    raw["within_deadline"] = 1 - (values["overdue"].value or 0) / open_now if open_now else None
    have = sum(kpis.SCORE_WEIGHTS[k] for k, v in raw.items() if v is not None)
    parts = tuple(
        Part(k, None if v is None else 100 * v, None if v is None else 100 * kpis.SCORE_WEIGHTS[k] * v / have)
        for k, v in raw.items()
    )
    return Scored(key, kpis.score(values), parts)


def score_all(
    db: Database,
    scheme: Scheme,
    by: str,
    start: datetime,
    end: datetime,
    figures: dict[Any, Figures],
    composites: dict[Any, Scored] | None = None,
) -> dict[Any, Scored]:
    """Every unit's score under ``scheme``, for the figures ``assess`` gave over [start, end);
    ``composites``: the level's ``level_composites``, when already read."""
    if not scheme.fits(by):
        raise ValueError(f"scheme {scheme.code} assesses {scheme.applies_to}s, not by {by}")
    if scheme.scorer == "kpis":
        if by in ("department", "post"):
            raise ValueError(f"scheme {scheme.code} (geodata/kpis.py) scores units only")
        if composites is not None:
            empty = kpis.from_counts({})
            return {k: composites.get(k) or _composite(k, empty) for k in figures}
        return _composites(db, by, list(figures), start, end)
    return {k: score(scheme, f) for k, f in figures.items()}


def _flagged(rule: str, value: float | None, n: int) -> int | None:
    """How many from the end a count or share rule flags (None for the other rules)."""
    if rule == "count":
        return int(value)
    if rule == "share":
        return math.ceil(value * n - 1e-9)
    return None


def rank(scheme: Scheme, scored: dict[Any, Scored]) -> list[Placed]:
    """Best first. Equal scores share a rank (1, 2, 2, 4); units without a score rank last, in key
    order, unflagged. Flags per the scheme's rule among the n scored units, none while n <
    flag_min: 'count'/'share' flag the units whose rank from the top (red) or from the bottom
    (black) is within the N (ties at the edge are all flagged); 'score' flags red at score ≥ X,
    black below X. Red wins over black."""
    have = sorted(((s.score, k) for k, s in scored.items() if s.score is not None), key=lambda x: (-x[0], str(x[1])))
    n = len(have)
    ascending = sorted(s for s, _ in have)  # rank from the top: 1 + those above; from the bottom: 1 + those below
    top = {k: 1 + n - bisect.bisect_right(ascending, s) for s, k in have}
    bottom = {k: 1 + bisect.bisect_left(ascending, s) for s, k in have}
    red_n, black_n = _flagged(scheme.red_rule, scheme.red_value, n), _flagged(scheme.black_rule, scheme.black_value, n)
    out = []
    for s, k in have:
        flag: Flag = ""
        if n >= scheme.flag_min:
            red = s >= scheme.red_value if scheme.red_rule == "score" else red_n is not None and top[k] <= red_n
            black = (
                s < scheme.black_value if scheme.black_rule == "score" else black_n is not None and bottom[k] <= black_n
            )
            flag = "red" if red else "black" if black else ""
        out.append(Placed(k, top[k], s, flag, scored[k].parts))
    for k in sorted((k for k, s in scored.items() if s.score is None), key=str):
        out.append(Placed(k, n + 1, None, "", scored[k].parts))
    return out


def ranking(
    db: Database, by: str, start: datetime, end: datetime, code: str | None = None
) -> tuple[Scheme, dict[Any, Figures], list[Placed]]:
    """The ranking of every unit of ``by`` over [start, end) under the scheme ``code`` (default:
    the active one of ``by``), with the figures behind it."""
    if by not in GROUPINGS:
        raise ValueError(f"assess by one of {', '.join(GROUPINGS)}; got {by!r}")
    code = code or active(db, by)
    if code is None:
        raise ValueError(f"no active assessment scheme for {by} (set one: gridops assess scheme use {by} CODE)")
    scheme = load(db, code)
    if not scheme.fits(by):
        raise ValueError(f"scheme {code} assesses {scheme.applies_to}s, not by {by}")
    figures = assess(db, by, start, end)
    return scheme, figures, rank(scheme, score_all(db, scheme, by, start, end, figures))


def active(db: Database, level: str) -> str | None:
    """The code of the active scheme of a grouping (a unit level, exclusive_grid, department or
    post); None when none is set."""
    rows = fetch_rows("assessment_active", {"level": level}, db)
    return rows[0][0] if rows else None


def set_active(db: Database, level: str, code: str, actor: str = "cli") -> str | None:
    """Make ``code`` the active scheme of ``level`` (audited as assessment_admin); the scheme it
    replaces is returned."""
    if level not in GROUPINGS:
        raise ValueError(f"level must be one of {', '.join(GROUPINGS)}; got {level!r}")
    scheme = load(db, code)
    if not scheme.fits(level):
        raise ValueError(f"scheme {code} assesses {scheme.applies_to}s; it cannot rank by {level}")
    with db.transaction() as cur:
        cur.execute(sql_text("assessment_set_active"), {"level": level, "code": code, "actor": actor})
        previous = cur.fetchone()[0]
        audit.record(cur, actor, "assessment_admin", level=level, scheme=code, previous=previous)
    return previous
