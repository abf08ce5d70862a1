"""群众评单: the one-time rating link, and the phone page's refusals. The real app over HTTP."""

from __future__ import annotations

import re

import requests

from geodata.cases import lifecycle
from tests import signin
from tests.cases import insert_case
from tests.photo_files import HOSTILE, jpeg


def _resolved(db, tag: str, verified: bool = True) -> int:
    with db.transaction() as cur:
        case_id = insert_case(cur, 113.77, 34.71, f"T-RATE-{tag}", source="hotline")
        for action, fields in (("dispatch", {"department": "CGJ"}), ("accept", {}), ("resolve", {"reply": "已处理"})):
            lifecycle.apply(cur, case_id, action, "测试员", **fields)
        if verified:
            lifecycle.apply(cur, case_id, "verify", "测试员", passed=True)
    return case_id


def _link(server, case_id, api_key) -> requests.Response:
    return requests.post(f"{server}/api/v1/cases/{case_id}/rating-link", headers={"X-API-Key": api_key}, timeout=20)


def _rate(server, url: str, score: str, comment: str = "") -> requests.Response:
    http = requests.Session()
    page = http.get(url, timeout=20)
    token = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    return http.post(url, data={"csrf": token, "satisfaction": score, "comment": comment}, timeout=20)


def test_a_link_rates_once_and_a_new_link_ends_the_old_one(server, db, api_key):
    case_id = _resolved(db, "ONCE")
    first = _link(server, case_id, api_key).json()["url"]
    second = _link(server, case_id, api_key).json()["url"]
    assert requests.get(first, timeout=20).status_code == 404, "a new link ends the earlier one"
    assert _rate(server, second, "9").status_code == 400, "only 1 to 5"
    done = _rate(server, second, "4", "还行")
    assert done.status_code == 200 and "感谢" in done.text
    again = requests.get(second, timeout=20)
    assert again.status_code == 410 and "已使用" in again.text
    with db.transaction() as cur:
        cur.execute("SELECT status, satisfaction FROM cases WHERE id = %s", (case_id,))
        assert cur.fetchone() == ("rated", 4)
        cur.execute("SELECT actor, note FROM case_events WHERE case_id = %s ORDER BY id DESC LIMIT 1", (case_id,))
        assert cur.fetchone() == ("群众", "还行")
        cur.execute("SELECT count(*) FROM rating_links WHERE case_id = %s AND used_at IS NOT NULL", (case_id,))
        assert cur.fetchone()[0] == 1


def test_no_link_before_the_check_passes_and_unknown_tokens_say_so(server, db, api_key):
    case_id = _resolved(db, "EARLY", verified=False)
    early = _link(server, case_id, api_key)
    assert early.status_code == 409 and "checked" in early.json()["message"]
    assert _link(server, 999_999_999, api_key).status_code == 404
    assert requests.post(f"{server}/api/v1/cases/{case_id}/rating-link", timeout=20).status_code == 401
    missing = requests.get(f"{server}/rate/not-a-real-token", timeout=20)
    assert missing.status_code == 404 and "失效" in missing.text
    assert requests.get(f"{server}/rate/{'x' * 5000}", timeout=20).status_code == 404


def test_the_phone_refuses_a_hostile_photo_and_keeps_what_was_typed(server, db):
    phone = signin.session(server, "gridworker")
    form = phone.get(f"{server}/m", timeout=20).text
    fields = {name: re.search(rf'name="{name}" value="([^"]*)"', form).group(1) for name in ("csrf", "key")}
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM cases")
        before = cur.fetchone()[0]
    for name, data in HOSTILE.items():
        answer = phone.post(
            f"{server}/m/report",
            data={**fields, "category": "0101", "use_grid": "1", "description": "楼道堆物"},
            files={"photo": (name, data, "image/jpeg")},
            timeout=20,
        )
        assert answer.status_code in (400, 422), name
        assert 'class="error"' in answer.text and "楼道堆物" in answer.text, name
    no_place = phone.post(
        f"{server}/m/report",
        data={**fields, "category": "0101"},
        files={"photo": ("a.jpg", jpeg(), "image/jpeg")},
        timeout=20,
    )
    assert no_place.status_code == 400 and "定位" in no_place.text
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM cases")
        assert cur.fetchone()[0] == before, "a refused report writes nothing"
    sent = dict(data={**fields, "category": "0101", "use_grid": "1"}, files={"photo": ("a.jpg", jpeg(), "image/jpeg")})
    one = phone.post(f"{server}/m/report", allow_redirects=False, timeout=20, **sent)
    two = phone.post(f"{server}/m/report", allow_redirects=False, timeout=20, **sent)
    assert one.status_code == two.status_code == 303
    assert one.headers["Location"] == two.headers["Location"], "the same form sent twice makes one case"
    assert phone.get(f"{server}/m/case/999999999", timeout=20).status_code == 404
