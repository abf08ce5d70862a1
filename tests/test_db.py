"""The connection pool against the real PostGIS: connections are reused, and one the server
closed is replaced at checkout instead of failing the caller's query."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest
from psycopg2.pool import PoolError

from geodata.db import Database


def _backend_pid(database: Database) -> int:
    with database.transaction() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


@pytest.fixture
def pool(db):
    """A private pool on the app role, so that tests can break its connections."""
    database = Database(db.dsn, maxconn=2)
    yield database
    database.close()


def test_connections_are_reused(pool):
    first = _backend_pid(pool)
    assert _backend_pid(pool) == first == _backend_pid(pool)


def test_a_connection_closed_by_the_server_is_replaced(pool):
    victim = _backend_pid(pool)
    with psycopg2.connect(pool.dsn) as killer, killer.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(%s)", (victim,))
        assert cur.fetchone()[0] is True
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (victim,))
            if cur.fetchone()[0] == 0:
                break
            time.sleep(0.05)
    killer.close()
    replacement = _backend_pid(pool)  # no error: the dead connection was noticed at checkout
    assert replacement != victim
    assert _backend_pid(pool) == replacement


def test_a_failed_statement_leaves_the_connection_usable(pool):
    with pytest.raises(psycopg2.errors.DivisionByZero), pool.transaction() as cur:
        cur.execute("SELECT 1 / 0")
    with pool.transaction() as cur:
        cur.execute("SELECT 2")
        assert cur.fetchone()[0] == 2


def test_the_pool_never_opens_more_than_maxconn(pool):
    pool.wait_s = 0.2
    with pool.connection(), pool.connection(), pytest.raises(PoolError, match="exhausted"), pool.connection():
        pass
    assert _backend_pid(pool) > 0  # every slot came back


def test_a_burst_waits_for_a_free_connection_instead_of_failing(pool):
    pool.wait_s = 5.0
    got = []
    with pool.connection():
        with pool.connection():
            waiter = threading.Thread(target=lambda: got.append(_backend_pid(pool)))
            waiter.start()
            time.sleep(0.3)
            assert not got  # both slots are taken: the third caller waits
        waiter.join(timeout=5)
    assert got and got[0] > 0
