"""The drill-down summaries (geodata/drilldown.py) against an independent computation from raw
rows, for a unit at every level."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from geodata import drilldown, kpis, units
from tests.test_kpis import NOW, frame, inside, sample_units

TZ = "Asia/Shanghai"
TERMINAL = ["resolved", "rated", "closed", "rejected", "merged"]


@pytest.fixture(scope="module")
def raw(db):
    """Fact rows, with the end of each case derived from its status and timestamps."""
    cases = frame(
        db,
        "SELECT c.id, c.status, c.street_id, c.community_id, c.grid_id, c.exclusive_grid_id, "
        "c.reported_at, c.resolved_at, c.closed_at, c.deadline_at, c.category_code, "
        "coalesce(k.parent_code, k.code) AS top_code FROM cases c "
        "JOIN case_categories k ON k.code = c.category_code",
    )
    ended = cases.resolved_at.where(cases.resolved_at.notna(), cases.closed_at)
    cases["ended"] = ended.where(cases.status.isin(TERMINAL))
    cases = cases[cases.reported_at <= NOW]
    return {
        "cases": cases,
        "units": frame(db, "SELECT id, code, level, kind, parent_id FROM units"),
        "checkpoints": frame(db, "SELECT id, street_id, community_id, grid_id, exclusive_grid_id FROM checkpoints"),
        "inspections": frame(
            db,
            "SELECT i.checkpoint_id, i.inspected_at, r.passed FROM inspections i "
            "JOIN inspection_results r ON r.inspection_id = i.id",
        ),
        "cameras": frame(db, "SELECT kind, status, street_id, community_id, grid_id, exclusive_grid_id FROM cameras"),
    }


@pytest.fixture(scope="module")
def sample(db, raw) -> list[units.Unit]:
    """The district, a street, a community, a busy tiling grid and an exclusive grid."""
    return sample_units(db, {"cases": raw["cases"], "units": raw["units"]})


def open_at(c: pd.DataFrame, t: datetime) -> pd.Series:
    """Open at ``t``: reported by then and not yet ended."""
    return (c.reported_at <= t) & (c.ended.isna() | (c.ended > t))


def local_date(ts: pd.Series) -> pd.Series:
    """Calendar day in Beijing."""
    return ts.dt.tz_convert(TZ).dt.date


@pytest.mark.parametrize("days", drilldown.TREND_WINDOWS)
def test_trend_matches_raw_rows(db, raw, sample, days):
    today = pd.Timestamp(NOW).tz_convert(TZ).normalize()
    for unit in sample:
        c = inside(raw["cases"], unit, raw["units"])
        got = pd.DataFrame(drilldown.trend(db, unit, days=days, now=NOW))
        assert len(got) == days and got.day.iloc[-1] == today.date()
        for k, row in enumerate(got.itertuples()):
            start = today - timedelta(days=days - 1 - k)
            end = min(start + timedelta(days=1), pd.Timestamp(NOW))
            assert row.day == start.date()
            assert row.new == ((c.reported_at >= start) & (c.reported_at < end)).sum(), (unit.code, row)
            assert row.closed == ((c.ended >= start) & (c.ended < end)).sum(), (unit.code, row)
            assert row.overdue == (open_at(c, end) & (c.deadline_at < end)).sum(), (unit.code, row)
        if unit.level == "district":
            assert got.new.sum() > 0 and got.closed.sum() > 0 and got.overdue.min() > 0


def test_trend_ends_at_the_kpis(db, sample):
    """Overdue at the end of the series is the 超期 KPI."""
    street = sample[1]
    series = drilldown.trend(db, street, days=30, now=NOW)
    now_kpis = kpis.unit_kpis(db, street, now=NOW)
    assert series["overdue"][-1] == now_kpis["overdue"].value


def test_categories_match_raw_rows_and_sum_to_open(db, raw, sample):
    for unit in sample:
        c = inside(raw["cases"], unit, raw["units"])
        got = pd.DataFrame(drilldown.categories(db, unit, days=30, now=NOW)).set_index("code")
        recent = c.reported_at > NOW - timedelta(days=30)
        is_open = open_at(c, NOW)
        want = pd.DataFrame(
            {
                "reported": recent.groupby(c.top_code).sum(),
                "open": is_open.groupby(c.top_code).sum(),
                "overdue": (is_open & (c.deadline_at < NOW)).groupby(c.top_code).sum(),
            }
        )
        want = want[(want.reported > 0) | (want.open > 0)]
        assert got[["reported", "open", "overdue"]].sort_index().astype(int).equals(want.sort_index().astype(int))
        assert got.open.sum() == kpis.unit_kpis(db, unit, now=NOW)["open"].value


def test_overdue_cases_are_the_most_overdue(db, raw, sample):
    for unit in sample:
        c = inside(raw["cases"], unit, raw["units"])
        late = c[open_at(c, NOW) & (c.deadline_at < NOW)].sort_values(["deadline_at", "id"])
        got = drilldown.overdue_cases(db, unit, limit=10, now=NOW)
        assert got["id"] == late.id.head(10).tolist()
        for case_id, age in zip(got["id"], got["age_s"]):
            reported = late.set_index("id").reported_at[case_id]
            assert abs(age - (NOW - reported).total_seconds()) < 1
    district = drilldown.overdue_cases(db, sample[0], now=NOW)
    assert len(district["id"]) == drilldown.OVERDUE_TOP and all(district["department"])
    assert all(code.startswith(sample[0].code) for code in district["unit_code"])


def test_checkpoints_show_the_latest_inspection_weakest_first(db, raw, sample):
    for unit in sample:
        points = inside(raw["checkpoints"], unit, raw["units"])
        insp = raw["inspections"][raw["inspections"].checkpoint_id.isin(points.id)]
        insp = insp[insp.inspected_at <= NOW]
        latest = insp[insp.inspected_at == insp.groupby("checkpoint_id").inspected_at.transform("max")]
        want = latest.groupby("checkpoint_id").passed.agg(["size", "sum"])
        got = pd.DataFrame(drilldown.checkpoints(db, unit, limit=None, now=NOW))
        assert sorted(got.id) == sorted(points.id)
        done = got[got.elements > 0].set_index("id")
        assert done.elements.to_dict() == want["size"].to_dict()
        assert done.passed.to_dict() == want["sum"].to_dict()
        share = (got.passed / got.elements.where(got.elements > 0)).dropna()
        assert share.is_monotonic_increasing
        weakest = drilldown.checkpoints(db, unit, now=NOW)
        assert weakest["id"] == got.id.head(drilldown.WEAKEST_CHECKPOINTS).tolist()


def test_cameras_by_kind_and_offline(db, raw, sample):
    for unit in sample:
        cams = inside(raw["cameras"], unit, raw["units"])
        got = pd.DataFrame(drilldown.camera_kinds(db, unit)).set_index("kind")
        want = cams.groupby("kind").status.value_counts().unstack(fill_value=0)
        want = want.reindex(columns=["online", "offline"], fill_value=0)
        assert got[["online", "offline"]].sort_index().equals(want.sort_index().astype(got.online.dtype))
        assert got.online.sum() + got.offline.sum() == len(cams)
        offline = drilldown.offline_cameras(db, unit, limit=1000)
        assert len(offline["id"]) == (cams.status == "offline").sum()


def test_grid_cases_list_every_open_case_and_the_recent_ones(db, raw, sample):
    for unit in sample[3:]:
        c = inside(raw["cases"], unit, raw["units"])
        got = drilldown.grid_cases(db, unit, days=30, now=NOW)
        is_open = open_at(c, NOW)
        want = c[is_open | (c.reported_at > NOW - timedelta(days=30))]
        assert sorted(got["id"]) == sorted(want.id)
        flags = dict(zip(got["id"], got["is_open"]))
        assert {i for i, o in flags.items() if o} == set(c.id[is_open])
        n_open = int(is_open.sum())
        assert all(got["is_open"][:n_open]) and not any(got["is_open"][n_open:])


def test_ranking_orders_children_by_score_with_flags(db, sample):
    for unit in sample[:3]:
        rows = kpis.ranking(db, unit)
        kids = units.children(db, unit)
        assert sorted(r.unit_id for r in rows) == sorted(kids["id"])
        scores = [r.score for r in rows if r.score is not None]
        assert scores == sorted(scores, reverse=True)
        assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0].flag == "red" and rows[len(scores) - 1].flag == "black"
        for r in rows:
            assert r.score == kpis.score(r.kpis)


def test_breadcrumbs_lead_from_the_district_to_the_unit(db, sample):
    grid = sample[3]
    crumbs = drilldown.breadcrumbs(db, grid)
    assert [c.level for c in crumbs] == ["district", "street", "community", "grid"]
    assert crumbs[-1].code == grid.code and crumbs[0].code == units.root_code(db)
    assert [c.code for c in drilldown.breadcrumbs(db, sample[0])] == [sample[0].code]
