"""The intake API (/api/v1) against the served app and the real database: the case loop over
HTTP, every kind of bad input, idempotency under concurrent repeats, search and paging."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests

from geodata import coords
from geodata.accounts import apikeys
from geodata.db import Database

JSON = {"Content-Type": "application/json"}


def _grid_point(db, offset: int = 0) -> tuple[str, float, float]:
    """A tiling grid's code and a point inside it that no exclusive grid covers."""
    with db.transaction() as cur:
        cur.execute(
            """SELECT u.code, ST_X(u.label_point), ST_Y(u.label_point) FROM units u
                        WHERE u.level = 'grid' AND u.kind <> 'exclusive'
                          AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                           AND ST_Intersects(e.geom, u.label_point))
                        ORDER BY u.id OFFSET %s LIMIT 1""",
            (offset,),
        )
        return cur.fetchone()


def _post(server, path, body, key=None, **kw):
    headers = {**JSON, **({"X-API-Key": key} if key else {})}
    data = body if isinstance(body, str) else json.dumps(body)
    return requests.post(f"{server}/api/v1{path}", data=data, headers=headers, timeout=20, **kw)


def _new(external_id: str, lon: float, lat: float, **extra) -> dict:
    return {
        "external_id": external_id,
        "category": "0103",
        "lon": lon,
        "lat": lat,
        "description": "市民来电反映：道路不洁",
        **extra,
    }


def test_create_sets_units_deadline_from_sla_and_the_first_event(server, db, api_key):
    grid, lon, lat = _grid_point(db)
    r = _post(server, "/cases", _new("T-API-1", lon, lat), api_key)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] is True and r.headers["Location"] == f"/api/v1/cases/{body['case']['id']}"
    case = body["case"]
    assert (case["grid_code"], case["source"], case["status"], case["is_open"]) == (grid, "hotline", "reported", True)
    reported, deadline = (datetime.fromisoformat(case[k]) for k in ("reported_at", "deadline_at"))
    with db.transaction() as cur:
        cur.execute("SELECT sla_hours FROM case_categories WHERE code = '0103'")
        assert deadline - reported == timedelta(hours=cur.fetchone()[0])
    assert [(e["to_status"], e["actor"]) for e in case["events"]] == [("reported", "12345热线")]
    assert case["allowed_actions"] == ["dispatch", "merge", "park", "reject", "supervise", "urge"]
    again = _post(server, "/cases", _new("T-API-1", lon, lat), api_key)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["case"]["id"] == case["id"]


def test_the_whole_loop_over_http_then_409_with_the_allowed_actions(server, db, api_key):
    _, lon, lat = _grid_point(db, 1)
    case_id = _post(server, "/cases", _new("T-API-LOOP", lon, lat), api_key).json()["case"]["id"]
    steps = [
        {"action": "dispatch", "department": "CGJ", "note": "网格吹哨"},
        {"action": "accept"},
        {"action": "resolve", "reply": "已清扫"},
        {"action": "verify", "passed": True},
        {"action": "rate", "satisfaction": 5},
        {"action": "close", "actor": "党工委验单"},
    ]
    for step in steps:
        r = _post(server, f"/cases/{case_id}/transitions", step, api_key)
        assert r.status_code == 200, r.text
    case = r.json()
    got = (case["status"], case["is_open"], case["satisfaction"], case["department_code"])
    assert got == ("closed", False, 5, "CGJ")
    assert [e["to_status"] for e in case["events"]] == [
        "reported",
        "dispatched",
        "accepted",
        "resolved",
        "resolved",
        "rated",
        "closed",
    ]
    assert [e["action"] for e in case["events"][1:]] == [s["action"] for s in steps]
    # The key acts; who it says it acted for is kept beside, marked as claimed (never the actor).
    assert case["events"][-1]["actor"] == "12345热线" and case["events"][-1]["claimed_actor"] == "党工委验单"
    assert case["events"][1]["note"] == "网格吹哨"
    with db.transaction() as cur:  # every step is in the audit log, with the key that made it
        cur.execute(
            "SELECT detail->>'step' FROM audit_log WHERE action = 'case_transition' "
            "AND (detail->>'case')::bigint = %s ORDER BY id",
            (case_id,),
        )
        assert [r[0] for r in cur.fetchall()] == [s["action"] for s in steps]
    r = _post(server, f"/cases/{case_id}/transitions", {"action": "accept"}, api_key)
    assert r.status_code == 409
    assert r.json()["current_status"] == "closed" and r.json()["allowed_actions"] == []
    fresh = _post(server, "/cases", _new("T-API-409", lon, lat), api_key).json()["case"]["id"]
    r = _post(server, f"/cases/{fresh}/transitions", {"action": "resolve", "reply": "x"}, api_key)
    assert r.status_code == 409
    assert r.json()["allowed_actions"] == ["dispatch", "merge", "park", "reject", "supervise", "urge"]


def test_bad_input_gets_400_401_403_404_415_422_and_never_500(server, db, api_key, admin_dsn_):
    _, lon, lat = _grid_point(db, 2)
    cases = [
        ("/cases", "{not json", api_key, 400, "invalid_json"),
        ("/cases", "[1, 2]", api_key, 400, "invalid_json"),
        (
            "/cases",
            {"external_id": "a b", "category": "0!", "lon": "x", "lat": 95, "colour": "red"},
            api_key,
            400,
            "invalid_fields",
        ),
        ("/cases", _new("T-API-OUT", 116.40, 39.90), api_key, 422, "outside_territory"),
        ("/cases", _new("T-API-NOKEY", lon, lat), None, 401, "unauthorized"),
        ("/cases", _new("T-API-BADKEY", lon, lat), "gk_00000000_" + "x" * 43, 401, "unauthorized"),
        ("/cases", _new("T-API-SRC", lon, lat, source="patrol"), api_key, 403, "forbidden"),
        (
            "/cases",
            _new("T-API-FUT", lon, lat, reported_at="2099-01-01T00:00:00+08:00"),
            api_key,
            400,
            "invalid_fields",
        ),
        ("/cases/999999999/transitions", {"action": "accept"}, api_key, 404, "not_found"),
    ]
    for path, body, key, status, code in cases:
        r = _post(server, path, body, key)
        assert (r.status_code, r.json()["error"]) == (status, code), (path, body, r.text)
    fields = _post(server, "/cases", cases[2][1], api_key).json()["fields"]
    assert set(fields) == {"external_id", "category", "lon", "lat", "colour"}
    r = requests.post(f"{server}/api/v1/cases", data="external_id=1", timeout=10, headers={"X-API-Key": api_key})
    assert r.status_code == 415
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FROM cases WHERE external_id LIKE 'T-API-OUT%%' OR external_id LIKE 'T-API-FUT%%'"
            " OR external_id LIKE 'T-API-NOKEY%%' OR external_id LIKE 'T-API-SRC%%'"
        )
        assert cur.fetchone()[0] == 0
    # A revoked key stops working (each process re-reads a key within 30 s; this one was never read).
    admin = Database(admin_dsn_)
    try:
        key = apikeys.create(admin, "已吊销", ["hotline"])
        assert apikeys.revoke(admin, key.split("_")[1])
    finally:
        admin.close()
    assert _post(server, "/cases", _new("T-API-REVOKED", lon, lat), key).status_code == 401


def test_gcj02_coordinates_are_converted_to_wgs84_on_the_way_in(server, db, api_key):
    grid, lon, lat = _grid_point(db, 3)
    glon, glat = coords.wgs84_to_gcj02(lon, lat)
    r = _post(server, "/cases", _new("T-API-GCJ", float(glon), float(glat), crs="gcj02"), api_key)
    case = r.json()["case"]
    assert case["grid_code"] == grid
    assert abs(case["lon"] - lon) < 1e-6 and abs(case["lat"] - lat) < 1e-6


def test_same_external_id_from_many_threads_gives_exactly_one_case(server, db, api_key):
    _, lon, lat = _grid_point(db, 4)
    body = _new("T-API-RACE", lon, lat)

    def fire(_):
        r = _post(server, "/cases", body, api_key)
        return r.status_code, r.json()["case"]["id"]

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(fire, range(24)))
    assert sorted(s for s, _ in answers) == [200] * 23 + [201]
    assert len({i for _, i in answers}) == 1
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM cases WHERE source = 'hotline' AND external_id = 'T-API-RACE'")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT count(*) FROM case_events WHERE case_id = %s", (answers[0][1],))
        assert cur.fetchone()[0] == 1


def test_creates_taken_in_together_each_get_their_own_answer(db):
    """The statement that takes in a group of creates (geodata/cases/intake.py): new cases, a key sent
    twice in the group, a repeat of an existing case, an unknown category, a place outside the
    territory, and a key whose first copy is outside and second is fine, all in one group. Each
    new case is answered with its own row, made from its own payload; each of the others with
    none; and the new cases and their events are written once."""
    from geodata.cases import intake
    from geodata.db import SCOPE

    _, lon, lat = _grid_point(db, 8)
    far = (0.0, 0.0)

    def case(external_id, note, category="0103", at=(lon, lat)):
        return intake.NewCase(
            source="hotline",
            external_id=external_id,
            category=category,
            lon=at[0],
            lat=at[1],
            actor="test",
            description=note,
        )

    first = intake.insert_many((db, SCOPE.get()), [case("T-GROUP-OLD", "old")])
    assert first[0]["external_id"] == "T-GROUP-OLD"
    group = [
        case("T-GROUP-1", "one"),
        case("T-GROUP-DUP", "dup first"),
        case("T-GROUP-OLD", "old again"),
        case("T-GROUP-DUP", "dup second"),
        case("T-GROUP-CAT", "cat", category="9999"),
        case("T-GROUP-FAR", "far", at=far),
        case("T-GROUP-FIX", "fix outside", at=far),
        case("T-GROUP-FIX", "fix inside"),
        case("T-GROUP-2", "two"),
    ]
    rows = intake.insert_many((db, SCOPE.get()), group)
    answered = [r and (r["external_id"], r["description"], r["event"]["to_status"]) for r in rows]
    assert answered == [
        ("T-GROUP-1", "one", "reported"),
        ("T-GROUP-DUP", "dup first", "reported"),
        None,
        None,
        None,
        None,
        None,
        ("T-GROUP-FIX", "fix inside", "reported"),
        ("T-GROUP-2", "two", "reported"),
    ]
    assert len({r["id"] for r in rows if r}) == 4
    with db.transaction() as cur:
        cur.execute("""SELECT c.external_id, c.description, count(DISTINCT c.id), count(e.id),
                              min(c.grid_id) IS NOT NULL
                         FROM cases c JOIN case_events e ON e.case_id = c.id
                        WHERE c.external_id LIKE 'T-GROUP-%%' GROUP BY 1, 2 ORDER BY 1""")
        assert cur.fetchall() == [
            ("T-GROUP-1", "one", 1, 1, True),
            ("T-GROUP-2", "two", 1, 1, True),
            ("T-GROUP-DUP", "dup first", 1, 1, True),
            ("T-GROUP-FIX", "fix inside", 1, 1, True),
            ("T-GROUP-OLD", "old", 1, 1, True),
        ]
    # what create() then says to each of the others
    assert intake.create(db, case("T-GROUP-DUP", "dup second"))[1] is None
    with pytest.raises(intake.OutsideTerritoryError):
        intake.create(db, case("T-GROUP-FAR", "far", at=far))


def test_concurrent_creates_keep_the_open_counters_exact(server, db, api_key):
    """Many cases at once into the same grids (the counter rows every create updates): each gets
    its own case, and the maintained open counts equal a recount of the cases."""
    points = [_grid_point(db, i)[1:] for i in (6, 7)]

    def fire(i):
        lon, lat = points[i % 2]
        return _post(server, "/cases", _new(f"T-API-COUNT-{i}", lon, lat), api_key).status_code

    with ThreadPoolExecutor(12) as pool:
        assert list(pool.map(fire, range(48))) == [201] * 48
    with db.transaction() as cur:
        cur.execute("""SELECT count(*) FROM (
                           SELECT unit_id, count(*) AS n FROM (
                               SELECT unnest(ARRAY[street_id, community_id, grid_id, exclusive_grid_id]) AS unit_id
                                 FROM cases WHERE is_open
                               UNION ALL
                               SELECT s.district_id FROM cases c JOIN units s ON s.id = c.street_id WHERE c.is_open) x
                            WHERE unit_id IS NOT NULL GROUP BY unit_id) r
                         FULL JOIN unit_stats s ON s.unit_id = r.unit_id
                        WHERE coalesce(r.n, 0) <> coalesce(s.open_cases, 0)""")
        assert cur.fetchone()[0] == 0


def test_search_filters_and_keyset_paging(server, db, api_key, http):
    grid, lon, lat = _grid_point(db, 5)
    ids = [_post(server, "/cases", _new(f"T-API-PAGE-{i}", lon, lat), api_key).json()["case"]["id"] for i in range(5)]
    got, before = [], None
    while True:
        params = {"unit": grid, "source": "hotline", "limit": 2, **({"before": before} if before else {})}
        page = http.get(f"{server}/api/v1/cases", params=params, timeout=10).json()
        got += [c["id"] for c in page["items"]]
        before = page["next_before"]
        if before is None:
            break
    assert got == sorted(got, reverse=True) and set(ids) <= set(got) and len(got) == len(set(got))
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FROM cases c JOIN units u ON u.id = c.grid_id WHERE u.code = %s AND c.source = 'hotline'",
            (grid,),
        )
        assert len(got) == cur.fetchone()[0]
    overdue = http.get(f"{server}/api/v1/cases", params={"overdue": "true", "limit": 500}, timeout=10).json()
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM cases WHERE is_open AND deadline_at < now()")
        expected = cur.fetchone()[0]
    assert len(overdue["items"]) == min(500, expected) and all(c["overdue"] for c in overdue["items"])
    group = http.get(f"{server}/api/v1/cases", params={"category": "01", "limit": 100}, timeout=10).json()
    assert group["items"] and {c["category_code"][:2] for c in group["items"]} == {"01"}
    since = http.get(
        f"{server}/api/v1/cases",
        timeout=10,
        params={
            "since": "2026-11-20T00:00:00+08:00",
            "until": "2026-11-20T12:00:00+08:00",
            "status": "closed,rated",
            "limit": 500,
        },
    ).json()["items"]
    assert since and all(c["status"] in ("closed", "rated") for c in since)
    assert all("2026-11-19T16:00" <= c["reported_at"] < "2026-11-20T04:00" for c in since)
    bad = http.get(f"{server}/api/v1/cases", params={"unit": "nowhere", "until": "1700000000"}, timeout=10)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"until"}
    bad = http.get(f"{server}/api/v1/cases", params={"unit": "nowhere"}, timeout=10)
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"unit"}


def test_unknown_paths_and_methods_answer_json_not_the_dashboard(server, http):
    r = http.get(f"{server}/api/v1/nothing", timeout=10)
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    r = http.delete(f"{server}/api/v1/cases", timeout=10)
    assert r.status_code == 405 and r.headers["Allow"].startswith("GET, POST")
    r = http.options(f"{server}/api/v1/cases/1/transitions", timeout=10)
    assert r.headers["Allow"] == "POST, OPTIONS"
    spec = http.get(f"{server}/api/v1/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.1") and set(spec["paths"]) == {
        "/categories",
        "/cases",
        "/cases/{case_id}",
        "/cases/{case_id}/transitions",
        "/cameras/status",
    }
