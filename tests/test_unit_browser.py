"""Headless Chromium on the drill-down page: clicking map polygons drills from the district to a
grid, breadcrumbs lead back up, Back/Forward and reload restore the view, the KPI cards show the
shared KPI module's values, an overdue case links to its row, and an unknown code says so."""

from __future__ import annotations

import json
import time

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

import ids
from geodata import drilldown, kpis, units
from pages._kpi import value_text
from tests.conftest import ARTIFACTS
from tests.test_browser import _wait

pytestmark = pytest.mark.browser
GRAPH = f"#{ids.UNIT_MAP} .js-plotly-plot"


def _clickable(db, parent: units.Unit) -> units.Unit:
    """A tiling child whose label point no exclusive grid covers (a click there hits the child)."""
    with db.transaction() as cur:
        cur.execute(
            """SELECT u.code FROM units u LEFT JOIN unit_stats s ON s.unit_id = u.id
                        WHERE u.parent_id = %s AND u.kind <> 'exclusive'
                          AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                           AND ST_Intersects(e.geom, u.label_point))
                        ORDER BY coalesce(s.open_cases, 0) DESC, u.code LIMIT 1""",
            (parent.id,),
        )
        return units.by_code(db, cur.fetchone()[0])


def _label_point(db, unit: units.Unit) -> tuple[float, float]:
    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE id = %s", (unit.id,))
        return cur.fetchone()


def _shown(driver, db, unit: units.Unit) -> None:
    """Wait until the page shows ``unit``: its URL, breadcrumb, and a map of its children."""
    kids = units.children(db, unit)
    tiling = sorted(i for i, k in zip(kids["id"], kids["kind"]) if k != "exclusive") or [unit.id]
    expected = json.dumps(tiling, separators=(",", ":"))
    _wait(driver, f"return window.location.pathname === '/unit/{unit.code}';")
    _wait(
        driver,
        f"var c = document.querySelector('#{ids.UNIT_CRUMBS} .crumb.current');"
        f"return c && c.textContent.endsWith({json.dumps(unit.name)});",
    )
    _wait(
        driver,
        f"var g = document.querySelector('{GRAPH}'); return g && g.data && g.data.length > 0 && "
        f"JSON.stringify(g.data[0].locations.slice().sort((a, b) => a - b)) === '{expected}'"
        " && g.querySelector('canvas.maplibregl-canvas') !== null;",
    )


def _click_unit(driver, db, unit: units.Unit) -> None:
    """A real mouse click on the map, at the unit's label point projected to the screen."""
    lon, lat = _label_point(db, unit)
    x, y, w, h = driver.execute_script(
        f"var m = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map;"
        f"var p = m.project([{lon}, {lat}]); var r = m.getCanvas().getBoundingClientRect();"
        "return [p.x, p.y, r.width, r.height];"
    )
    assert 0 < x < w and 0 < y < h, f"{unit.name} is off the map ({x:.0f}, {y:.0f})"
    canvas = driver.find_element(By.CSS_SELECTOR, f"{GRAPH} canvas.maplibregl-canvas")
    ActionChains(driver).move_to_element_with_offset(canvas, int(x - w / 2), int(y - h / 2)).pause(
        0.3
    ).click().perform()


def _crumb(driver, level_name: str) -> None:
    driver.execute_script(
        f"Array.from(document.querySelectorAll('#{ids.UNIT_CRUMBS} a.crumb'))"
        f".find(a => a.textContent.endsWith({json.dumps(level_name)})).click();"
    )


def _shot(driver, name: str) -> None:
    time.sleep(1.5)  # let MapLibre finish drawing
    driver.save_screenshot(str(ARTIFACTS / f"unit-{name}.png"))


def test_click_down_to_a_grid_then_back_up(server, db, browser):
    district = units.by_code(db, units.root_code(db))
    street = _clickable(db, district)
    community = _clickable(db, street)
    grid = _clickable(db, community)

    browser.get(f"{server}/unit/{district.code}")
    _shown(browser, db, district)
    _shot(browser, "district")
    for child, name in ((street, "street"), (community, "community"), (grid, "grid")):
        _click_unit(browser, db, child)
        _shown(browser, db, child)
        _shot(browser, name)
    # Grid level: the grid worker, population and households, its case list and its checkpoints.
    info = browser.find_element(By.ID, ids.UNIT_INFO).text
    assert "网格员" in info and grid.manager in info and f"{grid.population:,}" in info
    assert f"{grid.households:,}" in info
    cases = drilldown.grid_cases(db, grid)
    rows = browser.execute_script("return Array.from(document.querySelectorAll('tr[id^=\"case-\"]')).map(r => r.id);")
    assert rows == [f"case-{i}" for i in cases["id"]] and rows
    assert "本网格创文点位" in browser.find_element(By.ID, ids.UNIT_CHECKPOINTS).text

    browser.back()
    _shown(browser, db, community)
    browser.forward()
    _shown(browser, db, grid)
    for unit in (community, street, district):
        _crumb(browser, unit.name)
        _shown(browser, db, unit)
    browser.back()  # breadcrumb links are history entries too
    _shown(browser, db, street)
    browser.refresh()
    _shown(browser, db, street)
    assert browser.execute_script("return window.location.pathname;") == f"/unit/{street.code}"
    ranked = browser.execute_script(f"return document.getElementById('{ids.UNIT_RANKING}').innerText;")
    assert "红旗" in ranked and "黑旗" in ranked and community.name in ranked


def _card_texts(driver) -> dict[str, tuple[str, str]]:
    return {
        k: tuple(v)
        for k, v in driver.execute_script(
            "var out = {}; document.querySelectorAll('.unit-kpis .kpi-card').forEach(c => {"
            "out[c.id] = [c.querySelector('.kpi-value').textContent, c.querySelector('.kpi-sub').textContent]; });"
            "return out;"
        ).items()
    }


def _expected_cards(db, unit: units.Unit) -> dict[str, tuple[str, str]]:
    values = kpis.unit_kpis(db, unit)
    return {
        f"unit-kpi-{k.key}": (
            value_text(k, values[k.key].value),
            f"{values[k.key].num:,}/{values[k.key].den:,}" if k.kind == "rate" and values[k.key].den else "",
        )
        for k in kpis.KPIS
    }


def test_kpi_cards_show_the_kpi_module_and_overdue_cases_link_to_their_row(server, db, browser):
    district = units.by_code(db, units.root_code(db))
    street = _clickable(db, district)
    browser.get(f"{server}/unit/{street.code}")
    _shown(browser, db, street)
    # The module's values are read before and after the page, so a deadline passing meanwhile
    # cannot make the comparison flaky: when both agree, the page must show exactly them.
    for _ in range(5):
        before = _expected_cards(db, street)
        shown = _card_texts(browser)
        if before == _expected_cards(db, street):
            break
    assert set(shown) == {f"unit-kpi-{k.key}" for k in kpis.KPIS}
    assert shown == before
    assert int(shown["unit-kpi-open"][0].replace(",", "")) > 0
    # The on-time card states its definition on hover: the standard base (应结案数).
    hover = browser.find_element(By.ID, "unit-kpi-on_time_rate").get_attribute("title")
    assert "按期结案数 ÷ 应结案数" in hover and "超期未结" in hover

    first = drilldown.overdue_cases(db, street)
    link = browser.find_element(By.CSS_SELECTOR, f"#{ids.UNIT_OVERDUE} a.case-link")
    assert link.get_attribute("href").endswith(f"/unit/{first['unit_code'][0]}#case-{first['id'][0]}")
    link.click()
    _shown(browser, db, units.by_code(db, first["unit_code"][0]))
    _wait(
        browser, f"var r = document.getElementById('case-{first['id'][0]}');return r && r.classList.contains('target');"
    )
    _shot(browser, "overdue-case")


@pytest.mark.parametrize("path", ["/unit/NOPE404", "/unit/%3Cscript%3E"])
def test_unknown_or_malformed_code_says_unit_not_found(server, http, db, browser, path):
    assert http.get(server + path, timeout=10).status_code == 200
    browser.get(server + path)
    _wait(browser, "var m = document.querySelector('.unit-missing'); return m && m.textContent.includes('单元不存在');")
    back = browser.find_element(By.CSS_SELECTOR, ".unit-missing a")
    assert back.get_attribute("href").endswith(f"/unit/{units.root_code(db)}")
    assert not browser.find_element(By.ID, ids.UNIT_VIEW).is_displayed()
    if "script" in path:
        _shot(browser, "missing")
