"""A short soak of the wall (about 2 minutes): heap, DOM and server memory must stay bounded
while cases arrive every half second and the page refreshes every second."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from tests.server import ARTIFACTS, serve
from tests.soak import run

pytestmark = pytest.mark.browser


def test_wall_memory_stays_flat_under_continuous_inserts(admin_dsn_):
    proc, url = serve({"GRIDOPS_REFRESH_SECONDS": "1"})
    try:
        samples = run(url, proc.pid, admin_dsn_, minutes=2, every_s=30, log=lambda *_: None)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    (ARTIFACTS / "soak-short.json").write_text(json.dumps([asdict(s) for s in samples], indent=1))
    first, last = samples[1], samples[-1]  # the first sample is before any insert has shown
    assert last.ticks_seen >= 30, "the wall stopped refreshing"
    assert last.cases_inserted >= 100
    # Bounded, not merely "less than before": allow the noise of a live page, not a leak.
    assert last.dom_nodes <= first.dom_nodes * 1.15 + 100, [asdict(s) for s in samples]
    assert last.js_heap_mb <= first.js_heap_mb * 1.3 + 8, [asdict(s) for s in samples]
    assert last.listeners <= first.listeners + 50, [asdict(s) for s in samples]
    assert last.server_rss_mb <= first.server_rss_mb + 80, [asdict(s) for s in samples]
