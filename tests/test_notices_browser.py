"""What people see of reminders and escalations, in headless Chromium: the bell in the page header
counts the signed-in user's unread notices, opens to list them, 全部已读 clears it, a notice opens
its case (and is read), whose timeline shows the steps and their messages; the wall's 紧急督办 shows
an escalated case first, and its map a pulsing marker there."""

from __future__ import annotations

import time

import psycopg2
import pytest

import ids
from tests.conftest import ARTIFACTS
from tests.test_browser import _wait
from tests.test_notices import channel, clear_notices, message, notice, overdue_case, step

pytestmark = pytest.mark.browser
BADGE = f"var b = document.getElementById('{ids.NOTICE_COUNT}'); return b && b.textContent;"
ITEMS = "document.querySelectorAll('.notice-item').length"
WALL_GRAPH = "#wall-map .js-plotly-plot"


def _grid_points(cur, case_id: int, n: int) -> list[tuple[float, float]]:
    """Label points of ``n`` grids of the case's street (places for more cases there)."""
    cur.execute(
        "SELECT ST_X(g.label_point), ST_Y(g.label_point) FROM units g JOIN cases c ON c.street_id = g.street_id "
        "WHERE c.id = %s AND g.level = 'grid' AND g.kind <> 'exclusive' ORDER BY g.id",
        (case_id,),
    )
    found = cur.fetchall()
    return [found[(i + 1) * len(found) // (n + 1)] for i in range(n)]


def _worked(cur, case_id: int) -> None:
    """The case's log until it was escalated: reported, dispatched to 城市管理局, accepted, escalated."""
    cur.execute(
        "UPDATE cases SET status = 'accepted', department_id = (SELECT id FROM departments WHERE code = 'CGJ') "
        "WHERE id = %s RETURNING reported_at",
        (case_id,),
    )
    reported = cur.fetchone()[0]
    log = [
        (0, None, "reported", None, "网格员", "巡查发现，随手拍上报"),
        (40, "reported", "dispatched", "dispatch", "区城运中心", "派单至城市管理局"),
        (130, "dispatched", "accepted", "accept", "城市管理局", "部门签收"),
    ]
    for minutes, old, new, action, actor, note in log:
        cur.execute(
            "INSERT INTO case_events (case_id, at, from_status, to_status, action, actor, note) "
            "VALUES (%s, %s + make_interval(mins => %s), %s, %s, %s, %s, %s)",
            (case_id, reported, minutes, old, new, action, actor, note),
        )
    cur.execute(
        "INSERT INTO case_events (case_id, at, from_status, to_status, action, actor, note) "
        "VALUES (%s, now() - interval '25 minutes', 'accepted', 'accepted', 'escalate', '系统', %s)",
        (case_id, "超期 5 个工作日未办结，升级至街道督办"),
    )


@pytest.fixture(scope="module")
def scene(admin_dsn_):
    """Cases of one street the notification engine worked on: one escalated to the street (reminded,
    urged, escalated; its messages sent, one failed), two escalated to the street and the district
    elsewhere in it, one urged, one reminded, and one urged long ago."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            # the escalated cases other tests left in the street would crowd the wall's short list
            cur.execute("DELETE FROM cases WHERE external_id LIKE 'T-NOTICE-%%' AND escalation > 0")
            escalated = overdue_case(cur, "UI-ESC", days=3.2, escalation=1, address="经开第八大街与航海东路交叉口")
            _worked(cur, escalated)
            spots = _grid_points(cur, escalated, 4)
            urged = overdue_case(cur, "UI-URGE", days=0.2, address="朝凤路56号", at=spots[0], category="0503")
            reminded = overdue_case(cur, "UI-REMIND", days=-0.5, address="浔江东路", at=spots[1], category="0303")
            cur.execute("UPDATE cases SET deadline_at = now() + interval '10 hours' WHERE id = %s", (reminded,))
            older = overdue_case(cur, "UI-OLD", days=1, address="第十一大街", at=spots[2], category="0201")
            overdue_case(cur, "UI-DIST", days=9.5, escalation=2, address="航海东路", at=spots[3], category="0401")
            overdue_case(cur, "UI-STREET", days=5.1, escalation=1, address="经南五路", at=spots[1], category="0502")
            channel(cur, "cg-dingtalk", "dingtalk", "城管群")
            channel(cur, "sms-gw", "sms")
            remind_first = step(cur, escalated, "remind", ago_minutes=4 * 24 * 60)
            urge_first = step(cur, escalated, "urge", ago_minutes=int(3.2 * 24 * 60))
            escalate = step(cur, escalated, "escalate", escalation=0, ago_minutes=25)
            message(cur, remind_first, "department", "cg-dingtalk", "", "sent", "ok")
            message(cur, urge_first, "department", "cg-dingtalk", "", "sent", "ok")
            message(cur, urge_first, "dispatcher", "sms-gw", "13912345678", "sent", "ok")
            message(cur, escalate, "department", "cg-dingtalk", "", "sent", "ok")
            message(cur, escalate, "responsible", "sms-gw", "13812340000", "failed", "HTTP 500")
            steps = {
                "escalate": escalate,
                "urge": step(cur, urged, "urge", ago_minutes=70),
                "remind": step(cur, reminded, "remind", ago_minutes=180),
                "old": step(cur, older, "urge", ago_minutes=1500),
            }
            cur.execute("SELECT u.code FROM cases c JOIN units u ON u.id = c.street_id WHERE c.id = %s", (escalated,))
            street = cur.fetchone()[0]
        yield {"escalated": escalated, "urged": urged, "steps": steps, "street": street}
    finally:
        conn.close()


@pytest.fixture
def district_told(admin_dsn_, scene):
    """The district user told of the escalation, the urge and the reminder (unread) and of an older urge (read)."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            clear_notices(cur, "district")
            ago = {"escalate": 25, "urge": 70, "remind": 180, "old": 1500}
            made = {k: notice(cur, "district", scene["steps"][k], ago_minutes=ago[k], read=k == "old") for k in ago}
        return {**scene, "notices": made}
    finally:
        conn.close()


def test_the_bell_counts_lists_and_clears_the_users_notices(server, browser, district_told):
    browser.get(server + "/")
    assert _wait(browser, BADGE) == "3"
    _wait(browser, f"return document.querySelectorAll('#{ids.MAP} canvas.maplibregl-canvas').length > 0;")
    assert browser.execute_script("return document.querySelector('.notice-centre').open;") is False
    browser.find_element("css selector", ".notice-bell").click()
    _wait(browser, f"return document.querySelector('.notice-centre').open && {ITEMS} === 4;")
    lines = browser.execute_script("return [...document.querySelectorAll('.notice-line')].map(e => e.textContent);")
    assert lines[0].startswith("【升级】") and "经开第八大街与航海东路交叉口 · 已超期 3 天" in lines[0]
    assert lines[1].startswith("【催办】") and lines[2].startswith("【提醒】") and "剩余" in lines[2]
    assert browser.execute_script("return document.querySelectorAll('.notice-item.unread').length;") == 3
    link = browser.execute_script("return document.querySelector('.notice-item').getAttribute('href');")
    assert link == f"/case/{district_told['escalated']}"
    time.sleep(0.5)
    browser.save_screenshot(str(ARTIFACTS / "notices-open-1080.png"))
    browser.find_element("id", ids.NOTICE_ALL_READ).click()
    _wait(browser, f"return document.getElementById('{ids.NOTICE_COUNT}').className.includes('none');", timeout=10)
    assert browser.execute_script("return document.querySelectorAll('.notice-item.unread').length;") == 0
    # A click outside closes the list.
    browser.find_element("css selector", ".brand h1").click()
    _wait(browser, "return !document.querySelector('.notice-centre').open;", timeout=5)


def test_a_notice_opens_its_case_which_reads_it_and_shows_its_steps_on_the_timeline(server, browser, district_told):
    browser.get(f"{server}/unit/{district_told['street']}")
    assert _wait(browser, BADGE) == "3"
    browser.find_element("css selector", ".notice-bell").click()
    _wait(browser, f"return {ITEMS} === 4;")
    browser.find_element("css selector", f".notice-item[data-notice='{district_told['notices']['escalate']}']").click()
    _wait(browser, f"return location.pathname === '/case/{district_told['escalated']}';")
    _wait(browser, "return document.querySelectorAll('.tl-notify').length === 3;")
    assert _wait(browser, BADGE) == "2"  # the case's notice is read now
    steps = browser.execute_script("return [...document.querySelectorAll('.tl-notify')].map(e => e.innerText);")
    assert "提醒" in steps[0] and "催办" in steps[1] and "升级至街道" in steps[2]
    assert "钉钉 城管群（承办部门） · 已送达" in steps[2]
    assert "短信 138****0000（责任单位） · 发送失败" in steps[2] and "HTTP 500" in steps[2]
    assert "短信 139****5678（值班员） · 已送达" in steps[1]
    assert "派单" in browser.execute_script("return document.querySelector('.timeline').innerText;")
    _wait(browser, "return document.querySelectorAll('.case-map canvas.maplibregl-canvas').length > 0;")
    browser.execute_script("document.querySelector('.timeline').scrollIntoView({block: 'end'});")
    time.sleep(1.5)
    browser.save_screenshot(str(ARTIFACTS / "case-timeline-notices-1080.png"))


def test_the_wall_shows_the_escalated_case_first_in_its_urgent_panel_and_a_pulsing_marker(
    server, browser, district_told
):
    case_id = district_told["escalated"]
    browser.get(f"{server}/wall?unit={district_told['street']}&refresh=1")
    _wait(browser, f"var g = document.querySelector('{WALL_GRAPH}'); return g && g.data && g.data.length === 6;")
    first = _wait(browser, "var c = document.querySelector('.case-list .case'); return c && c.innerText;")
    assert first.startswith("升级至区")  # to the district first, then to the street
    ours = f"var c = document.querySelector('.case.escalated[data-case=\"{case_id}\"]'); return c && c.innerText;"
    assert "升级至街道" in _wait(browser, ours)
    marks = (
        f"var g = document.querySelector('{WALL_GRAPH}'); var t = g.data.find(d => d.name === 'escalated'); "
        "return t && t.text && t.text.length ? [t.text, t.marker.size] : null;"
    )
    text, _ = _wait(browser, marks)
    assert any(x.startswith(f"#{case_id} ") for x in text)
    sizes = set()
    for _ in range(12):  # the marker swells and shrinks once a second
        sizes.add(browser.execute_script(marks)[1])
        time.sleep(0.25)
    assert len(sizes) == 2, sizes
    browser.save_screenshot(str(ARTIFACTS / "wall-escalated-1080.png"))


PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}


def test_the_phone_counts_lists_opens_and_clears_the_grid_workers_notices(server, anon_browser, admin_dsn_):
    from tests import signin

    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            clear_notices(cur, "gridworker")
            cur.execute(
                "SELECT ST_X(g.label_point), ST_Y(g.label_point) FROM users u JOIN units g ON g.code = u.scope_code "
                "WHERE u.username = 'gridworker'"
            )
            here = cur.fetchone()
            late = overdue_case(cur, "M-ESC", days=6.3, escalation=1, address="康平路12号", at=here, category="0105")
            soon = overdue_case(cur, "M-REMIND", days=-0.3, address="康平路与经北一路口", at=here, category="0504")
            channel(cur, "wg-wecom", "wecom", "网格工作群")
            escalate = step(cur, late, "escalate", escalation=0, ago_minutes=40)
            message(cur, escalate, "responsible", "wg-wecom", "", "sent", "ok")
            for step_id, ago in ((escalate, 40), (step(cur, soon, "remind", ago_minutes=90), 90)):
                notice(cur, "gridworker", step_id, ago_minutes=ago)
    finally:
        conn.close()
    phone = anon_browser
    phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    signin.browser(phone, server, "gridworker")
    phone.get(f"{server}/m/grid")
    assert _wait(phone, "var b = document.querySelector('.bell i'); return b && b.textContent;") == "2"
    phone.find_element("css selector", ".bell").click()
    _wait(phone, "return location.pathname === '/m/notices' && document.querySelectorAll('.notices a').length === 2;")
    lines = phone.execute_script("return [...document.querySelectorAll('.notices a')].map(a => a.innerText);")
    assert lines[0].startswith("【升级】乱堆物堆料 · 康平路12号 · 已超期 6 天") and "升级至街道" in lines[0]
    assert lines[1].startswith("【提醒】") and "剩余" in lines[1]
    phone.save_screenshot(str(ARTIFACTS / "m-notices-375.png"))
    phone.find_element("css selector", ".notices a").click()  # the escalation: read now, its case opens
    _wait(phone, f"return location.pathname === '/m/case/{late}';")
    assert phone.execute_script("return document.querySelector('.bell i').textContent;") == "1"
    steps = phone.execute_script("return document.querySelector('ol.notify').innerText;")
    assert "升级至街道" in steps and "企业微信 网格工作群（责任单位） · 已送达" in steps
    phone.execute_script("document.querySelector('ol.notify').scrollIntoView({block: 'end'});")
    phone.save_screenshot(str(ARTIFACTS / "m-case-notices-375.png"))
    phone.get(f"{server}/m/notices")
    phone.find_element("css selector", ".notices-head button").click()
    _wait(phone, "return document.querySelector('.done') !== null && document.querySelector('.bell i') === null;")
    assert phone.execute_script("return document.querySelectorAll('.notices a.unread').length;") == 0
