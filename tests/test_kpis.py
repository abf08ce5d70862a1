"""The shared KPI module against an independent computation from raw rows, at every level."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from geodata import kpis, units
from tests.conftest import ANCHOR

NOW = ANCHOR + timedelta(hours=1, minutes=7)  # a fixed moment inside the demo's history
DAYS = 7


def frame(db, query: str) -> pd.DataFrame:
    """A whole table (or query) as a DataFrame."""
    with db.transaction() as cur:
        cur.execute(query)
        return pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])


@pytest.fixture(scope="module")
def raw(db):
    """Every fact row the KPIs are computed from."""
    return {
        "cases": frame(
            db,
            "SELECT status, street_id, community_id, grid_id, exclusive_grid_id, reported_at, "
            "resolved_at, closed_at, deadline_at, rated_at, satisfaction, handled_online FROM cases",
        ),
        "checkpoints": frame(db, "SELECT id, street_id, community_id, grid_id, exclusive_grid_id FROM checkpoints"),
        "inspections": frame(
            db,
            "SELECT i.id, i.checkpoint_id, i.inspected_at, r.passed FROM inspections i "
            "JOIN inspection_results r ON r.inspection_id = i.id",
        ),
        "cameras": frame(db, "SELECT id, status, street_id, community_id, grid_id, exclusive_grid_id FROM cameras"),
        "camera_events": frame(db, "SELECT camera_id, at, from_status, to_status FROM camera_events"),
        "units": frame(db, "SELECT id, code, level, kind, parent_id FROM units"),
    }


def inside(df: pd.DataFrame, unit: units.Unit, all_units: pd.DataFrame) -> pd.DataFrame:
    """Rows of a fact table inside a unit, decided from the unit's own kind and level."""
    if unit.level == "district":
        streets = all_units.id[(all_units.parent_id == unit.id) & (all_units.level == "street")]
        return df[df.street_id.isin(streets)]
    col = {"street": "street_id", "community": "community_id"}.get(unit.level)
    if col is None:
        col = "exclusive_grid_id" if unit.kind == "exclusive" else "grid_id"
    return df[df[col] == unit.id]


def expected(raw: dict, unit: units.Unit, now: datetime = NOW, days: int = DAYS) -> dict[str, tuple]:
    """(value, previous) of every KPI as of ``now`` over ``days``, recomputed in pandas."""
    c = inside(raw["cases"], unit, raw["units"])
    c = c[c.reported_at <= now]
    terminal = c.status.isin(["resolved", "rated", "closed", "rejected", "merged"])
    ended = c.resolved_at.where(c.resolved_at.notna(), c.closed_at).where(terminal)
    day = pd.Timestamp(now).tz_convert("Asia/Shanghai").normalize()
    yday = now - timedelta(days=1)

    def open_at(t):
        return (c.reported_at <= t) & (ended.isna() | (ended > t))

    def rate(num, den):
        return num.sum() / den.sum() if den.sum() else None

    resolved = c.status.isin(["resolved", "rated", "closed"])
    win = timedelta(days=days)

    def win_mask(ts, k):
        return (ts > now - (k + 1) * win) & (ts <= now - k * win)

    out = {
        "new_today": (
            (c.reported_at >= day).sum(),
            ((c.reported_at >= day - timedelta(days=1)) & (c.reported_at < yday)).sum(),
        ),
        "open": (open_at(now).sum(), open_at(yday).sum()),
        "overdue": ((open_at(now) & (c.deadline_at < now)).sum(), (open_at(yday) & (c.deadline_at < yday)).sum()),
    }
    on_time = resolved & (ended <= c.deadline_at)
    # The standard base (应结案数): resolved in the window, plus overdue and open at its end.
    out["on_time_rate"] = tuple(
        rate(
            on_time & win_mask(ended, k),
            (resolved & win_mask(ended, k)) | (open_at(now - k * win) & (c.deadline_at < now - k * win)),
        )
        for k in (0, 1)
    )
    rated = c.satisfaction.notna()
    out["satisfaction"] = tuple(
        rate((c.satisfaction >= 4) & win_mask(c.rated_at, k), rated & win_mask(c.rated_at, k)) for k in (0, 1)
    )
    out["online_rate"] = tuple(
        rate(c.handled_online & win_mask(c.reported_at, k), win_mask(c.reported_at, k)) for k in (0, 1)
    )
    points = inside(raw["checkpoints"], unit, raw["units"])
    insp = raw["inspections"][raw["inspections"].checkpoint_id.isin(points.id)]

    def compliance(t):
        done = insp[insp.inspected_at <= t]
        latest = done.groupby("checkpoint_id").inspected_at.transform("max")
        res = done[done.inspected_at == latest]
        return rate(res.passed, pd.Series(True, index=res.index))

    out["checkpoint_rate"] = (compliance(now), compliance(now - win))
    cams = inside(raw["cameras"], unit, raw["units"])
    ev = raw["camera_events"]

    def online_at(t):
        later = ev[ev["at"] > t].sort_values("at").groupby("camera_id").from_status.first()
        before = cams.id.map(later)
        status = before.where(before.notna(), cams.status)
        return rate(status == "online", pd.Series(True, index=cams.index))

    out["cameras_online"] = (online_at(now), online_at(yday))
    return out


def sample_units(db, raw) -> list[units.Unit]:
    """The district, a street, a community, a tiling grid with cases, and an exclusive grid."""
    u = raw["units"]
    busiest_grid = raw["cases"].grid_id.value_counts().index[0]
    codes = [
        u.code[u.level == "district"].iloc[0],
        u.code[u.level == "street"].iloc[1],
        u.code[u.level == "community"].iloc[3],
        u.code[u.id == busiest_grid].iloc[0],
        u.code[u.kind == "exclusive"].iloc[0],
    ]
    return [units.by_code(db, code) for code in codes]


def test_every_kpi_matches_raw_rows_at_every_level(db, raw):
    for unit in sample_units(db, raw):
        got = kpis.unit_kpis(db, unit, now=NOW, days=DAYS)
        want = expected(raw, unit)
        if unit.level == "district":  # the comparison means something only if the numbers do
            assert all(v is not None and v > 0 for pair in want.values() for v in pair), want
        assert_kpis_equal(got, want, unit)


def assert_kpis_equal(got: dict[str, kpis.KpiValue], want: dict[str, tuple], unit: units.Unit) -> None:
    """Every KPI's value and previous value as recomputed."""
    assert set(got) == {k.key for k in kpis.KPIS}
    for key, (value, previous) in want.items():
        for label, a, b in (("value", got[key].value, value), ("previous", got[key].previous, previous)):
            if b is None:
                assert a is None, (unit.name, key, label)
            else:
                assert a == pytest.approx(float(b)), (unit.name, key, label, a, b)


# Moments that put the window edges inside a day, at midnight and just before it, and a past
# moment with later reports, ends and ratings that must count nowhere.
OTHER_TIMES = [
    ANCHOR.replace(hour=0, minute=0, second=0, microsecond=0),
    ANCHOR.replace(hour=23, minute=59, second=59, microsecond=999999),
    ANCHOR - timedelta(days=3, hours=5, minutes=11),
]


@pytest.mark.parametrize("now", OTHER_TIMES, ids=["midnight", "before-midnight", "past"])
@pytest.mark.parametrize("days", [1, 30])
def test_every_kpi_matches_raw_rows_at_other_times_and_windows(db, raw, now, days):
    for unit in sample_units(db, raw):
        assert_kpis_equal(kpis.unit_kpis(db, unit, now=now, days=days), expected(raw, unit, now, days), unit)


@pytest.mark.parametrize("now", OTHER_TIMES[2:], ids=["past"])
def test_every_child_kpi_matches_raw_rows(db, raw, now):
    for parent in sample_units(db, raw)[1:3]:  # a street (its communities) and a community (its grids)
        got = kpis.child_kpis(db, parent, now=now, days=30)
        kids = units.children(db, parent)
        assert set(got) <= set(kids["id"]) and len(got) >= 3
        for kid in kids["id"]:
            child = units.by_id(db, kid)
            assert_kpis_equal(got.get(kid, kpis.from_counts({})), expected(raw, child, now, 30), child)


@pytest.mark.parametrize("level", ["grid", "community"])
def test_every_units_kpis_read_through_their_parents_match_raw_rows(db, raw, monkeypatch, level):
    """Past BROAD_SCOPE units (a city's 70k grids), each_unit_kpis reads them through their parents'
    column: every unit's KPIs still match its raw rows, and those of units without facts are zero."""
    monkeypatch.setattr(kpis, "BROAD_SCOPE", 10)
    u = raw["units"]
    ids = [int(i) for i in u.id[(u.level == level) & (u.kind != "exclusive")]]
    assert kpis._parents_scope(db, f"{level}_id", ids)[0] == ("community_id" if level == "grid" else "street_id")
    got = kpis.each_unit_kpis(db, f"{level}_id", ids, now=OTHER_TIMES[2], days=30)
    assert set(got) <= set(ids)
    for uid in ids[:: max(1, len(ids) // 40)]:
        unit = units.by_id(db, uid)
        assert_kpis_equal(got.get(uid, kpis.from_counts({})), expected(raw, unit, OTHER_TIMES[2], 30), unit)


def test_the_district_total_is_the_sum_of_its_streets(db, raw):
    district = units.by_code(db, raw["units"].code[raw["units"].level == "district"].iloc[0])
    total = kpis.unit_kpis(db, district, now=NOW, days=DAYS)
    per_street = kpis.child_kpis(db, district, now=NOW, days=DAYS)
    assert len(per_street) == 5
    for key in ("new_today", "open", "overdue"):
        assert total[key].value == sum(v[key].value for v in per_street.values())
    due = sum(v["on_time_rate"].den for v in per_street.values())
    assert total["on_time_rate"].den == due


def test_community_children_include_exclusive_grids_scoped_by_their_own_id(db, raw):
    u = raw["units"]
    excl = u[u.kind == "exclusive"].iloc[0]
    community = units.by_id(db, int(excl.parent_id))
    per_child = kpis.child_kpis(db, community, now=NOW, days=DAYS)
    exclusive = units.by_id(db, int(excl.id))
    alone = kpis.unit_kpis(db, exclusive, now=NOW, days=DAYS)
    assert per_child[exclusive.id]["open"].value == alone["open"].value


def test_ranking_flags_best_red_and_worst_black():
    ranked = kpis.rank({1: 80.0, 2: 90.0, 3: None, 4: 70.0, 5: 85.0, 6: 60.0})
    assert [r.unit_id for r in ranked] == [2, 5, 1, 4, 6, 3]
    assert [r.flag for r in ranked] == ["red", "", "", "", "black", ""]
    assert kpis.rank({1: 50.0, 2: 40.0}) == [kpis.Ranked(1, 1, 50.0, ""), kpis.Ranked(2, 2, 40.0, "")]


def test_score_renormalises_over_the_components_a_unit_has():
    full = kpis.from_counts(
        {
            "on_time_now": 9,
            "resolved_now": 10,
            "satisfied_now": 8,
            "rated_now": 10,
            "online_now": 5,
            "reported_now": 10,
            "passed_now": 3,
            "elements_now": 4,
            "open_now": 10,
            "overdue_now": 2,
        }
    )
    # The card's rate is on the standard base (9 on time of 10 resolved + 2 overdue and open); the
    # composite keeps on time ÷ resolved, so that today's rankings are reproduced.
    assert full["on_time_rate"].value == pytest.approx(9 / 12)
    assert kpis.score(full) == pytest.approx(100 * (0.3 * 0.9 + 0.25 * 0.8 + 0.15 * 0.5 + 0.15 * 0.75 + 0.15 * 0.8))
    only_rates = kpis.from_counts({"on_time_now": 1, "resolved_now": 2})
    assert kpis.score(only_rates) == pytest.approx(50.0)
    assert kpis.score(kpis.from_counts({})) is None


def test_trend_colour_follows_the_kpis_good_direction():
    worse = kpis.KpiValue("overdue", 5, 3)
    better = kpis.KpiValue("on_time_rate", 0.9, 0.8)
    assert (worse.trend, worse.good) == ("up", False)
    assert (better.trend, better.good) == ("up", True)
    assert kpis.KpiValue("open", 4, 4).good is None
    assert kpis.KpiValue("satisfaction", None, 0.5).trend == "none"


def test_a_unit_and_its_ranking_read_the_counts_they_share_once_per_request(db, raw):
    """In one request (the drill-down: the unit's KPIs and its children's ranking, at once), the
    camera, checkpoint and round counts a unit's figure shares with its children's are read once,
    by child, and the unit's own figure is their sum."""
    from geodata.memo import REQUEST

    street = sample_units(db, raw)[1]
    alone = kpis.unit_kpis(db, street, now=NOW, days=DAYS)  # outside a request: nothing shared
    token = REQUEST.set({})
    try:
        shared = kpis.unit_kpis(db, street, now=NOW, days=DAYS)
        kpis.child_kpis(db, street, now=NOW, days=DAYS)
        read = [k for k in REQUEST.get() if isinstance(k, tuple) and k[:1] == ("kpi",)]
    finally:
        REQUEST.reset(token)
    assert shared == alone
    for name in kpis.ADDITIVE:
        assert {k[5] for k in read if k[2] == name} == {"community_id"}, name  # never ungrouped
    assert len([k for k in read if k[2] == "kpi_cameras"]) == 2  # now and yesterday, once each
    assert {k[5] for k in read if k[2] == "kpi_cases"} == {None, "community_id"}  # windows differ
