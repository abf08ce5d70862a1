"""The live ranking the screens show (the wall, the drill-down): a unit's children ranked under the
active scheme of their level (assessment_active; ``gridops assess scheme use LEVEL CODE``).

Every scheme ranks over the same window, the last ``kpis.RANKING_DAYS`` days ending now, so that
switching the scheme changes the scoring and nothing else:

- the composite (scorer ``kpis``; the default of every unit level) is ``kpis.ranking``, as before,
  shared within the minute per data version;
- an items scheme scores each child's indicators (indicators.assess over the window, on the
  standard base) with its bands and flags (schemes.rank). That statement reads every case alive
  in the window (at city scale the open backlog too: ~1 s for one district's streets, ~4 s for the
  whole city's districts), so its result is shared for ``REFRESH_MINUTES`` and the screens say so.
  The closed months (history.py) are what the monthly report publishes; this is the live view.

The rows carry each child's KPIs as the panels have always shown them, and the score, rank and flag
of the scheme.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from geodata import kpis, units
from geodata.assessment import schemes
from geodata.assessment.indicators import BATCH_TIMEOUT_MS, assess
from geodata.clock import TZ
from geodata.db import SCOPE, STATEMENT_TIMEOUT, Database
from geodata.memo import Memo
from i18n import named, t

REFRESH_MINUTES = 10  # an items scheme's live ranking is recomputed at most this often
COMPOSITE = "composite"
_memo = Memo(128)


@dataclass(frozen=True)
class Standing:
    """A unit's children ranked: the scheme (code and names), the window, and the rows."""

    scheme: str
    name: str
    name_en: str
    days: int
    refresh_minutes: int | None  # None: follows every change (the composite)
    rows: list[kpis.RankRow]

    def caption(self, lang: str) -> str:
        """The line under a ranking's title: which scheme, over which days, how fresh."""
        name = named({"name": self.name, "name_en": self.name_en}, "name", lang)
        key = "rank.caption.live" if self.refresh_minutes is None else "rank.caption.every"
        return t(key, lang, scheme=name, days=self.days, minutes=self.refresh_minutes)


def _level(group: str) -> str:
    """The assessment grouping of a fact column: 'street_id' → 'street'."""
    return group.removesuffix("_id")


def _scored(db: Database, scheme: schemes.Scheme, unit: units.Unit, now: datetime) -> list[schemes.Placed]:
    """The children of ``unit`` placed under an items scheme over the window ending at ``now``."""
    start = now - timedelta(days=kpis.RANKING_DAYS)
    scored: dict[int, schemes.Scored] = {}
    token = STATEMENT_TIMEOUT.set(BATCH_TIMEOUT_MS)
    try:
        groupings = units.child_groupings(db, unit)
        kids = units.children(db, unit)["id"]
        excl = {i for _c, ids, g in groupings if g == "exclusive_grid_id" for i in ids}
        for _col, _ids, group in groupings:
            want = sorted(excl) if group == "exclusive_grid_id" else [i for i in kids if i not in excl]
            figures = assess(db, _level(group), start, now, only=want)
            scored.update(schemes.score_all(db, scheme, _level(group), start, now, figures))
            # A child without a case alive in the window has no figures: no score (不参评).
            scored.update({i: schemes.Scored(i, None, ()) for i in want if i not in scored})
    finally:
        STATEMENT_TIMEOUT.reset(token)
    return schemes.rank(scheme, scored)


def ranking(
    db: Database, unit: units.Unit, now: datetime | None = None, versions: dict[str, int] | None = None
) -> Standing:
    """The children of ``unit`` ranked under the active scheme of their level (the composite when
    none is set or the one set cannot rank units)."""
    level = units.child_level(db, unit)
    code = schemes.active(db, level) or COMPOSITE
    scheme = schemes.load_all(db, code).get(code)
    if scheme is None or scheme.scorer == "kpis" or not scheme.fits(level):
        base = schemes.load_all(db, COMPOSITE).get(COMPOSITE)
        name, name_en = (base.name, base.name_en) if base else ("综合评分", "Composite")
        rows = kpis.ranking(db, unit, now=now, versions=versions)
        return Standing(COMPOSITE, name, name_en, kpis.RANKING_DAYS, None, rows)

    def compute() -> list[kpis.RankRow]:
        at = now or datetime.now(TZ)
        base = kpis.ranking(db, unit, now=now, versions=None if now else versions)
        placed = {p.key: p for p in _scored(db, scheme, unit, at)}
        rows = [
            replace(r, rank=placed[r.unit_id].rank, score=placed[r.unit_id].score, flag=placed[r.unit_id].flag)
            for r in base
            if r.unit_id in placed
        ]
        return sorted(rows, key=lambda r: (r.rank, r.score is None, r.name))

    if now is not None:
        rows = compute()
    else:
        bucket = datetime.now().strftime("%Y%m%d%H") + str(datetime.now().minute // REFRESH_MINUTES)
        key = (db.dsn, SCOPE.get() or db.default_scope, unit.id, code, bucket)
        rows = _memo.get(key, compute)
    return Standing(code, scheme.name, scheme.name_en, kpis.RANKING_DAYS, REFRESH_MINUTES, rows)
