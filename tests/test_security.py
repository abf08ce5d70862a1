"""Security round 2, one test per finding: each failed before the change and passes after it."""

from __future__ import annotations

import subprocess
import time

import flask
import pytest
import requests
from flask.sessions import SecureCookieSessionInterface

import ids
from geodata import units
from geodata.accounts import apikeys, users, walltokens
from geodata.db import Database
from tests import dash_calls, signin
from tests.conftest import GRIDOPS, ROOT, TEST_SECRET
from tests.test_access import _callback_key, _unit_post

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    database.close()


def _eventually(check, seconds: float = 3.0):
    """A change announced by NOTIFY reaches the server's workers within milliseconds; allow a few
    seconds on a loaded machine, and fail if it never comes."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def _signed_out(http, server) -> bool:
    return http.get(f"{server}/api/v1/categories", timeout=10).status_code == 401


# 1. A wall token reaches only the wall's and the case view's callbacks.
def test_a_wall_token_runs_the_walls_callbacks_and_no_other(server, admin, http):
    root = units.root_code(admin)
    with admin.transaction() as cur:
        cur.execute("SELECT code FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        grid = cur.fetchone()[0]
    kiosk = requests.Session()
    assert kiosk.get(f"{server}/wall?token={walltokens.create(admin, '安全测试大屏', root)}", timeout=10).ok
    unit_key = _callback_key(server, http, f"{ids.UNIT_STATE}.data")
    refused = _unit_post(kiosk, server, unit_key, f"/unit/{grid}")
    assert refused.status_code == 403 and "grid_worker" not in refused.text and "电话" not in refused.text
    assert _unit_post(http, server, unit_key, f"/unit/{grid}").status_code == 200  # a user may
    output, spec = dash_calls.router_spec(http, server)
    for path, status in ((f"/unit/{grid}", 403), ("/analyst", 403), ("/wall", 200), ("/case/1", 200)):
        r = kiosk.post(f"{server}/_dash-update-component", json=dash_calls.router(output, spec, path), timeout=30)
        assert r.status_code == status, path
    onemap = _callback_key(server, http, f"{ids.MAP_STATE}.data")
    body = {
        "output": onemap,
        "outputs": [],
        "inputs": [{"id": ids.MAP_TICK, "property": "n_intervals", "value": 1}],
        "state": [],
        "changedPropIds": [f"{ids.MAP_TICK}.n_intervals"],
    }
    assert kiosk.post(f"{server}/_dash-update-component", json=body, timeout=30).status_code == 403


def test_the_wall_cookie_holds_a_session_id_and_no_token(server, admin):
    token = walltokens.create(admin, "安全测试大屏2", units.root_code(admin))
    kiosk = requests.Session()
    assert kiosk.get(f"{server}/wall?token={token}", timeout=10).ok
    reader = flask.Flask("cookie-reader")
    reader.secret_key = TEST_SECRET
    content = SecureCookieSessionInterface().get_signing_serializer(reader).loads(kiosk.cookies.get("gridops_session"))
    assert (
        set(content) <= {"sid", "_permanent"}
        and "gw_" not in str(content)
        and token.split("_", 2)[2] not in str(content)  # the whole secret (it may hold a "_" itself)
    )
    walltokens.revoke(admin, token.split("_")[1])
    assert _eventually(lambda: kiosk.get(f"{server}/wall", allow_redirects=False, timeout=10).status_code == 302)


# 2. Sessions end on the server.
def test_a_cookie_saved_before_sign_out_reads_nothing_after_it(server):
    browser = signin.session(server, "analyst")
    saved = requests.Session()
    saved.cookies.update(browser.cookies)
    assert saved.get(f"{server}/api/v1/cases?limit=1", timeout=10).status_code == 200
    assert signin.sign_out(browser, server).status_code == 303
    assert saved.get(f"{server}/api/v1/cases?limit=1", timeout=10).status_code == 401
    export = saved.get(f"{server}/analyst/export.csv?layer=cases", allow_redirects=False, timeout=10)
    assert export.status_code in (302, 401) and "cases" not in export.text[:200]


@pytest.mark.parametrize("change", ["password", "disable", "rescope"])
def test_a_password_change_disable_or_rescope_ends_every_session_at_once(server, admin, change):
    name = f"t-sess-{change}"
    users.create(admin, name, PASSWORD, "district", units.root_code(admin), "会话测试")
    first, second = signin.session(server, name, PASSWORD), signin.session(server, name, PASSWORD)
    assert not _signed_out(first, server) and not _signed_out(second, server)
    if change == "password":
        users.set_password(admin, name, PASSWORD + "-new")
    elif change == "disable":
        users.disable(admin, name)
    else:
        users.rescope(admin, name, "analyst", units.root_code(admin))
    assert _eventually(lambda: _signed_out(first, server) and _signed_out(second, server))


def test_an_admin_lists_and_ends_a_users_sessions(server, admin):
    users.create(admin, "t-sess-admin", PASSWORD, "analyst", units.root_code(admin), "会话测试")
    browsers = [signin.session(server, "t-sess-admin", PASSWORD) for _ in range(2)]
    run = [GRIDOPS, "users"]
    listed = subprocess.run([*run, "sessions", "t-sess-admin"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and len(listed.stdout.strip().splitlines()) == 2 and "127.0.0.1" in listed.stdout
    ended = subprocess.run([*run, "end-sessions", "t-sess-admin"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ended.returncode == 0 and "ended 2 session(s)" in ended.stdout
    assert _eventually(lambda: all(_signed_out(b, server) for b in browsers))
    with admin.transaction() as cur:
        cur.execute("SELECT detail FROM audit_log WHERE action = 'session_end' ORDER BY id DESC LIMIT 1")
        assert cur.fetchone()[0]["sessions_ended"] == 2


def test_an_idle_session_ends(server, admin):
    browser = signin.session(server, "analyst")
    assert not _signed_out(browser, server)
    with admin.transaction() as cur:  # as if the idle time had passed (announced like any session end)
        cur.execute(
            "UPDATE sessions SET idle_until = now() - interval '1 second', ended_at = NULL "
            "WHERE id = (SELECT max(id) FROM sessions)"
        )
    assert _eventually(lambda: _signed_out(browser, server))


# 5. A known browser signs in however often strangers guess.
def test_strangers_wrong_passwords_do_not_lock_the_owners_browser_out(server, admin):
    users.create(admin, "t-device", PASSWORD, "analyst", units.root_code(admin), "设备测试")
    owner = signin.session(server, "t-device", PASSWORD)  # leaves the device cookie
    assert owner.cookies.get("gridops_device")
    stranger = requests.Session()
    answers = []
    for _ in range(7):
        token = signin.form_token(stranger, server)
        answers.append(
            stranger.post(
                f"{server}/login",
                data={"csrf": token, "username": "t-device", "password": "wrong-password"},
                timeout=20,
            )
        )
    assert answers[0].status_code == 401 and answers[-1].status_code == 429 and answers[-1].headers["Retry-After"]
    token = signin.form_token(owner, server)
    back = owner.post(
        f"{server}/login",
        data={"csrf": token, "username": "t-device", "password": PASSWORD},
        allow_redirects=False,
        timeout=20,
    )
    assert back.status_code == 303


# 6. An API key acts within what it was made for, under its own name.
def test_a_key_moves_only_its_sources_cases_and_is_recorded_as_itself(server, admin, db):
    hotline = apikeys.create(admin, "安全测试热线", ["hotline"])
    department = apikeys.create(admin, "城管局业务系统", ["patrol"], ["transitions"])
    with db.transaction() as cur:
        cur.execute("SELECT id FROM cases WHERE source = 'app' AND status = 'reported' ORDER BY id LIMIT 1")
        app_case = cur.fetchone()[0]
    step = {"action": "dispatch", "department": "CGJ", "actor": "区长"}
    r = requests.post(
        f"{server}/api/v1/cases/{app_case}/transitions", json=step, headers={"X-API-Key": hotline}, timeout=20
    )
    assert r.status_code == 403 and "transitions" in r.json()["message"]
    r = requests.post(
        f"{server}/api/v1/cases/{app_case}/transitions", json=step, headers={"X-API-Key": department}, timeout=20
    )
    assert r.status_code == 200, r.text
    last = r.json()["events"][-1]
    assert last["actor"] == "城管局业务系统" and last["claimed_actor"] == "区长"


# 7. Smaller points.
def test_a_revoked_key_stops_writing_at_once(server, admin, db):
    key = apikeys.create(admin, "即将吊销", ["hotline"])
    with db.transaction() as cur:
        cur.execute("SELECT id FROM cases WHERE source = 'hotline' AND status = 'reported' ORDER BY id DESC LIMIT 1")
        case = cur.fetchone()[0]
    bad_step = {"action": "no_such_step"}

    def status() -> int:
        return requests.post(
            f"{server}/api/v1/cases/{case}/transitions", json=bad_step, headers={"X-API-Key": key}, timeout=20
        ).status_code

    assert status() == 409  # known (and now cached) key, a step that does not fit
    apikeys.revoke(admin, key.split("_")[1])
    assert _eventually(lambda: status() == 401, seconds=2.0)
