"""Headless Chromium on the analyst workbench: filters on each layer (set through the controls
and through a shared URL) give the table total an independent SQL count gives; the URL follows
the controls; a box and a lasso drawn with the mouse and a checkpoint clicked on the map become
the question; a table row focuses the map; the HTML export opens and shows its layers."""

from __future__ import annotations

import itertools
import re
import time

import psycopg2
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import ids
from tests.conftest import ARTIFACTS
from tests.test_browser import _wait

pytestmark = pytest.mark.browser


def _sql_count(admin_dsn_: str, text: str) -> int:
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(text)
        return int(cur.fetchone()[0])


def _total(driver, expected: int, timeout: float = 30) -> int:
    """The table's total once it reads ``expected`` (or whatever it reads at the timeout)."""
    deadline = time.monotonic() + timeout
    seen = None
    while time.monotonic() < deadline:
        text = driver.execute_script(f"const e = document.getElementById('{ids.AN_TOTAL}'); return e && e.textContent")
        digits = re.sub(r"[^0-9]", "", text or "")
        seen = int(digits) if digits else None
        if seen == expected:
            return seen
        time.sleep(0.25)
    return seen


def _check(driver, selector: str) -> None:
    driver.find_element(By.CSS_SELECTOR, selector).click()


def _type(driver, component_id: str, value: str) -> None:
    box = driver.find_element(By.CSS_SELECTOR, f"input#{component_id}, #{component_id} input")
    box.clear()
    box.send_keys(value, Keys.ENTER)


def test_filters_on_every_layer_match_sql_and_the_url_follows(server, browser, admin_dsn_):
    open_cases = "status IN ('reported', 'dispatched', 'accepted', 'returned')"
    browser.get(server + "/analyst")
    total = _sql_count(admin_dsn_, "SELECT count(*) FROM cases")
    assert _total(browser, total) == total
    # Cases: overdue only (a checkbox), then a category group from a shared URL.
    _check(browser, f"#{ids.AN_OVERDUE} input[type=checkbox]")
    overdue = _sql_count(admin_dsn_, f"SELECT count(*) FROM cases WHERE {open_cases} AND deadline_at < now()")
    assert _total(browser, overdue) == overdue
    assert "cases.overdue=1" in browser.execute_script("return window.location.search")
    browser.get(server + "/analyst?layer=cases&cases.category=05&cases.source=hotline")
    street_order = _sql_count(
        admin_dsn_, "SELECT count(*) FROM cases WHERE category_code LIKE '05%' AND source = 'hotline'"
    )
    assert _total(browser, street_order) == street_order
    # Checkpoints: compliance below 80 % (a number box).
    browser.get(server + "/analyst?layer=checkpoints")
    _total(browser, _sql_count(admin_dsn_, "SELECT count(*) FROM checkpoints"))
    _type(browser, ids.AN_BELOW, "80")
    below = _sql_count(
        admin_dsn_,
        """WITH l AS (SELECT DISTINCT ON (checkpoint_id) id, checkpoint_id FROM inspections
                                                 ORDER BY checkpoint_id, inspected_at DESC)
        SELECT count(*) FROM (SELECT l.checkpoint_id FROM l JOIN inspection_results r ON r.inspection_id = l.id
                              GROUP BY 1 HAVING 100.0 * avg(r.passed::int) < 80) x""",
    )
    assert _total(browser, below) == below
    assert "checkpoints.below=80" in browser.execute_script("return window.location.search")
    # Cameras: offline (a checkbox).
    browser.get(server + "/analyst?layer=cameras")
    _total(browser, _sql_count(admin_dsn_, "SELECT count(*) FROM cameras"))
    _check(browser, f"#{ids.AN_CAM_STATUS} input[value=offline]")
    offline = _sql_count(admin_dsn_, "SELECT count(*) FROM cameras WHERE status = 'offline'")
    assert _total(browser, offline) == offline
    # Grids: open cases ≥ 5 (a number box).
    browser.get(server + "/analyst?layer=grids")
    _total(browser, _sql_count(admin_dsn_, "SELECT count(*) FROM units WHERE level = 'grid'"))
    _type(browser, ids.AN_MIN_OPEN, "5")
    busy = _sql_count(
        admin_dsn_,
        "SELECT count(*) FROM units u JOIN unit_stats s ON s.unit_id = u.id "
        "WHERE u.level = 'grid' AND s.open_cases >= 5",
    )
    assert _total(browser, busy) == busy
    browser.save_screenshot(str(ARTIFACTS / "analyst-grids.png"))


def test_a_bad_url_says_what_is_wrong_and_a_row_focuses_the_map(server, browser, admin_dsn_):
    browser.get(server + "/analyst?layer=cases&cases.status=pending&cases.overdue=1")
    errors = _wait(browser, f"const e = document.getElementById('{ids.AN_ERRORS}'); return e && e.textContent")
    assert "cases.status" in errors and "未知取值 pending；可用：" in errors  # said in Chinese
    overdue = _sql_count(
        admin_dsn_,
        "SELECT count(*) FROM cases WHERE status IN ('reported', 'dispatched', "
        "'accepted', 'returned') AND deadline_at < now()",
    )
    assert _total(browser, overdue) == overdue  # the valid part of the URL still applies
    graph = f"document.querySelector('#{ids.AN_MAP} .js-plotly-plot')"
    _wait(browser, f"const g = {graph}; return g && g._fullLayout && g._fullLayout.map && g.data.length > 3")
    before = browser.execute_script(f"return {graph}._fullLayout.map.zoom")
    cell = browser.find_element(By.CSS_SELECTOR, f"#{ids.AN_TABLE} td[data-dash-column=id]")
    lon, lat = browser.execute_script(
        "const t = arguments[0].closest('tr').querySelectorAll('td');"
        "const cols = [...t].map(td => td.getAttribute('data-dash-column'));"
        "return [parseFloat(t[cols.indexOf('lon')].textContent), parseFloat(t[cols.indexOf('lat')].textContent)];",
        cell,
    )
    cell.click()
    _wait(browser, f"return {graph}._fullLayout.map.zoom > {before} + 1")
    center = browser.execute_script(f"return {graph}._fullLayout.map.center")
    assert abs(center["lon"] - lon) < 1e-3 and abs(center["lat"] - lat) < 1e-3
    marker = browser.execute_script(f"const d = {graph}.data; return [d[d.length - 1].lon, d[d.length - 1].lat]")
    assert abs(marker[0][0] - lon) < 1e-5 and abs(marker[1][0] - lat) < 1e-5  # the row is marked on the map
    browser.save_screenshot(str(ARTIFACTS / "analyst-cases.png"))


def test_the_html_export_opens_and_shows_its_layers(server, http, anon_browser, tmp_path):
    response = http.get(
        f"{server}/analyst/export.html?layer=grids&show=grids,checkpoints&grids.min_open=3", timeout=120
    )
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    html = response.text
    assert not re.search(r"<(script|link)[^>]+(src|href)=", html), "standalone: no script or style is fetched"
    assert "L.map(" in html and "leaflet" in html
    path = tmp_path / "map.html"
    path.write_text(html, encoding="utf-8")
    anon_browser.get(path.as_uri())
    painted = _wait(
        anon_browser, "const n = document.querySelectorAll('path.leaflet-interactive').length;return n > 20 ? n : 0"
    )
    legend = anon_browser.find_element(By.ID, "legend").text
    assert "在办" in legend and "点位" in legend
    assert painted > 20
    anon_browser.save_screenshot(str(ARTIFACTS / "analyst-export-map.png"))


GRAPH = f"document.querySelector('#{ids.AN_MAP} .js-plotly-plot')"


def _map_ready(driver) -> None:
    _wait(driver, f"const g = {GRAPH}; return g && g._fullLayout && g._fullLayout.map && g.data.length > 3")
    # The browser has fitted the territory into the map's box (assets/mapfit.js).
    _wait(
        driver,
        f"const g = {GRAPH}; return g.dataset.fitZoom && Math.abs(g._fullLayout.map.zoom - g.dataset.fitZoom) < 0.01",
    )
    # No callback still on its way (a second drawing of the map would cancel a drag begun now).
    _wait(driver, "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0")
    time.sleep(1)  # MapLibre settles its first frame before it takes gestures


def _url_param(driver, name: str) -> str:
    return _wait(driver, f"return new URLSearchParams(window.location.search).get('{name}')")


def _drag(driver, tool: str, path: list[tuple[int, int]]) -> None:
    """Pick the modebar tool, then press, move through ``path`` (offsets from the map's centre) and release."""
    driver.find_element(By.CSS_SELECTOR, f"#{ids.AN_MAP} .modebar-btn[data-val='{tool}']").click()
    canvas = driver.find_element(By.CSS_SELECTOR, f"#{ids.AN_MAP} canvas.maplibregl-canvas")
    chain = ActionChains(driver).move_to_element_with_offset(canvas, *path[0]).click_and_hold()
    for (x0, y0), (x1, y1) in itertools.pairwise(path):
        chain = chain.move_by_offset(x1 - x0, y1 - y0)
    chain.release().perform()


def _selected(driver, tool: str, path: list[tuple[int, int]], param: str) -> str:
    """Drag with ``tool``, then the URL parameter the selection sets. A redraw that lands mid-gesture
    (a live update of the map) cancels the drag, as it would a user's, who drags again: so does
    this, once."""
    for attempt in (1, 2):
        _drag(driver, tool, path)
        try:
            script = f"return new URLSearchParams(window.location.search).get('{param}')"
            return _wait(driver, script, timeout=10 if attempt == 1 else 30)
        except AssertionError:
            if attempt == 2:
                raise
            _map_ready(driver)
    raise AssertionError("unreachable")


def test_a_box_a_lasso_and_a_picked_checkpoint_become_the_question(server, browser, admin_dsn_):
    browser.get(server + "/analyst?layer=cases")
    _map_ready(browser)
    box = [float(v) for v in _selected(browser, "select", [(-90, -60), (-40, -20), (90, 60)], "box").split(",")]
    envelope = "ST_MakeEnvelope({}, {}, {}, {}, 4326)".format(*box)
    in_box = _sql_count(admin_dsn_, f"SELECT count(*) FROM cases WHERE ST_Intersects(geom, {envelope})")
    assert 0 < in_box < _sql_count(admin_dsn_, "SELECT count(*) FROM cases")
    assert _total(browser, in_box) == in_box
    outline = _wait(browser, f"return {GRAPH}.data.find(t => t.name === 'area')")
    assert len(outline["lon"]) == 5  # the box is drawn on the map
    # A lasso replaces the box.
    lasso = _selected(browser, "lasso", [(-200, -100), (-50, -100), (0, 50), (-150, 70), (-190, -10)], "lasso")
    assert "box" not in browser.execute_script("return window.location.search")
    ring = [v.split(" ") for v in lasso.split(";")]
    wkt = ", ".join(f"{x} {y}" for x, y in [*ring, ring[0]])
    in_lasso = _sql_count(
        admin_dsn_,
        f"SELECT count(*) FROM cases WHERE ST_Intersects(geom, "
        f"ST_MakeValid(ST_GeomFromText('POLYGON(({wkt}))', 4326)))",
    )
    assert in_lasso > 0 and _total(browser, in_lasso) == in_lasso
    browser.save_screenshot(str(ARTIFACTS / "analyst-lasso.png"))
    # A checkpoint clicked on the map (the one nearest the map's centre), then a distance: the
    # cases within 200 m of it.
    browser.get(server + "/analyst?layer=cases&show=checkpoints")
    _map_ready(browser)
    picked, dx, dy = browser.execute_script(
        f"const g = {GRAPH}; const t = g.data.find(t => t.name === 'checkpoints');"
        "const m = g._fullLayout.map._subplot.map; const c = m.getCanvas(); let best = null;"
        "t.lon.forEach((lon, i) => { const p = m.project([lon, t.lat[i]]);"
        "  const dx = p.x - c.clientWidth / 2, dy = p.y - c.clientHeight / 2;"
        "  if (!best || dx * dx + dy * dy < best[3]) best = [t.customdata[i][1], dx, dy, dx * dx + dy * dy]; });"
        "return best.slice(0, 3);"
    )
    canvas = browser.find_element(By.CSS_SELECTOR, f"#{ids.AN_MAP} canvas.maplibregl-canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, round(dx), round(dy)).pause(0.5).click().perform()
    assert _url_param(browser, "cases.near_ids") == str(picked)
    _type(browser, ids.AN_NEAR_M, "200")
    near = _sql_count(
        admin_dsn_,
        f"SELECT count(*) FROM cases c, checkpoints p WHERE p.id = {int(picked)} "
        "AND ST_DWithin(c.geom::geography, p.geom::geography, 200)",
    )
    assert _total(browser, near) == near
    assert _url_param(browser, "cases.near_m") == "200"
    browser.save_screenshot(str(ARTIFACTS / "analyst-picked.png"))


def test_a_slow_map_query_says_so_with_a_retry_not_the_outage(server, browser, admin_dsn_):
    """A lock held elsewhere makes the map's checkpoint query run into the statement timeout: the
    map says 查询超时 with a retry, the table still answers, and nothing says the database is away;
    once the lock goes, the retry draws the map."""
    locker = psycopg2.connect(admin_dsn_)
    try:
        with locker.cursor() as cur:
            cur.execute("LOCK TABLE checkpoints IN ACCESS EXCLUSIVE MODE")
        browser.get(server + "/analyst?layer=cases&show=cases,checkpoints")
        note = _wait(
            browser,
            f"var n = document.querySelector('#{ids.AN_MAP_NOTE} .an-failed.read-timeout'); return n && n.innerText;",
            timeout=40,
        )
        assert "查询超时" in note
        assert browser.find_elements(By.CSS_SELECTOR, f"#{ids.AN_MAP_NOTE} .an-retry")
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "数据库暂不可用" not in text and "条" in browser.find_element(By.ID, ids.AN_TOTAL).text
        locker.rollback()
        browser.find_element(By.CSS_SELECTOR, f"#{ids.AN_MAP_NOTE} .an-retry").click()
        _map_ready(browser)
        assert not browser.find_elements(By.CSS_SELECTOR, f"#{ids.AN_MAP_NOTE} .an-failed")
    finally:
        locker.rollback()
        locker.close()


@pytest.fixture(scope="module")
def few_points_server(loaded):
    """The real app with the workbench drawing at most 1,000 points per layer (the demo has 20,000
    cases), as a city's workbench past its 20,000."""
    from tests.conftest import TEST_SECRET
    from tests.server import serve

    proc, url = serve({"GRIDOPS_SECRET_KEY": TEST_SECRET, "GRIDOPS_MAP_POINTS_MAX": "1000"})
    yield url
    proc.terminate()


def test_cases_past_the_point_cap_are_circles_per_community_and_a_click_opens_one(
    few_points_server, anon_browser, admin_dsn_
):
    """Every case is counted in a circle for its community, the note says so with the total, and
    a click on a circle makes that community the question: its cases drawn one by one."""
    from tests import signin

    browser = anon_browser
    signin.browser(browser, few_points_server, "admin")
    browser.get(few_points_server + "/analyst?layer=cases&show=cases")
    total = _sql_count(admin_dsn_, "SELECT count(*) FROM cases")
    assert _total(browser, total) == total
    circles = _wait(browser, f"const g = {GRAPH}; return g && g.data && g.data.find(t => t.name === 'case-counts')")
    assert not browser.execute_script(f"return {GRAPH}.data.some(t => t.name === 'cases' && t.lon.length)")
    per_community = {c[1]: c[3] for c in circles["customdata"]}
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("SELECT community_id, count(*) FROM cases WHERE community_id IS NOT NULL GROUP BY 1")
        assert per_community == dict(cur.fetchall())
    note = browser.find_element(By.ID, ids.AN_MAP_NOTE).text
    assert f"案件共 {total:,} 件" in note and "按社区汇总" in note
    browser.save_screenshot(str(ARTIFACTS / "analyst-per-community.png"))

    # The biggest circle of a community whose cases the map can draw one by one, clicked where the
    # map draws it.
    _map_ready(browser)
    fits = [i for i, c in enumerate(circles["customdata"]) if c[3] <= 1000]
    biggest = max(fits, key=lambda i: circles["customdata"][i][3])
    code, n = circles["customdata"][biggest][2:4]
    at = browser.execute_script(
        f"const g = {GRAPH}; const m = g._fullLayout.map._subplot.map; const c = m.getCanvas();"
        "const p = m.project([arguments[0], arguments[1]]);"
        "return [p.x - c.clientWidth / 2, p.y - c.clientHeight / 2];",
        circles["lon"][biggest],
        circles["lat"][biggest],
    )
    canvas = browser.find_element(By.CSS_SELECTOR, f"#{ids.AN_MAP} canvas.maplibregl-canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, round(at[0]), round(at[1])).pause(0.5).click().perform()
    assert _url_param(browser, "unit") == code
    assert _total(browser, n) == n
    points = _wait(
        browser, f"const t = {GRAPH}.data.find(t => t.name === 'cases'); return t && t.lon.length && t.lon.length"
    )
    assert points == n <= 1000  # one by one, every case of that community
