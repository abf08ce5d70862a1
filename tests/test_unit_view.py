"""The drill-down callback at the function level: what the first tick sends (only the unit's
children's polygons), that an unchanged tick sends nothing and a change only values, the 30/90-day
switch, English labels, and 单元不存在 for unknown and malformed codes."""

from __future__ import annotations

import pytest
from dash import no_update
from dash.exceptions import PreventUpdate

from callbacks.unit import code_of, trend_for, unit_view
from geodata import units
from layers.unit_map import TRACES
from tests.cases import insert_case

BASE = "http://x/"


def _texts(component) -> str:
    """Every string inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(_texts(c) for c in component)
    children = getattr(component, "children", None)
    return _texts(children) if children is not None else ""


def _street(db) -> units.Unit:
    root = units.by_code(db, units.root_code(db))
    return units.by_code(db, units.children(db, root)["code"][1])


def _grid_with_label(db, street: units.Unit) -> tuple[int, float, float]:
    with db.transaction() as cur:
        cur.execute(
            """SELECT u.id, ST_X(u.label_point), ST_Y(u.label_point) FROM units u
                        WHERE u.street_id = %s AND u.level = 'grid' AND u.kind <> 'exclusive'
                          AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                           AND ST_Intersects(e.geom, u.label_point))
                        ORDER BY u.id LIMIT 1""",
            (street.id,),
        )
        return cur.fetchone()


def test_first_tick_sends_only_the_childrens_polygons(db):
    street = _street(db)
    out = unit_view(None, street.code, "zh", 30, db, BASE)
    kids = units.children(db, street)
    shapes = out["figure"]["data"][TRACES.index("tiling")]
    assert sorted(f["id"] for f in shapes["geojson"]["features"]) == sorted(kids["id"])
    assert sum(len(trace.get("geojson", {}).get("features", [])) for trace in out["figure"]["data"]) == len(kids["id"])
    assert {row[2] for row in shapes["customdata"]} == set(kids["code"])  # a click yields the child's code
    assert out["view"] == "unit-view level-street" and out["state"]["code"] == street.code
    assert len(out["ranking"]) == len(kids["id"]) and out["grid"] == []


def test_the_url_holds_the_unit():
    assert code_of("/unit/410171002") == "410171002"
    assert code_of("http://127.0.0.1:8050/unit/410171002?lang=en#case-7") == "410171002"
    assert code_of("/") is None and code_of(None) is None


def test_another_unit_renders_whole_even_when_nothing_moved(db):
    street = _street(db)
    first = unit_view(None, street.code, "zh", 30, db, BASE)
    community = units.children(db, street)["code"][0]
    second = unit_view(first["state"], community, "zh", 30, db, BASE)
    assert isinstance(second["figure"], dict) and second["state"]["code"] == community
    assert second["view"] == "unit-view level-community" and second["cell"] is None


def test_unchanged_tick_sends_nothing_and_a_change_only_values(db):
    street = _street(db)
    out = unit_view(None, street.code, "zh", 30, db, BASE)
    with pytest.raises(PreventUpdate):
        unit_view(out["state"], street.code, "zh", 30, db, BASE)
    _, lon, lat = _grid_with_label(db, street)
    with db.transaction() as cur:
        case_id = insert_case(cur, lon, lat, "T-UNIT-VIEW-1")
    try:
        again = unit_view(out["state"], street.code, "zh", 30, db, BASE)
    finally:
        with db.transaction() as cur:
            cur.execute("DELETE FROM cases WHERE id = %s", (case_id,))
    ops = again["figure"].to_plotly_json()["operations"]
    touched = {(TRACES[op["location"][1]], op["location"][2]) for op in ops}
    assert {("tiling", "z"), ("tiling", "customdata")} <= touched
    assert all(key in ("z", "customdata") or trace == "flash" for trace, key in touched), touched
    assert not {"geojson", "locations"} & {key for _, key in touched}
    before = {c.id: c for c in out["kpis"]}["unit-kpi-open"].children[1].children
    after = {c.id: c for c in again["kpis"]}["unit-kpi-open"].children[1].children
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 1


def test_grid_level_lists_its_cases_and_has_no_ranking(db):
    street = _street(db)
    grid_id, _, _ = _grid_with_label(db, street)
    grid = units.by_id(db, grid_id)
    out = unit_view(None, grid.code, "zh", 90, db, BASE)
    assert out["view"] == "unit-view level-grid leaf" and out["ranking"] == []
    assert "本网格案件" in _texts(out["grid"]) and "网格员" in _texts(out["info"])
    assert len(out["trend"]["data"][0]["x"]) == 90


def test_trend_window_switch_and_english(db):
    street = _street(db)
    assert len(trend_for(db, code_of(f"http://x/unit/{street.code}?lang=zh"), 90, "zh")["data"][0]["x"]) == 90
    out = unit_view(None, street.code, "en", 30, db, BASE)
    assert out["trend"]["data"][0]["name"] == "New" and "In charge" in _texts(out["info"])
    with pytest.raises(PreventUpdate):
        trend_for(db, street.code, 7, "zh")
    with pytest.raises(PreventUpdate):  # outside the viewer's scope: nothing
        trend_for(db, street.code, 30, "zh", allowed=_other_street(db, street))


def _other_street(db, street: units.Unit) -> units.Unit:
    root = units.by_code(db, units.root_code(db))
    return units.by_code(db, next(c for c in units.children(db, root)["code"] if c != street.code))


def test_a_unit_outside_the_viewers_scope_reads_as_unknown(db):
    street = _street(db)
    other = _other_street(db, street)
    out = unit_view(None, street.code, "zh", 30, db, BASE, allowed=other)
    assert out["view"] == "unit-view missing" and out["missing"].children[-1].href == f"/unit/{other.code}"
    inside = units.children(db, other)["code"][0]
    assert unit_view(None, inside, "zh", 30, db, BASE, allowed=other)["view"].startswith("unit-view level-community")


@pytest.mark.parametrize("code", ["NOPE404", "<script>", "%3Cscript%3E", "", None, "x" * 200])
def test_unknown_or_malformed_codes_render_unit_not_found(db, code):
    out = unit_view(None, code, "zh", 30, db, BASE)
    assert out["view"] == "unit-view missing"
    text = _texts(out["missing"])
    assert "单元不存在" in text and "返回全区" in text
    link = out["missing"].children[-1]
    assert link.href == f"/unit/{units.root_code(db)}"


def test_a_grids_case_numbers_open_the_case_view(db):
    from geodata import drilldown
    from pages._unit_panels import grid_cases_panel

    with db.transaction() as cur:
        cur.execute(
            "SELECT u.code FROM units u JOIN cases c ON c.grid_id = u.id GROUP BY u.code ORDER BY count(*) DESC LIMIT 1"
        )
        grid = units.by_code(db, cur.fetchone()[0])
    rows = drilldown.grid_cases(db, grid)
    panel = str(grid_cases_panel(rows, "zh"))
    assert rows["id"] and all(f"/case/{case_id}" in panel for case_id in rows["id"])


@pytest.mark.parametrize(
    ("level", "overview"), [("district", True), ("district", False), ("street", True), ("community", False)]
)
def test_the_unit_maps_open_and_overdue_counts_match_a_count_of_cases(db, level, overview):
    from layers.unit_map import MapPlan, load_values

    unit = units.by_code(db, units.root_code(db))
    while unit.level != level:
        kids = units.children(db, unit)
        unit = units.by_code(db, kids["code"][kids["level"].index(units.CHILD_LEVEL[unit.level])])
    plan = MapPlan.overview(db, unit) if overview else MapPlan.children(db, unit)
    shapes = load_values(db, plan)["shapes"]
    with db.transaction() as cur:
        cur.execute(
            f"""SELECT u.id, count(c.id) FILTER (WHERE c.is_open),
                       count(c.id) FILTER (WHERE c.is_open AND c.deadline_at < now())
                  FROM units u LEFT JOIN cases c
                    ON (CASE WHEN u.kind = 'exclusive' THEN c.exclusive_grid_id ELSE c.{plan.level}_id END) = u.id
                 WHERE u.level = %s AND (u.id = %s OR %s IN (u.community_id, u.street_id, u.district_id))
                 GROUP BY u.id""",
            (plan.level, unit.id, unit.id),
        )
        expected = {r[0]: (r[1], r[2]) for r in cur.fetchall()}
    got = {i: (o, d) for i, o, d in zip(shapes["id"], shapes["open_cases"], shapes["overdue"])}
    assert got == expected and sum(d for _, d in got.values()) > 0


def test_a_slow_panel_says_so_keeps_the_picture_and_asks_again(db, admin_dsn_, settings):
    """A lock held elsewhere makes the camera panels' queries run into the statement timeout: the
    status says 查询超时 (not the outage banner), nothing is redrawn, and the next tick asks again."""
    import psycopg2

    from geodata.db import Database

    street = _street(db)
    fast_fail = Database(settings.app_dsn(), statement_timeout_ms=400, scoped=True, default_scope=("all", 0))
    locker = psycopg2.connect(admin_dsn_)
    try:
        first = unit_view(None, street.code, "zh", 30, fast_fail, BASE)
        with locker.cursor() as cur:
            cur.execute("LOCK TABLE cameras IN ACCESS EXCLUSIVE MODE")
        slow = unit_view({**first["state"], "versions": {}}, street.code, "zh", 30, fast_fail, BASE)
        status = _texts(slow["status"])
        assert "查询超时" in status and "数据更新中断" not in status
        assert slow["state"]["retry"] and not slow["state"].get("stale")
        assert all(slow[k] is no_update for k in ("figure", "kpis", "ranking"))
        locker.rollback()
        healed = unit_view(slow["state"], street.code, "zh", 30, fast_fail, BASE)  # asked again, though unmoved
        assert "retry" not in healed["state"] and "查询超时" not in _texts(healed["status"])
    finally:
        locker.rollback()
        locker.close()
        fast_fail.close()


def test_a_unit_without_loaded_children_names_no_sub_units(db):
    """Below the deepest level loaded there is nothing to count: no "0个办事处" line."""
    from pages._unit_panels import unit_info

    street = _street(db)
    assert "个社区" in _texts(unit_info(street, 7, "zh"))
    assert "下级单元" not in _texts(unit_info(street, 0, "zh"))
