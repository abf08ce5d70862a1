"""Soak the wall display: headless Chromium on /wall with a 1-second refresh while cases are
inserted continuously; JS heap, DOM nodes and server memory sampled at an interval.

``python -m tests.soak --minutes 30`` (``make soak``) runs it against its own database
(gridops_soak, the demo city) and prints the samples; tests/test_soak.py runs a short one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import psycopg2


@dataclass
class Sample:
    """One measurement of the page and the server."""

    minute: float
    js_heap_mb: float
    dom_nodes: int
    listeners: int
    server_rss_mb: float
    cases_inserted: int
    ticks_seen: int


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Inserter(threading.Thread):
    """Inserts an open case at a random point of the district every ``every`` seconds."""

    def __init__(self, dsn: str, every: float = 0.5, seed: int = 1) -> None:
        super().__init__(daemon=True)
        self.dsn, self.every, self.rng = dsn, every, np.random.default_rng(seed)
        self.count, self.stopped = 0, threading.Event()

    def run(self) -> None:
        conn = psycopg2.connect(self.dsn)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom) FROM units "
                    "WHERE parent_id IS NULL LIMIT 1"
                )
                x0, y0, x1, y1 = cur.fetchone()
                while not self.stopped.wait(self.every):
                    lon, lat = self.rng.uniform(x0, x1), self.rng.uniform(y0, y1)
                    # Deadlines around now: some cases are overdue at once, so the map's newly-overdue
                    # markers blink from the first sample on (a steady state, not a step mid-run).
                    due_s = float(self.rng.uniform(-180, 180))
                    cur.execute(
                        "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, "
                        "deadline_at) VALUES ('app', %s, '0101', 'reported', ST_SetSRID(ST_MakePoint(%s, %s), 4326), "
                        "now() - interval '10 minutes', now() + make_interval(secs => %s))",
                        (f"SOAK-{time.time_ns()}", lon, lat, due_s),
                    )
                    self.count += 1
        finally:
            conn.close()

    def stop(self) -> None:
        """Stop inserting and wait for the thread."""
        self.stopped.set()
        self.join(timeout=10)


def measure(driver, server_pid: int, started: float, inserted: int, readings: int = 7) -> Sample:
    """Heap, DOM and listener counts after a garbage collection, and the server's RSS.

    The page is live (panels are replaced every second), so one reading may catch a render half
    done; the sample keeps the smallest of a few readings a second apart. A leak raises that too.
    (Four readings were not enough on a host with heavy CPU steal: once, listeners read 493 for
    four seconds against 221–261 in the earlier samples: a render still in flight.)
    """
    heaps, nodes, listeners = [], [], []
    for i in range(readings):
        if i:
            time.sleep(1.0)
        driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        heaps.append(driver.execute_cdp_cmd("Runtime.getHeapUsage", {})["usedSize"])
        counters = driver.execute_cdp_cmd("Memory.getDOMCounters", {})
        nodes.append(counters["nodes"])
        listeners.append(counters["jsEventListeners"])
    ticks = driver.execute_script("return window.__wallTicks || 0;")
    return Sample(
        round((time.monotonic() - started) / 60, 2),
        round(min(heaps) / 2**20, 1),
        min(nodes),
        min(listeners),
        round(rss_mb(server_pid), 1),
        inserted,
        int(ticks),
    )


def _wall_token(dsn: str) -> str:
    """A wall token for the whole district, as the operations centre would give its wall."""
    from geodata import units
    from geodata.accounts import walltokens
    from geodata.db import Database

    db = Database(dsn)
    try:
        return walltokens.create(db, "soak", units.root_code(db))
    finally:
        db.close()


def run(base_url: str, server_pid: int, dsn: str, minutes: float, every_s: float, log=print) -> list[Sample]:
    """Soak /wall for ``minutes``, sampling every ``every_s`` seconds; returns the samples."""
    from tests.browser import chrome

    driver = chrome()
    inserter = Inserter(dsn)
    samples: list[Sample] = []
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.get(base_url + f"/wall?token={_wall_token(dsn)}&refresh=1")  # a kiosk: no typing
        deadline = time.monotonic() + 60
        while not driver.execute_script("return document.querySelectorAll('.kpi-card').length === 9;"):
            if time.monotonic() > deadline:
                raise RuntimeError("the wall did not render within 60 s")
            time.sleep(0.5)
        # Count the refreshes that actually changed the page (the KPI strip is replaced on each).
        driver.execute_script(
            "window.__wallTicks = 0; new MutationObserver(() => window.__wallTicks++)"
            ".observe(document.getElementById('wall-kpis'), {childList: true});"
        )
        inserter.start()
        time.sleep(10)  # warm up: cases arriving, overdue markers blinking
        started = time.monotonic()
        samples.append(measure(driver, server_pid, started, inserter.count))
        log(json.dumps(asdict(samples[-1])))
        while time.monotonic() - started < minutes * 60:
            time.sleep(min(every_s, max(0.0, minutes * 60 - (time.monotonic() - started))))
            samples.append(measure(driver, server_pid, started, inserter.count))
            log(json.dumps(asdict(samples[-1])))
    finally:
        inserter.stop()
        driver.quit()
        with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM cases WHERE external_id LIKE 'SOAK-%'")
        conn.close()
    return samples


def main(argv: list[str] | None = None) -> int:
    """``make soak``: its own database and server, then the samples and their growth."""
    parser = argparse.ArgumentParser(prog="python -m tests.soak")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=60, help="seconds between samples")
    args = parser.parse_args(argv)
    os.environ.pop("DATABASE_URL", None)
    os.environ["GRIDOPS_DB_NAME"] = "gridops_soak"

    from geodata.ops.setup import ensure_database
    from settings import get_settings
    from tests.server import ARTIFACTS, serve

    settings = get_settings()
    ensure_database(settings, load_demo=True)
    proc, url = serve({"GRIDOPS_REFRESH_SECONDS": "1"})
    try:
        samples = run(url, proc.pid, settings.admin_dsn(), args.minutes, args.every)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    first, last = samples[0], samples[-1]
    print(
        f"\nsoak {args.minutes} min: JS heap {first.js_heap_mb} → {last.js_heap_mb} MB, DOM nodes "
        f"{first.dom_nodes} → {last.dom_nodes}, listeners {first.listeners} → {last.listeners}, server RSS "
        f"{first.server_rss_mb} → {last.server_rss_mb} MB, {last.cases_inserted} cases inserted, "
        f"{last.ticks_seen} page updates"
    )
    out = ARTIFACTS / "soak.json"
    out.write_text(json.dumps([asdict(s) for s in samples], indent=1))
    print(f"samples: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
