"""The events server (``gridops events``): server-sent events fed by PostgreSQL LISTEN/NOTIFY.

- One connection LISTENs on ``gridops_changes`` and ``gridops_access``; when it is lost, every
  stream gets ``event: down`` and is closed (the pages poll at their usual interval meanwhile), and
  the server connects again. A quiet connection proves itself alive every few seconds.
- ``GET /events?ticket=…`` (push/tickets.py) answers ``text/event-stream`` while the ticket's session
  is live. Changes are collected for ``COALESCE_S`` after the first, then each subscriber whose scope
  any of them touches (push/scope.py) gets one ``event: change`` with ``data: {"topics": [...]}``.
  A comment every ``HEARTBEAT_S`` keeps proxies from closing a quiet stream.
- On ``gridops_access`` (a sign-out, a disabled user, a revoked wall token…) and every
  ``RECHECK_S`` (an idle session's end is not announced) the subscribers' sessions are read again;
  the stream of an ended one gets ``event: ended`` and is closed.
- ``GET /events/health`` says whether the server is listening.

The browser's side is assets/push.js: it opens the stream with a fresh ticket and, on each change,
fires its page's refresh tick (docs/refresh.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import resource
import sys
import time
from typing import Any

import psycopg
from aiohttp import web

from access import secret as access_secret
from geodata.errors import SetupError
from geodata.queries import sql_text
from push import scope, tickets
from settings import Settings, get_settings

CHANNELS = ("gridops_changes", "gridops_access")
COALESCE_S = 0.1  # a burst of changes within this is told as one event
HEARTBEAT_S = 15.0
ALIVE_S = 5.0  # a quiet LISTEN connection proves itself alive this often
RECONNECT_S = 1.0
RECHECK_S = 60.0  # the subscribers' sessions are read again at least this often
LIVE_FOR_S = 30.0  # a session read live opens streams without a query this long (unless access changed)
MAX_SUBSCRIBERS = 20_000
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
STREAM_HEADERS = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
    "X-Content-Type-Options": "nosniff",
}

log = logging.getLogger("gridops.events")


class Subscriber:
    """One open stream: its viewer's scope and session, the topics it has yet to be told of, and
    why it is being closed ("down", "ended"), if it is."""

    __slots__ = ("closing", "rows", "session_id", "topics", "wake")

    def __init__(self, rows: tuple[str, int], session_id: int) -> None:
        self.rows = rows
        self.session_id = session_id
        self.topics: set[str] = set()
        self.wake = asyncio.Event()
        self.closing: str | None = None

    def tell(self, topics: set[str]) -> None:
        self.topics |= topics
        self.wake.set()

    def close(self, why: str) -> None:
        self.closing = why
        self.wake.set()


class Sessions:
    """Whether sessions are live, read on a connection of its own. The sessions asked about at the
    same moment (a wall of screens reconnecting) are read in one query; an answer is remembered
    for ``LIVE_FOR_S`` unless a change to access is announced meanwhile."""

    def __init__(self, dsn: str, name: str) -> None:
        self.dsn, self.name = dsn, name
        self.generation = 0  # moves on every announced change to access
        self._conn: psycopg.AsyncConnection | None = None
        self._known: dict[int, tuple[bool, float]] = {}
        self._waiting: dict[int, list[asyncio.Future]] = {}
        self._reader: asyncio.Task | None = None

    def forget(self) -> None:
        """Access changed (or the listener reconnected): nothing remembered holds any more."""
        self.generation += 1
        self._known.clear()

    async def live(self, session_id: int) -> bool:
        hit = self._known.get(session_id)
        if hit is not None and time.monotonic() - hit[1] < LIVE_FOR_S:
            return hit[0]
        future = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(session_id, []).append(future)
        if self._reader is None:
            self._reader = asyncio.create_task(self._read_waiting())
        return await future

    async def _read_waiting(self) -> None:
        await asyncio.sleep(0)  # the others asking at this moment join the batch
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                generation = self.generation
                try:
                    found = await self.read_live(list(batch))
                except (psycopg.Error, OSError) as exc:
                    for futures in batch.values():
                        for future in futures:
                            if not future.done():
                                future.set_exception(exc)
                    continue
                for session_id, futures in batch.items():
                    live = session_id in found
                    if generation == self.generation:
                        self._known[session_id] = (live, time.monotonic())
                    for future in futures:
                        if not future.done():
                            future.set_result(live)
        finally:
            self._reader = None

    async def read_live(self, ids: list[int]) -> set[int]:
        """The ids of ``ids`` whose sessions are live now (one query; a lost connection is made again once)."""
        for attempt in (1, 2):
            try:
                if self._conn is None or self._conn.closed:
                    self._conn = await psycopg.AsyncConnection.connect(
                        self.dsn, autocommit=True, connect_timeout=5, application_name=self.name, **KEEPALIVE
                    )
                async with asyncio.timeout(10):
                    cur = await self._conn.execute(sql_text("events_sessions_live"), {"ids": ids})
                    return {row[0] for row in await cur.fetchall()}
            except (psycopg.OperationalError, OSError, TimeoutError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                await self._conn.close()
            self._conn = None


class Hub:
    """The LISTEN connection and the subscribers it feeds."""

    def __init__(self, dsn: str, secret: str, name: str) -> None:
        self.dsn, self.secret, self.name = dsn, secret, name
        self.subscribers: set[Subscriber] = set()
        self.listening = False
        self.sessions = Sessions(dsn, name + " sessions")
        self._batch: list[dict[str, Any]] = []
        self._flush: asyncio.TimerHandle | None = None
        self._rechecking: asyncio.Task | None = None
        self._recheck_again = False

    # ---- listening ---------------------------------------------------------------------------
    async def listen_forever(self) -> None:
        """LISTEN, hand each announcement on, and connect again whenever the connection is lost."""
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.dsn, autocommit=True, connect_timeout=5, application_name=self.name, **KEEPALIVE
                )
                async with conn:
                    for channel in CHANNELS:
                        await conn.execute(f"LISTEN {channel}")
                    self.sessions.forget()  # whatever was read before this connection may be stale
                    self.listening = True
                    log.info("listening on %s", ", ".join(CHANNELS))
                    self.recheck()  # sessions that ended while nobody listened
                    await self._listen(conn)
            except (psycopg.Error, OSError, TimeoutError) as exc:
                message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                log.warning("the database connection is lost or refused: %s", message)
            if self.listening:
                self.listening = False
                self.close_all("down")
            await asyncio.sleep(RECONNECT_S)

    async def _listen(self, conn: psycopg.AsyncConnection) -> None:
        while True:
            async for note in conn.notifies(timeout=ALIVE_S):
                self.announced(note.channel, note.payload)
            async with asyncio.timeout(ALIVE_S):  # a quiet spell: is the connection still there?
                await conn.execute("SELECT 1")

    def announced(self, channel: str, payload: str) -> None:
        """One notification: a change to access, or a data change to pass on after the burst."""
        if channel == "gridops_access":
            self.sessions.forget()
            self.recheck()
            return
        try:
            change = json.loads(payload)
            if not isinstance(change, dict) or not isinstance(change.get("t"), str):
                raise ValueError("no topic")
        except ValueError:
            log.warning("ignored an announcement that is no change: %.200s", payload)
            return
        self._batch.append(change)
        if self._flush is None:
            self._flush = asyncio.get_running_loop().call_later(COALESCE_S, self.flush)

    def flush(self) -> None:
        """Tell each subscriber the topics of the collected changes it may hear (one event each)."""
        batch, self._batch, self._flush = self._batch, [], None
        heard: dict[tuple[str, int], set[str]] = {}
        for sub in self.subscribers:
            topics = heard.get(sub.rows)
            if topics is None:
                topics = heard[sub.rows] = {change["t"] for change in batch if scope.hears(sub.rows, change)}
            if topics:
                sub.tell(topics)

    def close_all(self, why: str) -> None:
        for sub in list(self.subscribers):
            sub.close(why)

    # ---- sessions ----------------------------------------------------------------------------
    def recheck(self) -> None:
        """Read the subscribers' sessions again (soon, once, however many changes are announced)."""
        if self._rechecking is not None:
            self._recheck_again = True
            return
        self._rechecking = asyncio.create_task(self._recheck())

    async def _recheck(self) -> None:
        try:
            while True:
                self._recheck_again = False
                subs = list(self.subscribers)
                ids = sorted({sub.session_id for sub in subs})
                if ids:
                    try:
                        live = await self.sessions.read_live(ids)
                    except (psycopg.Error, OSError, TimeoutError) as exc:
                        log.warning("could not read the subscribers' sessions: %s", exc)
                        return
                    for sub in subs:
                        if sub.session_id not in live:
                            sub.close("ended")
                if not self._recheck_again:
                    return
        finally:
            self._rechecking = None

    async def recheck_forever(self) -> None:
        while True:
            await asyncio.sleep(RECHECK_S)
            if self.listening:
                self.recheck()


HUB = web.AppKey("hub", Hub)


def _refuse(status: int, message: str) -> web.Response:
    # Any origin may read a refusal (it says nothing about anybody's data): the page then sees its status.
    return web.json_response(
        {"error": {401: "unauthorized", 503: "unavailable"}.get(status, "refused"), "message": message},
        status=status,
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"},
    )


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def stream(request: web.Request) -> web.StreamResponse:
    """GET /events?ticket=…: the stream of one screen."""
    hub = request.app[HUB]
    ticket = tickets.read(hub.secret, request.query.get("ticket"))
    if ticket is None:
        return _refuse(401, "no valid ticket: a page gets one from GET /events/ticket")
    if not hub.listening:
        return _refuse(503, "the database is away; the page polls meanwhile")
    generation = hub.sessions.generation
    try:
        live = await hub.sessions.live(ticket.session_id)
    except (psycopg.Error, OSError, TimeoutError):
        return _refuse(503, "the database is away; the page polls meanwhile")
    if not live:
        return _refuse(401, "the session has ended: sign in again")
    if len(hub.subscribers) >= MAX_SUBSCRIBERS:
        return _refuse(503, "too many open streams; the page polls meanwhile")
    response = web.StreamResponse(headers={**STREAM_HEADERS, "Access-Control-Allow-Origin": ticket.origin})
    await response.prepare(request)
    sub = Subscriber(ticket.rows, ticket.session_id)
    hub.subscribers.add(sub)
    if hub.sessions.generation != generation:
        hub.recheck()  # access changed while its session was read: read it again
    try:
        await response.write(b": connected\n\n")
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT_S):
                    await sub.wake.wait()
            except TimeoutError:
                await response.write(b": heartbeat\n\n")
                continue
            sub.wake.clear()
            if sub.topics:
                topics, sub.topics = sorted(sub.topics), set()
                await response.write(_event("change", {"topics": topics}))
            if sub.closing is not None:
                await response.write(_event(sub.closing, {}))
                break
    except ConnectionError:
        pass  # the screen went away
    finally:
        hub.subscribers.discard(sub)
    return response


async def health(request: web.Request) -> web.Response:
    """GET /events/health: whether the server listens (and so whether streams open)."""
    return web.json_response({"listening": request.app[HUB].listening}, headers={"Cache-Control": "no-store"})


def make_app(settings: Settings, secret: str) -> web.Application:
    """The aiohttp application: the stream, its health, and the listener's tasks."""
    app = web.Application()
    app[HUB] = Hub(settings.app_dsn(), secret, f"gridops events :{settings.events_port}")
    app.router.add_get("/events", stream)
    app.router.add_get("/events/health", health)

    async def tasks(app: web.Application):
        hub = app[HUB]
        running = [asyncio.create_task(hub.listen_forever()), asyncio.create_task(hub.recheck_forever())]
        yield
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await hub.sessions.close()

    async def closing(app: web.Application) -> None:
        app[HUB].close_all("down")  # every stream ends with its reason; the pages poll meanwhile

    app.cleanup_ctx.append(tasks)
    app.on_shutdown.append(closing)
    return app


def _more_open_files() -> None:
    """Every subscriber is a socket: take the hard limit of open files as the soft one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


def main() -> None:
    """Serve the stream on GRIDOPS_HOST:GRIDOPS_EVENTS_PORT until SIGINT or SIGTERM."""
    settings = get_settings()
    try:
        secret = access_secret.resolve(settings)
        app = make_app(settings, secret)
    except (SetupError, RuntimeError) as exc:
        sys.exit(f"error: {exc}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    _more_open_files()
    print(f"GridOps events on http://{settings.host}:{settings.events_port}/events", flush=True)
    web.run_app(
        app,
        host=settings.host,
        port=settings.events_port,
        access_log=None,
        print=None,
        shutdown_timeout=2.0,
        backlog=4096,  # a wall of screens reconnecting at once (after a restart) must not overflow the queue
        handler_cancellation=True,  # a screen that goes away frees its subscriber at once
    )
