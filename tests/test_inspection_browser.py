"""创文点位排查 in headless Chromium, from the inspector's phone to 全部达标:

the verifier opens /m/inspect on a phone (375×812, geolocation emulated at the checkpoint), picks
the nearest due checkpoint, fails one element with a photo → the one map's marker and the street
wall's compliance KPIs move within one refresh → the rectification case is in 城市管理局's queue
on /work → the department accepts and resolves it → the verifier passes the check on /work → the
element is re-inspected and the checkpoint's view says 全部达标.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from geodata.inspections import rounds
from layers.checkpoints import COMPLIANCE_CLASSES
from tests.conftest import ARTIFACTS
from tests.photo_files import jpeg
from tests.signin import browser as sign_in
from tests.test_browser import _wait
from tests.test_work_browser import _act, _as, _open

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
WALL = {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
STREET = "410171001"  # the demo verifier's street
KPI = "return (function () { var e = document.querySelector('#wall-kpi-%s .kpi-value'); return e && e.textContent; })()"
MARKER = """(function (id) {
  var g = document.querySelector('.map .js-plotly-plot');
  if (!g || !g.data) return null;
  var tr = g.data.find(d => d.name === 'checkpoints'); if (!tr || !tr.meta) return null;
  var i = tr.meta.ids.indexOf(id); return i < 0 ? null : tr.marker.color[i];
})"""


def _due_school(db) -> tuple[int, float, float, list[str]]:
    """A school of the verifier's street, due in a round made for this test, answered by 城市管理局."""
    today = rounds.today()
    rounds.create(db, "校园周边专项排查", today, today + timedelta(days=5), "tests", "school", STREET)
    with db.transaction() as cur:
        cur.execute(
            "SELECT k.id, ST_X(k.geom), ST_Y(k.geom) FROM round_checkpoints rc "
            "JOIN inspection_rounds r ON r.id = rc.round_id JOIN checkpoints k ON k.id = rc.checkpoint_id "
            "JOIN units s ON s.id = k.street_id JOIN departments d ON d.id = k.department_id "
            "WHERE rc.inspection_id IS NULL AND %s BETWEEN r.starts_on AND r.ends_on AND s.code = %s "
            "AND k.type_code = 'school' AND d.code = 'CGJ' ORDER BY k.id LIMIT 1",
            (today, STREET),
        )
        cp_id, lon, lat = cur.fetchone()
        cur.execute("SELECT code FROM checkpoint_elements WHERE type_code = 'school' ORDER BY code")
        return cp_id, lon, lat, [r[0] for r in cur.fetchall()]


def test_an_inspection_turns_a_checkpoint_red_then_its_rectification_turns_it_compliant(
    server, db, anon_browser, tmp_path
):
    from tests.browser import chrome

    cp_id, lon, lat, elements = _due_school(db)
    failed = "sanitation"
    photo = tmp_path / "litter.jpg"
    photo.write_bytes(jpeg(1600, 1200, colour=(120, 90, 60), gps=(lon, lat)))

    wall, onemap = chrome(), chrome()
    try:
        wall.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", WALL)
        sign_in(wall, server, "district")
        wall.get(f"{server}/wall?unit={STREET}&refresh=1")
        _wait(wall, "return document.querySelectorAll('.kpi-card').length === 9;", timeout=30)
        rate_before = _wait(wall, KPI % "checkpoint_rate")
        progress_before = _wait(wall, KPI % "inspection_progress")
        sign_in(onemap, server, "district")
        onemap.get(f"{server}/")
        colour_before = _wait(onemap, f"return {MARKER}({cp_id});", timeout=40)

        # 1. The verifier inspects on the phone: nearest due checkpoint first, one failure with a photo.
        phone = anon_browser
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        phone.execute_cdp_cmd("Browser.grantPermissions", {"origin": server, "permissions": ["geolocation"]})
        phone.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": lat, "longitude": lon, "accuracy": 6})
        sign_in(phone, server, "verifier")
        phone.get(f"{server}/m/inspect")
        first = _wait(
            phone,
            "var d = document.getElementById('m-due'); var a = document.querySelector('[data-checkpoint]');"
            "return d && d.dataset.located && a && a.dataset.checkpoint;",
            timeout=20,
        )
        assert int(first) == cp_id, "the checkpoint the inspector stands at comes first"
        phone.save_screenshot(str(ARTIFACTS / "m-inspect-list-375.png"))
        phone.find_element("css selector", f'[data-checkpoint="{cp_id}"]').click()
        _wait(phone, "return document.getElementById('m-place').classList.contains('ok');", timeout=20)
        for code in elements:
            value = "0" if code == failed else "1"
            phone.execute_script(f"document.querySelector('input[name=el_{code}][value=\"{value}\"]').click();")
        phone.find_element("id", f"p-{failed}").send_keys(str(photo))
        phone.find_element("id", f"n-{failed}").send_keys("校门口垃圾未清运")
        phone.save_screenshot(str(ARTIFACTS / "m-inspect-form-375.png"))
        phone.execute_script("document.getElementById('m-inspect-submit').scrollIntoView();")
        phone.find_element("id", "m-inspect-submit").click()
        _wait(phone, "return location.pathname.startsWith('/m/checkpoint/') && document.querySelector('.done');")
        done = phone.find_element("css selector", ".done").text
        assert "已生成整改案件" in done and "城市管理局" in done
        assert phone.find_elements("css selector", ".error") == [], "on site: not flagged"
        phone.save_screenshot(str(ARTIFACTS / "m-checkpoint-375.png"))
        with db.transaction() as cur:
            cur.execute(
                "SELECT r.case_id, i.far, i.distance_m FROM inspections i JOIN inspection_results r "
                "ON r.inspection_id = i.id WHERE i.checkpoint_id = %s AND r.element_code = %s AND NOT r.passed "
                "ORDER BY i.id DESC LIMIT 1",
                (cp_id, failed),
            )
            case_id, far, distance = cur.fetchone()
        assert far is False and distance < 5

        # 2. Within one refresh: the wall's compliance and coverage KPIs move, the map marker recolours.
        _wait(wall, f"{KPI % 'checkpoint_rate'} !== {rate_before!r};", timeout=15)
        _wait(wall, f"{KPI % 'inspection_progress'} !== {progress_before!r};", timeout=15)
        now = (len(elements) - 1) / len(elements) * 100
        expected = COMPLIANCE_CLASSES.colors[min(int(COMPLIANCE_CLASSES.classify([now])[0]), 3)]
        _wait(onemap, f"return {MARKER}({cp_id}) === {expected!r};", timeout=15)
        wall.save_screenshot(str(ARTIFACTS / "wall-inspection-1080.png"))
        assert colour_before is not None

        # 3. The rectification is in 城市管理局's queue; it accepts and answers.
        driver = phone
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", WALL)
        _as(driver, server, "dept_cgj")
        _open(driver, "to_accept", case_id)
        assert "已签收" in _act(driver, "accept")
        _open(driver, "in_progress", case_id)
        assert "已办结" in _act(driver, "resolve", words="已清运并设置分类垃圾桶")

        # 4. The verifier passes the check: the element is re-inspected, the checkpoint is compliant.
        _as(driver, server, "verifier")
        links = _wait(driver, "return [...document.querySelectorAll('.work-due a.inspect-link')].map(a => a.href);")
        assert all("/m/inspect/" in href for href in links), "the workbench lists what is due, opening the form"
        driver.save_screenshot(str(ARTIFACTS / "work-verifier-due-1080.png"))
        _open(driver, "to_verify", case_id)
        assert "已办结" in _act(driver, "verify", label="通过")
        _wait(onemap, f"return {MARKER}({cp_id}) === '#43a047';", timeout=15)
    finally:
        wall.quit()
        onemap.quit()

    sign_in(driver, server, "district")
    driver.get(f"{server}/checkpoint/{cp_id}")
    badge = _wait(driver, "var b = document.querySelector('.cp-badge'); return b && b.textContent;")
    assert badge == "全部达标"
    _wait(driver, "return document.querySelectorAll('.cp-history .js-plotly-plot').length === 1;")
    driver.save_screenshot(str(ARTIFACTS / "checkpoint-history-1080.png"))
    with db.transaction() as cur:
        cur.execute(
            "SELECT kind, inspector FROM inspections WHERE checkpoint_id = %s "
            "ORDER BY inspected_at DESC, id DESC LIMIT 1",
            (cp_id,),
        )
        assert cur.fetchone() == ("verification", "verifier")


SET_VALUE = """var el = document.getElementById(arguments[0]);
var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
setter.call(el, arguments[1]); el.dispatchEvent(new Event('input', {bubbles: true}));"""


def _pick(driver, dropdown: str, label: str) -> None:
    """Choose an option of a dcc.Dropdown (a button that opens a list) by (the end of) its label."""
    driver.find_element("id", dropdown).click()
    _wait(
        driver,
        "var o = [...document.querySelectorAll('[role=option]')]"
        ".find(e => e.textContent.trim().endsWith(arguments[0]));"
        "if (o) { o.click(); return true; } return false;".replace("arguments[0]", repr(label)),
    )
    _wait(driver, f"return document.getElementById('{dropdown}-value').textContent.trim().endsWith({label!r});")


def test_a_dispatcher_makes_a_round_on_the_workbench_and_its_checkpoints_fall_due(server, db, anon_browser):
    driver = anon_browser
    _as(driver, server, "dispatcher")
    _wait(driver, "return getComputedStyle(document.getElementById('work-round')).display !== 'none';")
    driver.execute_script("document.querySelector('#work-round summary').click();")
    today = rounds.today()
    for field, value in (
        ("work-round-name", "公园广场专项排查"),
        ("work-round-start", str(today)),
        ("work-round-end", str(today + timedelta(days=2))),
    ):
        driver.execute_script(SET_VALUE, field, value)
    _pick(driver, "work-round-type", "公园广场")
    _pick(driver, "work-round-unit", "明湖办事处")
    driver.find_element("id", "work-round-make").click()
    said = _wait(driver, "var m = document.getElementById('work-round-message'); return m && m.textContent;")
    driver.save_screenshot(str(ARTIFACTS / "work-round-1080.png"))
    with db.transaction() as cur:
        cur.execute(
            "SELECT r.type_code, u.code, count(rc.*) FROM inspection_rounds r JOIN units u ON u.id = r.unit_id "
            "JOIN round_checkpoints rc ON rc.round_id = r.id "
            "WHERE r.name = '公园广场专项排查' AND r.created_by = 'dispatcher' "
            "GROUP BY r.id, u.code ORDER BY r.id DESC LIMIT 1"
        )
        kind, unit, due = cur.fetchone()
        cur.execute(
            "SELECT count(*) FROM checkpoints k JOIN units s ON s.id = k.street_id "
            "WHERE s.code = %s AND k.type_code = 'park'",
            (STREET,),
        )
        expected = cur.fetchone()[0]
    assert (kind, unit, due) == ("park", STREET, expected)
    assert said.startswith(f"已建立：应排查 {expected} 个点位"), said
