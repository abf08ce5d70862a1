"""Push-stream figures (docs/refresh.md): how soon an open screen hears of a committed change.

- ``push_fanout_ms``: 1,000 subscribers (aiohttp, one process, tickets signed here with the app's
  key, each of its own live session, in the scopes of the whole territory and of each level of one
  grid) on a running events server (``python -m push``); one case is committed; the time from the
  commit until the last subscriber has its ``event: change``. The median and the worst of a few
  rounds.
- ``push_wall_p95_ms``: the wall in headless Chromium against the production server (uWSGI) with
  its events server, the interval slowed to 30 s so that only the stream can be quick; 20 cases
  created through the API, one at a time; the time from sending each create until the case is on
  the wall (a mutation observer notes it), p95.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import psycopg2
import requests

from access import secret as access_secret
from bench.server import app_server, free_port
from geodata.accounts import apikeys
from geodata.db import Database
from push import tickets
from settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SUBSCRIBERS = 1000
ROUNDS = 5
WALL_CREATES = 20
WALL_REFRESH_S = 30
PREFIX = "BENCH-PUSH-"
INSERT = (
    "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, deadline_at) "
    "VALUES ('app', %s, '0101', 'reported', ST_SetSRID(ST_MakePoint(%s, %s), 4326), now(), now() + interval '1 day')"
)
# Each case on the wall the moment it first appears (Date.now()), from a mutation observer.
WATCH = """
window.pushSeen = {};
const note = () => document.querySelectorAll('.wall [data-case]').forEach(el => {
  const id = el.getAttribute('data-case');
  if (!(id in window.pushSeen)) { window.pushSeen[id] = Date.now(); }
});
note();
new MutationObserver(note).observe(document.body, {childList: true, subtree: true});
"""
# When (Date.now()) the first refresh request after a moment started: the stream's part of the wait.
FIRST_REFRESH = """
const after = arguments[0];
const starts = performance.getEntriesByType('resource')
  .filter(e => e.name.includes('_dash-update-component')).map(e => performance.timeOrigin + e.startTime)
  .filter(at => at >= after);
return starts.length ? Math.min(...starts) : null;
"""
WALL_READY = (
    "return document.querySelectorAll('.wall [data-case]').length > 0 && !!window.gridopsPush"
    " && window.gridopsPush.connected"
    " && window.dash_component_api.getLayout('wall-tick').props.interval === 60000;"
)


def events_server(port: int) -> subprocess.Popen:
    """``python -m push`` on ``port`` with this process's settings, once it listens."""
    env = {**os.environ, "GRIDOPS_EVENTS_PORT": str(port)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "push"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the events server exited with {proc.returncode}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/events/health", timeout=2).json()["listening"]:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the events server did not listen within 30 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _place(db: Database) -> tuple[float, float, list[tuple[str, int]]]:
    """A point in a tiling grid, and the scopes that hear of a case there (the whole territory and
    each of the grid's levels)."""
    with db.transaction() as cur:
        cur.execute(
            """SELECT ST_X(g.label_point), ST_Y(g.label_point), g.city_id, g.district_id, g.street_id, g.community_id
                 FROM units g WHERE g.level = 'grid' AND g.kind <> 'exclusive'
                  AND NOT EXISTS (SELECT 1 FROM units e WHERE e.kind = 'exclusive'
                                   AND ST_Intersects(e.geom, g.label_point))
                ORDER BY g.id LIMIT 1"""
        )
        lon, lat, *ids = cur.fetchone()
    levels = ("city", "district", "street", "community")
    return lon, lat, [("all", 0)] + [(level, i) for level, i in zip(levels, ids, strict=True) if i is not None]


def _start_sessions(admin_dsn: str, n: int) -> list[int]:
    """``n`` live sessions of the admin (one per subscriber, as screens have)."""
    with psycopg2.connect(admin_dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "INSERT INTO sessions (token_hash, user_id, idle_until, ends_at, user_agent) "
            "SELECT sha256(convert_to('bench-push-' || g || '-' || clock_timestamp(), 'UTF8')), u.id, "
            "now() + interval '1 hour', now() + interval '1 hour', 'bench push' "
            "FROM generate_series(1, %s) g, users u WHERE u.username = 'admin' RETURNING id",
            (n,),
        )
        ids = [row[0] for row in cur.fetchall()]
    conn.close()
    if len(ids) != n:
        raise RuntimeError("the bench database has no demo user 'admin': run gridops setup once")
    return ids


def _end_sessions(admin_dsn: str, ids: list[int]) -> None:
    with psycopg2.connect(admin_dsn) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM sessions WHERE id = ANY(%s)", (ids,))
    conn.close()


async def _fanout(url: str, signed: list[str], commit, rounds: int) -> list[tuple[float, float]]:
    """(first, last) subscriber's ms from the commit to its event, for each round."""
    heard: dict[int, float] = {}
    ready: set[int] = set()

    async def subscribe(session: aiohttp.ClientSession, i: int, ticket: str) -> None:
        async with session.get(url, params={"ticket": ticket}) as answer:
            if answer.status != 200:
                raise RuntimeError(f"the stream answered {answer.status}: {(await answer.text())[:200]}")
            async for line in answer.content:
                if line.startswith(b": connected"):
                    ready.add(i)
                elif line.startswith(b"event: change"):
                    heard.setdefault(i, time.perf_counter())

    loop = asyncio.get_running_loop()
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=30, sock_read=300)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0), timeout=timeout) as session:
        tasks = [asyncio.create_task(subscribe(session, i, t)) for i, t in enumerate(signed)]
        try:
            deadline = time.monotonic() + 60
            while len(ready) < len(signed):
                failed = next((t for t in tasks if t.done()), None)
                if failed is not None:
                    failed.result()
                    raise RuntimeError("a stream closed before the changes")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"only {len(ready)} of {len(signed)} streams opened within 60 s")
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            out = []
            for r in range(rounds):
                heard.clear()
                committed = await loop.run_in_executor(None, commit, r)
                deadline = time.monotonic() + 10
                while len(heard) < len(signed):
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"only {len(heard)} of {len(signed)} subscribers heard within 10 s")
                    await asyncio.sleep(0.002)
                out.append(((min(heard.values()) - committed) * 1000, (max(heard.values()) - committed) * 1000))
                await asyncio.sleep(0.5)
            return out
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


def fanout(db: Database, admin_dsn: str) -> dict[str, Any]:
    """``push_fanout_ms``: see the module's docstring."""
    settings = get_settings()
    secret = access_secret.resolve(settings)
    lon, lat, scopes = _place(db)
    port = free_port()
    proc = events_server(port)
    session_ids = _start_sessions(admin_dsn, SUBSCRIBERS)
    conn = psycopg2.connect(admin_dsn)
    try:
        signed = [
            tickets.mint(secret, scopes[i % len(scopes)], sid, "http://127.0.0.1") for i, sid in enumerate(session_ids)
        ]

        def commit(i: int) -> float:
            with conn.cursor() as cur:
                cur.execute(INSERT, (f"{PREFIX}{time.time_ns()}-{i}", lon, lat))
            at = time.perf_counter()
            conn.commit()
            return at

        rounds = asyncio.run(_fanout(f"http://127.0.0.1:{port}/events", signed, commit, ROUNDS))
    finally:
        conn.rollback()
        with conn.cursor() as cur:
            cur.execute("DELETE FROM cases WHERE source = 'app' AND external_id LIKE %s", (PREFIX + "%",))
        conn.commit()
        conn.close()
        _end_sessions(admin_dsn, session_ids)
        _stop(proc)
    last = [r[1] for r in rounds]
    return {
        "push_fanout_ms": round(statistics.median(last), 1),
        "push_fanout_max_ms": round(max(last), 1),
        "push_fanout_first_ms": round(statistics.median(r[0] for r in rounds), 1),
        "push_fanout": f"{SUBSCRIBERS} subscribers in {len(scopes)} scopes, {ROUNDS} rounds of one committed case: "
        "commit → the last subscriber's event (median, worst)",
    }


def _wait(driver, script: str, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise RuntimeError(f"{what} within {timeout:.0f} s")


def wall(db: Database, admin_dsn: str) -> dict[str, Any]:
    """``push_wall_p95_ms``: see the module's docstring."""
    from tests.browser import CHROMEDRIVER, CHROMIUM, chrome
    from tests.signin import browser as sign_in

    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        return {"push_wall_p95_ms": "chromium missing: run 'make system'"}
    lon, lat, _ = _place(db)
    port, events_port = free_port(), free_port()
    saved = {name: os.environ.get(name) for name in ("GRIDOPS_EVENTS_PORT", "GRIDOPS_REFRESH_SECONDS")}
    os.environ.update(GRIDOPS_EVENTS_PORT=str(events_port), GRIDOPS_REFRESH_SECONDS=str(WALL_REFRESH_S))
    admin = Database(admin_dsn)
    key = apikeys.create(admin, "bench push", ["hotline"])
    events = app = driver = None
    latencies: list[float] = []
    fired: list[float] = []  # create sent → the wall's refresh request started
    try:
        events = events_server(events_port)
        app = app_server(port)
        base = f"http://127.0.0.1:{port}"
        driver = chrome()
        sign_in(driver, base, "admin")  # the whole territory at every scale
        driver.get(f"{base}/wall")
        _wait(driver, WALL_READY, 90, "the wall did not draw its cases with the stream open")
        time.sleep(2)  # the refresh the opening stream fired
        driver.execute_script(WATCH)
        driver.execute_script("performance.setResourceTimingBufferSize(100000);")
        for i in range(WALL_CREATES):
            driver.execute_script("performance.clearResourceTimings();")
            body = {"external_id": f"{PREFIX}{time.time_ns()}-{i}", "category": "0101", "lon": lon, "lat": lat}
            sent = time.time() * 1000
            answer = requests.post(f"{base}/api/v1/cases", json=body, headers={"X-API-Key": key}, timeout=20)
            if answer.status_code != 201:
                raise RuntimeError(f"create answered {answer.status_code}: {answer.text[:200]}")
            case = answer.json()["case"]["id"]
            seen = _wait(driver, f"return window.pushSeen['{case}'];", 15, f"case {case} was not on the wall")
            latencies.append(seen - sent)
            started = driver.execute_script(FIRST_REFRESH, sent)
            if started is not None:
                fired.append(started - sent)
            time.sleep(1.0)  # a case every second or two, as a busy hotline sends them
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if driver is not None:
            driver.quit()
        for proc in (app, events):
            if proc is not None:
                _stop(proc)
        with admin.transaction() as cur:
            cur.execute("DELETE FROM cases WHERE source = 'hotline' AND external_id LIKE %s", (PREFIX + "%",))
            cur.execute("DELETE FROM api_keys WHERE prefix = %s", (key.split("_")[1],))
        admin.close()
    return {
        "push_wall_p95_ms": round(statistics.quantiles(latencies, n=20)[-1]),
        "push_wall_median_ms": round(statistics.median(latencies)),
        # The stream's part (the rest is the wall's own refresh: query, answer, drawing).
        "push_wall_refresh_started_p95_ms": round(statistics.quantiles(fired, n=20)[-1]) if len(fired) > 1 else None,
        "push_wall": f"{WALL_CREATES} creates through the API, one at a time; headless Chromium on /wall as admin "
        f"with a {WALL_REFRESH_S} s interval (uWSGI and the events server): create sent → the case on the wall",
    }


def measure(db: Database, admin_dsn: str) -> dict[str, Any]:
    """Both figures; a figure that failed is reported, the other still runs."""
    out: dict[str, Any] = {}
    for name, part in (("push_fanout_ms", fanout), ("push_wall_p95_ms", wall)):
        try:
            out.update(part(db, admin_dsn))
        except Exception as exc:  # reported in the table, as the other browser figure is
            out[name] = f"failed: {exc}"
    return out
