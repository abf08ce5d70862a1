"""The job queue's own tables and functions, from the installed procrastinate.

A new database gets procrastinate's whole schema; a database that has an older one gets the
library's migration files named after the last one applied (kept in ``job_queue_schema``,
migration 0034). Both run in one transaction as the owner role, after GridOps's own migrations.
"""

from __future__ import annotations

from pathlib import Path

import psycopg2
from procrastinate.schema import SchemaManager


def _migrations() -> list[Path]:
    return sorted(p for p in Path(SchemaManager.get_migrations_path()).glob("*.sql"))


def ensure(admin_dsn: str) -> str | None:
    """Apply or upgrade the job queue's schema; the name of what was applied, or None."""
    files = _migrations()
    newest = files[-1].name
    conn = psycopg2.connect(admin_dsn, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('gridops job queue schema'))")
            cur.execute("SELECT migration FROM job_queue_schema")
            row = cur.fetchone()
            if row is None:
                cur.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
                if cur.fetchone()[0]:
                    raise RuntimeError(
                        "procrastinate_jobs exists but job_queue_schema names no migration: "
                        "INSERT INTO job_queue_schema (migration) VALUES ('<last applied file>')"
                    )
                cur.execute(SchemaManager.get_schema())
                applied = f"procrastinate schema ({newest})"
            else:
                pending = [p for p in files if p.name > row[0]]
                if not pending:
                    return None
                for path in pending:
                    cur.execute(path.read_text(encoding="utf-8"))
                applied = f"procrastinate migrations {pending[0].name} … {newest}"
            cur.execute(
                "INSERT INTO job_queue_schema (migration) VALUES (%s) "
                "ON CONFLICT (one) DO UPDATE SET migration = EXCLUDED.migration",
                (newest,),
            )
        return applied
    finally:
        conn.close()
