"""The upload page (/import) in headless Chromium: an administrator loads a Chinese GBK CSV of
cameras, reads the report (counts, reasons), downloads the rejected rows and finds the load in
the audit log; a junk file is refused with nothing written; other users may not load."""

from __future__ import annotations

import io

import pandas as pd
import psycopg2
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests import signin
from tests.conftest import ARTIFACTS
from tests.test_browser import _wait

pytestmark = pytest.mark.browser


def _count(dsn: str, query: str) -> int:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(query)
        return int(cur.fetchone()[0])


def _submit(driver, server: str, kind: str, path, crs: str = "", dry_run: bool = False) -> None:
    driver.get(server + "/import")
    _wait(driver, "return document.getElementById('im-file')")
    Select(driver.find_element(By.ID, "im-kind")).select_by_value(kind)
    driver.find_element(By.ID, "im-file").send_keys(str(path))
    driver.find_element(By.ID, "im-crs").send_keys(crs)
    if dry_run:
        driver.find_element(By.ID, "im-dry-run").click()
    driver.find_element(By.ID, "im-submit").click()
    try:
        _wait(driver, "return window.location.search.indexOf('run=') >= 0 && document.querySelector('.im-report')")
    except AssertionError:
        raise AssertionError(f"no report at {driver.current_url}: {driver.page_source[:600]}") from None


def test_an_administrator_loads_a_file_and_gets_its_rejected_rows(server, anon_browser, admin_dsn_, tmp_path):
    path = tmp_path / "摄像头.csv"
    path.write_bytes(
        (
            "设备编码,设备名称,设备类型,在线状态,经度(lon),纬度(lat)\n"
            "IMPTEST-1,东门,球机,在线,113.7800,34.7300\n"
            "IMPTEST-2,西门,枪机,离线,116.0,39.0\n"
            "IMPTEST-3,南门,飞碟,在线,113.781,34.731\n"
        ).encode("gbk")
    )
    signin.browser(anon_browser, server, "admin")
    try:
        _submit(anon_browser, server, "cameras", path, crs="EPSG:4326")
        counts = {k: anon_browser.find_element(By.ID, f"im-count-{k}").text for k in ("read", "loaded", "rejected")}
        assert counts == {"read": "3", "loaded": "1", "rejected": "2"}
        reasons = anon_browser.find_element(By.CSS_SELECTOR, "table.im-reasons").text
        assert "位于辖区之外" in reasons and "未知的摄像头类型 '飞碟'" in reasons  # said in Chinese on the Chinese page
        assert _count(admin_dsn_, "SELECT count(*) FROM cameras WHERE code LIKE 'IMPTEST-%'") == 1
        anon_browser.save_screenshot(str(ARTIFACTS / "import-report.png"))
        link = anon_browser.find_element(By.ID, "im-download").get_attribute("href")
        admin = signin.session(server, "admin")
        rejected = pd.read_csv(io.BytesIO(admin.get(link, timeout=30).content), encoding="utf-8-sig")
        assert list(rejected["设备编码"]) == ["IMPTEST-2", "IMPTEST-3"]
        assert "位于辖区之外" in rejected["拒绝原因"].iloc[0] and "outside the territory" in rejected["reason"].iloc[0]
        assert "飞碟" in rejected["拒绝原因"].iloc[1] and "unknown camera kind" in rejected["reason"].iloc[1]
        assert signin.session(server).get(link, timeout=30).status_code == 404, "another user's load is not theirs"
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute("SELECT actor, detail FROM audit_log WHERE action = 'import' ORDER BY id DESC LIMIT 1")
            actor, detail = cur.fetchone()
        assert actor == "admin" and detail["inserted"] == 1 and detail["rejected"] == 2
        _submit(anon_browser, server, "cameras", path, crs="EPSG:4326")  # again: nothing new
        assert anon_browser.find_element(By.ID, "im-count-unchanged").text == "1"
        assert _count(admin_dsn_, "SELECT count(*) FROM cameras WHERE code LIKE 'IMPTEST-%'") == 1
    finally:
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cameras WHERE code LIKE 'IMPTEST-%'")


def test_junk_is_refused_with_nothing_written_and_only_administrators_load(server, anon_browser, admin_dsn_, tmp_path):
    junk = tmp_path / "cases.csv"
    junk.write_bytes(bytes(range(256)) * 64)
    before = _count(admin_dsn_, "SELECT count(*) FROM cases")
    signin.browser(anon_browser, server, "admin")
    _submit(anon_browser, server, "cases", junk)
    error = anon_browser.find_element(By.ID, "im-error").text
    assert error and _count(admin_dsn_, "SELECT count(*) FROM cases") == before
    district = signin.session(server)
    refused = district.post(f"{server}/import/upload", data={"kind": "cases"}, files={"file": ("a.csv", b"x,y\n")})
    assert refused.status_code == 403


def test_cases_from_the_browser_with_a_time_zone_and_a_status_map(server, anon_browser, admin_dsn_, tmp_path):
    """The form's time zone and status map reach the loader, and the report says first what it
    understood; the case view shows the source's own category and status."""
    path = tmp_path / "export.csv"
    path.write_text(
        "Unique Key,Created Date,Status,Complaint Type,Incident Address,Longitude,Latitude\n"
        "IMPCASE-1,11/20/2026 08:30:00 AM,Parked,Homeless Encampment,A &amp; B,113.780,34.730\n",
        encoding="utf-8",
    )
    status_map = tmp_path / "status.csv"
    status_map.write_text("source,target\nParked,dispatched\n", encoding="utf-8")
    signin.browser(anon_browser, server, "admin")
    try:
        anon_browser.get(server + "/import")
        _wait(anon_browser, "return document.getElementById('im-tz')")
        assert anon_browser.find_element(By.ID, "im-tz").get_attribute("value") == "Asia/Shanghai"
        Select(anon_browser.find_element(By.ID, "im-kind")).select_by_value("cases")
        anon_browser.find_element(By.ID, "im-file").send_keys(str(path))
        anon_browser.find_element(By.ID, "im-crs").send_keys("EPSG:4326")
        tz = anon_browser.find_element(By.ID, "im-tz")
        tz.clear()
        tz.send_keys("America/New_York")
        anon_browser.find_element(By.ID, "im-status-map").send_keys(str(status_map))
        anon_browser.find_element(By.ID, "im-submit").click()
        _wait(anon_browser, "return document.getElementById('im-understood')")
        understood = anon_browser.find_element(By.ID, "im-understood").text
        assert "工单编号 (external_id) 'Unique Key'" in understood and "时区 America/New_York" in understood
        assert "status.csv" in understood
        assert anon_browser.find_element(By.ID, "im-count-loaded").text == "1"
        anon_browser.save_screenshot(str(ARTIFACTS / "import-cases-report.png"))
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute(
                "SELECT id, status, reported_at, address, source_category, source_status FROM cases "
                "WHERE external_id = 'IMPCASE-1'"
            )
            case_id, status, reported, address, category, raw_status = cur.fetchone()
        assert (status, address, category, raw_status) == ("dispatched", "A & B", "Homeless Encampment", "Parked")
        assert reported.isoformat().startswith("2026-11-20T13:30:00")  # 08:30 in New York, as UTC
        anon_browser.get(f"{server}/case/{case_id}")
        _wait(anon_browser, "return document.querySelector('.case-facts')")
        facts = anon_browser.find_element(By.CSS_SELECTOR, ".case-facts").text
        assert "来源原类别" in facts and "Homeless Encampment" in facts and "Parked" in facts
    finally:
        with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
            cur.execute(
                "DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE external_id = 'IMPCASE-1')"
            )
            cur.execute("DELETE FROM cases WHERE external_id = 'IMPCASE-1'")
