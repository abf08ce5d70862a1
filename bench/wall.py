"""Wall-display figures through the real Dash stack (Flask test client): first paint, a tick with
no change, and a tick after one new case (docs/performance.md budget rows for the wall)."""

from __future__ import annotations

import statistics
import time
from typing import Any

import ids
from bench.client import signed_in


def _post(client, callbacks: dict, key: str, inputs: list[Any], state: list[Any]) -> tuple[float, int, dict]:
    """POST one callback the way the renderer does; (server ms, body bytes, JSON response)."""
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
    return ms, len(resp.data), (resp.get_json() if resp.status_code == 200 else {})


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
