"""Wall-display figures through the real Dash stack (Flask test client): first paint, a tick with
no change, and a tick after one new case (docs/performance.md budget rows for the wall)."""

from __future__ import annotations

import statistics
import time
from typing import Any

import ids
from bench.client import signed_in


def _post(
    client, callbacks: dict, key: str, inputs: list[Any], state: list[Any], read: bool = True
) -> tuple[float, int, dict]:
    """POST one callback the way the renderer does; (server ms, body bytes, JSON response). ``read``
    false: the answer is not parsed (a screen's browser does that, not the server)."""
    spec = callbacks[key]
    outputs = [dict(zip(("id", "property"), part.rsplit(".", 1))) for part in key.strip(".").split("...")]
    body = {
        "output": key,
        "outputs": outputs,
        "inputs": [{**i, "value": v} for i, v in zip(spec["inputs"], inputs)],
        "state": [{**s, "value": v} for s, v in zip(spec["state"], state)],
        "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"],
    }
    t0 = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body)
    ms = (time.perf_counter() - t0) * 1000
    return ms, len(resp.data), (resp.get_json() if read and resp.status_code == 200 else {})


def measure(db, repeat: int, insert_case) -> dict[str, Any]:
    """Wall figures; ``insert_case(cur, i)`` adds one case (removed by the caller)."""
    from app import app

    client = signed_in(app, db)
    page = client.get("/wall")
    callbacks = app.callback_map  # filled by the first request
    key = next(k for k in callbacks if f"{ids.WALL_STATE}.data" in k)
    config = {"unit": None, "rotate": None, "lang": "zh"}
    ms, size, resp = _post(client, callbacks, key, [0, None, 1920], [None, config])
    state = resp["response"][ids.WALL_STATE]["data"]
    out: dict[str, Any] = {"wall_first_paint_server_ms": round(ms, 1), "wall_first_paint_bytes": size + len(page.data)}
    quiet = [_post(client, callbacks, key, [i, None, 1920], [state, config]) for i in range(repeat)]
    out["wall_nochange_server_ms"] = round(statistics.median(q[0] for q in quiet), 2)
    out["wall_nochange_wire_bytes"] = max(q[1] for q in quiet)
    changed = []
    for i in range(repeat):
        with db.transaction() as cur:
            insert_case(cur, i)
        ms, size, resp = _post(client, callbacks, key, [i, None, 1920], [state, config])
        state = resp["response"][ids.WALL_STATE]["data"] if resp else state
        changed.append((ms, size))
    out["wall_change_server_ms"] = round(statistics.median(c[0] for c in changed), 1)
    out["wall_change_wire_bytes"] = int(statistics.median(c[1] for c in changed))
    return out


def screens(db, insert_case, n: int = 100, threads: int = 16) -> dict[str, Any]:
    """What n open walls cost the server when a change reaches them at once (issue 29): n screens of
    one scope (the territory), then n screens of n different units, each screen its own session,
    all ticking together after one new case, served by ``threads`` request threads (uWSGI's 2 × 8).
    Printed as the time until every screen has its answer, and as a ratio to one screen's changed
    tick measured the same way just before (budget: 100 screens of one scope ≤ 2× one)."""
    from concurrent.futures import ThreadPoolExecutor

    from app import app

    first = signed_in(app, db)
    first.get("/wall")
    callbacks = app.callback_map
    key = next(k for k in callbacks if f"{ids.WALL_STATE}.data" in k)
    clients = [signed_in(app, db) for _ in range(n)]

    def settle(configs: list[dict]) -> list[dict]:
        """The state each screen holds after its first paint, asked with its own session (a screen
        that has been open a while: its session known to the server)."""
        return [
            _post(clients[i], callbacks, key, [0, None, 1920], [None, config])[2]["response"][ids.WALL_STATE]["data"]
            for i, config in enumerate(configs)
        ]

    def changed_ticks(configs: list[dict], states: list[dict], tag: int) -> float:
        with db.transaction() as cur:
            insert_case(cur, tag)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            jobs = [
                pool.submit(_post, clients[i], callbacks, key, [1, None, 1920], [states[i], configs[i]], False)
                for i in range(len(configs))
            ]
            for job in jobs:
                job.result()
        return (time.perf_counter() - t0) * 1000

    top = {"unit": None, "rotate": None, "lang": "zh"}
    one = changed_ticks([top], settle([top]), 9001)
    same = changed_ticks([top] * n, settle([top] * n), 9002)
    with db.transaction() as cur:
        cur.execute(
            "SELECT code FROM units WHERE level IN ('street', 'community') ORDER BY level DESC, code LIMIT %s", (n,)
        )
        codes = [c for (c,) in cur.fetchall()]
    many = [{"unit": c, "rotate": None, "lang": "zh"} for c in codes]
    many_ms = changed_ticks(many, settle(many), 9003)
    return {
        "wall_screens_one_ms": round(one, 1),
        f"wall_screens_{n}_same_scope_ms": round(same, 1),
        "wall_screens_same_scope_ratio": round(same / one, 2),
        f"wall_screens_{len(many)}_scopes_ms": round(many_ms, 1),
        "wall_screens_scopes_ratio": round(many_ms / one, 2),
    }
