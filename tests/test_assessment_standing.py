"""The screens' live ranking follows the active scheme (geodata/assessment/standing.py, issue 27).

Under the composite (every unit level's default) it is kpis.ranking, unchanged. With the 数字城管
area scheme made active for the street level, the district's streets are ranked by that scheme's
scores of their indicators over the last 30 days, each street's score being the scheme's score of
its own figures, and the drill-down and the wall name the scheme they follow."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest

from callbacks.unit import unit_panels
from geodata import kpis, units
from geodata.assessment import schemes, standing
from geodata.assessment.indicators import assess
from pages import _wall_panels
from tests.conftest import ANCHOR

NOW = ANCHOR + timedelta(hours=2)


@contextlib.contextmanager
def active(db, level: str, code: str):
    """``code`` active for ``level`` while the block runs; the previous scheme afterwards."""
    previous = schemes.set_active(db, level, code, actor="tester")
    try:
        yield schemes.load(db, code)
    finally:
        schemes.set_active(db, level, previous or "composite", actor="tester")


@pytest.fixture(scope="module")
def district(db):
    return units.by_code(db, units.root_code(db))


def test_the_default_is_the_composite_ranking_as_before(db, district):
    assert schemes.active(db, "street") == "composite"
    got = standing.ranking(db, district, now=NOW)
    assert (got.scheme, got.refresh_minutes, got.days) == ("composite", None, kpis.RANKING_DAYS)
    assert got.rows == kpis.ranking(db, district, now=NOW)
    assert "综合评分" in got.caption("zh") and "随数据更新" in got.caption("zh")


def test_an_items_scheme_ranks_the_children_by_its_own_scores(db, district):
    with active(db, "street", "szcg") as scheme:
        got = standing.ranking(db, district, now=NOW)
    assert got.scheme == "szcg" and got.refresh_minutes == standing.REFRESH_MINUTES
    assert scheme.name in got.caption("zh") and "每10分钟更新" in got.caption("zh")
    streets = units.children(db, district)["id"]
    assert sorted(r.unit_id for r in got.rows) == sorted(streets)
    # Each street's score is the scheme's score of its indicators over the same 30 days.
    figures = assess(db, "street", NOW - timedelta(days=kpis.RANKING_DAYS), NOW)
    want = {i: schemes.score(scheme, figures[i]).score if i in figures else None for i in streets}
    assert {r.unit_id: r.score for r in got.rows} == pytest.approx(want)
    scored = [r for r in got.rows if r.score is not None]
    assert len(scored) >= 3
    assert [r.score for r in scored] == sorted((r.score for r in scored), reverse=True)
    assert scored[0].flag == "red" and scored[-1].flag == "black"
    # The panels still show each street's KPIs as before.
    before = {r.unit_id: r.kpis for r in kpis.ranking(db, district, now=NOW)}
    assert all(r.kpis == before[r.unit_id] for r in got.rows)


def test_the_drilldown_and_the_wall_name_the_scheme_they_follow(db, district):
    out, _ = unit_panels(db, district, "zh", 30, lambda: {})
    assert "综合评分" in out["scheme"]
    with active(db, "street", "szcg") as scheme:
        out, _ = unit_panels(db, district, "zh", 30, lambda: {})
        table = _wall_panels.ranking_table(standing.ranking(db, district), "zh")
    assert scheme.name in out["scheme"] and "每10分钟更新" in out["scheme"]
    assert {row["name"] for row in out["ranking"]} == set(units.children(db, district)["name"])
    assert any(row["flag"] for row in out["ranking"])
    caption = table.children[0]
    assert caption.className == "ranking-scheme" and scheme.name in caption.children
    assert standing.ranking(db, district).caption("en").startswith("Scheme: ")
