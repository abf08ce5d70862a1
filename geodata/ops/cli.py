"""What the admin command lines share: a pool on the owner role, and one-line errors instead of
tracebacks."""

from __future__ import annotations

import sys
from collections.abc import Callable

import psycopg2

from geodata.db import Database
from geodata.errors import SetupError


def run_admin(action: Callable[[Database], int | None]) -> int:
    """Run ``action`` with a pool on the owner role; return its exit code (ValueError and database
    errors print one line on stderr and give 1)."""

    from settings import get_settings

    db = None
    try:
        db = Database(get_settings().admin_dsn())
        return action(db) or 0
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (psycopg2.Error, SetupError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"error: {first}", file=sys.stderr)
        return 1
    finally:
        if db is not None:
            db.close()
