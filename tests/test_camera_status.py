"""The camera status feed (geodata/cameras/status.py, POST /api/v1/cameras/status) against the real
test database and the served app: idempotent batches, late reports ignored, unknown and invalid
statuses named one by one, the batch limit and the key's right, the sweep of silent cameras, the
camera element of an intersection following its camera, and the analysts' coverage gaps following
the feed.

Every test puts its own cameras and checkpoints in an empty corner of the demo district, and the
statuses of every camera, the status log and the inspections are put back afterwards: a call
through the served app runs at the real clock, long after the demo's anchor, so its sweep turns
every demo camera offline until then.
"""

from __future__ import annotations

import math
import subprocess
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg2
import pytest
import requests

from geodata.accounts import apikeys
from geodata.analysis import spec
from geodata.analysis import statements as analysis_sql
from geodata.cameras import status
from geodata.clock import TZ
from geodata.db import Database
from settings import get_settings
from tests import signin
from tests.conftest import ANCHOR, GRIDOPS, ROOT

NOW = ANCHOR  # the test clock: the demo's cameras were last seen up to five minutes before it
T = {k: NOW - timedelta(minutes=m) for k, m in {"t1": 10, "t2": 8, "t3": 6, "t4": 4, "t5": 2}.items()}
URL = "/api/v1/cameras/status"


def iso(at: datetime) -> str:
    return at.isoformat()


RESTORE = """
UPDATE cameras c SET status = s.status, last_seen_at = s.seen, status_at = s.at
  FROM unnest(%s::integer[], %s::text[], %s::timestamptz[], %s::timestamptz[]) AS s(id, status, seen, at)
 WHERE c.id = s.id AND (c.status, c.last_seen_at, c.status_at) IS DISTINCT FROM (s.status, s.seen, s.at)"""
# A grid's centre with no camera and no checkpoint within 400 m.
EMPTY_CORNER = """
SELECT ST_X(u.label_point), ST_Y(u.label_point) FROM units u
 WHERE u.level = 'grid'
   AND NOT EXISTS (SELECT 1 FROM cameras c WHERE ST_DWithin(c.geom::geography, u.label_point::geography, 400))
   AND NOT EXISTS (SELECT 1 FROM checkpoints k WHERE ST_DWithin(k.geom::geography, u.label_point::geography, 400))
 ORDER BY u.id LIMIT 1"""


@dataclass
class Site:
    """An intersection checkpoint P (inspected: the camera element passes, two others fail), an
    intersection N 15 m away that was never inspected, camera A 20 m from P (its only cover, last
    seen 20 minutes before the clock), camera B 200 m away (last seen 11 minutes before) and camera
    C with no time at all, 250 m away; all online."""

    tag: str
    p: int
    n: int
    a: str
    b: str
    c: str
    box: str
    inspection: int


@pytest.fixture(scope="module")
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    database.close()


@pytest.fixture(scope="module")
def devices_key(admin) -> str:
    return apikeys.create(admin, "视频联网平台测试", ["camera_ai"], ["devices"])


@pytest.fixture(scope="module")
def plain_key(admin) -> str:
    return apikeys.create(admin, "无设备权限测试", ["hotline"])


@pytest.fixture(autouse=True)
def restored(admin_dsn_):
    """Every camera's status, times and log, and the inspections, as they were before the test."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id, status, last_seen_at, status_at FROM cameras ORDER BY id")
            cams = list(zip(*cur.fetchall()))
            cur.execute("SELECT (SELECT max(id) FROM camera_events), (SELECT max(id) FROM inspections)")
            last_event, last_inspection = cur.fetchone()
        yield
    finally:
        with conn, conn.cursor() as cur:
            cur.execute("DELETE FROM checkpoints WHERE code LIKE 'T-CP-%%'")
            cur.execute("DELETE FROM cameras WHERE code LIKE 'T-CAM-%%'")
            cur.execute(RESTORE, [list(column) for column in cams])
            cur.execute("DELETE FROM camera_events WHERE id > %s", (last_event or 0,))
            cur.execute("DELETE FROM inspections WHERE id > %s", (last_inspection or 0,))
        conn.close()


@pytest.fixture
def site(admin) -> Site:
    tag = uuid.uuid4().hex[:6].upper()
    with admin.transaction() as cur:
        cur.execute(EMPTY_CORNER)
        x, y = cur.fetchone()
        m_lon, m_lat = 1 / (111320 * math.cos(math.radians(y))), 1 / 110540

        def at(east: float, north: float) -> tuple[float, float]:
            return x + east * m_lon, y + north * m_lat

        ids = {}
        for name, (lon, lat) in {"P": at(0, 0), "N": at(0, 15)}.items():
            cur.execute(
                "INSERT INTO checkpoints (code, name, type_code, geom) "
                "VALUES (%s, %s, 'intersection', ST_SetSRID(ST_MakePoint(%s, %s), 4326)) RETURNING id",
                (f"T-CP-{tag}-{name}", f"设备测试路口{name}", lon, lat),
            )
            ids[name] = cur.fetchone()[0]
        for name, (lon, lat), seen in (
            ("A", at(20, 0), NOW - timedelta(minutes=20)),
            ("B", at(0, 200), NOW - timedelta(minutes=11)),
            ("C", at(-250, 0), None),
        ):
            cur.execute(
                "INSERT INTO cameras (code, name, kind, status, last_seen_at, geom) "
                "VALUES (%s, %s, 'bullet', 'online', %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                (f"T-CAM-{tag}-{name}", f"设备测试摄像头{name}", seen, lon, lat),
            )
        cur.execute(
            "INSERT INTO inspections (checkpoint_id, type_code, inspected_at, inspector) "
            "VALUES (%s, 'intersection', %s, '督查组测试') RETURNING id",
            (ids["P"], NOW - timedelta(days=2)),
        )
        inspection = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO inspection_results (inspection_id, type_code, element_code, passed, note) "
            "SELECT %s, type_code, code, code NOT IN ('ads', 'markings'), "
            "CASE WHEN code = 'ads' THEN '公益广告破损' END FROM checkpoint_elements WHERE type_code = 'intersection'",
            (inspection,),
        )
    x0, y0 = at(-60, -60)
    x1, y1 = at(60, 60)
    return Site(tag, ids["P"], ids["N"], *(f"T-CAM-{tag}-{n}" for n in "ABC"), f"{x0},{y0},{x1},{y1}", inspection)


def one(code: str, state: str, at: datetime) -> dict:
    return {"code": code, "status": state, "at": iso(at)}


def camera(db: Database, code: str) -> tuple:
    with db.transaction() as cur:
        cur.execute("SELECT status, status_at, last_seen_at FROM cameras WHERE code = %s", (code,))
        return cur.fetchone()


def events(db: Database, *codes: str) -> list[tuple]:
    with db.transaction() as cur:
        cur.execute(
            "SELECT c.code, e.at, e.from_status, e.to_status FROM camera_events e JOIN cameras c ON c.id = e.camera_id "
            "WHERE c.code = ANY(%s) ORDER BY e.id",
            (list(codes),),
        )
        return cur.fetchall()


def latest(db: Database, checkpoint: int) -> tuple[dict, dict[str, dict]]:
    """The checkpoint's latest inspection (None: never inspected) and its results by element."""
    with db.transaction() as cur:
        cur.execute(
            "SELECT id, kind, inspector, inspected_at, note FROM inspections WHERE checkpoint_id = %s "
            "ORDER BY inspected_at DESC, id DESC LIMIT 1",
            (checkpoint,),
        )
        row = cur.fetchone()
        if row is None:
            return None, {}
        head = dict(zip(("id", "kind", "inspector", "inspected_at", "note"), row))
        cur.execute(
            "SELECT element_code, passed, note, carried, case_id, photo_id FROM inspection_results "
            "WHERE inspection_id = %s",
            (head["id"],),
        )
        keys = ("passed", "note", "carried", "case_id", "photo_id")
        return head, {r[0]: dict(zip(keys, r[1:])) for r in cur.fetchall()}


def inspections_of(db: Database, checkpoint: int) -> int:
    with db.transaction() as cur:
        cur.execute("SELECT count(*) FROM inspections WHERE checkpoint_id = %s", (checkpoint,))
        return cur.fetchone()[0]


def counts(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k != "problems"}


def test_a_batch_sent_twice_changes_nothing_the_second_time(db, site):
    batch = [one(site.a, "offline", T["t1"]), one(site.b, "online", T["t1"])]
    first = status.take(db, batch, now=NOW)
    assert counts(first) == {
        "received": 2,
        "applied": 2,
        "changed": 1,
        "unchanged": 1,
        "stale": 0,
        "unknown": 0,
        "invalid": 0,
        "swept": 0,
        "checkpoints_changed": 1,
    }
    assert first["problems"] == []
    assert camera(db, site.a)[:2] == ("offline", T["t1"])
    assert camera(db, site.b) == ("online", T["t1"], T["t1"]), "a heartbeat is a sighting"
    logged = events(db, site.a, site.b)
    assert logged == [(site.a, T["t1"], "online", "offline")], "the log takes the feed's time"
    made = inspections_of(db, site.p)

    second = status.take(db, batch, now=NOW)
    assert counts(second) == {
        **counts(first),
        "applied": 0,
        "changed": 0,
        "unchanged": 0,
        "stale": 2,
        "checkpoints_changed": 0,
    }
    assert [(p["index"], p["code"], p["reason"]) for p in second["problems"]] == [
        (0, site.a, "stale"),
        (1, site.b, "stale"),
    ]
    assert events(db, site.a, site.b) == logged, "the status log gained nothing"
    assert inspections_of(db, site.p) == made
    assert camera(db, site.a)[:2] == ("offline", T["t1"])


def test_late_reports_are_ignored_and_the_newest_of_a_batch_counts(db, site):
    early = status.take(db, [one(site.a, "online", NOW - timedelta(minutes=25))], now=NOW)
    assert (early["applied"], early["unchanged"]) == (1, 1), "the first report of a camera is applied"
    assert camera(db, site.a)[2] == NOW - timedelta(minutes=20), "a sighting never goes back"
    mixed = [one(site.a, "online", T["t1"]), one(site.a, "offline", T["t3"]), one(site.a, "online", T["t2"])]
    done = status.take(db, mixed, now=NOW)
    assert (done["applied"], done["changed"], done["stale"]) == (1, 1, 2)
    assert [(p["index"], p["reason"]) for p in done["problems"]] == [(0, "stale"), (2, "stale")]
    assert "same batch" in done["problems"][0]["message"]
    assert camera(db, site.a) == ("offline", T["t3"], NOW - timedelta(minutes=20)), "offline is no sighting"

    late = status.take(db, [one(site.a, "online", T["t2"])], now=NOW)
    assert (late["applied"], late["stale"]) == (0, 1) and late["problems"][0]["reason"] == "stale"
    assert camera(db, site.a)[:2] == ("offline", T["t3"]), "an older report does not undo a newer one"
    assert events(db, site.a) == [(site.a, T["t3"], "online", "offline")]

    back = status.take(db, [one(site.a, "online", T["t4"])], now=NOW)
    assert (back["applied"], back["changed"]) == (1, 1)
    assert camera(db, site.a) == ("online", T["t4"], T["t4"]), "online is a sighting"


def test_unknown_cameras_are_named_one_by_one(db, site):
    nope = f"T-CAM-{site.tag}-NOPE"
    batch = [
        one(nope, "online", T["t1"]),
        one(site.a, "online", T["t1"]),
        one(nope, "offline", T["t2"]),
        one("  ", "online", T["t1"]),
        one("34020000001320009999", "offline", T["t1"]),
    ]
    done = status.take(db, batch, now=NOW)
    assert (done["unknown"], done["applied"], done["invalid"]) == (3, 1, 1)
    assert [(p["index"], p["code"], p["reason"]) for p in done["problems"]] == [
        (0, nope, "unknown_code"),
        (2, nope, "unknown_code"),
        (3, None, "missing_code"),
        (4, "34020000001320009999", "unknown_code"),
    ]


def test_invalid_statuses_are_named_one_by_one_and_the_rest_applied(db, site):
    good = one(site.a, "offline", T["t1"])
    batch = [
        "CAM0000001 online",  # 0
        {"status": "online", "at": iso(T["t1"])},  # 1
        {"code": "", "status": "online", "at": iso(T["t1"])},  # 2
        {"code": 12345, "status": "online", "at": iso(T["t1"])},  # 3
        {"code": "x" * 101, "status": "online", "at": iso(T["t1"])},  # 4
        one(site.b, "up", T["t1"]),  # 5
        {"code": site.b, "status": None, "at": iso(T["t1"])},  # 6
        {"code": site.b, "status": "online", "at": "2026-11-20T15:00:00"},  # 7: no zone
        {"code": site.b, "status": "online", "at": "yesterday"},  # 8
        {"code": site.b, "status": "online", "at": 1763600000},  # 9: a number is not a time
        {"code": site.b, "status": "online"},  # 10
        one(site.b, "online", datetime(1999, 12, 31, 23, tzinfo=TZ)),  # 11
        {"code": site.b, "status": "online", "at": "2026-11-20T15:00:00+23:00"},  # 12
        one(site.b, "online", NOW + timedelta(minutes=10)),  # 13
        good,  # 14
        one(site.b, "online", NOW + timedelta(minutes=4)),  # 15: a clock a little ahead is believed
        None,  # 16
        [site.b, "online"],  # 17
    ]
    done = status.take(db, batch, now=NOW)
    reasons = {p["index"]: p["reason"] for p in done["problems"]}
    assert reasons == {
        0: "invalid_item",
        1: "missing_code",
        2: "missing_code",
        3: "invalid_code",
        4: "invalid_code",
        5: "invalid_status",
        6: "invalid_status",
        7: "invalid_time",
        8: "invalid_time",
        9: "invalid_time",
        10: "invalid_time",
        11: "invalid_time",
        12: "invalid_time",
        13: "future_time",
        16: "invalid_item",
        17: "invalid_item",
    }
    assert all(p["message"] for p in done["problems"])
    assert {p["code"] for p in done["problems"] if p["index"] in (5, 13)} == {site.b}
    assert (done["received"], done["invalid"], done["applied"]) == (18, 16, 2)
    assert camera(db, site.a)[0] == "offline" and camera(db, site.b)[1] == NOW + timedelta(minutes=4)
    with pytest.raises(ValueError):
        status.take(db, {"items": []}, now=NOW)


def test_the_camera_element_follows_its_only_camera_and_the_rest_is_carried(db, site):
    before_head, before = latest(db, site.p)
    assert before_head["id"] == site.inspection and before["camera"]["passed"] is True
    assert not before["ads"]["passed"] and before["ads"]["note"] == "公益广告破损"

    far = status.take(db, [one(site.b, "offline", T["t1"])], now=NOW)
    assert (far["changed"], far["checkpoints_changed"]) == (1, 0), "a camera 200 m away does not cover it"

    down = status.take(db, [one(site.a, "offline", T["t2"])], now=NOW)
    assert down["checkpoints_changed"] == 1, "P only: N was never inspected"
    assert inspections_of(db, site.n) == 0
    head, results = latest(db, site.p)
    assert (head["kind"], head["inspector"], head["inspected_at"]) == ("device", "设备状态", T["t2"])
    assert set(results) == set(before), "every element is held"
    assert results["camera"] == {
        "passed": False,
        "note": "摄像头离线",
        "carried": False,
        "case_id": None,
        "photo_id": None,
    }
    for code, was in before.items():
        if code != "camera":
            assert results[code] == {**was, "carried": True}, code
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FROM inspection_results WHERE inspection_id = %s AND case_id IS NOT NULL", (head["id"],)
        )
        assert cur.fetchone()[0] == 0, "no case for a device's failure"

    beat = status.take(db, [one(site.a, "offline", T["t3"])], now=NOW)
    assert (beat["unchanged"], beat["checkpoints_changed"]) == (1, 0), "a heartbeat judges nothing again"

    up = status.take(db, [one(site.a, "online", T["t4"])], now=NOW)
    assert up["checkpoints_changed"] == 1
    again, results = latest(db, site.p)
    assert again["id"] > head["id"] and again["inspected_at"] == T["t4"]
    assert results["camera"]["passed"] is True and results["camera"]["note"] == "摄像头恢复在线"
    assert not results["camera"]["carried"]
    assert all(results[c] == {**before[c], "carried": True} for c in before if c != "camera")
    assert inspections_of(db, site.p) == 3


def test_the_sweep_turns_a_silent_camera_offline(db, site):
    # A reported online 45 minutes before the clock, and nothing since.
    long_ago = NOW - timedelta(minutes=45)
    assert status.take(db, [one(site.a, "online", long_ago)], now=long_ago)["applied"] == 1
    done = status.sweep(db, now=NOW)
    assert done == {"swept": 1, "checkpoints_changed": 1}
    assert camera(db, site.a)[:2] == ("offline", NOW)
    assert events(db, site.a)[-1] == (site.a, NOW, "online", "offline")
    assert camera(db, site.b)[0] == "online", "heard from a minute ago"
    assert camera(db, site.c)[0] == "online", "never heard from at all: left alone"
    head, results = latest(db, site.p)
    assert head["kind"] == "device" and head["inspected_at"] == NOW and results["camera"]["passed"] is False
    assert status.sweep(db, now=NOW) == {"swept": 0, "checkpoints_changed": 0}

    # A batch sweeps too: B, last seen 11 minutes before the clock, is silent 21 minutes on.
    later = status.take(db, [one(site.a, "online", NOW + timedelta(minutes=1))], now=NOW + timedelta(minutes=21))
    assert later["swept"] == 1 and camera(db, site.b)[0] == "offline"
    assert camera(db, site.a)[0] == "online" and latest(db, site.p)[1]["camera"]["passed"] is True


def test_the_sweep_command(db, site):
    long_ago = NOW - timedelta(minutes=45)
    status.take(db, [one(site.a, "online", long_ago)], now=long_ago)
    done = subprocess.run(
        [GRIDOPS, "cameras", "sweep", "--at", iso(NOW)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 camera(s) now offline; 1 checkpoint(s) re-judged"
    assert camera(db, site.a)[:2] == ("offline", NOW)
    refused = subprocess.run(
        [GRIDOPS, "cameras", "sweep", "--at", "2026-11-20 15:30"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 1 and refused.stderr.startswith("error: ") and "zone" in refused.stderr


def test_coverage_gaps_follow_the_feed(db, site):
    def gaps() -> set[str]:
        params = {
            "layer": "checkpoints",
            "box": site.box,
            "checkpoints.type": "intersection",
            "checkpoints.gap_m": "50",
        }
        rows = analysis_sql.page(db, spec.parse(params, spec.reference(db)), None)
        return {r["code"].rsplit("-", 1)[1] for r in rows}

    assert gaps() == set()
    status.take(db, [one(site.a, "offline", T["t1"])], now=NOW)
    assert gaps() == {"P", "N"}, "an offline camera covers nothing"
    status.take(db, [one(site.a, "online", T["t2"])], now=NOW)
    assert gaps() == set()
    status.sweep(db, now=T["t2"] + timedelta(minutes=31))
    assert gaps() == {"P", "N"}, "a camera the sweep turned offline covers nothing either"


# ---- over HTTP (the served app, at the real clock) ----------------------------------------------
def _post(server: str, body, key: str | None = None, **kwargs) -> requests.Response:
    headers = {"X-API-Key": key} if key else {}
    return requests.post(server + URL, json=body, headers=headers, timeout=60, **kwargs)


def test_the_api_takes_a_batch_and_a_repeat_changes_nothing(server, db, site, devices_key):
    now = datetime.now(TZ)
    batch = [one(site.a, "offline", now - timedelta(minutes=1)), {"code": site.b, "status": "up"}]
    first = _post(server, batch, devices_key)
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["received"], body["applied"], body["changed"], body["invalid"]) == (2, 1, 1, 1)
    assert body["problems"] == [
        {"index": 1, "code": site.b, "reason": "invalid_status", "message": status.MESSAGES["invalid_status"]}
    ]
    logged = len(events(db, site.a))
    again = _post(server, {"items": batch}, devices_key)
    assert again.status_code == 200
    assert (again.json()["applied"], again.json()["stale"]) == (0, 1)
    assert len(events(db, site.a)) == logged
    assert camera(db, site.a)[0] == "offline"


def test_more_than_the_batch_limit_is_refused_with_413(server, db, site, devices_key):
    limit = get_settings().camera_batch_max
    at = iso(datetime.now(TZ) - timedelta(minutes=1))
    answer = _post(server, [{"code": site.a, "status": "offline", "at": at}] * (limit + 1), devices_key)
    assert answer.status_code == 413, answer.text[:300]
    assert answer.json()["error"] == "too_many_items" and f"at most {limit} " in answer.json()["message"]
    assert camera(db, site.a)[0] == "online", "nothing of it was applied"
    full = _post(server, [{"code": site.a, "status": "offline", "at": at}] * limit, devices_key)
    assert full.status_code == 200 and full.json()["applied"] == 1 and full.json()["stale"] == limit - 1


def test_only_a_devices_key_or_a_signed_in_admin_may_report(server, db, site, plain_key, devices_key):
    batch = [one(site.a, "offline", datetime.now(TZ) - timedelta(minutes=1))]
    refused = _post(server, batch, plain_key)
    assert refused.status_code == 403 and "'devices'" in refused.json()["message"]
    assert _post(server, batch).status_code == 401
    assert _post(server, batch, "gk_nonsense").status_code == 401
    district = signin.session(server, "district")
    token = signin.form_token(district, server)
    assert district.post(server + URL, json=batch, headers={"X-CSRF-Token": token}, timeout=20).status_code == 403
    assert camera(db, site.a)[0] == "online"
    admin = signin.session(server, "admin")
    assert admin.post(server + URL, json=batch, timeout=20).status_code == 403, "no form token"
    token = signin.form_token(admin, server)
    sent = admin.post(server + URL, json=batch, headers={"X-CSRF-Token": token}, timeout=20)
    assert sent.status_code == 200 and sent.json()["changed"] == 1
    assert camera(db, site.a)[0] == "offline"


def test_no_body_gets_a_server_error(server, devices_key):
    headers = {"X-API-Key": devices_key, "Content-Type": "application/json"}
    bodies = [
        b"",
        b"{",
        b"null",
        b"42",
        b'"x"',
        b"{}",
        b'{"items": 3}',
        b'{"items": {"code": "a"}}',
        b"[" * 50_000,
        b"[" * 50_000 + b"]" * 50_000,
        b"\xff\xfe\x00",
        b"[1, 2.5, true, null, [], {}]",
        b'[{"code": {"$ne": 1}, "status": ["online"], "at": {"a": 1}}]',
        b'[{"code": "a", "status": "online", "at": "9999-99-99T99:99:99+99:99"}]',
        b'[{"code": "a", "status": "online", "at": "' + b"9" * 5000 + b'"}]',
        b'[{"code": "a", "status": "online", "at": NaN}]',
        b'[{"code": "' + b"\\u0000" + b'", "status": "online", "at": "2026-11-20T15:00:00+08:00"}]',
    ]
    for body in bodies:
        r = requests.post(server + URL, data=body, headers=headers, timeout=60)
        assert r.status_code < 500 and r.headers["Content-Type"].startswith("application/json"), (body[:40], r.text)
        assert r.status_code in (200, 400), (body[:40], r.status_code, r.text[:200])
    plain = requests.post(server + URL, data="CAM1 online", headers={"X-API-Key": devices_key}, timeout=20)
    assert plain.status_code == 415 and plain.json()["error"] == "unsupported_media_type"
