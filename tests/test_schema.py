"""Schema integration tests against the real PostGIS: constraints, triggers, counters, versions."""

from __future__ import annotations

import psycopg2
import pytest
from psycopg2 import errors

from geodata.ops.migrate import available, migrate
from tests.cases import insert_case


def _one(cur, query: str, params=()) -> object:
    cur.execute(query, params)
    return cur.fetchone()[0]


def test_migrations_rerun_is_a_no_op(admin_dsn_):
    assert migrate(admin_dsn_) == []
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        assert _one(cur, "SELECT max(version) FROM schema_migrations") == available()[-1].version


def test_invalid_geometry_is_refused(admin_dsn_):
    bowtie = "SRID=4326;MULTIPOLYGON(((113.70 34.70, 113.71 34.71, 113.71 34.70, 113.70 34.71, 113.70 34.70)))"
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        parent = _one(cur, "SELECT id FROM units WHERE level = 'street' LIMIT 1")
        with pytest.raises(errors.CheckViolation, match="units_geom_valid"):
            cur.execute(
                "INSERT INTO units (code, name, level, kind, parent_id, geom) VALUES "
                "('BAD1', '坏网格', 'community', 'community', %s, %s)",
                (parent, bowtie),
            )
    conn.close()


def test_parent_must_be_one_level_up(admin_dsn_):
    square = "SRID=4326;MULTIPOLYGON(((113.75 34.70, 113.751 34.70, 113.751 34.701, 113.75 34.701, 113.75 34.70)))"
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        street = _one(cur, "SELECT id FROM units WHERE level = 'street' LIMIT 1")
        with pytest.raises(errors.CheckViolation, match="parent must be a community unit"):
            cur.execute(
                "INSERT INTO units (code, name, level, kind, parent_id, geom) VALUES "
                "('BAD2', '错层网格', 'grid', 'community', %s, %s)",
                (street, square),
            )
    conn.close()


def test_case_gets_its_units_and_counts_follow_the_lifecycle(db):
    with db.transaction() as cur:
        cur.execute(
            "SELECT id, community_id, street_id, ST_X(label_point), ST_Y(label_point) FROM units "
            "WHERE level = 'grid' AND kind = 'community' ORDER BY id LIMIT 1"
        )
        grid, community, street, lon, lat = cur.fetchone()
        cur.execute("SELECT unit_id, open_cases FROM unit_stats WHERE unit_id = ANY(%s)", ([grid, community, street],))
        before = dict(cur.fetchall())
        case_id = insert_case(cur, lon, lat, "T-LIFECYCLE")
        cur.execute("SELECT grid_id, community_id, street_id FROM cases WHERE id = %s", (case_id,))
        assert cur.fetchone() == (grid, community, street)
        cur.execute("SELECT unit_id, open_cases FROM unit_stats WHERE unit_id = ANY(%s)", ([grid, community, street],))
        assert {k: v - before[k] for k, v in cur.fetchall()} == {grid: 1, community: 1, street: 1}
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (case_id,))
        assert _one(cur, "SELECT open_cases FROM unit_stats WHERE unit_id = %s", (grid,)) == before[grid]
        cur.execute("UPDATE cases SET status = 'returned' WHERE id = %s", (case_id,))
        assert _one(cur, "SELECT open_cases FROM unit_stats WHERE unit_id = %s", (grid,)) == before[grid] + 1
        cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
        assert _one(cur, "SELECT open_cases FROM unit_stats WHERE unit_id = %s", (grid,)) == before[grid]


def test_maintained_counts_equal_a_fresh_group_by(db):
    with db.transaction() as cur:
        cur.execute("""
            WITH truth AS (
                SELECT unit_id, count(*) AS n FROM cases,
                       unnest(ARRAY[city_id, district_id, street_id, community_id, grid_id, micro_id,
                                    exclusive_grid_id]) AS unit_id
                 WHERE is_open AND unit_id IS NOT NULL GROUP BY unit_id)
            SELECT count(*) FROM units u
              LEFT JOIN unit_stats s ON s.unit_id = u.id LEFT JOIN truth t ON t.unit_id = u.id
             WHERE coalesce(s.open_cases, 0) <> coalesce(t.n, 0)""")
        assert cur.fetchone()[0] == 0
        cur.execute(
            "SELECT s.open_cases, (SELECT count(*) FROM cases WHERE is_open) FROM unit_stats s "
            "JOIN units u ON u.id = s.unit_id WHERE u.level = 'district'"
        )
        district, total = cur.fetchone()
        assert district == total > 0


def test_bulk_assigned_ids_match_the_trigger_rule(db):
    """The STRtree path used by COPY loads gives the same ids as point-in-polygon in PostGIS."""
    with db.transaction() as cur:
        cur.execute("""
            SELECT count(*) FROM (SELECT * FROM cases ORDER BY id LIMIT 3000) c
             WHERE c.grid_id IS DISTINCT FROM (
                   SELECT u.id FROM units u WHERE u.level = 'grid' AND u.kind <> 'exclusive'
                      AND ST_Intersects(u.geom, c.geom) ORDER BY u.id LIMIT 1)
                OR c.exclusive_grid_id IS DISTINCT FROM (
                   SELECT u.id FROM units u WHERE u.level = 'grid' AND u.kind = 'exclusive'
                      AND ST_Intersects(u.geom, c.geom) ORDER BY u.id LIMIT 1)""")
        assert cur.fetchone()[0] == 0


def test_data_version_moves_only_for_the_changed_topic(db):
    def versions(cur) -> dict[str, int]:
        cur.execute("SELECT topic, version FROM data_version")
        return dict(cur.fetchall())

    with db.transaction() as cur:
        before = versions(cur)
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' LIMIT 1")
        lon, lat = cur.fetchone()
        case_id = insert_case(cur, lon, lat, "T-VERSION")
        after = versions(cur)
        cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
    assert after["cases"] > before["cases"]
    assert {k: v for k, v in after.items() if k != "cases"} == {k: v for k, v in before.items() if k != "cases"}


def test_reimport_of_the_same_external_id_is_refused(db):
    with pytest.raises(errors.UniqueViolation), db.transaction() as cur:
        cur.execute("SELECT source, external_id FROM cases LIMIT 1")
        source, external = cur.fetchone()
        cur.execute(
            "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, deadline_at) "
            "SELECT source, external_id, category_code, status, geom, reported_at, deadline_at FROM cases "
            "WHERE source = %s AND external_id = %s",
            (source, external),
        )


class UndoError(Exception):
    """Raised to roll a test's writes back."""


DAY_COLUMNS = (
    "lvl, street_id, community_id, grid_id, exclusive_grid_id, city_id, district_id, micro_id, day, reported, "
    "online, ended, resolved, on_time, rated, satisfied, late_from, late_to"
)


def _daily_mismatches(cur) -> int:
    """Rows of case_days (all-zero ones aside) that differ from a fresh count over the cases."""
    cur.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS fresh_days ON COMMIT DROP AS SELECT {DAY_COLUMNS} FROM case_days "
        "WHERE false; TRUNCATE fresh_days"
    )
    cur.execute("SELECT case_days_query('SELECT 1 AS sign, * FROM cases')")
    cur.execute("INSERT INTO fresh_days " + cur.fetchone()[0])
    cur.execute(f"""
        SELECT count(*) FROM (
            (SELECT {DAY_COLUMNS} FROM case_days WHERE reported <> 0 OR online <> 0 OR ended <> 0 OR resolved <> 0
                OR on_time <> 0 OR rated <> 0 OR satisfied <> 0 OR late_from <> 0 OR late_to <> 0
             EXCEPT SELECT * FROM fresh_days)
            UNION ALL
            (SELECT * FROM fresh_days EXCEPT SELECT {DAY_COLUMNS} FROM case_days)) x""")
    return cur.fetchone()[0]


def test_daily_case_counts_follow_every_change(db):
    """The app's role writes cases; the triggers keep case_days equal to a fresh count."""
    with pytest.raises(UndoError), db.transaction() as cur:
        assert _daily_mismatches(cur) == 0
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        lon, lat = cur.fetchone()
        for i in range(3):
            insert_case(cur, lon, lat, f"T-DAYS-{i}")
        changes = [
            "SET status = 'resolved', resolved_at = greatest(reported_at, now() - interval '5 hours') "
            "WHERE id IN (SELECT id FROM cases WHERE is_open ORDER BY id LIMIT 40)",
            "SET status = 'rated', rated_at = resolved_at + interval '1 hour', satisfaction = 4 "
            "WHERE id IN (SELECT id FROM cases WHERE status = 'resolved' ORDER BY id DESC LIMIT 20)",
            "SET deadline_at = deadline_at + interval '2 days', handled_online = NOT handled_online WHERE id % 101 = 0",
            "SET status = 'returned' WHERE id IN (SELECT id FROM cases WHERE status = 'resolved' ORDER BY id LIMIT 5)",
            "SET reply = 'ok' WHERE id % 53 = 0",
        ]
        for change in changes:
            cur.execute("UPDATE cases " + change)
        cur.execute("DELETE FROM cases WHERE external_id LIKE 'T-DAYS-%'")
        assert _daily_mismatches(cur) == 0
        raise UndoError


# Each measure of case_days counted straight from cases, per unit of a level and Beijing day: the
# unit column, the time whose day counts, and which cases count.
_PLAIN_MEASURES = {
    "reported": ("reported_at", "true"),
    "online": ("reported_at", "handled_online"),
    "ended": ("ended_at", "ended_at IS NOT NULL"),
    "resolved": ("ended_at", "status IN ('resolved', 'rated', 'closed')"),
    "on_time": ("ended_at", "status IN ('resolved', 'rated', 'closed') AND ended_at <= deadline_at"),
    "rated": ("rated_at", "satisfaction IS NOT NULL AND rated_at IS NOT NULL"),
    "satisfied": ("rated_at", "satisfaction >= 4 AND rated_at IS NOT NULL"),
    "late_from": ("deadline_at", "ended_at IS NULL OR ended_at > deadline_at"),
    "late_to": ("(ended_at - interval '1 microsecond')", "ended_at > deadline_at"),
}


@pytest.mark.parametrize(
    ("lvl", "unit"), [(1, "street_id"), (3, "grid_id"), (4, "exclusive_grid_id"), (5, "district_id")]
)
def test_daily_case_counts_equal_plain_counts(admin_dsn_, lvl, unit):
    """case_days, kept by the triggers, against a GROUP BY of the cases for every measure."""
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        for measure, (at, counted) in _PLAIN_MEASURES.items():
            kept = (
                f"SELECT {unit}, day, {measure} FROM case_days "
                f"WHERE lvl = {lvl} AND {unit} IS NOT NULL AND {measure} <> 0"
            )
            plain = (
                f"SELECT {unit}, ({at} AT TIME ZONE 'Asia/Shanghai')::date, count(*) FROM cases "
                f"WHERE {unit} IS NOT NULL AND ({counted}) GROUP BY 1, 2"
            )
            cur.execute(f"SELECT count(*) FROM (({kept} EXCEPT ALL {plain}) UNION ALL ({plain} EXCEPT ALL {kept})) x")
            assert cur.fetchone()[0] == 0, measure
        cur.execute(f"SELECT sum(reported), sum(late_to) FROM case_days WHERE lvl = %s AND {unit} IS NOT NULL", (lvl,))
        assert all(cur.fetchone()), "the demo city should count reported and late cases at this level"
    conn.close()


def test_daily_case_counts_rebuild_to_the_same_rows(admin_dsn_):
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        order = ", ".join(str(i) for i in range(1, 10))
        cur.execute(f"SELECT {DAY_COLUMNS} FROM case_days ORDER BY {order}")
        before = cur.fetchall()
        cur.execute("SELECT case_days_rebuild()")
        cur.execute(f"SELECT {DAY_COLUMNS} FROM case_days ORDER BY {order}")
        after = cur.fetchall()
        conn.rollback()
    conn.close()
    assert [row for row in before if any(row[9:])] == after


def test_open_counts_by_category_follow_every_change_and_equal_a_fresh_group_by(db):
    truth = """
        WITH truth AS (
            SELECT unit_id, category_code, count(*) AS n FROM cases,
                   unnest(ARRAY[city_id, district_id, street_id, community_id, grid_id, micro_id,
                                exclusive_grid_id]) AS unit_id
             WHERE is_open AND unit_id IS NOT NULL GROUP BY 1, 2)
        SELECT count(*) FROM unit_category_stats s
          FULL JOIN truth t ON t.unit_id = s.unit_id AND t.category_code = s.category_code
         WHERE coalesce(s.open_cases, 0) <> coalesce(t.n, 0)"""
    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        lon, lat = cur.fetchone()
        cur.execute("SELECT code FROM case_categories WHERE code <> '0101' ORDER BY code LIMIT 1")
        other = cur.fetchone()[0]
        assert _one(cur, truth) == 0
        case_id = insert_case(cur, lon, lat, "T-CATEGORY")
        assert _one(cur, truth) == 0
        cur.execute("UPDATE cases SET category_code = %s WHERE id = %s", (other, case_id))  # moved to another
        assert _one(cur, truth) == 0
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (case_id,))
        assert _one(cur, truth) == 0
        cur.execute("UPDATE cases SET status = 'returned' WHERE id = %s", (case_id,))
        assert _one(cur, truth) == 0
        cur.execute("SELECT unit_stats_rebuild()")  # the recount gives the same
        assert _one(cur, truth) == 0
        cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
        assert _one(cur, truth) == 0
        assert _one(cur, "SELECT count(*) FROM unit_category_stats WHERE open_cases > 0") > 0
