"""The connection pool: reused connections, checked at checkout, statement timeouts, reconnect
after a restart."""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import psycopg2
import psycopg2.extensions
from psycopg2 import sql
from psycopg2.pool import PoolError

from geodata.roles import SCOPE_ROLES
from settings import get_settings

DISCONNECTED = (psycopg2.OperationalError, psycopg2.InterfaceError)


def _time_or_none(value: str | None, cur) -> Any:
    """A timestamptz as psycopg2 reads it, except 'infinity' (a parked case's deadline, migration
    0030), which Python cannot hold: None, "no deadline"."""
    if value is None or value in ("infinity", "-infinity"):
        return None
    return psycopg2.extensions.PYDATETIMETZ(value, cur)


psycopg2.extensions.register_type(psycopg2.extensions.new_type((1184,), "TIMESTAMPTZ_NO_INFINITY", _time_or_none))


def _quoted(name: str) -> str:
    """A quoted SQL identifier (as PostgreSQL's quote_ident quotes one)."""
    return '"' + name.replace('"', '""') + '"'


# The statements that enter each scope, written out once (every transaction of the app runs one).
_ENTER_SCOPE = {
    level: sql.SQL(f"SET LOCAL ROLE {_quoted(role)}; SELECT set_config('gridops.scope_id', %s, true)")
    for level, role in SCOPE_ROLES.items()
}
# The column each narrow scope's policies (migration 0013) compare with gridops.scope_id.
SCOPE_COLUMNS = {"city": "city_id", "district": "district_id", "street": "street_id", "community": "community_id"}
INDEXED_SCOPES = ("street", "community")  # whose policies are index conditions (0013; 0029 for the others)
# The scope of the work in hand (set per request by access.gate): ("all", 0) or (level, unit id)
# for a level of SCOPE_COLUMNS. A scoped pool enters it at the start of every transaction (row-level
# security, migration 0013); with none, tables under row-level security show no row.
SCOPE: ContextVar[tuple[str, int] | None] = ContextVar("gridops_scope", default=None)
# A longer statement timeout for the work that is allowed it (a download), in milliseconds; None:
# the pool's own (GRIDOPS_STATEMENT_TIMEOUT_MS). Set it around that work only, and reset it.
STATEMENT_TIMEOUT: ContextVar[int | None] = ContextVar("gridops_statement_timeout", default=None)


def _alive(conn: psycopg2.extensions.connection) -> bool:
    """False when the server closed an idle connection (restart, terminate, timeout).

    An idle connection has nothing to read; a readable socket means the server said goodbye
    (or sent something unasked), so the connection is replaced. No round trip is needed.
    """
    if conn.closed:
        return False
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    return not poller.poll(0)


class Database:
    """A small thread-safe pool around psycopg2 that keeps idle connections and drops dead ones."""

    def __init__(
        self,
        dsn: str,
        maxconn: int = 8,
        statement_timeout_ms: int = 5000,
        wait_s: float = 5.0,
        scoped: bool = False,
        default_scope: tuple[str, int] | None = None,
    ) -> None:
        self.dsn = dsn
        self.scoped = scoped  # the app's pool: enter SCOPE (or default_scope) in every transaction
        self.default_scope = default_scope
        self.maxconn = maxconn
        self.wait_s = wait_s  # a burst waits this long for a free connection before PoolError
        self._options = f"-c statement_timeout={int(statement_timeout_ms)}"
        self._idle: list[psycopg2.extensions.connection] = []  # the most recently used last
        self._in_use = 0
        self._closed = False
        self._lock = threading.Lock()
        self._freed = threading.Condition(self._lock)

    def _checkout(self) -> psycopg2.extensions.connection:
        while True:
            with self._lock:
                if self._closed:
                    raise PoolError("the connection pool is closed")
                if not self._idle and self._in_use >= self.maxconn:
                    self._freed.wait_for(lambda: self._idle or self._in_use < self.maxconn or self._closed, self.wait_s)
                    if self._closed:
                        raise PoolError("the connection pool is closed")
                    if not self._idle and self._in_use >= self.maxconn:
                        raise PoolError(f"connection pool exhausted ({self.maxconn} in use for {self.wait_s:g} s)")
                conn = self._idle.pop() if self._idle else None
                self._in_use += 1
            if conn is None:
                try:
                    return psycopg2.connect(self.dsn, connect_timeout=3, options=self._options)
                except BaseException:
                    self._free_slot()
                    raise
            if _alive(conn):
                return conn
            self._discard(conn)

    def _free_slot(self) -> None:
        with self._lock:
            self._in_use -= 1
            self._freed.notify()

    def _discard(self, conn: psycopg2.extensions.connection) -> None:
        conn.close()
        self._free_slot()

    def _release(self, conn: psycopg2.extensions.connection) -> None:
        if conn.closed:
            self._free_slot()
            return
        with self._lock:
            self._in_use -= 1
            self._freed.notify()
            if not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    @contextmanager
    def connection(self) -> Iterator[psycopg2.extensions.connection]:
        """A pooled connection; any transaction left open is rolled back on return."""
        conn = self._checkout()
        try:
            yield conn
        except DISCONNECTED:
            self._discard(conn)
            raise
        except BaseException:
            self._give_back(conn)
            raise
        else:
            self._give_back(conn)

    def _give_back(self, conn: psycopg2.extensions.connection) -> None:
        try:
            if not conn.closed and conn.status != psycopg2.extensions.STATUS_READY:
                conn.rollback()
        except DISCONNECTED:
            self._discard(conn)
            return
        self._release(conn)

    @contextmanager
    def transaction(self) -> Iterator[psycopg2.extensions.cursor]:
        """A cursor inside one transaction: committed on success, rolled back on error."""
        with self.connection() as conn:
            with conn.cursor() as cur:
                if self.scoped:
                    self._enter_scope(cur)
                if (timeout := STATEMENT_TIMEOUT.get()) is not None:
                    cur.execute("SELECT set_config('statement_timeout', %s, true)", (str(int(timeout)),))
                yield cur
            conn.commit()

    def row_scope(self) -> tuple[str, int] | None:
        """(case column, unit id) that row-level security already limits this pool's transactions
        to by an index condition right now (a street or a community: migration 0013); None when it
        limits them to nothing narrower than the territory, or by a plain filter (a city or a
        district: migration 0029), which the read must then name itself to use its index."""
        if not self.scoped:
            return None
        scope = SCOPE.get() or self.default_scope
        if scope is None or scope[0] not in INDEXED_SCOPES:
            return None
        return SCOPE_COLUMNS[scope[0]], int(scope[1])

    def _scope_sql(self) -> tuple[sql.Composable, list[str]] | None:
        """The statements that enter the current scope, and their parameters (None: no scope)."""
        scope = SCOPE.get() or self.default_scope
        if scope is None:
            return None  # the app role itself: no row of any table under row-level security
        level, unit_id = scope
        return _ENTER_SCOPE[level], [str(int(unit_id))]

    def _enter_scope(self, cur) -> None:
        if (scope := self._scope_sql()) is not None:
            cur.execute(*scope)

    def one_trip(self, statement: Callable[[Any], tuple[sql.Composable, list]]) -> tuple[list[str], list[tuple]]:
        """(column names, rows) of one statement run as its own transaction in a single round
        trip: the scope's statements and this one go as one query string, which the server runs
        as one implicit transaction, committed at its end (no BEGIN and COMMIT of their own, and
        no row lock held while the client thinks). ``statement(cursor)`` returns the statement
        and its parameters (a prepared one may PREPARE on the cursor first)."""
        with self.connection() as conn:
            conn.autocommit = True
            try:
                with conn.cursor() as cur:
                    text, args = statement(cur)
                    if self.scoped and (scope := self._scope_sql()) is not None:
                        text, args = scope[0] + sql.SQL("; ") + text, scope[1] + list(args)
                    cur.execute(text, args)
                    return [d.name for d in cur.description], cur.fetchall()
            finally:
                if not conn.closed:
                    conn.autocommit = False

    def close(self) -> None:
        """Close every idle connection; connections in use are closed when they come back."""
        with self._lock:
            self._closed = True
            self._freed.notify_all()
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


_db: Database | None = None
_db_lock = threading.Lock()


def get_db() -> Database:
    """The app's shared pool, created on first use from the settings."""
    global _db
    with _db_lock:
        if _db is None:
            s = get_settings()
            _db = Database(s.app_dsn(), statement_timeout_ms=s.statement_timeout_ms, scoped=True)
        return _db
