"""The push stream in headless Chromium: a wall whose interval is slow (30 s) shows a case created
through the API within two seconds, because the stream fired its refresh; while the stream is open
the interval ticks once a minute, and when the stream is lost it goes back to the page's own."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests

from tests import signin
from tests.conftest import ARTIFACTS, SUMMARY, TEST_SECRET
from tests.server import serve

REFRESH_S = 30
# Each case on the wall the moment it first appears (Date.now()), from a mutation observer.
WATCH = """
window.pushSeen = {};
const note = () => document.querySelectorAll('.wall [data-case]').forEach(el => {
  const id = el.getAttribute('data-case');
  if (!(id in window.pushSeen)) { window.pushSeen[id] = Date.now(); }
});
note();
new MutationObserver(note).observe(document.body, {childList: true, subtree: true});
"""
INTERVAL = "(window.dash_component_api.getLayout('wall-tick') || {props: {}}).props.interval"


@pytest.fixture(scope="module")
def slow_server(loaded) -> Iterator[str]:
    """The app and its events server, with an interval too slow to show a change within seconds."""
    proc, url = serve({"GRIDOPS_REFRESH_SECONDS": str(REFRESH_S), "GRIDOPS_SECRET_KEY": TEST_SECRET})
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _wait(driver, script: str, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    driver.save_screenshot(str(ARTIFACTS / "push-wall.png"))
    raise AssertionError(f"{what} within {timeout:.0f} s")


def _point(db) -> tuple[float, float]:
    with db.transaction() as cur:
        cur.execute(
            """SELECT ST_X(g.label_point), ST_Y(g.label_point) FROM units g
                WHERE g.level = 'grid' AND g.kind <> 'exclusive'
                  AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                   AND ST_Intersects(e.geom, g.label_point))
                ORDER BY g.id DESC LIMIT 1"""
        )
        return cur.fetchone()


@pytest.mark.browser
def test_a_new_case_is_on_a_slow_wall_within_two_seconds(slow_server, anon_browser, db, api_key, settings):
    from geodata.ops.cluster import Cluster
    from geodata.roles import SUPERUSER

    driver = anon_browser
    signin.browser(driver, slow_server)
    driver.get(f"{slow_server}/wall")
    _wait(driver, "return document.querySelectorAll('.wall [data-case]').length > 0", 40, "the wall drew no case")
    _wait(driver, "return window.gridopsPush && window.gridopsPush.connected", 20, "the stream did not open")
    assert _wait(driver, f"return ({INTERVAL}) === 60000", 5, "the interval was not slowed")
    time.sleep(1.5)  # the refresh the opening stream fired
    driver.execute_script(WATCH)
    lon, lat = _point(db)
    latencies = []
    for _ in range(3):
        body = {"external_id": f"T-PUSHB-{uuid.uuid4().hex[:12]}", "category": "0103", "lon": lon, "lat": lat}
        created_at = time.time() * 1000
        answer = requests.post(f"{slow_server}/api/v1/cases", json=body, headers={"X-API-Key": api_key}, timeout=20)
        assert answer.status_code == 201, answer.text
        case = answer.json()["case"]["id"]
        seen = _wait(driver, f"return window.pushSeen['{case}'];", 10, f"case {case} did not appear on the wall")
        latencies.append(seen - created_at)
        time.sleep(1.2)
    figures = f"push: create → on a wall with a {REFRESH_S} s interval: {[round(ms) for ms in latencies]} ms"
    SUMMARY.append(figures)
    assert max(latencies) < 2000, figures

    # The stream is lost (its LISTEN connection killed): the interval goes back to the page's own,
    # then a fresh ticket opens the stream again and the interval is slow once more.
    events_url = _wait(driver, "return window.gridopsPush.url;", 5, "the page knows no stream address")
    name = f"gridops events :{urlsplit(events_url).port}"
    dsn = settings.admin_dsn() if settings.database_url else Cluster(settings).dsn(SUPERUSER)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,))
    conn.close()
    assert _wait(driver, f"return ({INTERVAL}) === {REFRESH_S * 1000};", 10, "the interval did not come back")
    assert _wait(driver, f"return ({INTERVAL}) === 60000;", 20, "the stream did not open again")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("user", "path", "tick"),
    [("admin", "/", "onemap-tick"), ("district", "/unit/", "unit-tick"), ("dept_cgj", "/work", "work-tick")],
)
def test_every_live_page_is_driven_by_the_stream(slow_server, anon_browser, db, admin_dsn_, user, path, tick):
    driver = anon_browser
    if path == "/unit/":
        with db.transaction() as cur:
            cur.execute("SELECT scope_code FROM users WHERE username = 'district'")
            path += cur.fetchone()[0]
    signin.browser(driver, slow_server, user)
    driver.get(slow_server + path)
    interval = f"return (window.dash_component_api.getLayout('{tick}') || {{props: {{}}}}).props.interval;"
    _wait(driver, "return window.gridopsPush && window.gridopsPush.connected", 30, f"{path}: the stream did not open")
    assert _wait(driver, f"{interval.removesuffix(';')} === 60000;", 5, f"{path}: the interval was not slowed")
    time.sleep(2)  # the refresh the opening stream fired
    fired = driver.execute_script("return window.gridopsPush.fired;")
    driver.execute_script("performance.clearResourceTimings();")
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("UPDATE checkpoints SET geom = geom WHERE false")  # a topic every scope hears
    conn.close()
    _wait(driver, f"return window.gridopsPush.fired > {fired};", 3, f"{path}: the change fired no refresh")
    asked = "return performance.getEntriesByType('resource').some(e => e.name.includes('_dash-update-component'));"
    assert _wait(driver, asked, 3, f"{path}: the fired tick asked the server nothing")
