"""Assessment periods (考核周期): a day, a month, a quarter, a year or a custom run of days, as
Beijing-time bounds [start, end). Every assessment function takes the bounds; these helpers make
them from a date or from the text a page, a command or a report names a period by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from geodata.clock import TZ

FORMS = (
    "YYYY, YYYY-Qn, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD "
    "(e.g. 2026, 2026-Q4, 2026-11, 2026-11-05, 2026-11-01..2026-11-15; the last day of a range included)"
)
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """[start, end) in Beijing time; ``kind`` day, month, quarter, year or custom; ``label`` the
    text that names it (what ``parse`` reads back)."""

    start: datetime
    end: datetime
    kind: str
    label: str


def _midnight(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=TZ)


def day(d: date) -> Period:
    """One Beijing day."""
    return Period(_midnight(d), _midnight(d + timedelta(days=1)), "day", d.isoformat())


def month(year_: int, month_: int) -> Period:
    """One calendar month."""
    if not 1 <= month_ <= 12:
        raise ValueError(f"month must be 1 to 12, got {month_}")
    nxt = date(year_ + 1, 1, 1) if month_ == 12 else date(year_, month_ + 1, 1)
    return Period(_midnight(date(year_, month_, 1)), _midnight(nxt), "month", f"{year_:04d}-{month_:02d}")


def quarter(year_: int, quarter_: int) -> Period:
    """One calendar quarter (Q1 is January to March)."""
    if not 1 <= quarter_ <= 4:
        raise ValueError(f"quarter must be 1 to 4, got {quarter_}")
    first = 3 * (quarter_ - 1) + 1
    nxt = date(year_ + 1, 1, 1) if quarter_ == 4 else date(year_, first + 3, 1)
    return Period(_midnight(date(year_, first, 1)), _midnight(nxt), "quarter", f"{year_:04d}-Q{quarter_}")


def year(year_: int) -> Period:
    """One calendar year."""
    return Period(_midnight(date(year_, 1, 1)), _midnight(date(year_ + 1, 1, 1)), "year", f"{year_:04d}")


def custom(first: date, last: date) -> Period:
    """The days from ``first`` to ``last``, both included."""
    if last < first:
        raise ValueError(f"a period's last day ({last}) must not be before its first ({first})")
    return Period(_midnight(first), _midnight(last + timedelta(days=1)), "custom", f"{first}..{last}")


def _date(text: str, whole: str) -> date:
    m = _DAY.match(text)
    if not m:
        raise ValueError(f"period must be {FORMS}; got {whole!r}")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ValueError(f"no such day {text!r} in period {whole!r} ({exc})") from None


def parse(text: str) -> Period:
    """The period a text names: '2026' (a year), '2026-Q4', '2026-11', '2026-11-05' (a day) or
    '2026-11-01..2026-11-15' (custom, both days included). Anything else is a ValueError that
    names the forms expected."""
    if not isinstance(text, str):
        raise ValueError(f"period must be text, one of {FORMS}; got {text!r}")
    s = text.strip()
    if ".." in s:
        first, _, last = s.partition("..")
        return custom(_date(first.strip(), text), _date(last.strip(), text))
    if m := _YEAR.match(s):
        return year(int(m[1]))
    if m := _QUARTER.match(s):
        return quarter(int(m[1]), int(m[2]))
    if m := _MONTH.match(s):
        if not 1 <= int(m[2]) <= 12:
            raise ValueError(f"period must be {FORMS}; got {text!r} (no month {m[2]})")
        return month(int(m[1]), int(m[2]))
    return day(_date(s, text))
