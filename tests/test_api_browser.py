"""Live updates: a case taken in through the API shows on an open wall within one refresh."""

from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import ARTIFACTS
from tests.test_browser import _wait
from tests.test_wall import _street_with_empty_grid
from tests.test_wall_browser import GRAPH, READY

pytestmark = pytest.mark.browser


def test_a_case_created_through_the_api_shows_on_the_open_wall(server, db, api_key, browser):
    code, grid_id, lon, lat = _street_with_empty_grid(db)
    browser.get(f"{server}/wall?unit={code}&refresh=1")
    _wait(browser, READY)
    position = browser.execute_script(f"return document.querySelector('{GRAPH}').data[0].locations.indexOf({grid_id});")
    assert browser.execute_script(f"return document.querySelector('{GRAPH}').data[0].z[{position}];") == 0
    body = {"external_id": "T-API-WALL", "category": "0101", "lon": lon, "lat": lat, "description": "API 接入测试"}
    r = requests.post(
        f"{server}/api/v1/cases",
        data=json.dumps(body),
        timeout=10,
        headers={"Content-Type": "application/json", "X-API-Key": api_key},
    )
    assert r.status_code == 201, r.text
    case_id = r.json()["case"]["id"]
    # One refresh is 1 s here; allow a few on a loaded machine with software WebGL.
    _wait(browser, f"return document.querySelector('.ticker-item[data-case=\"{case_id}\"]') !== null;", timeout=15)
    _wait(browser, f"return document.querySelector('{GRAPH}').data[0].z[{position}] === 1;", timeout=5)
    browser.save_screenshot(str(ARTIFACTS / "wall-after-api-create.png"))
