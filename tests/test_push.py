"""The push stream (push/, ``gridops events``) against the served app and its events server: tickets,
scopes (a street, a department, the whole territory), sign-out, topics other than cases, and the
loss of the database connection. Real sign-in, cases created through the API, streams read over
HTTP."""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import subprocess
import threading
import time
import uuid
from urllib.parse import urlsplit

import psycopg2
import pytest
import requests

from geodata.accounts import walltokens
from geodata.db import Database
from push import tickets
from tests import signin
from tests.conftest import GRIDOPS, ROOT, TEST_SECRET

SLACK_S = 0.4  # after the whole territory heard a change: the others were told in the same flush


class Stream:
    """One subscriber: GET <stream url>?ticket=…, its events read in a thread as (name, data)."""

    def __init__(self, url: str, ticket: str, origin: str | None = None) -> None:
        headers = {"Origin": origin} if origin else {}
        self.response = requests.get(url, params={"ticket": ticket}, stream=True, timeout=(5, 60), headers=headers)
        self.status = self.response.status_code
        self.events: queue.Queue = queue.Queue()
        self.closed = threading.Event()
        if self.status == 200:
            threading.Thread(target=self._read, daemon=True).start()
        else:
            self.closed.set()

    def _read(self) -> None:
        pending = b""
        try:
            for chunk in self.response.iter_content(chunk_size=None):
                pending += chunk
                while b"\n\n" in pending:
                    block, pending = pending.split(b"\n\n", 1)
                    fields = dict(
                        line.split(": ", 1) for line in block.decode().splitlines() if not line.startswith(":")
                    )
                    if "event" in fields:
                        self.events.put((fields["event"], json.loads(fields.get("data", "{}"))))
        except Exception:  # the stream ended, or the test closed it from its own thread
            pass
        finally:
            self.closed.set()

    def next(self, timeout: float) -> tuple[str, dict] | None:
        try:
            return self.events.get(timeout=timeout)
        except queue.Empty:
            return None

    def drain(self) -> list[tuple[str, dict]]:
        got = []
        while (one := self.next(0)) is not None:
            got.append(one)
        return got

    def heard(self, topic: str, timeout: float) -> bool:
        """Whether a change of ``topic`` arrives within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            got = self.next(left)
            if got and got[0] == "change" and topic in got[1]["topics"]:
                return True
        return False

    def close(self) -> None:
        # Shut the socket first: the reader thread is blocked reading it, and closing the response
        # alone waited for the stream's next heartbeat (30 s per test).
        sock = getattr(self.response.raw.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        self.response.close()
        self.closed.wait(5)


def _ticket(http: requests.Session, server: str) -> dict:
    answer = http.get(f"{server}/events/ticket", timeout=10)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/json")
    return answer.json()


def _open(http: requests.Session, server: str) -> Stream:
    got = _ticket(http, server)
    stream = Stream(got["url"], got["ticket"], origin=server)
    assert stream.status == 200, stream.response.text
    assert stream.response.headers["Content-Type"].startswith("text/event-stream")
    assert stream.response.headers["Access-Control-Allow-Origin"] == server
    return stream


def _grid_point(db: Database, where: str, params: dict) -> tuple[float, float]:
    """A point inside a tiling grid (no exclusive grid over it) of the units ``where`` names."""
    with db.transaction() as cur:
        cur.execute(
            f"""SELECT ST_X(g.label_point), ST_Y(g.label_point) FROM units g JOIN units s ON s.id = g.street_id
                 WHERE g.level = 'grid' AND g.kind <> 'exclusive' AND {where}
                   AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                    AND ST_Intersects(e.geom, g.label_point))
                 ORDER BY g.id LIMIT 1""",
            params,
        )
        return cur.fetchone()


def _create(server: str, key: str, lon: float, lat: float) -> int:
    body = {"external_id": f"T-PUSH-{uuid.uuid4().hex[:12]}", "category": "0103", "lon": lon, "lat": lat}
    answer = requests.post(f"{server}/api/v1/cases", json=body, headers={"X-API-Key": key}, timeout=20)
    assert answer.status_code == 201, answer.text
    return answer.json()["case"]["id"]


def _dispatch(server: str, key: str, case_id: int, department: str) -> None:
    body = {"action": "dispatch", "department": department}
    answer = requests.post(
        f"{server}/api/v1/cases/{case_id}/transitions", json=body, headers={"X-API-Key": key}, timeout=20
    )
    assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def places(db):
    """The street user's street, and a grid point in it and in another street; another department."""
    with db.transaction() as cur:
        cur.execute("SELECT scope_code FROM users WHERE username = 'street'")
        street = cur.fetchone()[0]
        cur.execute("SELECT code FROM departments WHERE code <> 'CGJ' ORDER BY code LIMIT 1")
        other_department = cur.fetchone()[0]
    own = _grid_point(db, "s.code = %(street)s", {"street": street})
    other = _grid_point(db, "s.code <> %(street)s", {"street": street})
    return {"own": own, "other": other, "other_department": other_department}


@pytest.fixture
def streams(server):
    """Streams of the street's user, the CGJ department's handler and the admin (whole territory)."""
    opened = {name: _open(signin.session(server, name), server) for name in ("street", "dept_cgj", "admin")}
    yield opened
    for stream in opened.values():
        stream.close()


def _settle(streams: dict[str, Stream]) -> None:
    """Let earlier changes arrive, then forget them."""
    time.sleep(SLACK_S)
    for stream in streams.values():
        stream.drain()


def _after(streams: dict[str, Stream]) -> dict[str, bool]:
    """Once the whole territory heard of a change of cases: who else heard of one."""
    assert streams["admin"].heard("cases", 5), "the whole territory's stream heard no change of cases"
    time.sleep(SLACK_S)
    return {
        name: any(e == "change" and "cases" in d["topics"] for e, d in stream.drain())
        for name, stream in streams.items()
        if name != "admin"
    }


def test_each_viewer_hears_the_changes_of_its_own_scope_only(server, api_key, places, streams):
    _settle(streams)
    other = _create(server, api_key, *places["other"])
    assert _after(streams) == {"street": False, "dept_cgj": False}, "a case in another street"
    own = _create(server, api_key, *places["own"])
    assert _after(streams) == {"street": True, "dept_cgj": False}, "a case in the street user's street"
    _dispatch(server, api_key, own, "CGJ")
    assert _after(streams) == {"street": True, "dept_cgj": True}, "its case dispatched to the department"
    _dispatch(server, api_key, other, places["other_department"])
    assert _after(streams) == {"street": False, "dept_cgj": False}, "another street's case, another department"


def test_a_topic_other_than_cases_reaches_everyone(admin_dsn_, streams):
    _settle(streams)
    with psycopg2.connect(admin_dsn_) as conn, conn.cursor() as cur:
        cur.execute("UPDATE cameras SET geom = geom WHERE false")  # a statement: the version moves
    conn.close()
    for name, stream in streams.items():
        assert stream.heard("cameras", 5), name


def test_a_burst_of_changes_is_told_as_one_event(admin_dsn_, streams):
    _settle(streams)
    conn = psycopg2.connect(admin_dsn_)
    try:
        conn.autocommit = True  # each statement its own committed change, a few milliseconds apart
        with conn.cursor() as cur:
            for table in ("cameras", "checkpoints", "cameras"):
                cur.execute(f"UPDATE {table} SET geom = geom WHERE false")
    finally:
        conn.close()
    first = streams["admin"].next(5)
    assert first == ("change", {"topics": ["cameras", "checkpoints"]})
    time.sleep(SLACK_S)
    assert streams["admin"].drain() == []


def test_bad_expired_or_foreign_tickets_and_ended_sessions_are_refused(server):
    http = signin.session(server, "street")
    good = _ticket(http, server)
    found = tickets.read(TEST_SECRET, good["ticket"])
    assert found is not None and found.rows[0] == "street" and found.origin == server
    url = good["url"]
    assert urlsplit(url).path == "/events" and urlsplit(url).hostname == "127.0.0.1"
    refused = {
        "missing": "",
        "garbage": "not-a-ticket",
        "tampered": good["ticket"][:-2] + ("AA" if not good["ticket"].endswith("AA") else "BB"),
        "another key": tickets.mint("another-secret-key-0123456789abcdefghijkl", found.rows, found.session_id, server),
        "expired": tickets.mint(TEST_SECRET, found.rows, found.session_id, server, issued_at=time.time() - 3600),
        "no such session": tickets.mint(TEST_SECRET, ("all", 0), 2**40, server),
    }
    for why, ticket in refused.items():
        answer = requests.get(url, params={"ticket": ticket}, timeout=10)
        assert answer.status_code == 401, why
        assert answer.json()["error"] == "unauthorized"
    signin.sign_out(http, server)
    answer = requests.get(url, params={"ticket": good["ticket"]}, timeout=10)
    assert answer.status_code == 401, "the ticket of a signed-out session"
    # Without a session there is no ticket: 401, never the sign-in page.
    anonymous = requests.get(f"{server}/events/ticket", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "unauthorized"


def test_signing_out_closes_the_stream(server):
    http = signin.session(server, "street")
    stream = _open(http, server)
    keep = _open(signin.session(server, "street"), server)  # another session of the same user stays
    time.sleep(SLACK_S)
    assert signin.sign_out(http, server).status_code in (302, 303)
    assert stream.closed.wait(5), "the stream of the ended session is still open"
    assert ("ended", {}) in stream.drain()
    assert not keep.closed.wait(1), "another session's stream was closed too"
    keep.close()


def test_a_wall_display_and_a_department_get_tickets(server, admin_dsn_):
    admin = Database(admin_dsn_)
    try:
        with admin.transaction() as cur:
            cur.execute("SELECT code FROM units WHERE level = 'street' ORDER BY code LIMIT 1")
            street = cur.fetchone()[0]
            cur.execute("SELECT id FROM units WHERE code = %s", (street,))
            street_id = cur.fetchone()[0]
        token = walltokens.create(admin, f"push-{uuid.uuid4().hex[:6]}", street)
    finally:
        admin.close()
    kiosk = requests.Session()
    assert kiosk.get(f"{server}/wall?token={token}", timeout=20).status_code == 200
    wall = tickets.read(TEST_SECRET, _ticket(kiosk, server)["ticket"])
    assert wall.rows == ("street", street_id)
    department = tickets.read(TEST_SECRET, _ticket(signin.session(server, "dept_cgj"), server)["ticket"])
    assert department.rows[0] == "department" and department.rows[1] > 0


def test_losing_the_database_connection_says_down_and_the_stream_comes_back(server, settings):
    from geodata.ops.cluster import Cluster
    from geodata.roles import SUPERUSER

    http = signin.session(server, "admin")
    stream = _open(http, server)
    url = _ticket(http, server)["url"]
    name = f"gridops events :{urlsplit(url).port}"
    dsn = settings.admin_dsn() if settings.database_url else Cluster(settings).dsn(SUPERUSER)
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", (name,))
        assert cur.fetchall(), "the events server's LISTEN connection was not found"
    conn.close()
    assert stream.closed.wait(10), "the stream stayed open without its LISTEN connection"
    assert ("down", {}) in stream.drain()
    health = url + "/health"
    deadline = time.monotonic() + 15
    while not requests.get(health, timeout=5).json()["listening"]:
        assert time.monotonic() < deadline, "the events server did not listen again"
        time.sleep(0.2)
    again = _open(http, server)
    assert not again.closed.wait(0.5)
    again.close()


def test_gridops_events_is_a_command():
    done = subprocess.run([GRIDOPS, "events", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "推送" in done.stdout and "push" in done.stdout
