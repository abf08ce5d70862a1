"""Cases partitioned by report month (migration 0041): the in-place migration of a database holding
the demo city, months made ahead and for old cases, archiving, and the keys across months."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, timedelta

import psycopg2
import pytest
from psycopg2 import errors, sql

from geodata.cases import partitions
from geodata.clock import TZ
from geodata.db import Database
from geodata.ops.migrate import migrate
from geodata.roles import OWNER_ROLE, SUPERUSER
from tests.conftest import GRIDOPS, ROOT

PARTITIONED_AT = 41  # migration 0041_cases_by_month
COPY_DB = "gridops_migrate_test"
PG_BIN = "/usr/lib/postgresql/15/bin"


def _one(cur, query: str, params=()) -> object:
    cur.execute(query, params)
    return cur.fetchone()[0]


def _place(cur) -> tuple[float, float]:
    cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
    return cur.fetchone()


def _insert_at(cur, external_id: str, at: datetime) -> int:
    lon, lat = _place(cur)
    cur.execute(
        "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, deadline_at) "
        "VALUES ('app', %s, '0101', 'closed', ST_SetSRID(ST_MakePoint(%s, %s), 4326), %s, %s) RETURNING id",
        (external_id, lon, lat, at, at + timedelta(days=1)),
    )
    return cur.fetchone()[0]


def _where(cur, case_id: int) -> str:
    return _one(cur, "SELECT tableoid::regclass::text FROM cases WHERE id = %s", (case_id,))


@pytest.fixture(scope="module")
def superuser_dsn(settings):
    if settings.database_url:
        pytest.skip("copying a database needs the embedded cluster's superuser")
    from geodata.ops.cluster import Cluster

    return Cluster(settings).dsn(SUPERUSER, "postgres")


def test_the_demo_is_held_month_by_month(admin_dsn_):
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        assert _one(cur, "SELECT relkind FROM pg_class WHERE oid = 'cases'::regclass") == "p"
        assert _one(cur, "SELECT count(*) FROM cases_default") == 0
        assert _one(cur, "SELECT count(*) FROM cases") == _one(cur, "SELECT count(*) FROM case_keys")
        # every month from the oldest case's to three months ahead has its partition
        cur.execute(
            "SELECT count(DISTINCT date_trunc('month', reported_at AT TIME ZONE 'Asia/Shanghai')), "
            "count(DISTINCT tableoid) FROM cases"
        )
        months, tables = cur.fetchone()
        assert months == tables > 1
        newest = _one(cur, "SELECT max(relname) FROM pg_class WHERE relname ~ '^cases_y[0-9]{4}m[0-9]{2}$'")
        ahead = datetime.now(TZ) + timedelta(days=62)
        assert newest >= f"cases_y{ahead:%Y}m{ahead:%m}"
    conn.close()


def test_an_existing_database_is_migrated_in_place(settings, admin_dsn_, superuser_dsn):
    """A database at migration 0040 holding the demo city (every table's rows copied from the test
    database) is migrated: every row stays, every case keeps its timeline, nothing is left behind."""
    su = psycopg2.connect(superuser_dsn)
    su.autocommit = True
    with su.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(COPY_DB)))
        cur.execute(
            sql.SQL("CREATE DATABASE {} OWNER {} TEMPLATE template0").format(
                sql.Identifier(COPY_DB), sql.Identifier(OWNER_ROLE)
            )
        )
    copy_su = psycopg2.extensions.make_dsn(superuser_dsn, dbname=COPY_DB)
    copy_owner = psycopg2.extensions.make_dsn(admin_dsn_, dbname=COPY_DB)
    try:
        with psycopg2.connect(copy_su) as conn, conn.cursor() as cur:
            cur.execute("CREATE EXTENSION postgis")
        conn.close()
        migrate(copy_owner, upto=PARTITIONED_AT - 1)
        with psycopg2.connect(copy_owner) as conn, conn.cursor() as cur:
            assert _one(cur, "SELECT relkind FROM pg_class WHERE oid = 'cases'::regclass") == "r"
            cur.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' "
                "AND relname NOT IN ('schema_migrations', 'spatial_ref_sys') ORDER BY relname"
            )
            tables = [r[0] for r in cur.fetchall()]
        conn.close()
        source = psycopg2.extensions.make_dsn(superuser_dsn, dbname=psycopg2.extensions.parse_dsn(admin_dsn_)["dbname"])
        dump = subprocess.run(
            [
                f"{PG_BIN}/pg_dump",
                "--data-only",
                "--load-via-partition-root",
                *[f"--table=public.{t}" for t in tables if t != "unit_stats"],
                "--table=public.cases_*",  # the months of cases (the source is partitioned)
                "-d",
                source,
            ],
            capture_output=True,
            check=True,
        ).stdout
        # the counters by the columns that old schema has (later migrations added some)
        counters = io.BytesIO()
        with psycopg2.connect(source) as conn, conn.cursor() as cur:
            cur.copy_expert("COPY (SELECT unit_id, open_cases FROM unit_stats) TO STDOUT", counters)
        conn.close()
        dump += b"COPY public.unit_stats (unit_id, open_cases) FROM stdin;\n" + counters.getvalue() + b"\\.\n"
        # the seeds the migrations made go first, their triggers off
        dump = f"SET session_replication_role = replica; TRUNCATE {', '.join(tables)} CASCADE;\n".encode() + dump
        restore = subprocess.run(
            [f"{PG_BIN}/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", copy_su], input=dump, capture_output=True
        )
        assert restore.returncode == 0, restore.stderr.decode()[-2000:]
        counts = "SELECT " + ", ".join(f"(SELECT count(*) FROM {t})" for t in tables)
        digest = "SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM cases c"
        with psycopg2.connect(copy_owner) as conn, conn.cursor() as cur:
            before = (_one(cur, digest), cur.execute(counts) or cur.fetchone())
            assert _one(cur, "SELECT count(*) FROM cases") > 1000
        conn.close()

        assert migrate(copy_owner)[0] == "0041_cases_by_month"
        with psycopg2.connect(copy_owner) as conn, conn.cursor() as cur:
            assert _one(cur, "SELECT max(version) FROM schema_migrations") >= PARTITIONED_AT
            after = (_one(cur, digest), cur.execute(counts) or cur.fetchone())
            assert after == before  # every row of every table, every column of every case
            assert _one(cur, "SELECT relkind FROM pg_class WHERE oid = 'cases'::regclass") == "p"
            assert _one(cur, "SELECT count(*) FROM cases_default") == 0
            assert _one(cur, "SELECT count(*) FROM case_keys") == _one(cur, "SELECT count(*) FROM cases")
            assert _one(cur, "SELECT to_regclass('cases_unpartitioned')") is None
            # the old table's indexes, triggers and policies are all on the new one
            for catalog, query in (
                ("indexes", "SELECT count(*) FROM pg_indexes WHERE tablename = 'cases'"),
                ("triggers", "SELECT count(*) FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal"),
                (
                    "policies",
                    "SELECT count(*) FROM pg_policies WHERE tablename IN ('cases', 'case_events', "
                    "'case_photos', 'rating_links')",
                ),
            ):
                with psycopg2.connect(admin_dsn_) as main, main.cursor() as mcur:
                    assert _one(cur, query) == _one(mcur, query), catalog
                main.close()
            # a case still deletes with its timeline
            case_id, events = (
                cur.execute("SELECT case_id, count(*) FROM case_events GROUP BY case_id ORDER BY case_id LIMIT 1")
                or cur.fetchone()
            )
            assert events > 0
            cur.execute("UPDATE cases SET merged_into = NULL WHERE merged_into = %s", (case_id,))
            cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
            assert _one(cur, "SELECT count(*) FROM case_events WHERE case_id = %s", (case_id,)) == 0
            assert _one(cur, "SELECT count(*) FROM case_keys WHERE id = %s", (case_id,)) == 0
            conn.rollback()
        conn.close()
    finally:
        with su.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(COPY_DB)))
        su.close()


def test_an_old_case_waits_in_the_default_and_moves_to_its_month(admin_dsn_):
    month = "cases_y2015m03"
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        old = _insert_at(cur, "T-PART-OLD", datetime(2015, 3, 31, 23, 30, tzinfo=TZ))
        assert _where(cur, old) == "cases_default"
        stats = _one(cur, "SELECT sum(open_cases) FROM unit_stats")
        assert _one(cur, "SELECT case_partitions_ensure('2015-03-10', '2015-04-02')") == 2
        assert _where(cur, old) == month  # 23:30 in Beijing on the 31st is still March there
        assert _one(cur, "SELECT count(*) FROM cases_default") == 0
        assert _one(cur, "SELECT sum(open_cases) FROM unit_stats") == stats
        assert _one(cur, "SELECT case_partitions_ensure('2015-03-10', '2015-04-02')") == 0  # made once
        conn.rollback()
    conn.close()


def test_a_key_is_unique_across_months(admin_dsn_):
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        _insert_at(cur, "T-PART-TWICE", datetime.now(TZ) - timedelta(days=1))
        with pytest.raises(errors.UniqueViolation, match="case_keys_source_external_id_key"):
            _insert_at(cur, "T-PART-TWICE", datetime.now(TZ) - timedelta(days=70))
        conn.rollback()
        case_id = _insert_at(cur, "T-PART-FIXED", datetime.now(TZ) - timedelta(days=1))
        with pytest.raises(errors.CheckViolation, match="keeps its id, source and external id"):
            cur.execute("UPDATE cases SET external_id = 'T-PART-OTHER' WHERE id = %s", (case_id,))
        conn.rollback()
        # moving a case to another month keeps its key and its timeline
        case_id = _insert_at(cur, "T-PART-MOVE", datetime.now(TZ) - timedelta(days=1))
        cur.execute(
            "INSERT INTO case_events (case_id, at, to_status, actor) VALUES (%s, now(), 'closed', 't')", (case_id,)
        )
        first = _where(cur, case_id)
        cur.execute("UPDATE cases SET reported_at = reported_at - interval '40 days' WHERE id = %s", (case_id,))
        assert _where(cur, case_id) != first
        assert _one(cur, "SELECT count(*) FROM case_keys WHERE id = %s", (case_id,)) == 1
        assert _one(cur, "SELECT count(*) FROM case_events WHERE case_id = %s", (case_id,)) == 1
        conn.rollback()
    conn.close()


def test_months_are_made_ahead_and_old_ones_archived(db, admin_dsn_):
    assert partitions.ahead(db, datetime.now(TZ)) == 0  # the migration made three months ahead already
    names = [m.name for m in partitions.months(db)]
    assert names[-1] == "cases_default" and names[:-1] == sorted(names[:-1])
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("SELECT case_partitions_ensure('2014-01-01', '2014-02-01')")
        archived = _insert_at(cur, "T-PART-ARCHIVE", datetime(2014, 1, 20, tzinfo=TZ))
    conn.close()
    owner = Database(admin_dsn_)  # detaching is the owner's (gridops cases archive)
    try:
        assert partitions.archive(owner, date(2014, 2, 1)) == ["cases_y2014m01"]
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            assert _one(cur, "SELECT count(*) FROM cases WHERE id = %s", (archived,)) == 0
            assert _one(cur, "SELECT count(*) FROM cases_y2014m01") == 1  # a table of its own, to dump
            assert _one(cur, "SELECT count(*) FROM case_keys WHERE id = %s", (archived,)) == 1  # never taken again
        conn.close()
    finally:
        owner.close()
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS cases_y2014m01")
            cur.execute("DELETE FROM cases WHERE id = %s", (archived,))
            cur.execute("DELETE FROM case_keys WHERE id = %s", (archived,))
            cur.execute("DROP TABLE IF EXISTS cases_y2014m02")
        conn.close()


def test_the_app_reads_cases_only_through_their_table(db):
    with db.transaction() as cur:
        month = _one(cur, "SELECT tableoid::regclass::text FROM cases LIMIT 1")
    with pytest.raises(errors.InsufficientPrivilege), db.transaction() as cur:
        cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(month)))
    with pytest.raises(errors.InsufficientPrivilege), db.transaction() as cur:
        cur.execute("DELETE FROM case_keys WHERE id = -1")


def test_the_months_from_the_command_line(db):
    def gridops(*words: str) -> subprocess.CompletedProcess:
        return subprocess.run([GRIDOPS, "cases", *words], cwd=ROOT, capture_output=True, text=True, timeout=60)

    listed = gridops("months")
    assert listed.returncode == 0, listed.stderr
    names = [line.split()[0] for line in listed.stdout.splitlines()]
    assert names == [m.name for m in partitions.months(db)] and names[-1] == "cases_default"
    ahead = gridops("ahead")
    assert (ahead.returncode, ahead.stdout.strip()) == (0, "0 partition(s) made")
    for bad in ("2020", "2020-13", "soon"):
        refused = gridops("archive", "--before", bad)
        assert refused.returncode != 0
        assert refused.stderr.strip() == f"error: --before {bad!r} is no month: give it as YYYY-MM, e.g. 2020-01"
    nothing = gridops("archive", "--before", "2001-01")
    assert (nothing.returncode, nothing.stdout.strip()) == (0, "detached 0 month(s): none before 2001-01")
