"""The territory the platform governs: what it is called and where it lies.

Both come from the loaded top-level units, never from constants, so a city loaded from its own
files names and frames itself. ``GRIDOPS_TERRITORY_NAME`` (and ``…_NAME_EN``) give a display name
when the units' own names do not make one (several districts of a city, say).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import psycopg2

from geodata.db import Database
from geodata.memo import Memo, once_per_request
from geodata.queries import fetch_rows
from i18n import named, t
from settings import get_settings

TTL_SECONDS = 30  # a load's new top-level units show in headers within this long
_memo = Memo(maxsize=8)


@dataclass(frozen=True)
class Territory:
    """The top-level units: how many, the first names (by code) and their bounds (None: none loaded)."""

    count: int
    names: tuple[str, ...]
    bounds: tuple[float, float, float, float] | None
    levels: frozenset[str] = frozenset()  # the unit levels loaded
    exclusive: bool = False  # any exclusive grid
    roads: bool = False
    grid_parents: tuple[str, ...] = ()  # the levels of the tiling grids' parents (a city's: community)


def current(db: Database) -> Territory:
    """The territory as loaded, at most ``TTL_SECONDS`` old, read once per request."""
    key = (db.dsn, int(time.time() // TTL_SECONDS))
    return once_per_request(("territory", db.dsn), lambda: _memo.get(key, lambda: _read(db)))


def _read(db: Database) -> Territory:
    count, names, *box = fetch_rows("territory_top_units", None, db)[0]
    bounds = tuple(float(v) for v in box) if box[0] is not None else None
    levels, exclusive, roads = fetch_rows("territory_contents", None, db)[0]
    parents = tuple(level for (level,) in fetch_rows("grid_parent_levels", None, db))
    return Territory(int(count), tuple(names or ()), bounds, frozenset(levels or ()), exclusive, roads, parents)


def name(db: Database, lang: str) -> str:
    """The territory's display name in ``lang``: the setting, else its one top-level unit's name,
    else the first of several; the platform's own name when nothing is loaded or the database is away."""
    s = get_settings()
    if s.territory_name:
        return named({"name": s.territory_name, "name_en": s.territory_name_en}, "name", lang)
    try:
        found = current(db)
    except psycopg2.Error:
        return t("app.title", lang)
    if found.count == 0:
        return t("app.title", lang)
    if found.count == 1:
        return found.names[0]
    return t("territory.several", lang, first=found.names[0], n=found.count)
