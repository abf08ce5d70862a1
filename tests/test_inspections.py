"""Checkpoint inspections (创文点位排查): rounds and their coverage KPI, the inspection API and the
phone's form, the distance flag, a rectification case per failed element, and the verification
that re-inspects it. The real app, a real PostGIS, real photos."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import requests

from geodata import kpis, units
from geodata.accounts.apikeys import create as make_key
from geodata.cases import lifecycle
from geodata.db import Database
from geodata.inspections import rounds
from settings import get_settings
from tests import signin
from tests.photo_files import jpeg

VERIFIER_STREET = "410171001"  # the demo verifier's street (明湖办事处)


@pytest.fixture(scope="module")
def key(admin_dsn_) -> str:
    database = Database(admin_dsn_)
    try:
        return make_key(database, "创文督查系统", ["inspection"], ["inspections"])
    finally:
        database.close()


def _point(db, type_code: str = "school", skip: int = 0) -> dict:
    """A checkpoint of the verifier's street whose department is 城市管理局, with its elements."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT k.id, k.code, ST_X(k.geom), ST_Y(k.geom), c.code FROM checkpoints k "
            "JOIN units s ON s.id = k.street_id JOIN units c ON c.id = k.community_id "
            "JOIN departments d ON d.id = k.department_id "
            "WHERE s.code = %s AND k.type_code = %s AND d.code = 'CGJ' ORDER BY k.id OFFSET %s LIMIT 1",
            (VERIFIER_STREET, type_code, skip),
        )
        cp_id, code, lon, lat, community = cur.fetchone()
        cur.execute(
            "SELECT code FROM checkpoint_elements WHERE type_code = %s AND device IS NULL ORDER BY code", (type_code,)
        )
        elements = [r[0] for r in cur.fetchall()]
    return {"id": cp_id, "code": code, "lon": lon, "lat": lat, "community": community, "elements": elements}


def _east(lon: float, lat: float, metres: float) -> float:
    """The longitude ``metres`` east of (lon, lat)."""
    import math

    return lon + metres / (111_320 * math.cos(math.radians(lat)))


def _send(server, key, cp, failed=(), metres: float | None = 30, **extra) -> requests.Response:
    body = {
        "results": {
            e: {"passed": e not in failed, "note": "门口垃圾未清" if e in failed else None} for e in cp["elements"]
        }
    }
    if metres is not None:
        body.update(lon=_east(cp["lon"], cp["lat"], metres), lat=cp["lat"])
    body.update(extra)
    return requests.post(
        f"{server}/api/v1/checkpoints/{cp['id']}/inspections", json=body, headers={"X-API-Key": key}, timeout=30
    )


def _get(server, key, cp_id) -> dict:
    answer = requests.get(f"{server}/api/v1/checkpoints/{cp_id}", headers={"X-API-Key": key}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_failed_element_opens_a_rectification_that_a_verified_fix_turns_compliant(server, db, key):
    cp = _point(db)
    sent = _send(server, key, cp, failed=("sanitation",), metres=40, external_id="T-INSP-LOOP")
    assert sent.status_code == 201, sent.text
    done = sent.json()
    assert done["far"] is False and done["distance_m"] == pytest.approx(40, abs=1)
    assert done["compliant"] is False and done["elements"] == len(cp["elements"])
    assert done["passed"] == len(cp["elements"]) - 1
    [opened] = done["cases"]
    assert opened["element"] == "sanitation" and opened["opened"] is True
    case_id = opened["case_id"]

    with db.transaction() as cur:
        cur.execute(
            "SELECT c.source, c.category_code, c.status, d.code, c.deadline_at - c.reported_at, k.sla_hours "
            "FROM cases c JOIN departments d ON d.id = c.department_id "
            "JOIN case_categories k ON k.code = c.category_code WHERE c.id = %s",
            (case_id,),
        )
        source, category, status, department, limit, sla = cur.fetchone()
    assert (source, category, status, department) == ("inspection", "0702", "dispatched", "CGJ")
    assert limit == timedelta(hours=sla)

    view = _get(server, key, cp["id"])
    assert view["compliant"] is False
    assert [c["id"] for c in view["open_rectifications"]] == [case_id]
    failing = [e["code"] for e in view["elements"] if e["passed"] is False]
    assert failing == ["sanitation"]

    # The department's handler sees the case (its row scope is the cases sent to its department).
    dept = signin.session(server, "dept_cgj")
    assert dept.get(f"{server}/api/v1/cases/{case_id}", timeout=20).status_code == 200

    # A repeat of the same inspection (same external id) records nothing new.
    again = _send(server, key, cp, failed=("sanitation",), metres=40, external_id="T-INSP-LOOP")
    assert again.status_code == 200 and again.json()["id"] == done["id"]

    # The same failure found again while the case is open joins it.
    more = _send(server, key, cp, failed=("sanitation",), metres=10)
    assert more.status_code == 201 and more.json()["cases"] == [
        {"element": "sanitation", "case_id": case_id, "opened": False}
    ]

    # The department fixes it, the verifier passes the check: the element is re-inspected.
    with db.transaction() as cur:
        lifecycle.apply(cur, case_id, "accept", "dept_cgj", role="department")
        lifecycle.apply(cur, case_id, "resolve", "dept_cgj", role="department", reply="已清扫")
        lifecycle.apply(cur, case_id, "verify", "verifier", role="verifier", passed=True, note="现场已整改")
    view = _get(server, key, cp["id"])
    assert view["compliant"] is True and view["open_rectifications"] == []
    latest = view["latest"]
    assert latest["kind"] == "verification" and latest["inspector"] == "verifier"
    assert latest["results"]["sanitation"] == {
        "passed": True,
        "carried": False,
        "note": "现场已整改",
        "case_id": case_id,
        "photo_id": None,
    }
    assert all(r["carried"] for code, r in latest["results"].items() if code != "sanitation")


def test_an_inspection_far_from_its_checkpoint_or_without_a_place_is_flagged(server, db, key):
    cp = _point(db, skip=1)
    limit = get_settings().inspect_far_m
    near = _send(server, key, cp, metres=limit - 20).json()
    far = _send(server, key, cp, metres=limit + 150).json()
    nowhere = _send(server, key, cp, metres=None).json()
    assert (near["far"], far["far"], nowhere["far"]) == (False, True, True)
    assert far["distance_m"] == pytest.approx(limit + 150, abs=2) and nowhere["distance_m"] is None
    with db.transaction() as cur:
        cur.execute("SELECT far FROM inspections WHERE id = ANY(%s) ORDER BY id", ([near["id"], far["id"]],))
        assert [r[0] for r in cur.fetchall()] == [False, True]


def _progress(db, unit) -> tuple[int, int]:
    value = kpis.unit_kpis(db, unit)["inspection_progress"]
    return value.num, value.den


def _counted(db, unit_code: str) -> tuple[int, int]:
    """Coverage counted from the rows, independently of the KPI's query."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FILTER (WHERE rc.inspection_id IS NOT NULL), count(*) FROM round_checkpoints rc "
            "JOIN inspection_rounds r ON r.id = rc.round_id JOIN checkpoints k ON k.id = rc.checkpoint_id "
            "JOIN units u ON u.id = k.community_id "
            "WHERE u.code = %s AND %s BETWEEN r.starts_on AND r.ends_on",
            (unit_code, rounds.today()),
        )
        return tuple(cur.fetchone())


def test_a_round_is_due_once_per_checkpoint_and_its_coverage_is_a_kpi(server, db, key):
    cp = _point(db, "community")
    today = rounds.today()
    made = requests.post(
        f"{server}/api/v1/inspection-rounds",
        json={
            "name": "社区点位专项排查",
            "starts_on": str(today),
            "ends_on": str(today + timedelta(days=6)),
            "type": "community",
            "unit": cp["community"],
        },
        headers={"X-API-Key": key},
        timeout=20,
    )
    assert made.status_code == 201, made.text
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FROM checkpoints k JOIN units u ON u.id = k.community_id "
            "WHERE u.code = %s AND k.type_code = 'community'",
            (cp["community"],),
        )
        assert made.json()["due"] == cur.fetchone()[0]
    community = units.by_code(db, cp["community"])
    before = _progress(db, community)
    assert before == _counted(db, cp["community"])

    _send(server, key, cp)
    after = _progress(db, community)
    assert after == _counted(db, cp["community"]) and after[0] == before[0] + 1 and after[1] == before[1]
    listed = requests.get(
        f"{server}/api/v1/inspection-rounds", params={"unit": cp["community"]}, headers={"X-API-Key": key}, timeout=20
    ).json()
    mine = next(r for r in listed if r["id"] == made.json()["id"])
    assert mine["inspected"] == 1 and mine["current"] is True

    bad = requests.post(
        f"{server}/api/v1/inspection-rounds",
        json={"name": "", "starts_on": "2026-13-01", "ends_on": "x", "type": "nope"},
        headers={"X-API-Key": key},
        timeout=20,
    )
    assert bad.status_code == 400 and set(bad.json()["fields"]) >= {"name", "starts_on", "ends_on", "type"}


def test_bad_inspections_are_refused_naming_the_problem_and_nothing_is_written(server, db, key, api_key):
    cp = _point(db, skip=2)
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM inspections WHERE checkpoint_id = %s", (cp["id"],))
        before = cur.fetchone()[0]
    url = f"{server}/api/v1/checkpoints/{cp['id']}/inspections"
    headers = {"X-API-Key": key}
    unknown = requests.post(url, json={"results": {"nope": True}}, headers=headers, timeout=20)
    assert unknown.status_code == 400 and "nope" in unknown.json()["fields"]["results"]
    partial = requests.post(url, json={"results": {cp["elements"][0]: True}}, headers=headers, timeout=20)
    assert partial.status_code == 400 and "missing" in partial.json()["fields"]["results"]
    notbool = requests.post(url, json={"results": {cp["elements"][0]: "maybe"}}, headers=headers, timeout=20)
    assert notbool.status_code == 400
    junk = requests.post(url, data=b"{not json", headers={**headers, "Content-Type": "application/json"}, timeout=20)
    assert junk.status_code == 400
    assert requests.post(
        f"{server}/api/v1/checkpoints/99999999/inspections", json={"results": {}}, headers=headers, timeout=20
    ).status_code in (400, 404)
    assert _send(server, key, {**cp, "id": 99999999}).status_code == 404
    assert _send(server, api_key, cp).status_code == 403, "a key without the right 'inspections'"
    intersection = _point_of_type(db, "intersection")
    device = requests.post(
        f"{server}/api/v1/checkpoints/{intersection}/inspections",
        json={"results": {"camera": True}},
        headers=headers,
        timeout=20,
    )
    assert device.status_code == 400 and "devices" in device.json()["fields"]["results"]
    analyst = signin.session(server, "analyst")
    token = signin.form_token(analyst, server)
    refused = analyst.post(url, json={"results": {}}, headers={"X-CSRF-Token": token}, timeout=20)
    assert refused.status_code == 403
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM inspections WHERE checkpoint_id = %s", (cp["id"],))
        assert cur.fetchone()[0] == before


def _point_of_type(db, type_code: str) -> int:
    with db.transaction() as cur:
        cur.execute("SELECT id FROM checkpoints WHERE type_code = %s ORDER BY id LIMIT 1", (type_code,))
        return cur.fetchone()[0]


def test_the_phone_form_needs_a_photo_of_each_failure_and_keeps_it_on_the_rectification(server, db):
    here = _point(db, skip=3)
    today = rounds.today()
    rounds.create(
        db, "学校点位排查", today, today + timedelta(days=3), "tests", type_code="school", unit_code=VERIFIER_STREET
    )
    with db.transaction() as cur:  # the due list, counted independently: nearest the phone first
        cur.execute(
            "SELECT k.id FROM round_checkpoints rc JOIN inspection_rounds r ON r.id = rc.round_id "
            "JOIN checkpoints k ON k.id = rc.checkpoint_id JOIN units s ON s.id = k.street_id "
            "WHERE rc.inspection_id IS NULL AND %s BETWEEN r.starts_on AND r.ends_on AND s.code = %s "
            "GROUP BY k.id ORDER BY min(ST_Distance(k.geom::geography, ST_MakePoint(%s, %s)::geography)), k.id",
            (today, VERIFIER_STREET, here["lon"], here["lat"]),
        )
        expected = [r[0] for r in cur.fetchall()]
    phone = signin.session(server, "verifier")
    listed = phone.get(f"{server}/m/inspect", params={"lon": here["lon"], "lat": here["lat"]}, timeout=20)
    assert listed.status_code == 200
    shown = [int(i) for i in re.findall(r'data-checkpoint="(\d+)"', listed.text)]
    assert shown == expected[: len(shown)] and shown, "the due checkpoints, nearest first"
    with db.transaction() as cur:
        cur.execute(
            "SELECT k.id, ST_X(k.geom), ST_Y(k.geom), k.type_code, d.name FROM checkpoints k "
            "LEFT JOIN departments d ON d.id = k.department_id WHERE k.id = %s",
            (shown[0],),
        )
        cp_id, lon, lat, type_code, department = cur.fetchone()
        cur.execute(
            "SELECT code FROM checkpoint_elements WHERE type_code = %s AND device IS NULL ORDER BY code", (type_code,)
        )
        cp = {"id": cp_id, "lon": lon, "lat": lat, "elements": [r[0] for r in cur.fetchall()]}
    form = phone.get(f"{server}/m/inspect/{cp['id']}", timeout=20)
    assert form.status_code == 200 and all(f'name="el_{e}"' in form.text for e in cp["elements"])
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    fields = {f"el_{e}": "1" for e in cp["elements"]}
    form_key = f"i-{uuid.uuid4().hex}"
    fields.update(csrf=csrf, key=form_key, lon=str(cp["lon"]), lat=str(cp["lat"]))
    fields[f"el_{cp['elements'][0]}"] = "0"
    no_photo = phone.post(f"{server}/m/inspect/{cp['id']}", data=fields, timeout=20, allow_redirects=False)
    assert no_photo.status_code == 400 and "请附现场照片" in no_photo.text
    photo = {f"photo_{cp['elements'][0]}": ("scene.jpg", jpeg(), "image/jpeg")}
    sent = phone.post(f"{server}/m/inspect/{cp['id']}", data=fields, files=photo, timeout=30, allow_redirects=False)
    assert sent.status_code == 303, sent.text
    page = phone.get(server + sent.headers["Location"], timeout=20)
    assert "已生成整改案件" in page.text and department in page.text
    with db.transaction() as cur:
        cur.execute(
            "SELECT r.case_id, p.case_id, p.stage FROM inspection_results r JOIN case_photos p ON p.id = r.photo_id "
            "JOIN inspections i ON i.id = r.inspection_id WHERE i.checkpoint_id = %s AND i.external_id = %s",
            (cp["id"], form_key),
        )
        [(case_id, photo_case, stage)] = cur.fetchall()
    assert case_id == photo_case and stage == "report"
    twice = phone.post(f"{server}/m/inspect/{cp['id']}", data=fields, files=photo, timeout=30, allow_redirects=False)
    assert twice.status_code == 303, "the same form sent twice records one inspection"
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM inspections WHERE external_id = %s", (form_key,))
        assert cur.fetchone()[0] == 1
