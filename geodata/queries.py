"""Named SQL queries: static SQL lives in ``geodata/sql/<name>.sql``, values are parameters.

A query may name columns with ``{scope}`` or ``{group}`` placeholders; they are filled with
quoted identifiers (psycopg2.sql), never with text, so callers pass column names, not SQL.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from psycopg2 import sql

from geodata.db import Database, get_db

SQL_DIR = Path(__file__).with_name("sql")


@cache
def sql_text(name: str) -> str:
    """The text of a named query file (cached)."""
    path = SQL_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {SQL_DIR}")
    return path.read_text(encoding="utf-8")


def query(name: str, columns: dict[str, str | None]) -> str | sql.Composed:
    """The named query, with column placeholders filled (None becomes a NULL integer)."""
    if not columns:
        return sql_text(name)
    idents = {k: sql.Identifier(v) if v else sql.SQL("NULL::integer") for k, v in columns.items()}
    return sql.SQL(sql_text(name)).format(**idents)


def fetch_columns(name: str, params: dict[str, Any] | None = None, db: Database | None = None,
                  **columns: str | None) -> dict[str, list]:  # fmt: skip
    """Run a named query and return its result column by column."""
    with (db or get_db()).transaction() as cur:
        cur.execute(query(name, columns), params or {})
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


def fetch_rows(name: str, params: dict[str, Any] | None = None, db: Database | None = None,
               **columns: str | None) -> list[tuple]:  # fmt: skip
    """Run a named query and return its rows as tuples."""
    with (db or get_db()).transaction() as cur:
        cur.execute(query(name, columns), params or {})
        return cur.fetchall()
