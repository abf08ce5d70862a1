"""Users and the audit log against the real database: validation, sign-in, rate limiting of
failed sign-ins, disabling and re-scoping, and the admin command line."""

from __future__ import annotations

import os
import subprocess

import pytest

from geodata import units
from geodata.accounts import audit, throttle, users
from geodata.db import Database
from tests.conftest import GRIDOPS, ROOT

PASSWORD = "correct horse battery"


@pytest.fixture
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    database.close()


def _street_code(db) -> str:
    return units.children(db, units.by_code(db, units.root_code(db)))["code"][0]


def test_create_checks_role_scope_and_password(admin):
    street = _street_code(admin)
    root = units.root_code(admin)
    with pytest.raises(ValueError, match="a street user needs a street unit"):
        users.create(admin, "t-wrong-level", PASSWORD, "street", root, "x")
    with pytest.raises(ValueError, match="no unit with code"):
        users.create(admin, "t-no-unit", PASSWORD, "street", "nowhere", "x")
    with pytest.raises(ValueError, match="at least 10"):
        users.create(admin, "t-short", "short", "street", street, "x")
    with pytest.raises(ValueError, match="username"):
        users.create(admin, "bad name!", PASSWORD, "street", street, "x")
    user = users.create(admin, "t-street", PASSWORD, "street", street, "明湖值班员")
    assert (user.role, user.scope_code) == ("street", street)
    with pytest.raises(ValueError, match="taken"):
        users.create(admin, "t-street", PASSWORD, "street", street, "x")


def test_wrong_passwords_slow_the_guesser_and_never_lock_the_owner_out(admin):
    users.create(admin, "t-lock", PASSWORD, "district", units.root_code(admin), "区值班员")
    user = users.authenticate(admin, "t-lock", PASSWORD, "10.0.0.1", device="dev-owner")
    assert user.username == "t-lock" and user.role == "district"
    for _ in range(throttle.FREE["pair"]):
        with pytest.raises(users.AuthError) as err:
            users.authenticate(admin, "t-lock", "wrong password", "10.0.0.2")
        assert err.value.reason == "mismatch"
    with pytest.raises(users.AuthError) as err:  # the guesser's pair now waits, right password or not
        users.authenticate(admin, "t-lock", PASSWORD, "10.0.0.2")
    assert err.value.reason == "throttled" and 1 <= err.value.retry_after <= 2
    # The owner is not held up: from another address, and from their known browser at the same one.
    assert users.authenticate(admin, "t-lock", PASSWORD, "10.0.0.3").username == "t-lock"
    assert users.authenticate(admin, "t-lock", PASSWORD, "10.0.0.2", device="dev-owner").username == "t-lock"
    with admin.transaction() as cur:
        log = audit.recent(cur, 20)
    mine = [e for e in log if e["actor"] == "t-lock"]
    assert [e["action"] for e in mine[:8]] == ["sign_in", "sign_in", "sign_in_failed"] + ["sign_in_failed"] * 5
    assert mine[2]["detail"]["reason"] == "throttled" and mine[0]["detail"]["device"] == "dev-owner"


def test_the_wait_doubles_with_each_wrong_password_and_a_known_device_counts_its_own(admin):
    assert [throttle.wait_after(n, 5).total_seconds() for n in (0, 4, 5, 6, 7, 10)] == [0, 0, 1, 2, 4, 32]
    assert throttle.wait_after(40, 5) == throttle.CAP
    users.create(admin, "t-slow", PASSWORD, "analyst", units.root_code(admin), "分析员")
    with admin.transaction() as cur:  # twelve wrong passwords just now, from one address
        for _ in range(12):
            audit.record(cur, "t-slow", "sign_in_failed", "10.0.1.1", reason="mismatch")
    with pytest.raises(users.AuthError) as err:
        users.authenticate(admin, "t-slow", PASSWORD, "10.0.1.1")
    assert err.value.reason == "throttled" and 120 <= err.value.retry_after <= 128  # 2 ** (12 - 5) s
    with admin.transaction() as cur:  # a known device's own failures slow that device only
        for _ in range(8):
            audit.record(cur, "t-slow", "sign_in_failed", "10.0.1.1", reason="mismatch", device="dev-slow")
    with pytest.raises(users.AuthError) as err:
        users.authenticate(admin, "t-slow", PASSWORD, "10.0.1.1", device="dev-slow")
    assert err.value.reason == "throttled" and 7 <= err.value.retry_after <= 8
    assert users.authenticate(admin, "t-slow", PASSWORD, "10.0.1.9", device="dev-other").username == "t-slow"


def test_an_address_spraying_many_names_is_slowed_but_known_devices_behind_it_are_not(admin):
    users.create(admin, "t-spray", PASSWORD, "analyst", units.root_code(admin), "分析员")
    with admin.transaction() as cur:
        for n in range(throttle.FREE["address"] + 2):
            audit.record(cur, f"guess{n}", "sign_in_failed", "10.0.2.1", reason="mismatch")
    with pytest.raises(users.AuthError) as err:
        users.authenticate(admin, "t-spray", PASSWORD, "10.0.2.1")
    assert err.value.reason == "throttled"
    assert users.authenticate(admin, "t-spray", PASSWORD, "10.0.2.1", device="dev-spray").username == "t-spray"


def test_unknown_names_and_disabled_users_get_the_same_answer(admin):
    users.create(admin, "t-off", PASSWORD, "analyst", units.root_code(admin), "分析员")
    users.disable(admin, "t-off")
    with pytest.raises(users.AuthError) as disabled:
        users.authenticate(admin, "t-off", PASSWORD, None)
    with pytest.raises(users.AuthError) as unknown:
        users.authenticate(admin, "t-nobody", PASSWORD, None)
    assert disabled.value.message == unknown.value.message
    users.enable(admin, "t-off")
    assert users.authenticate(admin, "t-off", PASSWORD, None).role == "analyst"
    user = users.by_id(admin, users.authenticate(admin, "t-off", PASSWORD, None).id)
    assert user is not None
    users.disable(admin, "t-off")
    assert users.by_id(admin, user.id) is None  # a session of a disabled user ends


def test_rescope_and_the_admin_command_line(admin):
    street = _street_code(admin)
    community = units.children(admin, units.by_code(admin, street))["code"][0]
    env = {**os.environ, "GRIDOPS_NEW_PASSWORD": PASSWORD}
    run = [GRIDOPS, "users"]
    made = subprocess.run(
        [*run, "create", "--username", "t-cli", "--role", "street", "--scope", street, "--name", "办事处"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    moved = subprocess.run(
        [*run, "rescope", "t-cli", "--role", "community", "--scope", community],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert moved.returncode == 0, moved.stderr
    assert users.authenticate(admin, "t-cli", PASSWORD, None).scope_code == community
    bad = subprocess.run(
        [*run, "rescope", "t-cli", "--role", "district", "--scope", community],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("error: scope: a district user needs a district unit")
    assert "Traceback" not in bad.stderr
    listed = subprocess.run([*run, "list"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60).stdout
    assert "t-cli" in listed and "community" in listed
    log = subprocess.run(
        [*run, "audit", "--action", "user_admin", "--limit", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    assert "rescope community" in log and "t-cli" in log
