"""The assessment indicators (考核指标) on the standard base, each defined once.

An indicator is a count, or a rate of two counts, over one period [start, end) (Beijing-time
bounds: geodata/assessment/periods.py makes them), for every unit of one level, every department
or every post (grid worker). ``INDICATORS`` below is the one table of them: key, names, the counts
a rate divides, and the source it follows. The counts are computed in one pass for every grouping
of units and departments (geodata/sql/assessment_cases.sql), and one for posts (assessment_posts.sql);
docs/assessment.md writes out every definition and the readings chosen where the sources are
silent.

The base of the closure rates is 应结案数, the cases that should have been closed in the period
(closed in it, or overdue and still open at its end, parked ones left out), as the published rules
do (DESIGN §13), not the cases resolved as geodata/kpis.py takes it for the wall. A rate whose
denominator is zero is None, shown as "—".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from psycopg2 import sql

from geodata.db import Database
from geodata.queries import fetch_columns, sql_text
from geodata.units import LEVELS, fact_column

RESPONSE_HOURS = 24  # 响应时限: a case is responded to (签收) within this many hours of its report
VERIFY_HOURS = 24  # 核查时限: an answer is checked on site within this many hours

Applies = Literal["area", "post"]  # area: units and departments (the cases they hold); post: grid workers

UNICOM = "China Unicom 数字城管 platform, StatisticsService.java (DESIGN §13)"
JINHUA = "金华 数字城管 assessment rules (DESIGN §13)"
CITY_PAGE = "a city 城管 assessment page (DESIGN §13)"
HOTLINE = "12345 hotline 三率 (DESIGN §13)"
GRIDOPS = "GridOps reading, the sources silent (docs/assessment.md)"


@dataclass(frozen=True)
class Indicator:
    """One indicator: a count (``den`` None; ``num`` the count's own key) or a rate num / den."""

    key: str
    name: str  # 中文名
    name_en: str
    num: str
    den: str | None
    source: str
    applies: Applies = "area"
    higher_is_better: bool = True

    @property
    def kind(self) -> Literal["count", "rate"]:
        """A count or a rate."""
        return "count" if self.den is None else "rate"


def _count(key: str, name: str, name_en: str, source: str, applies: Applies = "area", higher: bool = True):
    return Indicator(key, name, name_en, key, None, source, applies, higher)


INDICATORS: tuple[Indicator, ...] = (
    # units and departments: counts
    _count("filed", "立案数", "Cases filed", UNICOM),
    _count("due", "应结案数", "Cases due", UNICOM + "; " + JINHUA, higher=False),
    _count("closed", "结案数", "Cases closed", UNICOM),
    _count("closed_on_time", "按期结案数", "Cases closed on time", UNICOM),
    _count("overdue_open", "超期未结数", "Overdue and open", UNICOM, higher=False),
    _count("reworked", "返工数", "Reworks", CITY_PAGE, higher=False),
    _count("extended", "延期数", "Extensions", "DESIGN §12", higher=False),
    _count("parked", "挂账数", "Parked (缓办)", JINHUA, higher=False),
    _count("supervised", "督办数", "Supervised", CITY_PAGE, higher=False),
    _count("supervised_done", "督办办结数", "Supervised and done", CITY_PAGE),
    _count("responded", "按时响应数", "Responded in time", HOTLINE),
    _count("solved", "解决数", "Solved", HOTLINE),
    _count("rated", "评价数", "Rated", HOTLINE),
    _count("satisfied", "满意数", "Satisfied", HOTLINE),
    # units and departments: rates
    Indicator("closure_rate", "结案率", "Closure rate", "closed", "due", UNICOM),
    Indicator("on_time_rate", "按期结案率", "On-time closure rate", "closed_on_time", "due", UNICOM + "; " + JINHUA),
    Indicator("rework_rate", "返工率", "Rework rate", "reworked", "filed", CITY_PAGE, higher_is_better=False),
    Indicator("extension_rate", "延期率", "Extension rate", "extended", "filed", GRIDOPS, higher_is_better=False),
    Indicator("supervised_rate", "督办办结率", "Supervised done rate", "supervised_done", "supervised", GRIDOPS),
    Indicator("response_rate", "响应率", "Response rate", "responded", "filed", HOTLINE),
    Indicator("solve_rate", "解决率", "Solve rate", "solved", "filed", HOTLINE),
    Indicator("satisfaction_rate", "满意率", "Satisfaction rate", "satisfied", "rated", HOTLINE),
    # posts (grid workers)
    _count("reports", "上报数", "Reports", GRIDOPS, "post"),
    _count("valid_reports", "有效上报数", "Valid reports", GRIDOPS, "post"),
    _count("checks_due", "应核查数", "Checks due", GRIDOPS, "post"),
    _count("checks_on_time", "按时核查数", "Checks on time", GRIDOPS, "post"),
    Indicator("valid_report_rate", "有效上报率", "Valid report rate", "valid_reports", "reports", GRIDOPS, "post"),
    Indicator(
        "verify_on_time_rate", "按时核实率", "On-time check rate", "checks_on_time", "checks_due", GRIDOPS, "post"
    ),
)
BY_KEY = {i.key: i for i in INDICATORS}
GROUPINGS = (*LEVELS, "exclusive_grid", "department", "post")  # what ``assess`` groups by


def rate(num: int, den: int) -> float | None:
    """num / den; None when den is zero (never 0 or 100 %)."""
    return num / den if den else None


def shown(value: float | int | None) -> str:
    """A value as a page or a report shows it: counts as they are, rates in per cent with one
    decimal, an undefined rate as "—"."""
    if value is None:
        return "—"
    if isinstance(value, int):
        return str(value)
    return f"{100 * value:.1f}%"


@dataclass(frozen=True)
class Figures:
    """The indicators of one unit, department or post over one period: its counts, and every
    rate taken from them (``value``)."""

    key: Any  # the unit's or the department's id, the post's username
    applies: Applies
    counts: dict[str, int]

    def value(self, key: str) -> int | float | None:
        """An indicator's value: a count, or a rate (None when its denominator is zero)."""
        ind = BY_KEY[key]
        if ind.applies != self.applies:
            raise KeyError(f"{key!r} is an indicator of {ind.applies}s, not of {self.applies}s")
        if ind.den is None:
            return self.counts[ind.num]
        return rate(self.counts[ind.num], self.counts[ind.den])

    def values(self) -> dict[str, int | float | None]:
        """Every indicator that applies, by key, in the table's order."""
        return {i.key: self.value(i.key) for i in INDICATORS if i.applies == self.applies}


def _bounds(start: datetime, end: datetime) -> None:
    for name, t in (("start", start), ("end", end)):
        if not isinstance(t, datetime) or t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"{name} must be a datetime with its zone (see geodata.assessment.periods)")
    if not start < end:
        raise ValueError(f"a period's start ({start}) must be before its end ({end})")


def assess(
    db: Database,
    by: str,
    start: datetime,
    end: datetime,
    only: list[int] | list[str] | None = None,
    response_hours: float = RESPONSE_HOURS,
    verify_hours: float = VERIFY_HOURS,
) -> dict[Any, Figures]:
    """The indicators of every group over [start, end), by group key.

    ``by`` is a unit level (city, district, street, community, grid, micro, or exclusive_grid):
    each unit of it that has a case alive in the period, by unit id; ``department``: each
    department by id; ``post``: each grid worker by username (every one, with zeros when idle).
    ``only`` keeps those ids (usernames for posts). One statement, over the rows the caller may
    see (row-level security).
    """
    _bounds(start, end)
    if by not in GROUPINGS:
        raise ValueError(f"assess by one of {', '.join(GROUPINGS)}; got {by!r}")
    if by != "post":
        ids = None if only is None else [int(i) for i in only]
        return _areas(db, (by,), start, end, ids, response_hours)[by]
    names = None if only is None else [str(n) for n in only]
    params = {"start": start, "end": end, "names": names, "verify_hours": verify_hours}
    cols = fetch_columns("assessment_posts", params, db)
    keys = [k for k in cols if k != "key"]
    return {g: Figures(g, "post", {k: int(cols[k][i]) for k in keys}) for i, g in enumerate(cols["key"])}


def _areas(
    db: Database,
    groupings: tuple[str, ...],
    start: datetime,
    end: datetime,
    ids: list[int] | None = None,
    response_hours: float = RESPONSE_HOURS,
) -> dict[str, dict[Any, Figures]]:
    """The indicators of units and departments by each of ``groupings``, in one pass over the
    period's cases (assessment_cases.sql); ``ids`` keeps those groups of a single grouping."""
    columns = [sql.Identifier("c", "department_id" if by == "department" else fact_column(by)) for by in groupings]
    names = [sql.Identifier(f"g{i}") for i in range(len(groupings))]
    which = [sql.SQL("WHEN GROUPING({}) = 0 THEN {}").format(n, sql.Literal(by)) for n, by in zip(names, groupings)]
    value = [sql.SQL("WHEN GROUPING({0}) = 0 THEN {0}").format(n) for n in names]
    stmt = sql.SQL(sql_text("assessment_cases")).format(
        keys=sql.SQL(", ").join(sql.SQL("{} AS {}").format(c, n) for c, n in zip(columns, names)),
        present=sql.SQL(" OR ").join(sql.SQL("{} IS NOT NULL").format(c) for c in columns),
        first=columns[0],
        by=sql.SQL("CASE {} END").format(sql.SQL(" ").join(which)),
        key=sql.SQL("CASE {} END").format(sql.SQL(" ").join(value)),
        sets=sql.SQL(", ").join(sql.SQL("({})").format(n) for n in names),
    )
    params = {"start": start, "end": end, "ids": ids, "response_hours": response_hours}
    out: dict[str, dict[Any, Figures]] = {by: {} for by in groupings}
    with db.transaction() as cur:
        cur.execute(stmt, params)
        counts = [d.name for d in cur.description][2:]
        for by, key, *values in cur.fetchall():
            out[by][key] = Figures(key, "area", dict(zip(counts, map(int, values))))
    return out


BATCH_TIMEOUT_MS = 120_000  # a whole period's assessment is a batch, not a page: it may take this long


def assess_all(
    db: Database, start: datetime, end: datetime, groupings: tuple[str, ...] | None = None
) -> dict[str, dict[Any, Figures]]:
    """Every grouping's indicators over [start, end) (by default each unit level the territory has,
    the departments and the posts), the statements run at once on the pool (geodata/fanout.py)."""
    from geodata import fanout
    from geodata.db import STATEMENT_TIMEOUT

    groupings = groupings if groupings is not None else default_groupings(db)
    token = STATEMENT_TIMEOUT.set(BATCH_TIMEOUT_MS)
    try:
        return gathered(groupings, fanout.at_once(passes(db, groupings, start, end)))
    finally:
        STATEMENT_TIMEOUT.reset(token)


def default_groupings(db: Database) -> tuple[str, ...]:
    """Each unit level the territory has (top down), the departments and the posts."""
    with db.transaction() as cur:
        cur.execute(sql_text("assessment_levels"))
        return (*(level for (level,) in cur.fetchall()), "department", "post")


def passes(db: Database, groupings: tuple[str, ...], start: datetime, end: datetime) -> dict[str, Any]:
    """The statements behind ``groupings``' indicators, as tasks for geodata/fanout.py: one pass for
    the units and departments, one for the posts (``gathered`` puts their results together)."""
    _bounds(start, end)
    areas = tuple(by for by in groupings if by != "post")
    tasks: dict[str, Any] = {"areas": lambda: _areas(db, areas, start, end) if areas else {}}
    if "post" in groupings:
        tasks["post"] = lambda: assess(db, "post", start, end)
    return tasks


def gathered(groupings: tuple[str, ...], got: dict[str, Any]) -> dict[str, dict[Any, Figures]]:
    """Each grouping's figures from the results of ``passes``."""
    return {by: got["post"] if by == "post" else got["areas"][by] for by in groupings}
