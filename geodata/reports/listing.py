"""What the /reports page lists for a reader: the closed periods, newest first, and per period the
subjects the reader may see (subjects.visible), each with the files kept (read under the reader's
row scope, so the database agrees with the check made here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from geodata.db import Database
from geodata.queries import fetch_rows
from geodata.reports import store, subjects
from geodata.reports.subjects import Subject


@dataclass(frozen=True)
class Entry:
    """One subject of one period: its files kept (format → when made), none when not made yet."""

    subject: Subject
    files: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True)
class Period:
    """One closed period and the entries the reader may see."""

    label: str
    kind: str
    start: datetime
    entries: list[Entry]


def for_reader(db: Database, who) -> list[Period]:
    """The closed periods, newest first, each with the subjects ``who`` may read (none: an empty
    list of entries)."""
    seen = [s for s in subjects.all_subjects(db) if subjects.visible(who, s)]
    kept: dict[tuple[str, str, str], dict[str, datetime]] = {}
    if seen:
        for k in store.kept(db):
            kept.setdefault((k.period, k.kind, k.key), {})[k.format] = k.generated_at
    out = []
    for label, kind, start, _end, _closed_at, _closed_by in fetch_rows("report_periods", None, db):
        entries = [Entry(s, kept.get((label, s.kind, s.key), {})) for s in seen]
        out.append(Period(label, kind, start, entries))
    return out
