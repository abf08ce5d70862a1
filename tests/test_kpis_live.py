"""The live pages' case counts (geodata/kpis.py ``live_cases``): kpi_cases_live.sql counts new today,
open and overdue now and today's part of the window counts exactly as kpi_cases.sql does, and the
past read before changes, put together with the live counts read after them, equals a whole read
after them."""

from __future__ import annotations

import pytest

from geodata import kpis, units
from geodata.db import Database

LIVE_KEYS = (*kpis.LIVE, *(f"today_{k}" for k in kpis.TODAY))


@pytest.fixture
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    with database.transaction() as cur:
        cur.execute("DELETE FROM cases WHERE external_id LIKE 'KL-%'")
    database.close()


def _scopes(db) -> list[tuple[tuple[str, list[int]], str | None]]:
    """(scope, group): the whole territory, a street by itself (its own counters, grouped), and a
    street by its communities (counted case by case)."""
    top = units.by_code(db, units.root_code(db))
    with db.transaction() as cur:
        cur.execute("SELECT id FROM units WHERE level = 'street' ORDER BY id LIMIT 1")
        street = cur.fetchone()[0]
    return [
        (units.scope_of(db, top), None),
        (("street_id", [street]), "street_id"),
        (("street_id", [street]), "community_id"),
    ]


def _point(admin: Database, street: int) -> tuple[float, float]:
    with admin.transaction() as cur:
        cur.execute(
            "SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' AND street_id = %s "
            "AND kind <> 'exclusive' ORDER BY id LIMIT 1",
            (street,),
        )
        return cur.fetchone()


def _case(admin: Database, name: str, lon: float, lat: float, reported: str, deadline: str) -> int:
    """A case at a point, reported and due at the given moments (SQL expressions of now())."""
    with admin.transaction() as cur:
        cur.execute(
            "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, deadline_at, "
            "handled_online) VALUES ('app', %s, '0101', 'reported', ST_SetSRID(ST_MakePoint(%s, %s), 4326), "
            f"{reported}, {deadline}, true) RETURNING id",
            (name, lon, lat),
        )
        return cur.fetchone()[0]


def _at(db, shift: str):
    with db.transaction() as cur:
        cur.execute(f"SELECT now() + interval '{shift}'")
        return cur.fetchone()[0]


def _counts(db, name: str, scope, group, now) -> dict:
    return kpis._run(db, name, scope, group, {"now": now, "days": kpis.STRIP_DAYS})


def test_the_live_counts_are_counted_as_the_whole_query_counts_them(db, admin):
    scopes = _scopes(db)
    lon, lat = _point(admin, scopes[1][0][1][0])
    # The cases that the live query reads by other routes than the whole one.
    _case(admin, "KL-due-soon", lon, lat, "now() - interval '2 hours'", "now() + interval '20 minutes'")
    _case(admin, "KL-due-before", lon, lat, "now() - interval '2 hours'", "now() - interval '10 minutes'")
    late = _case(admin, "KL-ended-late", lon, lat, "now() - interval '3 hours'", "now() - interval '20 minutes'")
    later = _case(admin, "KL-ends-later", lon, lat, "now() - interval '3 hours'", "now() + interval '5 hours'")
    _case(admin, "KL-reported-later", lon, lat, "now() + interval '2 hours'", "now() + interval '30 hours'")
    _case(admin, "KL-parked", lon, lat, "now() - interval '1 hour'", "'infinity'")
    with admin.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (late,))
        cur.execute(
            "UPDATE cases SET status = 'resolved', resolved_at = now() + interval '1 hour' WHERE id = %s", (later,)
        )
    for shift in ("1 second", "30 minutes"):  # before and after the case due soon falls due
        now = _at(db, shift)
        for scope, group in scopes:
            whole, live = _counts(db, "kpi_cases", scope, group, now), _counts(db, "kpi_cases_live", scope, group, now)
            assert whole.keys() == live.keys() or set(live) <= set(whole), (scope, group)
            for unit_id, counts in live.items():
                for key in LIVE_KEYS:
                    assert counts[key] == whole[unit_id][key], (scope, group, unit_id, key, shift)
        top = _counts(db, "kpi_cases_live", scopes[0][0], None, now)[None]
        assert top["open_now"] > 0 and top["overdue_now"] > 0 and top["new_now"] > 0 and top["today_resolved"] > 0


def test_the_past_read_before_changes_with_the_live_counts_after_them_is_a_whole_read(db, admin):
    scopes = _scopes(db)
    lon, lat = _point(admin, scopes[1][0][1][0])
    first = _case(admin, "KL-1", lon, lat, "now() - interval '30 minutes'", "now() + interval '1 day'")
    second = _case(admin, "KL-2", lon, lat, "now() - interval '3 days'", "now() - interval '1 day'")
    now = _at(db, "2 minutes")  # every change below happens before it
    past = {(scope[0], group): _counts(db, "kpi_cases", scope, group, now) for scope, group in scopes}
    _case(admin, "KL-3", lon, lat, "now()", "now() + interval '1 day'")  # reported now
    with admin.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (first,))  # on time
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (second,))  # late
        cur.execute("UPDATE cases SET status = 'rated', satisfaction = 5, rated_at = now() WHERE id = %s", (second,))
    for scope, group in scopes:
        whole = _counts(db, "kpi_cases", scope, group, now)
        together = kpis.live_cases(past[(scope[0], group)], _counts(db, "kpi_cases_live", scope, group, now))
        assert together == whole, (scope, group)
        assert together != past[(scope[0], group)] or group == "community_id"  # the changes moved the counts
