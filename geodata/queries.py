"""Named SQL queries: static SQL lives in ``geodata/sql/<name>.sql``, values are parameters.

A query may name columns with ``{scope}`` or ``{group}`` placeholders; they are filled with
quoted identifiers (psycopg2.sql), never with text, so callers pass column names, not SQL.
"""

from __future__ import annotations

import re
import weakref
from functools import cache
from pathlib import Path
from typing import Any

from psycopg2 import sql

from geodata.db import Database, get_db

SQL_DIR = Path(__file__).with_name("sql")
PARAM = re.compile(r"%\((\w+)\)s")
# Statements already prepared on each connection (a connection that dies takes its entry along).
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


def fetch_columns(
    name: str,
    params: dict[str, Any] | None = None,
    db: Database | None = None,
    bounds: str | None = None,
    planned_once: bool = False,
    **columns: str | None,
) -> dict[str, list]:
    """Run a named query and return its result column by column.

    ``bounds`` names a query run first in the same transaction (so at the same database clock)
    whose one row is added to the parameters: time bounds, say, which the planner then sees as
    values rather than as expressions.

    ``planned_once``: run it as a prepared statement with its generic plan, planned once per
    connection (``prepared``). For the live pages' ticks: a query over every month of cases can
    cost more to plan than to run (tens of milliseconds, on every tick of every screen).
    """
    params = dict(params or {})
    with (db or get_db()).transaction() as cur:
        if bounds:
            cur.execute(sql_text(bounds), params)
            params.update(zip([d.name for d in cur.description], cur.fetchone()))
        if planned_once:
            text = query(name, columns)
            text = text if isinstance(text, str) else text.as_string(cur)
            named = ":".join([name, *(f"{k}={v}" for k, v in sorted(columns.items()))])
            cur.execute(*prepared(cur, named, params, text, generic=True))
        else:
            cur.execute(query(name, columns), params)
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
    return {n: [r[i] for r in rows] for i, n in enumerate(names)}


def fetch_rows(
    name: str, params: dict[str, Any] | None = None, db: Database | None = None, **columns: str | None
) -> list[tuple]:
    """Run a named query and return its rows as tuples."""
    with (db or get_db()).transaction() as cur:
        cur.execute(query(name, columns), params or {})
        return cur.fetchall()


def execute_prepared(cur, name: str, params: dict[str, Any], text: str | None = None) -> None:
    """Run a named query as a server-side prepared statement, planned once per connection.

    For the hot paths (a case taken in through the API): planning a many-join query costs more
    than running it. ``text`` overrides the file's text (same ``%(name)s`` parameters).
    """
    cur.execute(*prepared(cur, name, params, text))


def prepared(
    cur, name: str, params: dict[str, Any], text: str | None = None, generic: bool = False
) -> tuple[sql.Composed, list]:
    """The EXECUTE of a named query prepared on the cursor's connection (PREPAREd there first if
    it is not yet), and its arguments: for execute_prepared, or to send with other statements.

    ``generic``: run the statement's generic plan, made once, for the rest of the transaction.
    For a statement whose parameters are arrays the server would otherwise plan every call anew
    (the custom plan of a one-element array always looks cheaper than the generic one), and for a
    many-join statement planning costs more than running it."""
    text = text or sql_text(name)
    key = (name, text, generic)
    if (made := _statements.get(key)) is None:
        made = _statements[key] = _statement(cur, name, text, generic)
    prepare, execute, order = made
    done = _prepared.setdefault(cur.connection, set())
    if name not in done:
        cur.execute(prepare)
        done.add(name)  # PREPARE is not undone by a rollback: it lives as long as the connection
    return sql.SQL(execute), [params[k] for k in order]


# (name, text, generic) → the PREPARE and EXECUTE statements and the parameter order: composed once
# per process, not on every call of a hot path.
_statements: dict[tuple[str, str, bool], tuple[str, str, tuple[str, ...]]] = {}
GENERIC = "SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL max_parallel_workers_per_gather = 0; "


def _statement(cur, name: str, text: str, generic: bool) -> tuple[str, str, tuple[str, ...]]:
    order = tuple(dict.fromkeys(PARAM.findall(text)))
    numbered = PARAM.sub(lambda m: f"${order.index(m.group(1)) + 1}", text).replace("%%", "%")
    prepare = sql.SQL("PREPARE {} AS ").format(sql.Identifier(name)) + sql.SQL(numbered)
    args = sql.SQL(", ").join([sql.Placeholder()] * len(order))
    stmt = (
        sql.SQL("EXECUTE {} ({})").format(sql.Identifier(name), args)
        if order
        else sql.SQL("EXECUTE {}").format(sql.Identifier(name))
    )
    if generic:  # and no parallel workers: starting them costs more than these statements take
        stmt = sql.SQL(GENERIC) + stmt
    return prepare.as_string(cur), stmt.as_string(cur), order
