"""Make the database ready: start the embedded cluster (or check DATABASE_URL), migrate, and
load the demo city on first start.

    gridops setup [--no-demo] [--reset]
    gridops setup --stop
"""

from __future__ import annotations

import psycopg2
from psycopg2 import sql

from geodata.accounts.users import DEMO_PASSWORD, DEMO_USERS, seed_demo_if_empty
from geodata.demo import city as demo
from geodata.errors import SetupError
from geodata.ops.cluster import Cluster
from geodata.ops.migrate import ensure_postgis, migrate
from geodata.queries import sql_text
from geodata.roles import APP_ROLE, OWNER_ROLE, SCOPE_ROLES, SUPERUSER
from jobs import schema as job_queue_schema
from settings import Settings


def ensure_database(settings: Settings, load_demo: bool = True, reset: bool = False) -> None:
    """Bring the configured database to the current schema, with demo data if it is empty."""
    if settings.database_url:
        if reset:
            raise SetupError("--reset only works on the embedded cluster; drop the database yourself")
        _check_reachable(settings.database_url)
        conn = psycopg2.connect(settings.admin_dsn(), connect_timeout=5)
        try:
            ensure_postgis(conn)
        finally:
            conn.close()
        check_scope_roles(settings.admin_dsn(), settings.app_dsn())
    else:
        cluster = Cluster(settings)
        cluster.start()
        _ensure_roles_and_database(cluster, reset)
    applied = migrate(settings.admin_dsn())
    if applied:
        print(f"migrations applied: {', '.join(applied)}", flush=True)
    _vacuum_rewritten(settings.admin_dsn(), applied)
    queue = job_queue_schema.ensure(settings.admin_dsn())
    if queue:
        print(f"job queue: {queue}", flush=True)
    if not settings.database_url:
        _grant_app_role(settings.admin_dsn())
    if load_demo and demo.is_empty(settings.admin_dsn()):
        print("loading the demo city (郑州经开区) …", flush=True)
        demo.load(settings.admin_dsn(), scale="demo", seed=demo.DEFAULT_SEED)
    else:
        _seed_users(settings.admin_dsn())


# Migrations that rewrite a large table: its visibility map is empty afterwards, so index-only scans
# read the heap until a vacuum has passed. Vacuumed here (outside the migration's transaction)
# instead of by autovacuum during the first hour of use.
REWRITTEN = {"0041_cases_by_month": ("cases", "case_keys")}


def _vacuum_rewritten(dsn: str, applied: list[str]) -> None:
    tables = [t for name in applied for t in REWRITTEN.get(name, ())]
    if not tables:
        return
    conn = psycopg2.connect(dsn, connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SET statement_timeout = 0")
            cur.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.SQL(", ").join(map(sql.Identifier, tables))))
    finally:
        conn.close()
    print(f"vacuumed after the rewrite: {', '.join(tables)}", flush=True)


def _seed_users(dsn: str) -> None:
    """A database loaded before users existed gets the demo users (README), once."""
    conn = psycopg2.connect(dsn, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            if seed_demo_if_empty(cur):
                print(f"demo users created (password {DEMO_PASSWORD}): {', '.join(DEMO_USERS)}")
    finally:
        conn.close()


def check_scope_roles(admin_dsn: str, app_dsn: str, roles: tuple[str, ...] = tuple(SCOPE_ROLES.values())) -> None:
    """On a server GridOps did not set up (DATABASE_URL), the scope roles of row-level security must
    exist and be granted to the app's user before the migrations run; else one line with the SQL."""
    app_user = psycopg2.extensions.parse_dsn(app_dsn).get("user") or "<the DATABASE_URL user>"
    conn = psycopg2.connect(admin_dsn, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql_text("setup_missing_scope_roles"), {"roles": list(roles), "app_user": app_user})
            missing = [r[0] for r in cur.fetchall()]
    finally:
        conn.close()
    if missing:
        fix = " ".join(f"CREATE ROLE {r} NOLOGIN; GRANT {r} TO {app_user};" for r in missing)
        raise SetupError(
            f"the roles of row-level security are missing or not granted to {app_user} ({', '.join(missing)}): "
            f"as a superuser run (CREATE only the roles that do not exist yet): {fix} then run gridops setup again"
        )


def _check_reachable(url: str) -> None:
    try:
        psycopg2.connect(url, connect_timeout=5).close()
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
        raise SetupError(
            f"DATABASE_URL is unreachable ({first}): check host, port and password, "
            "or unset DATABASE_URL to use the embedded cluster"
        ) from exc


def _ensure_roles_and_database(cluster: Cluster, reset: bool) -> None:
    db = cluster.settings.db_name
    conn = psycopg2.connect(cluster.dsn(SUPERUSER, "postgres"), connect_timeout=5)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            for role in (OWNER_ROLE, APP_ROLE):
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if cur.fetchone() is None:
                    cur.execute(
                        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                            sql.Identifier(role), sql.Literal(cluster.password(role))
                        )
                    )
            # NOINHERIT: the app role may SET ROLE to a scope role but holds none of its policies itself,
            # so that without a scope it sees no row (row-level security, migration 0013).
            cur.execute(sql.SQL("ALTER ROLE {} NOINHERIT").format(sql.Identifier(APP_ROLE)))
            for role in SCOPE_ROLES.values():
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
                if cur.fetchone() is None:
                    cur.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(APP_ROLE)))
            if reset:
                cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db)))
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
            if cur.fetchone() is None:
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8' TEMPLATE template0").format(
                        sql.Identifier(db), sql.Identifier(OWNER_ROLE)
                    )
                )
    finally:
        conn.close()
    # PostGIS is not a trusted extension: the superuser creates it, the owner role uses it.
    conn = psycopg2.connect(cluster.dsn(SUPERUSER, db), connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        conn.close()


def _exists(cur, table: str) -> bool:
    cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
    return bool(cur.fetchone()[0])


def _grant_app_role(dsn: str) -> None:
    """The app role reads and writes rows; it owns nothing and cannot change the schema."""
    conn = psycopg2.connect(dsn, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            roles = sql.SQL(", ").join(map(sql.Identifier, [APP_ROLE, *SCOPE_ROLES.values()]))
            cur.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(roles)
            )
            cur.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(roles))
            # Partitions are reached through their table only, where row-level security holds;
            # case_keys rows are written and removed by cases' triggers only (migration 0041).
            cur.execute("SELECT oid::regclass::text FROM pg_class WHERE relispartition AND relkind IN ('r', 'p')")
            for (partition,) in cur.fetchall():
                cur.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.SQL(partition), roles))
            if _exists(cur, "case_keys"):
                cur.execute(sql.SQL("REVOKE UPDATE, DELETE ON case_keys FROM {}").format(roles))
    finally:
        conn.close()
