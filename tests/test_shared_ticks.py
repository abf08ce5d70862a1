"""A live page's tick answered once for every screen asking the same (callbacks/shared_ticks.py):
within one server process, across the production server's two processes, never across scopes,
and never an error."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

import ids
from callbacks.shared_ticks import HEADER
from tests import signin
from tests.cases import insert_case
from tests.test_production_server import production  # noqa: F401 (the uWSGI fixture)

TOP = {"unit": None, "rotate": None, "lang": "zh"}


def _wall(http: requests.Session, base: str, tick: int, state: dict | None, config: dict = TOP) -> requests.Response:
    """One wall tick as the page sends it (the callback read from /_dash-dependencies)."""
    deps = http.get(f"{base}/_dash-dependencies", timeout=30).json()
    dep = next(d for d in deps if f"{ids.WALL_STATE}.data" in d["output"])
    values = [tick, None, 1920]
    body = {
        "output": dep["output"],
        "outputs": [dict(zip(("id", "property"), o.rsplit(".", 1))) for o in dep["output"].strip(".").split("...")],
        "inputs": [{**i, "value": v} for i, v in zip(dep["inputs"], values)],
        "state": [{**s, "value": v} for s, v in zip(dep["state"], [state, config])],
        "changedPropIds": [f"{ids.WALL_TICK}.n_intervals"],
    }
    return http.post(f"{base}/_dash-update-component", json=body, timeout=60)


def _state(answer: requests.Response) -> dict:
    return answer.json()["response"][ids.WALL_STATE]["data"]


def _clear_of_the_minute() -> None:
    """Wait until the next few seconds stay within one minute (a key holds its minute: the screens
    of a round asking across a minute's turn would rightly get two answers)."""
    while not 1 <= datetime.now().second <= 50:
        time.sleep(0.5)


def _new_case(db, tag: str) -> None:
    with db.transaction() as cur:
        cur.execute("SELECT ST_X(label_point), ST_Y(label_point) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1")
        lon, lat = cur.fetchone()
        insert_case(cur, lon, lat, tag)


def test_screens_of_one_scope_share_one_answer_until_the_data_moves(server, db):
    screens = [signin.session(server, "admin") for _ in range(3)]
    _clear_of_the_minute()
    first = [_wall(s, server, 0, None) for s in screens]
    assert [a.status_code for a in first] == [200] * 3
    assert first[0].headers[HEADER] in ("computed", "kept") and [a.headers[HEADER] for a in first[1:]] == ["kept"] * 2
    assert first[1].content == first[0].content == first[2].content
    state = _state(first[0])
    _new_case(db, "T-SHARED-1")
    # Each screen's own interval count differs; the answer does not depend on it.
    moved = [_wall(s, server, 7 + i, state) for i, s in enumerate(screens)]
    assert [a.headers[HEADER] for a in moved] == ["computed", "kept", "kept"]
    assert moved[0].status_code == 200 and moved[1].content == moved[0].content == moved[2].content
    assert _state(moved[0])["versions"] != state["versions"]
    # Nothing moved since: "nothing moved" (204), also shared.
    quiet = [_wall(s, server, 9, _state(moved[0])) for s in screens]
    assert [a.status_code for a in quiet] == [204] * 3
    assert [a.headers[HEADER] for a in quiet[1:]] == ["kept"] * 2


def test_an_answer_is_never_given_to_another_scope(server, db):
    admin, street = signin.session(server, "admin"), signin.session(server, "street")
    mine = _wall(admin, server, 0, None)
    theirs = _wall(street, server, 0, None)
    assert theirs.headers[HEADER] in ("computed", "stored")  # its own, not the admin's
    assert theirs.content != mine.content
    assert _state(theirs)["code"] != _state(mine)["code"]


def test_an_error_is_answered_to_its_own_request_only(server):
    http = signin.session(server, "admin")
    deps = http.get(f"{server}/_dash-dependencies", timeout=30).json()
    dep = next(d for d in deps if f"{ids.WALL_STATE}.data" in d["output"])
    bad = {
        "output": dep["output"],
        "outputs": [],  # outputs that do not match the callback's: Dash refuses the request
        "inputs": [{**dep["inputs"][0], "value": 1}],
        "state": [],
        "changedPropIds": [f"{ids.WALL_TICK}.n_intervals"],
    }
    answers = [http.post(f"{server}/_dash-update-component", json=bad, timeout=30) for _ in range(2)]
    assert [a.status_code for a in answers] == [400, 400]
    assert all(HEADER not in a.headers for a in answers)


def test_the_production_servers_two_processes_compute_a_tick_once(production, db):  # noqa: F811
    """Twenty screens ticking at once after each change, served by uWSGI's two processes: one of
    them computes, the other process reads the answer from PostgreSQL, the rest are kept."""
    base = production
    screens = [signin.session(base, "admin") for _ in range(20)]
    state = _state(_wall(screens[0], base, 0, None))
    seen: set[str] = set()
    for round_no in range(5):
        _clear_of_the_minute()
        _new_case(db, f"T-SHARED-P{round_no}")
        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(lambda s, held=state: _wall(s, base, 3, held), screens))
        sources = [a.headers[HEADER] for a in answers]
        assert [a.status_code for a in answers] == [200] * 20
        assert sources.count("computed") == 1, sources
        assert len({a.content for a in answers}) == 1  # byte for byte the same answer
        seen.update(sources)
        state = json.loads(answers[0].content)["response"][ids.WALL_STATE]["data"]
        if "stored" in seen:
            break
    assert "stored" in seen, "every round was served by one process: the store was never read"


def test_an_answer_made_from_a_failure_is_kept_for_nobody(db, monkeypatch):
    """A wall whose ticker could not be read answers with that panel's note; the next wall asking
    the same must read the database itself, not be given the failure."""
    import psycopg2

    import app
    import callbacks.wall as wall
    from bench.client import signed_in
    from tests import dash_calls

    output = next(k for k in app.app.callback_map if f"{ids.WALL_STATE}.data" in k)
    with db.transaction() as cur:
        cur.execute("SELECT code FROM units WHERE level = 'community' ORDER BY code DESC LIMIT 1")
        code = cur.fetchone()[0]  # a wall of its own: no other test asked for it
    values = {
        (ids.WALL_TICK, "n_intervals"): 0,
        (ids.WALL_SCOPE, "data"): code,
        (ids.WALL_SCREEN, "data"): 1920,
        (ids.WALL_STATE, "data"): None,
        (ids.WALL_CONFIG, "data"): {"unit": code, "rotate": None, "lang": "en"},
    }
    body = dash_calls.body(output, app.app.callback_map[output], values)
    real = wall.ticker.latest

    def unreadable(*args, **kwargs):
        raise psycopg2.OperationalError("the ticker's read failed")

    _clear_of_the_minute()
    monkeypatch.setattr(wall.ticker, "latest", unreadable)
    failed = signed_in(app.app, db).post("/_dash-update-component", json=body)
    assert failed.status_code == 200 and HEADER not in failed.headers  # answered, to its own request only
    monkeypatch.setattr(wall.ticker, "latest", real)
    again = signed_in(app.app, db).post("/_dash-update-component", json=body)
    assert again.headers[HEADER] == "computed"  # read afresh, not the failure
    ticker = again.get_json()["response"][ids.WALL_TICKER]["children"]
    assert ticker and failed.get_data() != again.get_data()
