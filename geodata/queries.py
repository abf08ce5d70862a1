"""Named SQL queries: static SQL lives in ``geodata/sql/<name>.sql``, values are parameters."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from geodata.db import Database, get_db

SQL_DIR = Path(__file__).with_name("sql")


@cache
def sql_text(name: str) -> str:
    """The text of a named query file (cached)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def fetch_columns(name: str, params: dict[str, Any] | None = None, db: Database | None = None) -> dict[str, list]:
    """Run a named query and return its result column by column."""
    with (db or get_db()).transaction() as cur:
        cur.execute(sql_text(name), params or {})
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


def fetch_rows(name: str, params: dict[str, Any] | None = None, db: Database | None = None) -> list[tuple]:
    """Run a named query and return its rows as tuples."""
    with (db or get_db()).transaction() as cur:
        cur.execute(sql_text(name), params or {})
        return cur.fetchall()
