"""The demo city: deterministic, realistic in size and names, and its grids tile without gaps."""

from __future__ import annotations

import numpy as np
import shapely

from geodata.demo import cases as demo_cases
from geodata.demo import city as demo
from geodata.demo.names import EXCLUSIVE_GRIDS, STREETS
from geodata.ops.setup import ensure_database
from tests.conftest import ANCHOR, SEED


def test_same_seed_same_city():
    a = demo.build_static("demo", np.random.default_rng(SEED), ANCHOR)
    b = demo.build_static("demo", np.random.default_rng(SEED), ANCHOR)
    assert a["units"].drop(columns="geometry").equals(b["units"].drop(columns="geometry"))
    assert all(shapely.equals_exact(a["units"].geometry.values, b["units"].geometry.values, 0.0))
    assert a["cameras"].equals(b["cameras"])
    assert a["results"].equals(b["results"])
    c = demo.build_static("demo", np.random.default_rng(SEED + 1), ANCHOR)
    assert not a["cameras"][["lon", "lat"]].equals(c["cameras"][["lon", "lat"]])


def test_same_seed_same_cases(db):
    city = demo.build_static("demo", np.random.default_rng(SEED), ANCHOR)
    with db.transaction() as cur:
        ctx = demo.case_context(cur, city, np.random.default_rng(1))
    one, ev1 = demo_cases.generate(ctx, 500, 180, ANCHOR, np.random.default_rng(3))
    two, ev2 = demo_cases.generate(ctx, 500, 180, ANCHOR, np.random.default_rng(3))
    assert one.equals(two) and ev1.equals(ev2)
    # The city scale's stalled backlog: those cases stay open at any age, with a timeline that
    # stops at 签收 and finite times throughout.
    stalled, events = demo_cases.generate(ctx, 2000, 730, ANCHOR, np.random.default_rng(3), stalled_share=0.5)
    open_ = stalled.status.isin(["reported", "dispatched", "accepted", "returned"])
    assert 0.45 < open_.mean() < 0.6, open_.mean()
    old = stalled.reported_at < ANCHOR - np.timedelta64(365, "D")
    assert open_[old].mean() > 0.4  # a year old and still in hand
    assert stalled.loc[open_, "resolved_at"].isna().all()
    assert stalled.deadline_at.notna().all() and events["at"].notna().all()
    assert not events[events.case_id.isin(stalled.id[open_])].to_status.isin(["resolved", "closed"]).any()


def test_demo_city_has_the_real_structure(db, loaded):
    with db.transaction() as cur:
        cur.execute("SELECT name FROM units WHERE level = 'street' ORDER BY code")
        assert [r[0] for r in cur.fetchall()] == [s for s, _ in STREETS]
        cur.execute("SELECT count(*) FROM units WHERE level = 'community'")
        assert cur.fetchone()[0] == 35
        cur.execute(
            "SELECT p.name, u.name FROM units u JOIN units p ON p.id = u.parent_id WHERE u.name = ANY(%s)",
            (["东风社区", "蝶湖社区", "亚太社区", "康桥社区", "鸿泰社区"],),
        )
        assert dict((c, s) for s, c in cur.fetchall()) == {
            "东风社区": "明湖办事处",
            "蝶湖社区": "潮河办事处",
            "亚太社区": "潮河办事处",
            "康桥社区": "潮河办事处",
            "鸿泰社区": "九龙办事处",
        }
        cur.execute("SELECT count(*) FROM units WHERE level = 'grid' AND kind <> 'exclusive'")
        assert 600 <= cur.fetchone()[0] <= 1500
        cur.execute("SELECT u.name, s.name FROM units u JOIN units s ON s.id = u.street_id WHERE u.kind = 'exclusive'")
        assert set(cur.fetchall()) == set(EXCLUSIVE_GRIDS)
        cur.execute("SELECT avg((status = 'offline')::int) FROM cameras")
        assert 0.07 < cur.fetchone()[0] < 0.13
        cur.execute("SELECT count(*), count(DISTINCT type_code) FROM checkpoints")
        n_cp, n_types = cur.fetchone()
        assert 250 <= n_cp <= 350 and n_types >= 5
        cur.execute(
            "SELECT count(*), min(reported_at), max(reported_at), count(DISTINCT source), "
            "count(DISTINCT status), avg(is_open::int) FROM cases "
            "WHERE external_id NOT LIKE 'T-%%' AND external_id NOT LIKE 'm-%%'"  # the tests' own, and the phone's
        )
        n, first, last, sources, statuses, open_share = cur.fetchone()
        assert n == loaded["cases"] == 20_000
        assert (ANCHOR - first).days <= 180 and (ANCHOR - last).total_seconds() < 86_400
        assert sources == 4 and statuses >= 7 and 0.01 < open_share < 0.15
        cur.execute(
            "SELECT count(*) FROM cases c WHERE external_id NOT LIKE 'T-%%' "
            "AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)"
        )
        assert cur.fetchone()[0] == 0


def test_grids_tile_each_community_without_gaps_or_overlaps(db):
    with db.transaction() as cur:
        cur.execute("""
            SELECT c.name,
                   ST_Area(ST_SymDifference(c.geom, ST_Union(g.geom))) / ST_Area(c.geom) AS gap,
                   (sum(ST_Area(g.geom)) - ST_Area(ST_Union(g.geom))) / ST_Area(c.geom) AS overlap
              FROM units c JOIN units g ON g.parent_id = c.id AND g.kind <> 'exclusive'
             WHERE c.level = 'community' GROUP BY c.id""")
        rows = cur.fetchall()
    assert len(rows) == 35
    worst_gap = max(r[1] for r in rows)
    worst_overlap = max(r[2] for r in rows)
    assert worst_gap < 1e-9 and worst_overlap < 1e-9, (worst_gap, worst_overlap)


def test_second_start_reuses_data_without_duplicates(db, settings):
    with db.transaction() as cur:
        cur.execute("SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM cases), (SELECT count(*) FROM cameras)")
        before = cur.fetchone()
    ensure_database(settings, load_demo=True)
    with db.transaction() as cur:
        cur.execute("SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM cases), (SELECT count(*) FROM cameras)")
        assert cur.fetchone() == before
