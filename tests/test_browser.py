"""Headless Chromium against the served app: the map renders with all four layers, and a case
inserted with SQL recolours its grid within one refresh."""

from __future__ import annotations

import time

import pytest

import ids
from layers.registry import trace_slots
from tests.conftest import ARTIFACTS
from tests.test_refresh import _empty_grid, _insert_open_case

pytestmark = pytest.mark.browser
GRAPH = f"#{ids.MAP} .js-plotly-plot"


def _wait(driver, script: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for: {script}")


def test_onemap_renders_and_recolours_a_grid(server, db, browser):
    browser.get(server + "/")
    n_traces = sum(len(r) for r in trace_slots().values())
    _wait(browser, f"var g = document.querySelector('{GRAPH}'); return g && g.data && g.data.length === {n_traces};")
    # MapLibre drew into its WebGL canvas (the map actually rendered, not just the DOM).
    _wait(browser, f"return document.querySelectorAll('{GRAPH} canvas.maplibregl-canvas').length > 0;")
    time.sleep(2)
    labels = browser.execute_script(
        f"return Array.from(document.querySelectorAll('#{ids.LAYER_TOGGLES} label')).map(l => l.textContent);"
    )
    assert {"网格", "社区", "摄像头", "创文点位"} <= set(labels)
    visible = browser.execute_script(f"return document.querySelector('{GRAPH}').data.map(t => t.visible);")
    assert all(visible)
    browser.save_screenshot(str(ARTIFACTS / "onemap.png"))

    grid_slot = trace_slots()["grids"][0]
    grid_id, lon, lat = _empty_grid(db)
    position = browser.execute_script(
        f"return document.querySelector('{GRAPH}').data[{grid_slot}].locations.indexOf({grid_id});"
    )
    assert position >= 0
    assert browser.execute_script(f"return document.querySelector('{GRAPH}').data[{grid_slot}].z[{position}];") == 0
    _insert_open_case(db, lon, lat, "T-BROWSER-1")
    # Refresh is 1 s in the test server: the colour class must move within a few ticks.
    _wait(browser, f"return document.querySelector('{GRAPH}').data[{grid_slot}].z[{position}] === 1;", timeout=10)
    browser.save_screenshot(str(ARTIFACTS / "onemap-after-insert.png"))


def test_layer_toggle_hides_a_layer(server, browser):
    browser.get(server + "/")
    n_traces = sum(len(r) for r in trace_slots().values())
    _wait(browser, f"var g = document.querySelector('{GRAPH}'); return g && g.data && g.data.length === {n_traces};")
    slot = trace_slots()["cameras"][0]
    browser.execute_script(
        f"Array.from(document.querySelectorAll('#{ids.LAYER_TOGGLES} label'))"
        ".find(l => l.textContent === '摄像头').querySelector('input').click();"
    )
    _wait(browser, f"return document.querySelector('{GRAPH}').data[{slot}].visible === false;", timeout=20)
