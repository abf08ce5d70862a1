"""The connection pool: reused connections, checked at checkout, statement timeouts, reconnect
after a restart; and the one place reads are routed to a replica (``get_db(read_only=True)``)."""

from __future__ import annotations

import logging
import select
import threading
import time
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
log = logging.getLogger(__name__)


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
        # A replica's pool: how far it was behind the primary at its last check, in seconds
        # (Replicas sets it); None for a primary's pool.
        self.lag_s: float | None = None
        self.scoped = scoped  # the app's pool: enter SCOPE (or default_scope) in every transaction
        self.default_scope = default_scope
        self.maxconn = maxconn
        self.statement_timeout_ms = int(statement_timeout_ms)
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


# The lag of a replica: nothing to replay (it has every byte the primary wrote) is no lag, else the
# age of the last transaction it replayed. Run on the replica, with the primary's current position.
_REPLICA_LAG = """SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN NULL
            WHEN %(primary)s::pg_lsn IS NOT NULL AND pg_last_wal_replay_lsn() >= %(primary)s::pg_lsn THEN 0
            ELSE COALESCE(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 'infinity') END"""


class Replicas:
    """The read replicas (GRIDOPS_REPLICA_URLS) and the choice among them, made again every
    ``check_s`` seconds: the first replica that answers, is in recovery and lags the primary by at
    most ``max_lag_s``; else the primary. While the primary is away (a failover), a replica that
    answers is used whatever its lag: the screens keep their data, and show its age."""

    def __init__(self, primary: Database, dsns: list[str], max_lag_s: float, check_s: float = 1.0) -> None:
        self.primary = primary
        self.pools = [
            Database(
                dsn,
                maxconn=primary.maxconn,
                statement_timeout_ms=primary.statement_timeout_ms,
                wait_s=primary.wait_s,
                scoped=primary.scoped,
                default_scope=primary.default_scope,
            )
            for dsn in dsns
        ]
        self.max_lag_s = max_lag_s
        self.check_s = check_s
        self._chosen: Database = primary
        self._checked = float("-inf")
        self._checking = threading.Lock()

    def choose(self) -> Database:
        """The pool reads go to now (checked at most every ``check_s``; a caller never waits for
        another's check: it takes the last choice)."""
        if time.monotonic() - self._checked < self.check_s or not self._checking.acquire(blocking=False):
            return self._chosen
        try:
            self._chosen = self._check()
            self._checked = time.monotonic()
        finally:
            self._checking.release()
        return self._chosen

    def _check(self) -> Database:
        try:
            with self.primary.connection() as conn, conn.cursor() as cur:
                cur.execute("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END")
                primary_lsn = cur.fetchone()[0]
                conn.rollback()
        except psycopg2.Error:
            primary_lsn = None  # the primary is away: any replica that answers beats none
        for pool in self.pools:
            try:
                with pool.connection() as conn, conn.cursor() as cur:
                    cur.execute(_REPLICA_LAG, {"primary": primary_lsn})
                    in_recovery, lag = cur.fetchone()
                    conn.rollback()
            except psycopg2.Error as exc:
                log.info("replica skipped (down): %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                continue
            if not in_recovery:
                continue  # promoted: it is a primary now, reached through the primary's pool
            lag = float(lag)
            if primary_lsn is not None and lag > self.max_lag_s:
                log.info("replica skipped: %.1f s behind the primary (at most %g s)", lag, self.max_lag_s)
                continue
            pool.lag_s = lag
            return pool
        return self.primary

    def close(self) -> None:
        for pool in self.pools:
            pool.close()


_db: Database | None = None
_replicas: Replicas | None = None
_db_lock = threading.Lock()


def get_db(read_only: bool = False) -> Database:
    """The app's shared pool on the primary, created on first use from the settings.

    ``read_only=True``: the pool for a read that may be a moment old (the screens, exports): a
    replica's when GRIDOPS_REPLICA_URLS names one that is up and close enough behind (Replicas),
    else the primary's. Never for a write, nor for a read of what this request has just written."""
    global _db, _replicas
    with _db_lock:
        if _db is None:
            s = get_settings()
            _db = Database(s.app_dsn(), statement_timeout_ms=s.statement_timeout_ms, scoped=True)
            if s.replica_dsns():
                _replicas = Replicas(_db, s.replica_dsns(), s.replica_max_lag_s, s.replica_check_s)
        primary, replicas = _db, _replicas
    if read_only and replicas is not None:
        return replicas.choose()
    return primary
