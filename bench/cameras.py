"""The camera status feed (POST /api/v1/cameras/status): 200,000 statuses taken in as real HTTP calls
to the production server (uWSGI, uwsgi.ini) over the loopback, one call after another as a video
platform sends them, each of up to GRIDOPS_CAMERA_BATCH_MAX (10,000) statuses.

At city scale (200,000 cameras) that is every camera once, in 20 calls of 10,000. At demo scale
(1,500 cameras) a call holds every camera once and the calls go round until 200,000 statuses are
in (134 calls of 1,500), each round a newer report than the last, so that every status is applied.
In each round about 2 % of the cameras change status (the rest are heartbeats), so the status log
and the checkpoints' device check have work. Bodies are written before the clock starts; the time
is the calls' own, the server's sweep and device check included.

Before: every camera is made "heard from a minute ago" (a feed in its steady state: the first
call's sweep would otherwise turn every camera not yet reported offline). After: every camera's
status and times, the status log and the device inspections are put back, and the key removed.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import psycopg2
import requests

from bench.server import app_server, free_port
from geodata.accounts import apikeys
from geodata.clock import TZ
from geodata.db import Database
from settings import get_settings

STATUSES = 200_000
CHANGE_SHARE = 0.02
RESTORE = """
UPDATE cameras c SET status = s.status, last_seen_at = s.seen, status_at = s.at
  FROM unnest(%s::integer[], %s::text[], %s::timestamptz[], %s::timestamptz[]) AS s(id, status, seen, at)
 WHERE c.id = s.id AND (c.status, c.last_seen_at, c.status_at) IS DISTINCT FROM (s.status, s.seen, s.at)"""


def _bodies(codes: list[str], online: np.ndarray, start: datetime, batch: int) -> list[bytes]:
    """The calls' JSON bodies: round after round of every camera, ``batch`` statuses a call."""
    rng = np.random.default_rng(28181)
    quoted = [json.dumps(c) for c in codes]
    items: list[str] = []
    state = online.copy()
    for r in range(-(-STATUSES // len(codes))):
        state ^= rng.random(len(codes)) < CHANGE_SHARE
        at = json.dumps((start + timedelta(milliseconds=r)).isoformat(timespec="microseconds"))
        names = np.where(state, '"online"', '"offline"')
        items += [f'{{"code":{c},"status":{s},"at":{at}}}' for c, s in zip(quoted, names)]
    items = items[:STATUSES]
    step = -(-len(items) // -(-len(items) // batch))  # calls of equal size, none past the limit
    return [("[" + ",".join(items[i : i + step]) + "]").encode() for i in range(0, len(items), step)]


def _vacuum(dsn: str) -> None:
    """Leave the tables as compact as they were found: the demo's run writes each camera 134 times,
    and a report is a new row version (HOT, on its page, when the page has room: migration 0033)."""
    conn = psycopg2.connect(dsn)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM (FULL, ANALYZE) cameras")
            cur.execute("VACUUM ANALYZE camera_events, inspections, inspection_results")
    finally:
        conn.close()


def measure(admin_dsn: str) -> dict[str, Any]:
    """Seconds and statuses per second for 200,000 statuses; everything is put back afterwards."""
    admin = Database(admin_dsn)
    limit = get_settings().camera_batch_max
    start = datetime.now(TZ)
    with admin.transaction() as cur:
        cur.execute("SET LOCAL statement_timeout = 0")  # 200k rows at city scale
        cur.execute("SELECT id, code, status, last_seen_at, status_at FROM cameras ORDER BY id")
        saved = cur.fetchall()
        cur.execute("SELECT (SELECT max(id) FROM camera_events), (SELECT max(id) FROM inspections)")
        last_event, last_inspection = cur.fetchone()
    key = apikeys.create(admin, "bench-cameras", ["camera_ai"], ["devices"])
    codes = [r[1] for r in saved]
    bodies = _bodies(codes, np.array([r[2] == "online" for r in saved]), start, min(limit, len(codes)))
    out: dict[str, Any] = {}
    totals = {"applied": 0, "changed": 0, "stale": 0, "swept": 0, "checkpoints_changed": 0}
    proc = None
    try:
        with admin.transaction() as cur:
            cur.execute("SET LOCAL statement_timeout = 0")  # 200k rows at city scale
            cur.execute("UPDATE cameras SET status_at = %s", (start - timedelta(minutes=1),))
        port = free_port()
        proc = app_server(port)
        with requests.Session() as http:
            headers = {"X-API-Key": key, "Content-Type": "application/json"}
            url = f"http://127.0.0.1:{port}/api/v1/cameras/status"
            t0 = time.perf_counter()
            for body in bodies:
                resp = http.post(url, data=body, headers=headers, timeout=120)
                if resp.status_code != 200:
                    raise RuntimeError(f"camera status answered {resp.status_code}: {resp.text[:300]}")
                answer = resp.json()
                for k in totals:
                    totals[k] += answer[k]
            seconds = time.perf_counter() - t0
        sent = STATUSES
        out["camera_status_s"] = round(seconds, 2)
        out["camera_status_per_s"] = int(sent / seconds)
        out["camera_status_load"] = (
            f"{sent:,} statuses in {len(bodies)} HTTP calls of ≤ {max(map(len, bodies)) // 1024} KB "
            f"({-(-sent // len(bodies)):,} each) to uWSGI over the loopback, one at a time; "
            f"{totals['changed']:,} changed a camera, {totals['checkpoints_changed']:,} checkpoints re-judged"
        )
        if totals["applied"] != sent:
            out["camera_status_not_applied"] = {**totals, "expected": sent}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        with admin.transaction() as cur:
            cur.execute("SET LOCAL statement_timeout = 0")  # 200k rows at city scale
            cur.execute(RESTORE, [list(column) for i, column in enumerate(zip(*saved)) if i != 1])
            cur.execute("DELETE FROM camera_events WHERE id > %s", (last_event or 0,))
            cur.execute("DELETE FROM inspections WHERE id > %s AND kind = 'device'", (last_inspection or 0,))
            cur.execute("DELETE FROM api_keys WHERE prefix = %s", (key.split("_")[1],))
        admin.close()
        _vacuum(admin_dsn)
    return out
