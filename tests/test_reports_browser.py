"""/reports in headless Chromium: an admin sees every subject of a closed period and makes one not
made yet with the page's own button; a street's reader sees its street only; a department's
handler reaches the page (its gate lets it through) and sees its department only."""

from __future__ import annotations

import pytest

from geodata.reports import store
from tests import test_reports as tr
from tests.conftest import ARTIFACTS
from tests.signin import browser as sign_in
from tests.test_browser import _wait

pytestmark = pytest.mark.browser
closed = tr.closed  # the closed month and its first reports (a pytest fixture, shared)
ROWS = f"return [...document.querySelectorAll('.report-period[data-period=\"{tr.LABEL}\"] .report-row')]"
SUBJECTS = ROWS + ".map(r => r.dataset.subject);"


def _open(driver, server: str, username: str) -> list[str]:
    driver.delete_all_cookies()
    sign_in(driver, server, username)
    driver.get(f"{server}/reports")
    _wait(driver, ROWS + ".length > 0;")
    return driver.execute_script(SUBJECTS)


def test_the_page_lists_the_readers_reports_and_an_admin_makes_one(server, db, closed, anon_browser):
    driver = anon_browser
    everyone = [f"{s.kind}/{s.key}" for s in closed["all"]]
    assert _open(driver, server, "admin") == everyone
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "reports_page.png"))
    top = f"unit/{closed['top'].key}"
    links = driver.execute_script(
        ROWS + ".filter(r => r.dataset.subject === arguments[0])[0].querySelectorAll('a.report-link').length;",
        top,
    )
    assert links == 2  # xlsx and pdf
    fg = next(s for s in closed["all"] if s.key == "FG")
    if store.fetch(db, tr.LABEL, fg.kind, fg.key, "pdf") is None:
        driver.execute_script(
            ROWS + ".filter(r => r.dataset.subject === 'department/FG')[0].querySelector('button').click();"
        )
        _wait(driver, "return location.search.includes('done=');", 120)
        _wait(
            driver,
            ROWS + ".filter(r => r.dataset.subject === 'department/FG')[0]"
            "?.querySelectorAll('a.report-link').length === 2;",
        )
    assert store.fetch(db, tr.LABEL, fg.kind, fg.key, "pdf")[0].startswith(b"%PDF")

    street = _open(driver, server, "street")
    assert len(street) == 1 and street[0].startswith("unit/") and street[0] != top
    assert _open(driver, server, "dept_cgj") == ["department/CGJ"]
    assert driver.current_url.endswith("/reports")
