"""The command workbench (/work) in headless Chromium, worked by the demo users in turn: the
dispatcher dispatches, the department accepts and answers, the verifier fails the check (返工),
the department answers again, the verifier passes it, the dispatcher records the rating and closes.
Every step is taken through the page's own controls; the timeline names each real user."""

from __future__ import annotations

import pytest

from tests.cases import insert_case
from tests.conftest import ARTIFACTS
from tests.signin import browser as sign_in
from tests.test_browser import _wait

pytestmark = pytest.mark.browser
PICKED = """var b = [...document.querySelectorAll('.work-queue.picked')];
return b.length && b[0].id.includes('%s');"""
CLICK_LABEL = """[...document.querySelectorAll('.work-field label')]
.find(l => l.textContent.trim() === arguments[0]).click();"""


def _case_in_the_gridworkers_grid(db) -> int:
    """A new reported case (暴露垃圾, a 城市管理局 category) inside the demo grid worker's grid."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(g.geom) AS p FROM units g "
            "JOIN users u ON u.scope_code = g.code WHERE u.username = 'gridworker') x"
        )
        lon, lat = cur.fetchone()
        return insert_case(cur, lon, lat, "T-WORK-LOOP")


def _as(driver, server: str, username: str) -> None:
    driver.delete_all_cookies()
    sign_in(driver, server, username)
    driver.get(f"{server}/work")
    _wait(driver, "return document.querySelectorAll('.work-queue').length > 0;")


def _open(driver, queue: str, case_id: int) -> None:
    """Pick a queue, find the case by its number, and open it in the panel."""
    driver.execute_script(
        "document.querySelectorAll('.work-queue')"
        ".forEach(b => { if (b.id.includes('\"' + arguments[0] + '\"')) b.click(); });",
        queue,
    )
    _wait(
        driver,
        PICKED % queue,
    )
    box = driver.find_element("id", "work-text")
    box.clear()
    box.send_keys(str(case_id) + "\n")
    _wait(
        driver,
        "var rows = document.querySelectorAll('#work-table td[data-dash-column=\"id\"]');"
        f"return rows.length === 1 && rows[0].textContent.trim() === '{case_id}';",
        timeout=20,
    )
    # The table may be drawn anew between finding its cell and clicking it: click until it holds.
    _wait(
        driver,
        "var c = document.querySelector('#work-table td[data-dash-column=\"category\"]');"
        "if (!c) return false; c.click(); return true;",
    )
    _wait(
        driver, f"var h = document.querySelector('.work-case-title'); return h && h.textContent.includes('#{case_id}');"
    )


NAMES = {
    "dispatch": "派单",
    "accept": "签收",
    "resolve": "办结反馈",
    "verify": "核查",
    "rate": "评价",
    "close": "结案",
}


def _act(driver, action: str, words: str | None = None, label: str | None = None) -> str:
    """Pick a step, fill its form and submit; the answer's text (an error's, if it was refused)."""
    _wait(driver, f"return document.querySelector('#work-action input[value=\"{action}\"]') !== null;")
    driver.execute_script(f"document.querySelector('#work-action input[value=\"{action}\"]').click();")
    _wait(driver, "return !document.getElementById('work-submit').disabled;")
    if label is not None:  # a radio of the form, by its label
        driver.execute_script(CLICK_LABEL, label)
    if words is not None:
        _wait(driver, "return document.getElementById('work-row-words').style.display !== 'none';")
        driver.find_element("id", "work-words").send_keys(words)
    driver.find_element("id", "work-submit").click()
    return _wait(
        driver,
        "var m = document.querySelector('.work-answer'); if (!m) return null;"
        f"return (m.classList.contains('bad') || m.textContent.startsWith('已{NAMES[action]}：')) && m.textContent;",
        timeout=20,
    )


def test_the_loop_is_worked_on_the_workbench_by_each_role(server, db, anon_browser):
    driver = anon_browser
    case_id = _case_in_the_gridworkers_grid(db)

    _as(driver, server, "dispatcher")
    _open(driver, "to_dispatch", case_id)
    assert "已派单" in _act(driver, "dispatch", words="网格吹哨，请城管局处置")
    driver.save_screenshot(str(ARTIFACTS / "work-dispatcher.png"))

    _as(driver, server, "dept_cgj")
    _open(driver, "to_accept", case_id)
    assert "已签收" in _act(driver, "accept")
    _open(driver, "in_progress", case_id)
    assert "已办结" in _act(driver, "resolve", words="已清运")
    driver.save_screenshot(str(ARTIFACTS / "work-department.png"))

    _as(driver, server, "verifier")
    _open(driver, "to_verify", case_id)
    answer = _act(driver, "verify", words="现场仍有垃圾", label="不通过（返工）")
    assert "已签收" in answer  # back to the department as rework
    driver.save_screenshot(str(ARTIFACTS / "work-verifier.png"))

    _as(driver, server, "dept_cgj")
    _open(driver, "in_progress", case_id)
    assert "已办结" in _act(driver, "resolve", words="已彻底清运并冲洗")

    _as(driver, server, "gridworker")  # the grid worker checks on site in its own grid
    _open(driver, "to_verify", case_id)
    assert "已办结" in _act(driver, "verify", label="通过")

    _as(driver, server, "dispatcher")
    _open(driver, "to_rate", case_id)
    assert "已评价" in _act(driver, "rate", label="5")
    assert "已核验" in _act(driver, "close")

    with db.transaction() as cur:
        cur.execute(
            "SELECT action, actor FROM case_events WHERE case_id = %s AND action IS NOT NULL ORDER BY id", (case_id,)
        )
        steps = cur.fetchall()
        cur.execute("SELECT status, rework_count, satisfaction FROM cases WHERE id = %s", (case_id,))
        assert cur.fetchone() == ("closed", 1, 5)
    assert steps == [
        ("dispatch", "dispatcher"),
        ("accept", "dept_cgj"),
        ("resolve", "dept_cgj"),
        ("verify", "verifier"),
        ("resolve", "dept_cgj"),
        ("verify", "gridworker"),
        ("rate", "dispatcher"),
        ("close", "dispatcher"),
    ]
    driver.get(f"{server}/case/{case_id}")  # the case page names each user by name
    text = _wait(driver, "var t = document.querySelector('.timeline'); return t && t.textContent;")
    for name in ("城运中心值班员", "城市管理局承办人", "街道党工委督查", "网格员"):
        assert name in text


def test_a_department_sees_only_its_cases_and_only_its_pages(server, db, anon_browser):
    driver = anon_browser
    with db.transaction() as cur:
        cur.execute(
            "SELECT id FROM cases WHERE is_open AND department_id <> "
            "(SELECT id FROM departments WHERE code = 'CGJ') LIMIT 1"
        )
        foreign = cur.fetchone()[0]
    _as(driver, server, "dept_cgj")
    for page in ("/", "/wall", "/analyst", "/unit"):
        driver.get(server + page)
        _wait(driver, "return location.pathname === '/work';")
    driver.get(f"{server}/case/{foreign}")
    _wait(driver, "var m = document.querySelector('.case-missing'); return m !== null;")
