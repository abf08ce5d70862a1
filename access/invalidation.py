"""When a process may trust what it cached about who may act (sessions, users, tokens).

Migration 0025 announces every change to ``users``, ``sessions``, ``api_keys`` and
``wall_tokens`` on the channel ``gridops_access`` at commit. One thread per process listens on a
connection of its own and bumps a generation number on each announcement. A cache entry records
the generation it was read under (``stamp()``, taken *before* the read) and is used only while
``fresh(stamp)``: so a sign-out, a password change or a revoked key holds in every worker within
the notification's delivery (milliseconds), not after a time-to-live. While the listener is not
connected (starting, or the database away), nothing is fresh and every check reads the database.
"""

from __future__ import annotations

import logging
import select
import threading
import time

import psycopg2

CHANNEL = "gridops_access"
MAX_AGE = 300.0  # seconds: a belt as well as braces; a cached entry is re-read at least this often
RECONNECT_S = 1.0

log = logging.getLogger(__name__)


class Listener:
    """A daemon thread LISTENing on ``CHANNEL``; ``generation`` moves on every announcement."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.generation = 0
        self.connected = False
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="access-listener", daemon=True)
        self._thread.start()

    def _bump(self, connected: bool) -> None:
        self.generation += 1  # only this thread writes it
        self.connected = connected

    def _run(self) -> None:
        while True:
            try:
                conn = psycopg2.connect(self.dsn, connect_timeout=3, application_name="gridops access listener")
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(f"LISTEN {CHANNEL}")
                self._bump(True)  # whatever was cached before this connection is stale
                self._ready.set()
                self._listen(conn)
            except psycopg2.Error as exc:
                log.warning("access listener: %s; caches off until it reconnects", str(exc).strip().splitlines()[0])
            self._bump(False)
            self._ready.set()
            time.sleep(RECONNECT_S)

    def _listen(self, conn) -> None:
        try:
            while True:
                if select.select([conn], [], [], 10.0) == ([], [], []):
                    with conn.cursor() as cur:  # a quiet channel: prove the connection is alive
                        cur.execute("SELECT 1")
                    continue
                conn.poll()
                if conn.notifies:
                    conn.notifies.clear()
                    self._bump(True)
        finally:
            conn.close()

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the first connection attempt has ended (tests and start-up)."""
        return self._ready.wait(timeout)

    def stamp(self) -> tuple[int, float] | None:
        """The stamp to store with an entry read now; None when nothing may be cached."""
        return (self.generation, time.monotonic()) if self.connected else None

    def fresh(self, stamp: tuple[int, float] | None) -> bool:
        """True while nothing was announced since ``stamp`` was taken (and it is not too old)."""
        return (
            stamp is not None
            and self.connected
            and stamp[0] == self.generation
            and time.monotonic() - stamp[1] < MAX_AGE
        )


_lock = threading.Lock()
_listener: Listener | None = None


def listener() -> Listener:
    """This process's listener (started on first use, so after any fork)."""
    global _listener
    if _listener is None:
        from geodata.db import get_db

        with _lock:
            if _listener is None:
                _listener = Listener(get_db().dsn)
                _listener.wait_ready(3.0)
    return _listener
