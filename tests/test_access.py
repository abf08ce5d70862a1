"""The gate (docs/security.md) against the served app: nothing without a session, cookie flags, secrets,
wall tokens, and crafted callback POSTs with out-of-scope ids, wrong types and huge lists."""

from __future__ import annotations

import subprocess
import sys

import psycopg2
import pytest
import requests

import ids
from geodata import units
from geodata.accounts import walltokens
from geodata.db import Database
from tests import signin
from tests.conftest import ROOT, TEST_SECRET
from tests.server import serve

PAGES = [
    "/",
    "/wall",
    "/wall?unit=410171001",
    "/unit",
    "/unit/410171",
    "/case/1",
    "/nowhere",
    "/analyst",
    "/analyst/export.csv",
    "/import",
]
DASH = ["/_dash-layout", "/_dash-dependencies"]
API_READS = [
    "/api/v1/cases",
    "/api/v1/cases/1",
    "/api/v1/categories",
    "/open311/v2/services.json",
    "/open311/v2/requests.json",
    "/open311/v2/requests/1.json",
]


def test_without_a_session_pages_redirect_and_everything_else_is_401(server):
    for path in PAGES:
        r = requests.get(server + path, allow_redirects=False, timeout=10)
        assert r.status_code == 302 and r.headers["Location"].startswith("/login?next="), path
    for path in DASH + API_READS:
        r = requests.get(server + path, timeout=10)
        assert r.status_code == 401, path
    r = requests.post(server + "/_dash-update-component", json={"output": "x"}, timeout=10)
    assert r.status_code == 401
    for path in ("/healthz", "/login", "/api/v1/openapi.json"):
        assert requests.get(server + path, timeout=10).status_code == 200, path


def test_session_cookie_flags_and_a_safe_next(server):
    http = requests.Session()
    page = http.get(f"{server}/login?next=https://evil.example/x", timeout=10)
    assert 'name="next" value="/"' in page.text  # another host is never a redirect target
    signed = signin.session(server)
    cookie = next(c for c in signed.cookies if c.name == "gridops_session")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.get_nonstandard_attr("SameSite") == "Lax"
    assert not cookie.secure  # plain HTTP in development; production sets Secure (next test)
    assert signed.get(f"{server}/logout", allow_redirects=False, timeout=10).status_code == 405  # POST only
    forged = signed.post(f"{server}/logout", data={"csrf": "x"}, allow_redirects=False, timeout=10)
    assert forged.status_code == 303 and forged.headers["Location"] == "/"  # a foreign form signs nobody out
    assert signed.get(f"{server}/wall", allow_redirects=False, timeout=10).status_code == 200
    out = signin.sign_out(signed, server)
    assert out.status_code == 303 and signed.get(f"{server}/wall", allow_redirects=False, timeout=10).status_code == 302


@pytest.mark.parametrize("secret", [None, "change-me", "short"])
def test_production_refuses_a_missing_or_default_secret(loaded, secret):
    env = {"GRIDOPS_PRODUCTION": "true", **({"GRIDOPS_SECRET_KEY": secret} if secret else {})}
    proc = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env_without_secret(), **env},
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().startswith("error:") and "GRIDOPS_SECRET_KEY" in proc.stderr
    assert "Traceback" not in proc.stderr


def _env_without_secret() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "GRIDOPS_SECRET_KEY"}


def test_production_refuses_demo_passwords_then_sets_secure_cookies(loaded, admin_dsn_):
    from geodata.accounts import users

    env = {**_env_without_secret(), "GRIDOPS_PRODUCTION": "true", "GRIDOPS_SECRET_KEY": TEST_SECRET}
    proc = subprocess.run([sys.executable, "app.py"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode != 0 and "demo password" in proc.stderr and "Traceback" not in proc.stderr
    admin = Database(admin_dsn_)
    try:
        for name in users.demo_passwords_left(admin):
            users.disable(admin, name)
        proc, url = serve({"GRIDOPS_PRODUCTION": "true", "GRIDOPS_SECRET_KEY": TEST_SECRET})
    finally:
        for name in users.DEMO_USERS:
            users.enable(admin, name)
        admin.close()
    try:
        r = requests.get(url + "/login", timeout=20)
        assert "Secure" in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_wall_token_opens_the_wall_only_and_stops_when_revoked(server, admin_dsn_):
    admin = Database(admin_dsn_)
    try:
        street = units.children(admin, units.by_code(admin, units.root_code(admin)))["code"][1]
        token = walltokens.create(admin, "测试大屏", street)
        kiosk = requests.Session()
        assert kiosk.get(f"{server}/wall?token={token}", timeout=10).status_code == 200
        assert kiosk.get(f"{server}/wall", timeout=10).status_code == 200  # the cookie carries it on
        assert kiosk.get(f"{server}/unit/{street}", allow_redirects=False, timeout=10).status_code == 403
        assert kiosk.get(f"{server}/api/v1/cases", timeout=10).status_code == 401  # read-only, no API
        bad = requests.get(f"{server}/wall?token=gw_00000000_{'x' * 43}", allow_redirects=False, timeout=10)
        assert bad.status_code == 302
        revoked = walltokens.create(admin, "已吊销大屏", street)
        assert walltokens.revoke(admin, revoked.split("_")[1])
        gone = requests.get(f"{server}/wall?token={revoked}", allow_redirects=False, timeout=10)
        assert gone.status_code == 302 and "/login" in gone.headers["Location"]
    finally:
        admin.close()


def _unit_post(http, server, key: str, href, state=None):
    body = {
        "output": key,
        "outputs": _unit_outputs(),
        "inputs": [
            {"id": ids.UNIT_TICK, "property": "n_intervals", "value": 0},
            {"id": ids.UNIT_NAV, "property": "href", "value": href},
        ],
        "state": [
            {"id": ids.UNIT_STATE, "property": "data", "value": state},
            {"id": ids.LANG, "property": "data", "value": "zh"},
            {"id": ids.UNIT_TREND_DAYS, "property": "value", "value": 30},
        ],
        "changedPropIds": [f"{ids.UNIT_NAV}.href"],
    }
    return http.post(server + "/_dash-update-component", json=body, timeout=30)


def _unit_outputs() -> list[dict]:
    from callbacks.unit import OUTPUTS

    return [{"id": o.component_id, "property": o.component_property} for o in OUTPUTS.values()]


def _callback_key(server, http, needle: str) -> str:
    deps = http.get(server + "/_dash-dependencies", timeout=10).json()
    return next(d["output"] for d in deps if needle in d["output"])


def test_crafted_callbacks_outside_the_scope_wrong_types_and_huge_lists_are_refused(server, db):
    street_user = signin.session(server, "street")
    root = units.by_code(db, units.root_code(db))
    streets = units.children(db, root)["code"]
    own, other = streets[0], streets[1]
    key = _callback_key(server, street_user, f"{ids.UNIT_STATE}.data")

    def post(href, state=None):
        return _unit_post(street_user, server, key, href, state)

    def view(r):
        return r.json()["response"][ids.UNIT_VIEW]["className"]

    for href in (f"/unit/{other}", f"/unit/{root.code}"):
        r = post(href)
        assert r.status_code == 200 and view(r) == "unit-view missing", href
    assert view(post(f"/unit/{own}")).startswith("unit-view level-street")
    # Wrong types and huge lists: a 4xx, never a 500.
    for bad in (12345, ["/unit/x"] * 3, {"a": 1}):
        r = post(bad)
        assert 400 <= r.status_code < 500, (bad, r.status_code)
    r = post(f"/unit/{own}", state={"code": ["x"] * 400_000})
    assert r.status_code == 413
    # The one map is the whole district: a street user's page goes to their unit, and a crafted
    # refresh of the one map sends nothing.
    page = street_user.get(server + "/", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and page.headers["Location"] == f"/unit/{own}"


def test_a_street_user_reads_only_their_streets_cases_through_the_api(server, db):
    street_user = signin.session(server, "street")
    own = units.children(db, units.by_code(db, units.root_code(db)))["code"][0]
    items = street_user.get(f"{server}/api/v1/cases", params={"limit": 200}, timeout=10).json()["items"]
    assert items and {c["street_code"] for c in items} == {own}
    with db.transaction() as cur:
        cur.execute("SELECT c.id FROM cases c JOIN units s ON s.id = c.street_id WHERE s.code <> %s LIMIT 1", (own,))
        outside = cur.fetchone()[0]
    assert street_user.get(f"{server}/api/v1/cases/{outside}", timeout=10).status_code == 404
    r = street_user.get(f"{server}/api/v1/cases", params={"unit": units.root_code(db)}, timeout=10)
    assert r.status_code == 400 and "unit" in r.json()["fields"]


def _table_post(http, server, query: str):
    """The workbench's table callback with a crafted query string."""
    deps = http.get(server + "/_dash-dependencies", timeout=10).json()
    dep = next(d for d in deps if f"{ids.AN_TABLE}.columns" in d["output"])
    body = {
        "output": dep["output"],
        "outputs": [
            {"id": o.split(".")[0], "property": o.split(".")[1]} for o in dep["output"].strip(".").split("...")
        ],
        "inputs": [{"id": ids.AN_QUERY, "property": "data", "value": query}],
        "state": [{"id": ids.LANG, "property": "data", "value": "zh"}],
        "changedPropIds": [f"{ids.AN_QUERY}.data"],
    }
    return http.post(server + "/_dash-update-component", json=body, timeout=30)


@pytest.mark.parametrize("role", ["street", "community"])
def test_the_workbench_and_its_exports_keep_to_the_users_area(server, db, role, admin_dsn_):
    user = signin.session(server, role)
    root = units.by_code(db, units.root_code(db))
    streets = units.children(db, root)["code"]
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT s.id, s.code FROM users u JOIN units s ON s.code = u.scope_code WHERE u.username = %s", (role,)
        )
        scope_id, scope_code = cur.fetchone()
        cur.execute(f"SELECT count(*) FROM cases WHERE {role}_id = %s", (scope_id,))
        own = cur.fetchone()[0]
    # A crafted callback asking for another street reads as an unknown unit; no rows come back.
    other = next(code for code in streets if not scope_code.startswith(code))
    r = _table_post(user, server, f"layer=cases&unit={other}")
    assert r.status_code == 200
    response = r.json()["response"]
    assert response[ids.AN_TABLE]["data"] == [] and "您的辖区内没有编码为" in response[ids.AN_TOTAL]["children"]
    r = _table_post(user, server, "layer=cases")
    assert str(own) in response_total(r.json()["response"])
    # Every export holds the user's own rows only.
    csv = user.get(f"{server}/analyst/export.csv?layer=cases", timeout=120)
    assert csv.status_code == 200
    rows = csv.content.decode("utf-8-sig").count("\r\n") - 1
    assert rows == own > 0
    geo = user.get(f"{server}/analyst/export.geojson?layer=cameras", timeout=60).json()
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM cameras WHERE {role}_id = %s", (scope_id,))
        assert len(geo["features"]) == cur.fetchone()[0] > 0
    assert user.post(f"{server}/import/upload", data={"kind": "cases"}, timeout=10).status_code == 403


def response_total(response: dict) -> str:
    """The total's text ("共 N 条"), digits only."""
    return "".join(ch for ch in response[ids.AN_TOTAL]["children"] if ch.isdigit())
