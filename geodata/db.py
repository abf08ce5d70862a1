"""The connection pool: checked connections, statement timeouts, reconnect after a restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions
from psycopg2.pool import ThreadedConnectionPool

from geodata.cluster import app_dsn
from settings import get_settings

# A connection idle longer than this is pinged before use, so that a database restart is
# noticed at checkout instead of failing the caller's first query.
PING_AFTER_S = 1.0
DISCONNECTED = (psycopg2.OperationalError, psycopg2.InterfaceError)


class Database:
    """A small thread-safe pool around psycopg2 that drops dead connections."""

    def __init__(self, dsn: str, maxconn: int = 8, statement_timeout_ms: int = 5000) -> None:
        self.dsn = dsn
        self._options = f"-c statement_timeout={int(statement_timeout_ms)}"
        self._pool = ThreadedConnectionPool(0, maxconn, dsn, connect_timeout=3, options=self._options)
        # Open lazily (minconn 0) but keep every returned connection: psycopg2 closes a returned
        # connection whenever minconn are already idle, which with 0 meant a new login per query.
        self._pool.minconn = maxconn
        self._last_used: dict[int, float] = {}
        self._lock = threading.Lock()

    def _checkout(self) -> psycopg2.extensions.connection:
        for _ in range(self._pool.maxconn + 1):
            conn = self._pool.getconn()
            idle = time.monotonic() - self._last_used.get(id(conn), 0.0)
            if conn.closed:
                self._discard(conn)
                continue
            if idle > PING_AFTER_S:
                try:
                    with conn.cursor() as cur:
                        cur.execute("SELECT 1")
                    conn.rollback()
                except DISCONNECTED:
                    self._discard(conn)
                    continue
            return conn
        raise psycopg2.OperationalError("no live database connection could be opened")

    def _discard(self, conn: psycopg2.extensions.connection) -> None:
        with self._lock:
            self._last_used.pop(id(conn), None)
        self._pool.putconn(conn, close=True)

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
            if not conn.closed:
                conn.rollback()
            self._release(conn)
            raise
        else:
            if not conn.closed and conn.status != psycopg2.extensions.STATUS_READY:
                conn.rollback()
            self._release(conn)

    def _release(self, conn: psycopg2.extensions.connection) -> None:
        if conn.closed:
            self._discard(conn)
            return
        with self._lock:
            self._last_used[id(conn)] = time.monotonic()
        self._pool.putconn(conn)

    @contextmanager
    def transaction(self) -> Iterator[psycopg2.extensions.cursor]:
        """A cursor inside one transaction: committed on success, rolled back on error."""
        with self.connection() as conn:
            with conn.cursor() as cur:
                yield cur
            conn.commit()

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.closeall()


_db: Database | None = None
_db_lock = threading.Lock()


def get_db() -> Database:
    """The app's shared pool, created on first use from the settings."""
    global _db
    with _db_lock:
        if _db is None:
            s = get_settings()
            _db = Database(app_dsn(s), statement_timeout_ms=s.statement_timeout_ms)
        return _db
