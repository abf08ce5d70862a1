"""Errors a person can meet while setting up or loading data: one line, naming the fix; and why a
read failed, for the panel that shows it."""

import psycopg2
import psycopg2.errors

RETRY_AFTER_S = 2  # a 503's Retry-After: a failover (docs/scaling.md) promotes the standby within seconds


class SetupError(Exception):
    """The environment is not ready; the message says what is wrong and what to do."""


class LoadError(Exception):
    """A data load was refused as a whole; the message says what is wrong and what to do."""


def read_failure(exc: psycopg2.Error) -> str:
    """Why a read failed, as a catalogue key: ``read.timeout`` when the query ran into the statement
    timeout (the database is there; the question was too slow, and is worth asking again),
    ``read.down`` for anything else (the database is away or refused)."""
    return "read.timeout" if isinstance(exc, psycopg2.errors.QueryCanceled) else "read.down"
