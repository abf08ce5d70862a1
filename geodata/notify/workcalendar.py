"""Working time: which days are working days, and counting working hours forward and back.

A day is a working day as the State Council's holiday schedule says (the maintained
``chinesecalendar`` library: the public holidays and the 调休 weekends worked in their place),
unless the ``work_calendar`` table (migration 0034) says otherwise for that day: a local holiday,
or next year's schedule entered before the library knows it. A year the library does not cover
falls back to Monday–Friday, and says so in the log once. Working hours are the periods of
GRIDOPS_WORK_HOURS on each working day, Beijing time (geodata/clock.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import chinese_calendar

from geodata.clock import TZ
from geodata.queries import sql_text

log = logging.getLogger(__name__)
MAX_DAYS = 800  # a count of working hours never walks further than this (about two years)
_warned: set[int] = set()


def parse_hours(text: str) -> tuple[tuple[time, time], ...]:
    """'08:30-12:00,13:30-17:30' → the periods, in order; ValueError naming the fix otherwise."""
    periods = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        try:
            start, end = (time.fromisoformat(x.strip()) for x in part.split("-"))
        except ValueError:
            raise ValueError(
                f"working hours {part!r}: write HH:MM-HH:MM periods separated by commas, e.g. 08:30-12:00,13:30-17:30"
            ) from None
        if end <= start or (periods and start < periods[-1][1]):
            raise ValueError(f"working hours {text!r}: periods must run forward and not overlap")
        periods.append((start, end))
    if not periods:
        raise ValueError("working hours are empty: e.g. GRIDOPS_WORK_HOURS=08:30-12:00,13:30-17:30")
    return tuple(periods)


@dataclass(frozen=True)
class Calendar:
    """Working days and hours. ``days`` overrides the library for the days it names."""

    periods: tuple[tuple[time, time], ...]
    days: dict[date, bool] = field(default_factory=dict)

    def working_day(self, day: date) -> bool:
        if day in self.days:
            return self.days[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in _warned:
                _warned.add(day.year)
                log.warning(
                    "the holiday calendar does not cover %s: Monday to Friday are taken as working days "
                    "(enter the year's schedule in work_calendar, or update chinesecalendar)",
                    day.year,
                )
            return day.weekday() < 5

    def _spans(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.working_day(day):
            return []
        return [(datetime.combine(day, a, TZ), datetime.combine(day, b, TZ)) for a, b in self.periods]

    def add(self, start: datetime, hours: float) -> datetime:
        """The time ``hours`` working hours after ``start``."""
        left = timedelta(hours=hours)
        at = start.astimezone(TZ)
        day = at.date()
        for _ in range(MAX_DAYS):
            for a, b in self._spans(day):
                if b <= at:
                    continue
                begin = max(a, at)
                if begin + left <= b:
                    return begin + left
                left -= b - begin
            day += timedelta(days=1)
        raise ValueError(f"{hours} working hours after {start} lie beyond {MAX_DAYS} days")

    def subtract(self, end: datetime, hours: float) -> datetime:
        """The latest time from which ``hours`` working hours have passed by ``end``: every time at
        or before it is at least that many working hours before ``end``."""
        left = timedelta(hours=hours)
        at = end.astimezone(TZ)
        day = at.date()
        for _ in range(MAX_DAYS):
            for a, b in reversed(self._spans(day)):
                if a >= at:
                    continue
                finish = min(b, at)
                if finish - left >= a:
                    return finish - left
                left -= finish - a
            day -= timedelta(days=1)
        raise ValueError(f"{hours} working hours before {end} lie beyond {MAX_DAYS} days")

    def between(self, start: datetime, end: datetime) -> float:
        """Working hours from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
        total = timedelta()
        a0, b0 = start.astimezone(TZ), end.astimezone(TZ)
        day = a0.date()
        while day <= b0.date():
            for a, b in self._spans(day):
                lo, hi = max(a, a0), min(b, b0)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600


def load(cur, work_hours: str) -> Calendar:
    """The calendar of GRIDOPS_WORK_HOURS and the work_calendar table."""
    cur.execute(sql_text("notify_work_calendar"))
    rows = cur.fetchall()
    return Calendar(parse_hours(work_hours), {day: working for day, working in rows})
