"""Intake API figures (issue 7): one create's server time (p50/p95 over sequential creates through
the real Flask stack), and creates per second sustained over loopback against the production server
(uWSGI, uwsgi.ini), driven by wrk with a unique external id per request. The share of the run's CPU
time the host's hypervisor took back (steal) is recorded beside the rate: on a shared host it can
halve the rate of the same code."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from typing import Any

from bench.server import app_server, free_port, log_path
from geodata.accounts import apikeys
from geodata.db import Database

PREFIX = "BENCH-API-"
LUA = """
local points = {%(points)s}
local counter = 0
local threads = 0
local key = "%(key)s"
local all = {}
-- Each thread's own number, as the global "tid" of its Lua state (a local here would be 0 in all).
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  table.insert(all, thread)
end
-- Answers other than 2xx, by status, and the first one's body: what went wrong, not only how often.
refused = {}
function response(status, headers, body)
  if status >= 300 then
    refused[status] = (refused[status] or 0) + 1
    if first_refusal == nil then first_refusal = body end
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(all) do
    for status, n in pairs(thread:get("refused")) do io.write(string.format("REFUSED %%d %%d\\n", status, n)) end
    local body = thread:get("first_refusal")
    if body ~= nil then io.write("FIRST_REFUSAL " .. string.sub(body, 1, 300):gsub("\\n", " ") .. "\\n") end
  end
end
function request()
  counter = counter + 1
  local p = points[(counter %% #points) + 1]
  local body = string.format('{"external_id":"%(prefix)s%(run)s-%%d-%%d","category":"0101","lon":%%.6f,"lat":%%.6f}',
                             tid, counter, p[1], p[2])
  return wrk.format("POST", "/api/v1/cases", {["Content-Type"] = "application/json", ["X-API-Key"] = key}, body)
end
"""


def _points(db: Database, n: int = 200) -> list[tuple[float, float]]:
    with db.transaction() as cur:
        cur.execute(
            "SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' AND kind <> "
            "'exclusive' ORDER BY id LIMIT %s",
            (n,),
        )
        return cur.fetchall()


def _server_times(key: str, points: list[tuple[float, float]], n: int) -> list[float]:
    from app import app

    client = app.server.test_client()
    headers = {"X-API-Key": key}
    times = []
    for i in range(n):
        lon, lat = points[i % len(points)]
        body = {"external_id": f"{PREFIX}SEQ-{time.time_ns()}-{i}", "category": "0101", "lon": lon, "lat": lat}
        t0 = time.perf_counter()
        resp = client.post("/api/v1/cases", json=body, headers=headers)
        times.append((time.perf_counter() - t0) * 1000)
        if resp.status_code != 201:
            raise RuntimeError(f"create answered {resp.status_code}: {resp.data[:300]!r}")
    return times


def _cpu_times() -> list[int]:
    """The machine's CPU time so far by kind (user, nice, system, idle, iowait, irq, softirq, steal, …)."""
    with open("/proc/stat") as stat:
        return [int(x) for x in stat.readline().split()[1:]]


def _wrk(db: Database, port: int, key: str, points, seconds: int, connections: int) -> dict[str, Any]:
    """wrk against the server; the rate is of cases the database holds afterwards (a repeated
    external id would answer 200 with the existing case, and must not count as a create)."""
    run = str(time.time_ns())
    text = LUA % {
        "points": ", ".join(f"{{{x:.6f}, {y:.6f}}}" for x, y in points),
        "key": key,
        "prefix": PREFIX,
        "run": run,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(text)
    try:
        cmd = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}",
        ]
        before = _cpu_times()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
        spent = [b - a for a, b in zip(before, _cpu_times(), strict=True)]
        if done.stderr.strip():  # a script that does not load leaves wrk sending plain GETs
            raise RuntimeError(f"wrk: {done.stderr.strip()[:500]}")
        out = done.stdout
    finally:
        os.unlink(script.name)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    sent = re.search(r"(\d+) requests in ([\d.]+)(ms|s)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    refused: dict[str, int] = {}
    for status, n in re.findall(r"^REFUSED (\d+) (\d+)$", out, re.M):
        refused[status] = refused.get(status, 0) + int(n)
    first = re.search(r"^FIRST_REFUSAL (.*)$", out, re.M)
    with db.transaction() as cur:
        cur.execute(
            "SELECT count(*) FROM cases WHERE source = 'hotline' AND external_id LIKE %s", (f"{PREFIX}{run}-%",)
        )
        created = cur.fetchone()[0]
    elapsed = float(sent.group(2)) / (1000 if sent.group(3) == "ms" else 1) if sent else float(seconds)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    figures = {
        "api_create_sustained_per_s": round(created / elapsed),
        "api_create_sustained_requests_per_s": round(float(rate.group(1))) if rate else None,
        "api_create_sustained_errors": int(errors.group(1)) if errors else 0,
        "api_create_loaded_p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 1) if p99 else None,
        "api_create_load": f"wrk {seconds}s, {connections} connections, uWSGI 2 processes × 8 threads (uwsgi.ini)",
        "api_create_host_steal_pct": round(100 * spent[7] / sum(spent), 1) if len(spent) > 7 else None,
    }
    if refused:
        figures["api_create_refused"] = {
            "by_status": refused,
            "first_body": first.group(1) if first else None,
            "server_log": str(log_path(port)),
        }
    return figures


def measure(db: Database, admin_dsn: str, repeat: int) -> dict[str, Any]:
    """Create figures; every case made here is deleted again, and so is the key."""
    admin = Database(admin_dsn)
    key = apikeys.create(admin, "bench", ["hotline"])
    points = _points(db)
    out: dict[str, Any] = {}
    try:
        times = _server_times(key, points, max(200, repeat * 20))
        out["api_create_server_p50_ms"] = round(statistics.median(times), 1)
        out["api_create_server_p95_ms"] = round(statistics.quantiles(times, n=20)[-1], 1)
        if shutil.which("wrk") is None:
            out["api_create_sustained_per_s"] = "wrk missing: run 'make system' (apt-get install wrk)"
        else:
            port = free_port()
            proc = app_server(port)
            try:
                out.update(_wrk(admin, port, key, points, seconds=15, connections=16))
            finally:
                proc.terminate()
                proc.wait(timeout=20)
    finally:
        with admin.transaction() as cur:
            cur.execute("DELETE FROM cases WHERE source = 'hotline' AND external_id LIKE %s", (PREFIX + "%",))
            out["api_bench_cases_removed"] = cur.rowcount
            cur.execute("DELETE FROM api_keys WHERE prefix = %s", (key.split("_")[1],))
        admin.close()
    return out
