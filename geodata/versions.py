"""Data versions: one number per topic (units, cases, cameras, checkpoints, …), moved by
statement-level triggers on every committed change (migration 0001 and after). A screen compares
the versions it drew with the current ones to know whether, and what, to redraw (docs/refresh.md)."""

from __future__ import annotations

from datetime import datetime

from psycopg2 import sql

from geodata.db import Database
from geodata.queries import sql_text


def current(db: Database) -> tuple[dict[str, int], datetime]:
    """The version of every topic, and the time of the latest change (read in one round trip:
    every tick of every open screen asks this first)."""
    _, rows = db.one_trip(lambda cur: (sql.SQL(sql_text("data_versions")), []))
    return {topic: int(version) for topic, version, _ in rows}, max(changed for _, _, changed in rows)
