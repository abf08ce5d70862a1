"""Row-level security in PostgreSQL (migration 0013), scope by scope: the dashboard's own queries,
run on the app's role, return only in-scope rows; no scope returns none; the role is checked."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from geodata import drilldown, kpis, ticker, units
from geodata.cases import detail as cases
from geodata.cases import search as case_search
from geodata.db import SCOPE, Database
from geodata.queries import fetch_columns

FACT_TABLES = ["cases", "case_events", "cameras", "camera_events", "checkpoints", "inspections", "inspection_results"]


@pytest.fixture(scope="module")
def app_db(loaded, settings):
    database = Database(settings.app_dsn(), scoped=True)  # as the app runs: no default scope
    yield database
    database.close()


@contextmanager
def scope(value):
    token = SCOPE.set(value)
    try:
        yield
    finally:
        SCOPE.reset(token)


@pytest.fixture(scope="module")
def places(db):
    root = units.by_code(db, units.root_code(db))
    street = units.by_code(db, units.children(db, root)["code"][0])
    community = units.by_code(db, units.children(db, street)["code"][0])
    return root, street, community


def test_the_app_role_is_neither_owner_nor_superuser_and_cannot_bypass(app_db):
    with scope(None), app_db.transaction() as cur:
        cur.execute(
            "SELECT rolsuper, rolbypassrls, rolinherit, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        )
        assert cur.fetchone() == (False, False, False, False)
        cur.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user")
        assert cur.fetchone()[0] == 0
        cur.execute("SELECT relname FROM pg_class WHERE relname = ANY(%s) AND NOT relrowsecurity", (FACT_TABLES,))
        assert cur.fetchall() == []


def test_no_scope_means_zero_rows(app_db):
    with scope(None), app_db.transaction() as cur:
        for table in FACT_TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            assert cur.fetchone()[0] == 0, table


@pytest.mark.parametrize("level", ["street", "community"])
def test_each_dashboard_query_returns_only_in_scope_rows(app_db, db, places, level):
    root, street, community = places
    unit = street if level == "street" else community
    column = f"{level}_id"
    with db.transaction() as cur:  # the district's view, for comparison
        cur.execute(f"SELECT count(*) FROM cases WHERE {column} = %s", (unit.id,))
        own_cases = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM cases WHERE {column} <> %s LIMIT 1", (unit.id,))
        outside_case = cur.fetchone()[0]
        cur.execute(f"SELECT id FROM cases WHERE {column} = %s", (unit.id,))
        inside_ids = {r[0] for r in cur.fetchall()}
    with scope((level, unit.id)):
        with app_db.transaction() as cur:
            for table in ("cases", "cameras", "checkpoints"):
                cur.execute(f"SELECT count(*), count(*) FILTER (WHERE {column} = %s) FROM {table}", (unit.id,))
                total, inside = cur.fetchone()
                assert total == inside and total > 0, table
            cur.execute("SELECT count(*) FROM cases")
            assert cur.fetchone()[0] == own_cases
        # The drill-down and wall queries of the district, run with this scope, see only this unit's facts.
        found = case_search.search(app_db, case_search.CaseFilter(limit=1000))
        assert found and {r[f"{level}_code"] for r in found} == {unit.code}
        latest, urgent = ticker.latest(app_db, root, 50), ticker.urgent(app_db, root, 50)
        assert latest and {r["id"] for r in latest} <= inside_ids
        assert {r["id"] for r in urgent} <= inside_ids
        overdue = drilldown.overdue_cases(app_db, root, limit=200)
        assert overdue["id"] and set(overdue["id"]) <= inside_ids
        assert cases.detail(app_db, outside_case) is None and cases.timeline(app_db, outside_case) == []
        points = fetch_columns("camera_points", {}, app_db)
        assert points[next(iter(points))]  # the layer draws this unit's cameras
        # The unit's own KPIs and case list are the same as the district sees them: nothing inside
        # is hidden (the list leaves the unit's clause to the policy here), nothing outside shows.
        scoped = kpis.unit_kpis(app_db, unit)
        own_list = case_search.search(app_db, case_search.CaseFilter(unit=unit.code, limit=1000))
        assert case_search.search(app_db, case_search.CaseFilter(unit=root.code, limit=1000)) == found
    whole = kpis.unit_kpis(db, unit)
    assert own_list and own_list == case_search.search(db, case_search.CaseFilter(unit=unit.code, limit=1000))
    assert {k: v.value for k, v in scoped.items()} == {k: v.value for k, v in whole.items()}


@pytest.mark.parametrize("level", ["city", "district"])
def test_a_city_or_district_scope_sees_its_own_rows_only(app_db, db, places, level):
    """The demo's one district holds every fact; another district (or a city it is not in) none."""
    root = places[0]
    with db.transaction() as cur:
        counts = {}
        for table in FACT_TABLES:
            cur.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cur.fetchone()[0]
    own = root.id if level == "district" else None
    for unit_id, expected in ((own, counts), (10**6, dict.fromkeys(FACT_TABLES, 0))):
        if unit_id is None:
            continue  # the demo has no city unit: only the other case applies
        with scope((level, unit_id)), app_db.transaction() as cur:
            for table in FACT_TABLES:
                cur.execute(f"SELECT count(*) FROM {table}")
                assert cur.fetchone()[0] == expected[table], (level, unit_id, table)
