"""The whole command loop in headless Chromium, from the grid worker's phone to the citizen's rating:

gridworker reports on /m (375×812, geolocation emulated, a photo from the "camera") → dispatcher
dispatches on /work → dept_cgj accepts and answers with an after photo → verifier fails the check
(返工) → the department answers again → verifier passes it → the citizen rates 5 through the
one-time link → dispatcher closes. A second browser keeps the street's wall open: it shows the new
case, its department and its closing within one refresh each. The timeline names every real user.
"""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ARTIFACTS
from tests.photo_files import jpeg
from tests.signin import browser as sign_in
from tests.test_browser import _wait
from tests.test_work_browser import _act, _as, _open

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
WALL = {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}


def _grid_point(db) -> tuple[float, float, str]:
    """A point inside the demo grid worker's grid, and the code of its street."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT ST_X(p), ST_Y(p), s.code FROM (SELECT ST_PointOnSurface(g.geom) AS p, g.street_id "
            "FROM units g JOIN users u ON u.scope_code = g.code WHERE u.username = 'gridworker') x "
            "JOIN units s ON s.id = x.street_id"
        )
        return cur.fetchone()


OPEN_IS = "return document.querySelector('#wall-kpi-open .kpi-value').textContent.replace(',', '') == %d;"


def _kpi(driver, key: str) -> int:
    text = driver.execute_script(f"return document.querySelector('#wall-kpi-{key} .kpi-value').textContent;")
    return int(text.replace(",", ""))


def _ticker(driver, case_id: int) -> str | None:
    return driver.execute_script(
        f"var e = document.querySelector('.ticker-item[data-case=\"{case_id}\"]'); return e && e.textContent;"
    )


def test_the_loop_runs_from_the_phone_to_the_citizens_rating(server, db, anon_browser, api_key, tmp_path):
    from tests.browser import chrome

    lon, lat, street = _grid_point(db)
    photo = tmp_path / "scene.jpg"
    photo.write_bytes(jpeg(1600, 1200, colour=(90, 120, 60), gps=(lon, lat)))
    after = tmp_path / "after.jpg"
    after.write_bytes(jpeg(1200, 900, colour=(40, 140, 200)))

    wall = chrome()
    try:
        wall.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", WALL)
        sign_in(wall, server, "district")
        wall.get(f"{server}/wall?unit={street}&refresh=1")
        _wait(wall, "return document.querySelectorAll('.kpi-card').length === 9;", timeout=30)
        open_before = _kpi(wall, "open")

        # 1. The grid worker reports on the phone: category, photo, place from geolocation.
        phone = anon_browser
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        phone.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": ["geolocation"]})
        phone.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": lat, "longitude": lon, "accuracy": 8})
        sign_in(phone, server, "gridworker")
        phone.get(f"{server}/m")
        _wait(phone, "return document.getElementById('m-place').classList.contains('ok');", timeout=20)
        phone.execute_script("document.getElementById('m-category').value = '0101';")  # 暴露垃圾, 城市管理局's
        phone.find_element("id", "m-photo").send_keys(str(photo))
        phone.find_element("id", "m-description").send_keys("小区东门暴露垃圾堆积")
        phone.save_screenshot(str(ARTIFACTS / "m-report-375.png"))
        phone.find_element("id", "m-submit").click()
        _wait(phone, "return location.pathname === '/m/mine' && document.querySelector('.done') !== null;")
        case_id = int(phone.execute_script("return new URLSearchParams(location.search).get('done');"))
        phone.save_screenshot(str(ARTIFACTS / "m-mine-375.png"))
        with db.transaction() as cur:
            cur.execute("SELECT source, status, ST_X(geom), ST_Y(geom) FROM cases WHERE id = %s", (case_id,))
            source, status, x, y = cur.fetchone()
            cur.execute("SELECT stage, ST_X(place_hint) FROM case_photos WHERE case_id = %s", (case_id,))
            assert cur.fetchall() == [("report", pytest.approx(lon, abs=1e-4))]
        assert (source, status) == ("patrol", "reported")
        assert (x, y) == (pytest.approx(lon, abs=1e-6), pytest.approx(lat, abs=1e-6))
        _wait(wall, f"return document.querySelector('.ticker-item[data-case=\"{case_id}\"]') !== null;", timeout=15)
        _wait(
            wall,
            OPEN_IS % (open_before + 1),
        )

        # 2. The dispatcher dispatches it to 城市管理局.
        driver = phone
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", WALL)
        _as(driver, server, "dispatcher")
        _open(driver, "to_dispatch", case_id)
        assert driver.execute_script("return document.querySelectorAll('.work-photos img').length;") == 1
        assert "已派单" in _act(driver, "dispatch", words="网格吹哨，请城管局处置")
        driver.save_screenshot(str(ARTIFACTS / "work-dispatcher-loop.png"))
        _wait(
            wall,
            f"var e = document.querySelector('.ticker-item[data-case=\"{case_id}\"]'); "
            "return e && e.textContent.includes('城市管理局');",
            timeout=15,
        )

        # 3. The department accepts, sends an after photo and answers.
        _as(driver, server, "dept_cgj")
        _open(driver, "to_accept", case_id)
        assert "已签收" in _act(driver, "accept")
        _open(driver, "in_progress", case_id)
        driver.find_element("css selector", "#work-upload input[type=file]").send_keys(str(after))
        _wait(driver, "return document.getElementById('work-photo-message').textContent === '照片已保存';", timeout=20)
        _wait(driver, "return document.querySelectorAll('.work-photos img').length === 2;")
        assert "已办结" in _act(driver, "resolve", words="已清运")
        driver.save_screenshot(str(ARTIFACTS / "work-department-loop.png"))

        # 4. The verifier fails the check: back to the department as rework.
        _as(driver, server, "verifier")
        _open(driver, "to_verify", case_id)
        assert "已签收" in _act(driver, "verify", words="现场仍有垃圾", label="不通过（返工）")
        driver.save_screenshot(str(ARTIFACTS / "work-verifier-loop.png"))

        # 5. The department answers again; the verifier passes it.
        _as(driver, server, "dept_cgj")
        _open(driver, "in_progress", case_id)
        assert "已办结" in _act(driver, "resolve", words="已彻底清运并冲洗")
        _as(driver, server, "verifier")
        _open(driver, "to_verify", case_id)
        assert "已办结" in _act(driver, "verify", label="通过")

        # 6. The hotline's SMS gateway asks for the rating link; the citizen rates 5, once.
        made = requests.post(f"{server}/api/v1/cases/{case_id}/rating-link", headers={"X-API-Key": api_key}, timeout=20)
        assert made.status_code == 201, made.text
        link = made.json()["url"]
        driver.delete_all_cookies()
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        driver.get(link)
        _wait(driver, "return document.getElementById('rate-form') !== null;")
        driver.save_screenshot(str(ARTIFACTS / "rate-375.png"))
        driver.execute_script("document.querySelector('input[name=satisfaction][value=\"5\"]').click();")
        driver.find_element("name", "comment").send_keys("处理及时，满意")
        driver.find_element("css selector", "#rate-form button").click()
        _wait(driver, "return document.body.textContent.includes('感谢您的评价');")
        driver.get(link)
        _wait(driver, "return document.body.textContent.includes('该评价链接已使用过');")

        # 7. The dispatcher closes it; the wall's open count comes back.
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", WALL)
        _as(driver, server, "dispatcher")
        _open(driver, "to_close", case_id)
        assert "已核验" in _act(driver, "close")
        _wait(
            wall,
            OPEN_IS % open_before,
            timeout=15,
        )
    finally:
        wall.quit()

    with db.transaction() as cur:
        cur.execute(
            "SELECT coalesce(action, to_status), actor FROM case_events WHERE case_id = %s ORDER BY id", (case_id,)
        )
        steps = cur.fetchall()
        cur.execute("SELECT status, rework_count, satisfaction FROM cases WHERE id = %s", (case_id,))
        assert cur.fetchone() == ("closed", 1, 5)
    assert steps == [
        ("reported", "gridworker"),
        ("dispatch", "dispatcher"),
        ("accept", "dept_cgj"),
        ("resolve", "dept_cgj"),
        ("verify", "verifier"),
        ("resolve", "dept_cgj"),
        ("verify", "verifier"),
        ("rate", "群众"),
        ("close", "dispatcher"),
    ]
    sign_in(driver, server, "district")
    driver.get(f"{server}/case/{case_id}")
    text = _wait(driver, "var t = document.querySelector('.timeline'); return t && t.textContent;")
    for name in ("网格员", "城运中心值班员", "城市管理局承办人", "街道党工委督查", "群众"):
        assert name in text
    assert driver.execute_script("return document.querySelectorAll('.case-photos img').length;") == 2
