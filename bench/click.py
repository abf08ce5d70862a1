"""A drill-down click as a person sees it (issue 4: "a click renders in ≤ 1 s"): headless Chromium
against the production server (uWSGI), from the mouse click on a unit's name in the ranking until
the map has drawn the new unit with every source loaded (Plotly's ``plotly_afterplot``) and both charts have drawn too.
Dash applies the cards and tables in the same render, before any of them.

Each round opens the top of the territory and clicks down to a grid (a district → street →
community → grid; the whole territory first when several districts share the top), always the
first ranked child, without reloading in between, as a leader would.
"""

from __future__ import annotations

import shutil
import statistics
import time
from typing import Any

from bench.measure import BENCH_CASE, BENCH_CASES_GONE
from bench.server import app_server, free_port
from geodata import units
from geodata.db import Database

GRAPH = "#unit-map .js-plotly-plot"
GRAPHS = ("unit-map", "unit-trend", "unit-categories")
# Arm on the page once: the time of each click (capture phase, before Dash sees it) and of each
# graph's latest afterplot. A click is drawn when the map has drawn after it (every source loaded,
# and its first painted frame: assets/unit.js) and so have both charts.
ARM = f"""
window.gridopsDrawn = {{}};
document.addEventListener('click', () => {{ window.gridopsClickAt = performance.now(); }}, true);
for (const id of {list(GRAPHS)!r}) {{
  document.querySelector('#' + id + ' .js-plotly-plot')
    .on('plotly_afterplot', () => {{ window.gridopsDrawn[id] = performance.now(); }});
}}
"""
# After the map has drawn: [click → last graph drawn, click → last Dash response received].
DRAWN = f"""
const at = window.gridopsClickAt;
const drawn = {list(GRAPHS)!r}.map(id => window.gridopsDrawn[id] || 0);
const hold = document.querySelector('{GRAPH}')._fullLayout.map._subplot.map.painter.gridopsHold;
if (hold && hold.drawnAt > at) drawn.push(hold.drawnAt);  // the map's first frame (assets/unit.js)
if (!at || drawn[0] < at) return null;
const answered = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('_dash-update-component') && e.startTime > at).map(e => e.responseEnd - at);
return [Math.max(...drawn) - at, Math.max(0, ...answered)];
"""
READY = f"""
const gd = document.querySelector('{GRAPH}');
const map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
const cell = document.querySelector('#unit-ranking td[data-dash-column=name]');
return !!(map && map.map.loaded() && gd.data.length && location.pathname === arguments[0]
          && (arguments[1] || cell));
"""


def _wait(driver, script: str, *args: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if driver.execute_script(script, *args):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the drill-down page did not get ready within {timeout:.0f} s ({args[0]})")


def _clicks(driver, base: str, root: str, levels: tuple[str, ...], rounds: int, moved) -> list[list[float]]:
    from selenium.webdriver.common.by import By

    times: list[list[float]] = []
    for _ in range(rounds):
        driver.get(f"{base}/unit/{root}")
        _wait(driver, READY, f"/unit/{root}", False, timeout=60)
        time.sleep(1.5)  # let the first paint settle
        driver.execute_script(ARM)
        for level in levels:
            path = driver.execute_script("return location.pathname;")
            row = driver.find_element(By.CSS_SELECTOR, "#unit-ranking td[data-dash-column=name]")
            moved()  # a case arrives first: each round's click is computed, not the last round's answer
            row.click()
            _wait(driver, f"return location.pathname !== arguments[0] && (() => {{{DRAWN}}})() !== null;", path)
            _wait(driver, READY, driver.execute_script("return location.pathname;"), level == "grid")
            time.sleep(1.0)  # idle between clicks, as a person reads the view (and the charts finish)
            times.append(driver.execute_script(DRAWN))
    return times


def _new_case(db: Database) -> None:

    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' LIMIT 1")
        lon, lat = cur.fetchone()
        cur.execute(BENCH_CASE, (f"BENCH-CLICK-{time.time_ns()}", lon, lat))


def measure(db: Database, rounds: int = 3) -> dict[str, Any]:
    """Median and slowest click → drawn (and each level's clicks), over ``rounds`` rounds of clicks from
    the top of the territory down to a grid, as admin."""
    from tests.browser import CHROMEDRIVER, CHROMIUM, chrome
    from tests.signin import browser as sign_in

    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        return {"drilldown_click_browser_ms": "chromium missing: run 'make system'"}
    top = units.by_code(db, units.root_code(db))
    below = units.LEVELS[units.LEVELS.index(top.below) :]  # the levels clicked down to a grid
    levels = below[: below.index("grid") + 1]
    port = free_port()
    proc = app_server(port)
    driver = None
    try:
        driver = chrome()
        base = f"http://127.0.0.1:{port}"
        sign_in(driver, base, "admin")  # the whole territory at every scale
        times = _clicks(driver, base, top.code, levels, rounds, lambda: _new_case(db))
    finally:
        with db.transaction() as cur:
            cur.execute(BENCH_CASES_GONE, ("BENCH-CLICK-%",))
        if driver is not None:
            driver.quit()
        proc.terminate()
        proc.wait(timeout=20)
    drawn = [t[0] for t in times]
    step = len(levels)
    return {
        "drilldown_click_browser_ms": round(statistics.median(drawn)),
        "drilldown_click_browser_max_ms": round(max(drawn)),
        "drilldown_click_browser_by_level_ms": {
            lv: [round(ms) for ms in drawn[i::step]] for i, lv in enumerate(levels)
        },
        "drilldown_click_browser_answered_ms": round(statistics.median(t[1] for t in times)),
        "drilldown_click_browser": f"{len(times)} clicks, {top.code} → {' → '.join(levels)}, headless Chromium "
        "(software WebGL), click → map and both charts drawn",
    }
