"""Assessment results kept per closed period (考核结果存档): close a period, read it back, flags over months.

``close`` computes a period once, after it has ended: every grouping's indicators
(indicators.passes, read at once with the composites of the levels scored by kpis) and, where a
scheme is active for the grouping, its scores, ranks and flags (schemes.py), stored in one
transaction (migration 0037). ``results`` and ``history`` read the stored rows, never recompute, so
a closed period does not change when later data arrives (a case reported late, a status
corrected). Computing a closed period again is explicit: ``recompute=True`` with a reason, which
replaces the rows and goes to the audit log (action 'assessment_close').
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg2.extras import Json

from geodata import fanout, units
from geodata.accounts import audit
from geodata.assessment import indicators, periods, schemes
from geodata.assessment.indicators import BATCH_TIMEOUT_MS, GROUPINGS
from geodata.clock import TZ
from geodata.db import STATEMENT_TIMEOUT, Database
from geodata.queries import fetch_rows, sql_text

NUMERALS = "零一二三四五六七八九十"


@dataclass(frozen=True)
class Result:
    """One stored result: the counts and, when a scheme scored it, score, rank and flag."""

    key: str
    scheme: str | None
    counts: dict[str, int]
    score: float | None
    rank: int | None
    flag: str | None  # 'red', 'black' or None


@dataclass(frozen=True)
class Month:
    """One closed month of a unit's history (score, rank and flag None when it had no row)."""

    label: str
    score: float | None
    rank: int | None
    flag: str | None


def _rows(db: Database, p: periods.Period) -> list[dict[str, Any]]:
    """Every grouping's results over the period, as rows to store (a batch: the composite's
    statements over a whole level may take longer than a page's)."""
    token = STATEMENT_TIMEOUT.set(BATCH_TIMEOUT_MS)
    try:
        return _placed_rows(db, p)
    finally:
        STATEMENT_TIMEOUT.reset(token)


def _placed_rows(db: Database, p: periods.Period) -> list[dict[str, Any]]:
    # The period's figures and the composite scores of the levels scored by kpis, read at once:
    # neither waits for the other (a city's close: 30 s one after the other).
    groupings = indicators.default_groupings(db)
    active = {by: code for by in groupings if (code := schemes.active(db, by)) is not None}
    loaded = {by: schemes.load(db, code) for by, code in active.items()}
    composite = [by for by, s in loaded.items() if s.scorer == "kpis" and s.fits(by) and by in units.LEVELS]
    tasks = indicators.passes(db, groupings, p.start, p.end)
    for by in composite:
        tasks[f"kpis:{by}"] = lambda by=by: schemes.level_composites(db, by, p.start, p.end)
    got = fanout.at_once(tasks)
    out = []
    for by, figures in indicators.gathered(groupings, got).items():
        code = active.get(by)
        placed = {}
        if code is not None and figures:
            scheme = loaded[by]
            if scheme.fits(by):
                scored = schemes.score_all(db, scheme, by, p.start, p.end, figures, got.get(f"kpis:{by}"))
                placed = {r.key: r for r in schemes.rank(scheme, scored)}
        for key, f in figures.items():
            r = placed.get(key)
            out.append(
                {
                    "grouping": by,
                    "key": str(key),
                    "scheme": code if r is not None else None,
                    "counts": Json(f.counts),
                    "score": None if r is None else r.score,
                    "rank": None if r is None else r.rank,
                    "flag": (r.flag or None) if r is not None else None,
                }
            )
    return out


def _refusal(label: str, row: tuple) -> str:
    _label, closed_at, closed_by, _computed, _n = row
    return (
        f"period {label} is already closed (at {closed_at:%Y-%m-%d %H:%M}, by {closed_by}); "
        "to compute it again pass recompute=True (--recompute) with a reason (--why)"
    )


def close(
    db: Database, label: str, by: str, recompute: bool = False, why: str | None = None, now: datetime | None = None
) -> int:
    """Compute and store every grouping of a period that has ended; the number of rows stored.

    A closed period is refused unless ``recompute`` (then ``why`` is required and logged); a period
    that has not ended yet (its end after ``now``) is refused."""
    p = periods.parse(label)
    now = now or datetime.now(TZ)
    if p.end > now:
        raise ValueError(f"period {p.label} has not ended (it ends {p.end:%Y-%m-%d %H:%M}); only an ended one closes")
    if recompute and not (why or "").strip():
        raise ValueError("a recomputation needs its reason (why / --why)")
    found = fetch_rows("assessment_period", {"label": p.label}, db)
    if found and not recompute:
        raise ValueError(_refusal(p.label, found[0]))
    rows = _rows(db, p)
    with db.transaction() as cur:
        cur.execute(sql_text("assessment_period"), {"label": p.label})
        again = cur.fetchone()
        if again and not recompute:
            raise ValueError(_refusal(p.label, again))
        params = {"label": p.label, "kind": p.kind, "start": p.start, "end": p.end, "by": by}
        cur.execute(sql_text("assessment_period_close"), params)
        cur.execute(sql_text("assessment_results_clear"), {"label": p.label})
        cur.executemany(sql_text("assessment_result_insert"), [{"period": p.label, **r} for r in rows])
        detail = {"period": p.label, "rows": len(rows), "recompute": again is not None}
        if again is not None:
            detail["why"] = why.strip()
        audit.record(cur, by, "assessment_close", **detail)
    return len(rows)


def previous_month(now: datetime) -> str:
    """The label of the month before the one ``now`` (Beijing time) falls in."""
    first = now.astimezone(TZ).replace(day=1)
    return periods.parse((first - timedelta(days=1)).strftime("%Y-%m")).label


def close_previous(db: Database, now: datetime, by: str = "jobs") -> str | None:
    """Close the month before ``now`` unless it is closed already; its label, or None when skipped."""
    label = previous_month(now)
    if fetch_rows("assessment_period", {"label": label}, db):
        return None
    close(db, label, by, now=now)
    return label


def _grouping(grouping: str) -> None:
    if grouping not in GROUPINGS:
        raise ValueError(f"grouping must be one of {', '.join(GROUPINGS)}; got {grouping!r}")


def results(db: Database, label: str, grouping: str) -> list[Result]:
    """The stored results of a closed period for one grouping, best first; a ValueError when the
    period is not closed."""
    _grouping(grouping)
    p = periods.parse(label)
    if not fetch_rows("assessment_period", {"label": p.label}, db):
        raise ValueError(f"period {p.label} is not closed (close it: gridops assess close --period {p.label})")
    out = []
    for key, scheme, counts, score, rank, flag in fetch_rows(
        "assessment_results", {"label": p.label, "grouping": grouping}, db
    ):
        counts = json.loads(counts) if isinstance(counts, str) else counts
        out.append(Result(key, scheme, counts, None if score is None else float(score), rank, flag))
    return out


def history(db: Database, grouping: str, key: Any, months: int = 12, until: str | None = None) -> list[Month]:
    """A unit's, department's or post's results over the last ``months`` closed months up to
    ``until`` (default: the latest closed month), oldest first."""
    _grouping(grouping)
    if months < 1:
        raise ValueError(f"months must be at least 1; got {months}")
    params = {"grouping": grouping, "key": str(key), "months": months, "until": until}
    return [
        Month(label, None if score is None else float(score), rank, flag)
        for label, score, rank, flag in fetch_rows("assessment_history", params, db)
    ]


def flags_over(db: Database, grouping: str, key: Any, months: int = 12, until: str | None = None) -> list[tuple]:
    """(month, flag) over the last ``months`` closed months, oldest first; flag 'red', 'black' or None."""
    return [(m.label, m.flag) for m in history(db, grouping, key, months, until)]


def black_run(flags: list[tuple]) -> int:
    """How many black flags in a row end the list (the latest closed month included)."""
    n = 0
    for _label, flag in reversed(flags):
        if flag != "black":
            break
        n += 1
    return n


def consecutive_black(db: Database, grouping: str, key: Any, months: int = 12, until: str | None = None) -> int:
    """The run of black flags ending at the latest closed month (0: not black then)."""
    return black_run(flags_over(db, grouping, key, months, until))


def warning(run: int) -> str | None:
    """ "连续两月黑旗" (and so on) for a run of two or more black flags; None otherwise."""
    if run < 2:
        return None
    n = "两" if run == 2 else NUMERALS[run] if run <= 10 else f"十{NUMERALS[run - 10]}" if run < 20 else str(run)
    return f"连续{n}月黑旗"
