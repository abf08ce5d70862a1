"""Security headers on every kind of answer, and pages that work under the Content-Security-Policy
(no violation in the browser's console, the maps drawn)."""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import ARTIFACTS

KINDS = ["/login", "/healthz", "/api/v1/openapi.json", "/assets/gridops.css", "/nowhere"]


def _csp(headers) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip() for d in headers["Content-Security-Policy"].split(";") if d.strip()}


def test_every_answer_carries_the_security_headers(server, http, db):
    with db.transaction() as cur:
        cur.execute("SELECT id FROM cases ORDER BY id LIMIT 1")
        case = cur.fetchone()[0]
    answers = [requests.get(server + path, timeout=20, allow_redirects=False) for path in KINDS]
    answers += [http.get(f"{server}/api/v1/cases/{case}", timeout=20), http.get(f"{server}/unit/410171", timeout=20)]
    for r in answers:
        assert r.headers["X-Frame-Options"] == "DENY", r.url
        assert r.headers["X-Content-Type-Options"] == "nosniff", r.url
        assert r.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", r.url
        csp = _csp(r.headers)
        assert csp["frame-ancestors"] == "frame-ancestors 'none'" and csp["object-src"] == "object-src 'none'"
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    case_json = answers[-2]
    assert case_json.status_code == 200 and case_json.headers["Cache-Control"] == "no-store"
    assert answers[0].headers["Cache-Control"] == "no-store"  # the sign-in form
    assert "no-store" not in answers[3].headers.get("Cache-Control", "")  # a static file may be cached


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/unit/410171", "/analyst", "/wall", "/case/1"])
def test_pages_work_under_the_content_security_policy(server, browser, path):
    browser.get_log("browser")  # drop what signing in logged
    browser.get(server + path)
    deadline = time.monotonic() + 40
    script = (
        "return document.querySelectorAll('.js-plotly-plot, .case-heading').length > 0 "
        "&& !document.querySelector('._dash-loading');"
    )
    while not browser.execute_script(script) and time.monotonic() < deadline:
        time.sleep(0.25)
    time.sleep(2)
    assert browser.execute_script(script), f"{path} drew no figure or case"
    browser.save_screenshot(str(ARTIFACTS / f"csp{path.replace('/', '-')}.png"))
    violations = [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not violations, violations
