"""Every entry of the hostile-input corpus (tests/hostile.py) answers with one of its allowed
statuses and a message, never a 500; and the sign-in form refuses a NUL in the name with 400."""

from __future__ import annotations

import json

import pytest
import requests

import ids
from tests import dash_calls, signin
from tests.hostile import CORPUS, NUL


@pytest.fixture(scope="module")
def case_id(db) -> int:
    with db.transaction() as cur:
        cur.execute("SELECT id FROM cases WHERE source = 'hotline' AND status = 'reported' ORDER BY id LIMIT 1")
        return cur.fetchone()[0]


def _fill(value, key: str):
    if isinstance(value, str):
        return value.replace("{key}", key)
    if isinstance(value, dict):
        return {k: _fill(v, key) for k, v in value.items()}
    return value


@pytest.mark.parametrize("entry", CORPUS, ids=[e[0] for e in CORPUS])
def test_hostile_input_gets_a_clear_refusal(entry, server, http, api_key, case_id):
    _name, who, method, path, kwargs, allowed = entry
    client = http if who == "user" else requests.Session()
    headers = {**kwargs.get("headers", {}), **({"X-API-Key": api_key} if who == "key" else {})}
    kwargs = {**_fill(kwargs, api_key), "headers": headers}
    r = client.request(
        method, server + path.replace("{case}", str(case_id)), timeout=60, allow_redirects=False, **kwargs
    )
    assert r.status_code in allowed, (r.status_code, r.text[:300])
    if r.headers.get("Content-Type", "").startswith("application/json"):
        body = r.json()
        body = body[0] if isinstance(body, list) and body else body  # Open311 answers a list of errors
        assert body.get("message") or body.get("description") or body.get("error"), body
    else:
        assert r.text.strip(), "a refusal says what is wrong"


def test_a_nul_in_the_sign_in_name_is_a_400_and_signs_nobody_in(server):
    browser = requests.Session()
    token = signin.form_token(browser, server)
    r = browser.post(
        f"{server}/login",
        data={"csrf": token, "username": f"district{NUL}", "password": "x" * 12},
        allow_redirects=False,
        timeout=20,
    )
    assert r.status_code == 400 and "NUL" in json.loads(r.text)["message"]


@pytest.mark.parametrize(
    "query",
    [
        "layer=cases&cases.until=9999-12-31",
        "layer=cases&cases.since=0001-01-01",
        "layer=cases&cases.since=2026-11-01&cases.until=9999-12-31",
    ],
)
def test_the_workbench_says_a_date_beyond_its_range_is_wrong(server, http, query):
    deps = http.get(f"{server}/_dash-dependencies", timeout=20).json()
    for dep in (
        d
        for d in deps
        if d["output"].startswith(f"..{ids.AN_TABLE}.columns") or d["output"].startswith(f"..{ids.AN_MAP}.figure")
    ):
        values = {(ids.AN_QUERY, "data"): query, (ids.LANG, "data"): "zh"}
        r = http.post(f"{server}/_dash-update-component", json=dash_calls.body(dep["output"], dep, values), timeout=60)
        assert r.status_code in (200, 204, 400), (dep["output"], r.status_code, r.text[:300])
        if r.status_code == 200 and dep["output"].startswith(f"..{ids.AN_TABLE}"):
            assert "2100-12-31" in r.text  # the message names the range
