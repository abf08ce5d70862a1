"""Independent reads run at once, each on its own pooled connection.

A drill-down click or a wall tick reads a dozen independent things (KPIs, ranking, trend, lists);
one after another they add up (a district click at city scale: 2.4 s), while the database could
run several at a time. ``at_once`` runs them on a small process-wide thread pool, each in a copy of
the caller's context (so the request's row-level-security scope, ``geodata.db.SCOPE``, goes with
it). The pool is shared and bounded, so a burst of requests queues here instead of exhausting the
connection pool. Tasks must not fan out themselves (a bounded pool waiting on itself deadlocks).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

WORKERS = 4  # at most this many reads at once per process, whatever the number of requests
_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="gridops-read")


def at_once(tasks: dict[str, Callable[[], Any]]) -> dict[str, Any]:
    """Each task's result by name; the first task's exception (in ``tasks`` order) is raised
    after every task has finished."""
    futures = {name: _pool.submit(contextvars.copy_context().run, task) for name, task in tasks.items()}
    errors = [f.exception() for f in futures.values()]
    first = next((e for e in errors if e is not None), None)
    if first is not None:
        raise first
    return {name: f.result() for name, f in futures.items()}
