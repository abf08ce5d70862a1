"""Reference data of the case loop: categories (with SLA hours), sources, statuses and the
actions allowed from each status.

It changes rarely, so each process keeps it for a minute instead of asking on every request.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from geodata.cases import lifecycle
from geodata.db import Database
from geodata.memo import Memo
from geodata.queries import fetch_rows

TTL_SECONDS = 60

_memo = Memo(maxsize=32)


@dataclass(frozen=True)
class Category:
    """A case category (事项分类) and its deadline."""

    code: str
    name: str
    name_en: str
    parent_code: str | None
    sla_hours: int
    department_code: str | None
    department: str | None
    leaf: bool


@dataclass(frozen=True)
class Catalogue:
    """Categories, sources and statuses, keyed by code."""

    categories: dict[str, Category]
    sources: dict[str, tuple[str, str]]  # code → (name, name_en)
    statuses: dict[str, tuple[str, str, bool]]  # code → (name, name_en, is_open)
    actions: dict[str, list[str]]  # status → the actions allowed from it with nothing pending, sorted
    departments: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (name, name_en)

    def leaves_under(self, code: str) -> list[str]:
        """The leaf categories at or below ``code``."""
        out, todo = [], [code]
        while todo:
            here = todo.pop()
            kids = [c.code for c in self.categories.values() if c.parent_code == here]
            if not kids and here in self.categories:
                out.append(here)
            todo.extend(kids)
        return sorted(out)


def get(db: Database) -> Catalogue:
    """The catalogue, at most ``TTL_SECONDS`` old."""
    global _last
    key = (db.dsn, int(time.time() // TTL_SECONDS))
    last = _last  # read without a lock: every create reads the catalogue, from many threads at once
    if last is not None and last[0] == key:
        return last[1]
    found = _memo.get(key, lambda: _load(db))
    _last = (key, found)
    return found


_last: tuple[tuple[str, int], Catalogue] | None = None


def _load(db: Database) -> Catalogue:
    cats = {r[0]: Category(*r) for r in fetch_rows("catalogue_categories", db=db)}
    sources = {r[0]: (r[1], r[2]) for r in fetch_rows("catalogue_sources", db=db)}
    statuses = {r[0]: (r[1], r[2], r[3]) for r in fetch_rows("catalogue_statuses", db=db)}
    with db.transaction() as cur:
        table = lifecycle.rules(cur)
    actions = {code: sorted({r.action for r in table if r.fits({"status": code})}) for code in statuses}
    departments = {r[0]: (r[1], r[2]) for r in fetch_rows("departments_list", db=db)}
    return Catalogue(cats, sources, statuses, actions, departments)
