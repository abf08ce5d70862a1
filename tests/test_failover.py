"""Read replicas and automatic failover (docs/scaling.md), against real servers: a pg_auto_failover
monitor, a primary with its synchronous standby (geodata/ops/ha.py, as ``make ha`` starts them),
and a read replica streaming from the primary (pg_basebackup -R); the app served against them.

- the wall reads from the replica (the server that answered says so), a lagging replica is
  skipped, row-level security is the same there, and a stopped replica leaves the wall on the
  primary without a gap;
- with creates streaming into the intake API and a wall refreshing, the primary is killed
  (SIGKILL of its keeper and its server, as a machine dies): the figures are printed, no
  acknowledged create is lost, and every refused create is a 503 with Retry-After, never a 500.

The cluster is made once for the module (about 20 s).
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from psycopg2 import sql

import ids
from geodata.accounts import apikeys
from geodata.db import SCOPE, Database, Replicas
from geodata.demo import city as demo
from geodata.ops.ha import HOST, HaCluster
from geodata.roles import APP_ROLE, SUPERUSER
from tests import dash_calls, signin
from tests.conftest import ANCHOR, ARTIFACTS, SEED, SUMMARY, TEST_SECRET
from tests.server import serve

REPLICA_MARK = "只读副本"  # the wall's data time on a replica (callbacks/wall.py)
AS_ROOT = os.geteuid() == 0


def _free_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports in 56600–56999."""
    for first in range(56600, 57000 - count, count):
        if all(_free(first + i) for i in range(count)):
            return first
    raise RuntimeError("no free ports in 56600-56999")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((HOST, port))
            return True
        except OSError:
            return False


def _as_postgres(args: list[str], **kw) -> subprocess.CompletedProcess[str]:
    owner = {"user": SUPERUSER, "group": SUPERUSER, "extra_groups": []} if AS_ROOT else {}
    return subprocess.run(args, capture_output=True, text=True, cwd="/", **owner, **kw)


@dataclass
class ReadReplica:
    """A plain streaming replica of the primary, started and stopped with pg_ctl by its folder."""

    ha: HaCluster
    port: int
    pgdata: Path = field(init=False)

    def __post_init__(self) -> None:
        self.pgdata = self.ha.base / "replica"
        self.sockets = self.ha.base / "replica-run"

    def create(self) -> None:
        primary = self.ha.primary()
        self.sockets.mkdir(exist_ok=True)
        if AS_ROOT:
            pg = pwd.getpwnam(SUPERUSER)
            os.chown(self.sockets, pg.pw_uid, pg.pw_gid)
        made = _as_postgres(
            [
                str(self.ha.bindir / "pg_basebackup"),
                "-h",
                HOST,
                "-p",
                str(primary.port),
                "-U",
                "pgautofailover_replicator",
                "-D",
                str(self.pgdata),
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ]
        )
        assert made.returncode == 0, made.stderr
        self.start()

    def _ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _as_postgres([str(self.ha.bindir / "pg_ctl"), "-D", str(self.pgdata), *args])

    def start(self) -> None:
        opts = f"-p {self.port} -h {HOST} -k {self.sockets} -c cluster_name=gridops_read_replica"
        log = self.ha.base / "log" / "replica.log"
        started = self._ctl("-l", str(log), "-w", "-t", "60", "-o", opts, "start")
        assert started.returncode == 0, started.stderr + started.stdout

    def stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self._ctl("-m", "fast", "-w", "stop")

    def sql(self, statement: str) -> str:
        done = _as_postgres(
            [str(self.ha.bindir / "psql"), "-h", str(self.sockets), "-p", str(self.port), "-At", "-c", statement]
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def dsn(self) -> str:
        return (
            f"host={HOST} port={self.port} dbname={self.ha.settings.db_name} user={APP_ROLE} "
            f"password={self.ha.password(APP_ROLE)} application_name=gridops"
        )


@dataclass
class Layout:
    ha: HaCluster
    replica: ReadReplica
    url: str  # the served app
    key: str  # an API key of the 12345 hotline
    app_dsn: str  # the multi-host string of the primary


@pytest.fixture(scope="module")
def layout(settings) -> Iterator[Layout]:
    first = _free_ports(4)
    base = Path("/var/tmp") / f"gridops-ha-test-{os.getpid()}"
    shutil.rmtree(base, ignore_errors=True)
    ha = HaCluster(settings, base=base, port=first)
    replica = ReadReplica(ha, first + 3)
    app = None
    try:
        ha.start()
        app_settings = ha.ensure_database(load_demo=False)
        demo.load(app_settings.admin_dsn(), "demo", SEED, ANCHOR, replace=True, log=lambda *_: None)
        admin = Database(app_settings.admin_dsn())
        try:
            key = apikeys.create(admin, "12345热线", ["hotline"])
        finally:
            admin.close()
        replica.create()
        env = {
            **ha.environment(),
            "GRIDOPS_REPLICA_URLS": replica.dsn(),
            "GRIDOPS_REPLICA_CHECK_S": "0.3",
            "GRIDOPS_REFRESH_SECONDS": "1",
            "GRIDOPS_SECRET_KEY": TEST_SECRET,
        }
        app, url = serve(env)
        yield Layout(ha, replica, url, key, app_settings.database_url)
    finally:
        if app is not None:
            app.terminate()
            app.wait(timeout=15)
        replica.stop()
        ha.stop()
        shutil.rmtree(base, ignore_errors=True)


# ---- the wall over HTTP ---------------------------------------------------------------------------
class Wall:
    """A wall screen as its page drives it: one refresh callback per tick, holding its state."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = signin.session(url)
        deps = self.http.get(f"{url}/_dash-dependencies", timeout=20).json()
        self.dep = next(d for d in deps if f"{ids.WALL_STATE}.data" in d["output"])
        self.state: dict | None = None
        self.n = 0
        self.shown: dict[str, object] = {}

    def tick(self, timeout: float = 10) -> int:
        """One refresh; the status code (200 redrawn, 204 nothing moved, 503 no database)."""
        self.n += 1
        values = {
            (ids.WALL_TICK, "n_intervals"): self.n,
            (ids.WALL_SCOPE, "data"): None,
            (ids.WALL_SCREEN, "data"): None,
            (ids.WALL_STATE, "data"): self.state,
            (ids.WALL_CONFIG, "data"): {"unit": None, "rotate": 0, "lang": "zh"},
        }
        body = dash_calls.body(self.dep["output"], self.dep, values)
        answer = self.http.post(f"{self.url}/_dash-update-component", json=body, timeout=timeout)
        if answer.status_code == 200:
            response = answer.json()["response"]
            self.state = response[ids.WALL_STATE]["data"]
            for key in (ids.WALL_DATA_TIME, ids.WALL_BANNER):
                if key in response:
                    self.shown[key] = response[key]["children"]
        return answer.status_code

    @property
    def data_time(self) -> str:
        return str(self.shown.get(ids.WALL_DATA_TIME, ""))

    @property
    def stale(self) -> bool:
        return bool((self.state or {}).get("stale"))

    @property
    def cases_version(self) -> int:
        return int(((self.state or {}).get("versions") or {}).get("cases", -1))


def _until(condition, timeout_s: float, every_s: float = 0.2):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if found := condition():
            return found
        time.sleep(every_s)
    return None


def _server(db: Database) -> tuple[int, bool]:
    _, rows = db.one_trip(lambda cur: (sql.SQL("SELECT inet_server_port(), pg_is_in_recovery()"), []))
    return rows[0]


def _move_cases_version(dsn: str) -> None:
    """A write on the primary that moves the cases' data version (as the intake does)."""
    db = Database(dsn, scoped=True, default_scope=("all", 0))
    try:
        with db.transaction() as cur:
            cur.execute("UPDATE data_version SET version = version + 1, changed_at = now() WHERE topic = 'cases'")
    finally:
        db.close()


# ---- replicas ---------------------------------------------------------------------------------------
def test_reads_go_to_the_replica_with_the_same_row_security_and_skip_it_when_it_lags(layout):
    primary = Database(layout.app_dsn, scoped=True, default_scope=("all", 0))
    replicas = Replicas(primary, [layout.replica.dsn()], max_lag_s=1.0, check_s=0.0)
    try:

        def replica_chosen() -> Database | None:  # one choice per try (two could disagree on the lag)
            choice = replicas.choose()
            return choice if choice is not primary else None

        chosen = _until(replica_chosen, 20)
        assert chosen is not None, "the replica was never chosen"
        assert _server(chosen) == (layout.replica.port, True)  # the replica answered
        assert chosen.lag_s is not None and chosen.lag_s <= 1.0
        assert _server(primary) == (layout.ha.primary().port, False)

        # Row-level security is the database's: the same street sees the same rows on both.
        with primary.transaction() as cur:
            cur.execute("SELECT id FROM units WHERE level = 'street' ORDER BY id LIMIT 1")
            street = cur.fetchone()[0]
            cur.execute("SELECT count(*) FROM cases")
            everything = cur.fetchone()[0]
        counts = {}
        token = SCOPE.set(("street", street))
        try:
            for name, db in (("primary", primary), ("replica", chosen)):
                with db.transaction() as cur:
                    cur.execute("SELECT count(*), count(*) FILTER (WHERE street_id <> %s) FROM cases", (street,))
                    counts[name] = cur.fetchone()
        finally:
            SCOPE.reset(token)
        assert counts["primary"] == counts["replica"] and counts["replica"][1] == 0
        assert 0 < counts["replica"][0] < everything

        # Replay paused and the primary moving on: the replica falls behind, and is skipped.
        layout.replica.sql("SELECT pg_wal_replay_pause()")
        try:
            _move_cases_version(layout.app_dsn)
            skipped = _until(lambda: replicas.choose() is primary or None, 10)
            assert skipped, f"a replica {chosen.lag_s} s behind was still chosen"
        finally:
            layout.replica.sql("SELECT pg_wal_replay_resume()")
        assert _until(lambda: replicas.choose() is chosen or None, 10), "the caught-up replica was not used again"
    finally:
        replicas.close()
        primary.close()


def test_the_wall_reads_from_the_replica_and_falls_back_to_the_primary_when_it_stops(layout):
    wall = Wall(layout.url)
    assert wall.tick() == 200 and not wall.stale
    # The wall's data time names the replica and its lag (callbacks/wall.py).
    assert _until(lambda: REPLICA_MARK in wall.data_time or (wall.tick() and None), 10), wall.data_time

    layout.replica.stop()
    stopped = time.monotonic()
    _move_cases_version(layout.app_dsn)  # something to redraw: the data moved

    def on_primary() -> bool:
        code = wall.tick()
        return code == 200 and not wall.stale and REPLICA_MARK not in wall.data_time

    assert _until(on_primary, 15), f"the wall did not come back from the primary: {wall.data_time} {wall.state}"
    SUMMARY.append(f"replica stopped → wall served from the primary after {time.monotonic() - stopped:.1f} s")


# ---- failover -------------------------------------------------------------------------------------
@dataclass
class Create:
    external_id: str
    sent: float
    answered: float = 0.0
    status: int = 0
    retry_after: str | None = None
    error: str = ""


class Writer(threading.Thread):
    """A steady stream of creates into the intake API, as a hotline's gateway sends them; a 503 is
    tried again with the same external_id after a pause, as the API asks."""

    def __init__(self, url: str, key: str, point: tuple[float, float]) -> None:
        super().__init__(daemon=True)
        self.url, self.key, self.point = url, key, point
        self.attempts: list[Create] = []
        self.acked: dict[str, float] = {}  # external_id → when its 200/201 came back
        self.halt = threading.Event()

    def run(self) -> None:
        http = requests.Session()
        n = 0
        pending: str | None = None
        while not self.halt.is_set():
            if pending is None:
                n += 1
                pending = f"HA-{os.getpid()}-{n}"
            attempt = Create(pending, time.monotonic())
            body = {
                "external_id": pending,
                "category": "0103",
                "lon": self.point[0],
                "lat": self.point[1],
                "description": "市民来电反映：道路不洁（故障转移测试）",
            }
            try:
                answer = http.post(f"{self.url}/api/v1/cases", json=body, headers={"X-API-Key": self.key}, timeout=15)
                attempt.status = answer.status_code
                attempt.retry_after = answer.headers.get("Retry-After")
                if answer.status_code >= 400:
                    attempt.error = answer.text[:300]
            except requests.RequestException as exc:
                attempt.error = f"{type(exc).__name__}: {exc}"[:300]
            attempt.answered = time.monotonic()
            self.attempts.append(attempt)
            if attempt.status in (200, 201):
                self.acked[pending] = attempt.answered
                pending = None
                time.sleep(0.02)
            else:
                time.sleep(0.2)


class WallWatcher(threading.Thread):
    """An open wall: a refresh every 0.3 s, each answer kept."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.wall = Wall(url)
        self.ticks: list[tuple[float, float, int, int, bool]] = []  # (asked, answered, status, version, stale)
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            asked = time.monotonic()
            try:
                code = self.wall.tick(timeout=5)
            except requests.RequestException:
                code = 0
            self.ticks.append((asked, time.monotonic(), code, self.wall.cases_version, self.wall.stale))
            time.sleep(0.3)


def test_killing_the_primary_loses_no_acknowledged_create_and_every_refusal_is_a_503(layout):
    point = _grid_point(layout.app_dsn)
    writer = Writer(layout.url, layout.key, point)
    watcher = WallWatcher(layout.url)
    watcher.start()
    writer.start()
    try:
        assert _until(lambda: len(writer.acked) >= 20 or None, 30), "the creates did not flow before the kill"
        assert _until(lambda: any(c == 200 and not s for _, _, c, _, s in watcher.ticks) or None, 10)
        victim = layout.ha.primary()
        killed = time.monotonic()
        layout.ha.kill(victim)

        def writes_back() -> float | None:
            """Until the first create sent after the kill is acknowledged."""
            later = [a.answered for a in list(writer.attempts) if a.sent > killed and a.status in (200, 201)]
            return min(later) - killed if later else None

        def wall_fresh() -> float | None:
            """Until the wall shows a create made after the failover: the first refresh asked
            after the first acknowledged create on the new primary, with data newer than any the
            wall showed before it, and no outage banner."""
            back = writes_back()
            if back is None:
                return None
            shown = [v for asked, _, c, v, _ in watcher.ticks if asked <= killed + back and c == 200]
            before = max(shown, default=-1)
            fresh = [
                answered
                for asked, answered, c, v, stale in watcher.ticks
                if asked > killed + back and c == 200 and not stale and v > before
            ]
            return fresh[0] - killed if fresh else None

        assert _until(lambda: (writes_back() is not None and wall_fresh() is not None) or None, 90), (
            f"no recovery within 90 s: writes {writes_back()}, wall {wall_fresh()}, state {layout.ha.state()}"
        )
        time.sleep(1.0)  # a few creates on the new primary
    finally:
        writer.halt.set()
        watcher.halt.set()
        writer.join(timeout=20)
        watcher.join(timeout=20)

    acked_before = {eid for eid, t in writer.acked.items() if t < killed}
    stored = _stored(layout.app_dsn, list(writer.acked))
    lost_before = sorted(acked_before - stored)
    lost_any = sorted(set(writer.acked) - stored)
    gap = [a for a in writer.attempts if a.sent >= killed - 1 and a.status not in (200, 201)]
    refused = [a for a in gap if a.status == 503]
    figures = {
        "failover_writes_back_s": round(writes_back(), 2),
        "failover_wall_fresh_s": round(wall_fresh(), 2),
        "acknowledged_before_kill": len(acked_before),
        "acknowledged_before_kill_lost": len(lost_before),
        "creates_refused_503": len(refused),
        "creates_answered_500": sum(1 for a in writer.attempts if a.status >= 500 and a.status != 503),
        "creates_without_answer": sum(1 for a in writer.attempts if a.status == 0),
        "creates_acknowledged": len(writer.acked),
        "wall_refreshes_failed_in_gap": sum(1 for a, _, c, _, st in watcher.ticks if a > killed and (c != 200 or st)),
        "new_primary": layout.ha.primary().name,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "failover.json").write_text(json.dumps(figures, indent=2))
    SUMMARY.append(
        "failover (SIGKILL of the primary): writes back after {failover_writes_back_s} s, wall fresh after "
        "{failover_wall_fresh_s} s, acknowledged creates lost {acknowledged_before_kill_lost} of "
        "{acknowledged_before_kill}, creates answered 503 during the gap {creates_refused_503} "
        "(500s: {creates_answered_500}, no answer: {creates_without_answer})".format(**figures)
    )
    print(json.dumps(figures))

    assert not lost_before and not lost_any, f"acknowledged creates lost: {lost_before or lost_any}"
    bad = [a for a in writer.attempts if a.status not in (200, 201, 503)]
    assert not bad, f"answers other than 200/201/503: {[(a.status, a.error) for a in bad[:5]]}"
    for a in refused:
        assert a.retry_after and json.loads(a.error)["error"] == "unavailable", a.error
    assert figures["new_primary"] != victim.name


def _grid_point(dsn: str) -> tuple[float, float]:
    db = Database(dsn, scoped=True, default_scope=("all", 0))
    try:
        with db.transaction() as cur:
            cur.execute(
                """SELECT ST_X(u.label_point), ST_Y(u.label_point) FROM units u
                    WHERE u.level = 'grid' AND u.kind <> 'exclusive'
                      AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                       AND ST_Intersects(e.geom, u.label_point))
                    ORDER BY u.id LIMIT 1"""
            )
            return cur.fetchone()
    finally:
        db.close()


def _stored(dsn: str, external_ids: list[str]) -> set[str]:
    db = Database(dsn, scoped=True, default_scope=("all", 0))
    try:
        with db.transaction() as cur:
            cur.execute("SELECT external_id FROM cases WHERE external_id = ANY(%s)", (external_ids,))
            return {row[0] for row in cur.fetchall()}
    finally:
        db.close()


# ---- settings and the single-server default -----------------------------------------------------------
def test_replica_urls_split_only_between_connection_strings():
    from settings import Settings

    given = "host=a,b port=1,2 dbname=x, postgresql://u@h:1,h2:2/db,host=c port=3"
    assert Settings(replica_urls=given).replica_dsns() == [
        "host=a,b port=1,2 dbname=x",
        "postgresql://u@h:1,h2:2/db",
        "host=c port=3",
    ]
    assert Settings(replica_urls=None).replica_dsns() == []


def test_without_replicas_reads_use_the_primary_pool_itself(settings):
    from geodata.db import get_db

    assert not settings.replica_dsns()
    assert get_db(read_only=True) is get_db() and get_db().lag_s is None
