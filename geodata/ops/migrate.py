"""Versioned migrations: ``geodata/migrations/NNNN_name.sql``, applied once each, in order.

Each file runs in its own transaction under an advisory lock, so two processes starting at
once cannot both apply it. A file that changed after it was applied is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import errors

from geodata.errors import SetupError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
LOCK_KEY = 0x6772_6964  # "grid"


@dataclass(frozen=True)
class Migration:
    """One migration file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 of the file text."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available() -> list[Migration]:
    """Every migration file, in version order."""
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", path.name)
        if not match:
            raise SetupError(f"{path}: migration files are named NNNN_name.sql")
        found.append(Migration(int(match[1]), match[2], path.read_text(encoding="utf-8")))
    return found


def migrate(dsn: str, upto: int | None = None) -> list[str]:
    """Apply pending migrations (those numbered ``upto`` or lower, if given); return the names applied."""
    applied: list[str] = []
    conn = psycopg2.connect(dsn, connect_timeout=5)
    try:
        ensure_postgis(conn)
        with conn, conn.cursor() as cur:
            cur.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                "name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
            )
        for mig in available():
            if upto is not None and mig.version > upto:
                break
            with conn, conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                cur.execute("SELECT checksum FROM schema_migrations WHERE version = %s", (mig.version,))
                row = cur.fetchone()
                if row and row[0] != mig.checksum:
                    raise SetupError(
                        f"migration {mig.version:04d}_{mig.name} changed after it was applied: "
                        "add a new migration instead of editing an applied one"
                    )
                if row:
                    continue
                try:
                    cur.execute(mig.sql)
                except psycopg2.Error as exc:
                    first = (str(exc).strip().splitlines() or ["no detail"])[0]
                    raise SetupError(
                        f"migration {mig.version:04d}_{mig.name} failed ({first}); it was rolled back whole and "
                        "the ones before it stay applied: fix the cause and run gridops setup again"
                    ) from exc
                cur.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (mig.version, mig.name, mig.checksum),
                )
                applied.append(f"{mig.version:04d}_{mig.name}")
    finally:
        conn.close()
    return applied


def ensure_postgis(conn: psycopg2.extensions.connection) -> None:
    """CREATE EXTENSION postgis, or one line saying who must do it or install it."""
    try:
        with conn, conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except errors.InsufficientPrivilege as exc:
        raise SetupError(
            f"database {conn.info.dbname} has no postgis extension and role {conn.info.user} may not "
            "create it: ask an administrator to run 'CREATE EXTENSION postgis;' in it"
        ) from exc
    except (errors.UndefinedFile, errors.FeatureNotSupported) as exc:
        raise SetupError(
            f"the server at {conn.info.host}:{conn.info.port} has no PostGIS installed: install it there "
            "(Debian: apt-get install postgresql-15-postgis-3) or point DATABASE_URL at a PostGIS server"
        ) from exc


def schema_version(cur: psycopg2.extensions.cursor) -> int:
    """The highest applied migration version (0 when none)."""
    cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not cur.fetchone()[0]:
        return 0
    cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")
    return int(cur.fetchone()[0])
