"""A live page's tick answered once for every screen that asks the same (issue 29).

When data changes, every open wall, one map and drill-down of a scope ticks at about the same
moment (pushed, docs/refresh.md) and sends the same callback request: the same page state, the same
unit and language, only its own interval count differs. Each used to run the whole callback: the
version read, every panel built and its JSON written, ~25 ms of Python per screen at demo scale and
~100 ms at city scale, so a hundred screens cost a hundred times one.

Here the first of them runs the callback, and its answer (the response's status and bytes) is kept
under a key of everything the answer depends on:

- the request: which callback, its inputs (the interval counts left out) and its state;
- who asks, as far as it shapes the answer: kind, role, scope unit and department, and the
  address the page was opened at;
- the data versions the page would read now (geodata/versions.py), and the minute.

In this process, screens asking with that key while it is being computed wait for it (single
flight, geodata.memo) and the others get the kept bytes. Across the server's processes the answer
is kept in PostgreSQL (tick_answers, migration 0047): the first process to ask claims the key,
computes and puts the answer; another process asking meanwhile looks again every few milliseconds
until it is there (or, after ``WAIT_S``, computes its own). If that store cannot be reached, each
process computes for itself. A failed or refused answer is
never kept, nor one the page made from a failure (``degraded``: a stale or loading picture, a panel
that could not be read). The gate (access/gate.py) has checked the session before this runs, for every request.

Each answer says where it came from in ``X-Tick-Answer``: ``computed``, ``stored`` (another
process computed it) or ``kept`` (this process had it).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from typing import Any, NamedTuple

import flask
import psycopg2
from dash.exceptions import PreventUpdate

import ids
from access.principal import current
from geodata import versions as data_versions
from geodata.clock import TZ
from geodata.db import Database, get_db
from geodata.memo import Memo
from geodata.queries import sql_text

ROUTE = "/_dash-update-component"
TICKS = frozenset({ids.WALL_TICK, ids.MAP_TICK, ids.UNIT_TICK})  # the live pages' interval inputs
SHAREABLE = (200, 204)  # an answer or "nothing moved"; never an error or a refusal
HEADER = "X-Tick-Answer"
WAIT_S = 10.0  # how long a process waits for another's computation before making its own
POLL_S = 0.02
_answers = Memo(256)


# Set for each computation: a callback that answers from a failure (a stale or loading picture, a
# panel it could not read) marks it through ``degraded``, and the answer is then given to its own
# request only. Dash runs the callback in a copy of this context, which holds the same list.
_DEGRADED: ContextVar[list[bool] | None] = ContextVar("gridops_tick_degraded", default=None)


def degraded() -> None:
    """The answer being computed is made from a failure (the database away, a query timed out):
    never kept for other screens, which must ask the database themselves."""
    held = _DEGRADED.get()
    if held is not None:
        held.append(True)


class Answer(NamedTuple):
    """A callback's answer as sent: status, body and its media type; and where it came from."""

    status: int
    body: bytes
    mimetype: str
    source: str  # "computed" or "stored"


class _NotSharedError(Exception):
    """The callback's answer was an error: given to its own request only."""

    def __init__(self, response: flask.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


def key_of(body: dict[str, Any], who: Any, versions: dict[str, int], minute: str, host: str) -> str | None:
    """The key of a live page's tick request (None: not one of theirs); ``host`` is the address the
    page was opened at (its map's tile and style URLs name it)."""
    inputs = body.get("inputs")
    if not isinstance(inputs, list) or not any(
        isinstance(i, dict) and i.get("id") in TICKS and i.get("property") == "n_intervals" for i in inputs
    ):
        return None
    asked = [{**i, "value": None} if isinstance(i, dict) and i.get("property") == "n_intervals" else i for i in inputs]
    part = {
        "output": body.get("output"),
        "inputs": asked,
        "state": body.get("state"),
        "changed": body.get("changedPropIds"),
        "who": [who.kind, who.role, who.scope.id, who.department_id],
        "versions": sorted(versions.items()),
        "minute": minute,
        "host": host,
    }
    text = json.dumps(part, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def answer() -> flask.Response | None:
    """Flask before_request, after the gate: a tick's kept answer, or None to let Dash answer."""
    request = flask.request
    if request.path != ROUTE or request.method != "POST":
        return None
    who = current()
    body = request.get_json(silent=True)
    if who is None or not isinstance(body, dict):
        return None
    try:
        found, _ = data_versions.current(get_db(read_only=True))
    except psycopg2.Error:
        return None  # the page's own callback says what is wrong
    key = key_of(body, who, found, datetime.now(TZ).strftime("%Y%m%d%H%M"), request.host_url)
    if key is None:
        return None
    view = flask.current_app.ensure_sync(flask.current_app.view_functions[request.url_rule.endpoint])

    def compute() -> Answer:
        failures: list[bool] = []
        token = _DEGRADED.set(failures)
        try:
            response = flask.current_app.make_response(view(**(request.view_args or {})))
        except PreventUpdate:  # "nothing moved": what Dash's own handler of it answers
            response = flask.current_app.make_response(("", 204))
        finally:
            _DEGRADED.reset(token)
        if response.status_code not in SHAREABLE or failures:
            raise _NotSharedError(response)
        return Answer(response.status_code, response.get_data(), response.mimetype, "computed")

    led: list[bool] = []  # this request computed the answer or fetched it from the store

    def lead() -> Answer:
        led.append(True)
        # A page whose data has not moved mostly hears "nothing moved" (cheap to compute): the
        # other processes are asked only for a view that is new or has moved.
        return _across_processes(key, compute) if _moved(body, found) else compute()

    try:
        got = _answers.get(key, lead)
    except _NotSharedError as refused:
        return refused.response
    response = flask.Response(got.body, status=got.status, mimetype=got.mimetype)
    response.headers[HEADER] = got.source if led else "kept"
    return response


def _moved(body: dict[str, Any], versions: dict[str, int]) -> bool:
    """The page's state (its last answer) was drawn at other data versions, or there is none yet."""
    held = [s.get("value") for s in body.get("state") or [] if isinstance(s, dict)]
    drawn = [v["versions"] for v in held if isinstance(v, dict) and isinstance(v.get("versions"), dict)]
    return not drawn or any(d != versions for d in drawn)


def _across_processes(key: str, compute: Callable[[], Answer]) -> Answer:
    """The answer another process of the server made, or made here and kept for the others. No
    connection is held while an answer is computed (a computation needs the pool's)."""
    db = get_db()
    try:
        mine, status, mimetype, body = _one(db, "tick_answer_claim", key)
    except psycopg2.Error:
        return compute()  # the store is away: each process answers for itself
    if not mine:
        deadline = time.monotonic() + WAIT_S
        while status == 0 and time.monotonic() < deadline:  # being computed by another process
            time.sleep(POLL_S)
            try:
                status, mimetype, body = _one(db, "tick_answer_get", key) or (None, None, None)
            except psycopg2.Error:
                status = None
        if status:
            return Answer(int(status), bytes(body), mimetype, "stored")
        return compute()  # it gave up, or is too slow to wait for
    try:
        made = compute()
    except BaseException:
        _quietly(db, "tick_answer_drop", {"key": key})  # the others compute their own
        raise
    _quietly(db, "tick_answer_put", {"key": key, "status": made.status, "mimetype": made.mimetype, "body": made.body})
    return made


def _one(db: Database, name: str, key: str) -> tuple | None:
    with db.transaction() as cur:
        cur.execute(sql_text(name), {"key": key})
        return cur.fetchone()


def _quietly(db: Database, name: str, params: dict[str, Any]) -> None:
    try:
        with db.transaction() as cur:
            cur.execute(sql_text(name), params)
    except psycopg2.Error:
        pass  # a cache left behind: the others time out waiting and compute their own


def register(server: flask.Flask) -> None:
    """Answer live pages' ticks from the kept answers; registered after the gate."""
    server.before_request(answer)
