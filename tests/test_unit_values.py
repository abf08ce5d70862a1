"""The maps' counts brought up to date from an earlier read (geodata/unit_values.py) equal a whole
read after every kind of change: a new case, an open case's deadline moved, a case that fell due by
the clock alone, a case moved to another grid, a case ended, one deleted, and a change committed
while the earlier read was being made. And only the units that moved are re-read."""

from __future__ import annotations

import time

import psycopg2
import pytest

from geodata import unit_values, units
from geodata.db import Database
from tests.cases import insert_case

LEVELS = ("grid", "community")


@pytest.fixture
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    with database.transaction() as cur:
        cur.execute("DELETE FROM cases WHERE external_id LIKE 'UV-%'")
    database.close()


def _two_grids(admin: Database) -> list[tuple[float, float]]:
    """Label points of two grids of different communities."""
    with admin.transaction() as cur:
        cur.execute(
            "SELECT DISTINCT ON (parent_id) ST_X(label_point), ST_Y(label_point) FROM units "
            "WHERE level = 'grid' AND kind <> 'exclusive' ORDER BY parent_id, id LIMIT 2"
        )
        return cur.fetchall()


def _differ(a: unit_values.Read, b: unit_values.Read) -> set[int]:
    return {i for i, pair in enumerate(zip(a.columns["open_cases"], b.columns["open_cases"])) if pair[0] != pair[1]} | {
        i for i, pair in enumerate(zip(a.columns["overdue"], b.columns["overdue"])) if pair[0] != pair[1]
    }


def _sources(db) -> dict[str, unit_values.Source]:
    """The one map's levels, and what the wall's map of the whole territory and of a street draws."""
    from layers.unit_map import MapPlan, drawn_source

    out = {level: unit_values.level_source(level) for level in LEVELS}
    top = units.by_code(db, units.root_code(db))
    with db.transaction() as cur:
        cur.execute("SELECT code FROM units WHERE level = 'street' ORDER BY id LIMIT 1")
        street = units.by_code(db, cur.fetchone()[0])
    for name, unit in (("wall of the territory", top), ("wall of a street", street)):
        out[name] = drawn_source(db, MapPlan.overview(db, unit))
    return out


def test_counts_brought_up_to_date_equal_a_whole_read_after_every_kind_of_change(db, admin):
    sources = _sources(db)
    held = {name: unit_values.read(db, source) for name, source in sources.items()}

    def check(what: str) -> None:
        for level, source in sources.items():
            got = unit_values.since(db, held[level])
            whole = unit_values.read(db, source)
            assert got is not None, what
            assert got.columns == whole.columns, f"{level} after {what}"
            moved = _differ(held[level], whole)
            assert moved <= set(got.moved), f"{level} after {what}: a moved unit was not re-read"
            assert len(got.moved) <= max(4, 2 * len(moved)), f"{level} after {what}: re-read {len(got.moved)}"
            held[level] = got

    check("nothing")
    (lon, lat), (lon2, lat2) = _two_grids(admin)
    with admin.transaction() as cur:
        case_id = insert_case(cur, lon, lat, "UV-1")
    check("a new case")
    with admin.transaction() as cur:
        cur.execute(
            "UPDATE cases SET reported_at = now() - interval '3 hours', deadline_at = now() - interval '1 hour' "
            "WHERE id = %s",
            (case_id,),
        )
    check("its deadline moved into the past")
    with admin.transaction() as cur:
        cur.execute("UPDATE cases SET deadline_at = now() + interval '1.5 seconds' WHERE id = %s", (case_id,))
    check("its deadline moved to a moment from now")
    time.sleep(2.0)
    check("it fell due by the clock alone")
    with admin.transaction() as cur:
        cur.execute(
            "UPDATE cases SET geom = ST_SetSRID(ST_MakePoint(%s, %s), 4326) WHERE id = %s", (lon2, lat2, case_id)
        )
    check("it moved to a grid of another community")
    with admin.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'resolved', resolved_at = now() WHERE id = %s", (case_id,))
    check("it was resolved")
    with admin.transaction() as cur:
        insert_case(cur, lon, lat, "UV-2")
        cur.execute("DELETE FROM cases WHERE external_id = 'UV-2'")
        insert_case(cur, lon2, lat2, "UV-3")
    check("one added and deleted, another added, in one transaction")
    with admin.transaction() as cur:
        cur.execute("DELETE FROM cases WHERE external_id = 'UV-3'")
    check("a case deleted")


def test_a_change_committed_while_the_earlier_read_was_made_is_re_read(db, admin, admin_dsn_):
    (lon, lat), _ = _two_grids(admin)
    writer = psycopg2.connect(admin_dsn_)
    try:
        with writer.cursor() as cur:
            insert_case(cur, lon, lat, "UV-4")  # not committed yet
        held = unit_values.read(db, unit_values.level_source("grid"))
        writer.commit()
    finally:
        writer.close()
    got = unit_values.since(db, held)
    assert got is not None and got.columns == unit_values.read(db, unit_values.level_source("grid")).columns
    assert got.moved, "the case committed after the read began was missed"


def test_a_read_of_another_level_is_read_whole(db):
    held = unit_values.read(db, unit_values.level_source("community"))
    got = unit_values.refreshed(db, held, unit_values.level_source("grid"))
    assert got.moved is None and got.columns == unit_values.read(db, unit_values.level_source("grid")).columns
