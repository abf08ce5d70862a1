"""The session of a request: the cookie's token, the live server-side session it names
(geodata/accounts/sessions.py), and the principal that session stands for.

Each process remembers what it read about a token until a change to sessions, users or tokens is
announced (access/invalidation.py), so a sign-out, a password change, a disable, a rescope or a
revoked wall token holds in every worker at once, and an unchanged session costs no query.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import flask
import psycopg2

from access import invalidation
from access.principal import Principal
from geodata import units
from geodata.accounts import sessions
from geodata.db import get_db
from settings import get_settings

KEY = "sid"  # the cookie session's field that holds the session token

_lock = threading.Lock()
_seen: dict[str, tuple[object, Principal | None, int | None]] = {}  # token → (stamp, principal, session id)


def _start(**who: int) -> None:
    settings = get_settings()
    if "wall_token_id" in who:
        idle = length = sessions.WALL_LENGTH
    else:
        idle, length = timedelta(minutes=settings.session_idle_minutes), timedelta(hours=settings.session_hours)
    request = flask.request
    token = sessions.start(
        get_db(), idle=idle, length=length, ip=request.remote_addr, user_agent=request.headers.get("User-Agent"), **who
    )
    flask.session.clear()  # a fresh session: nothing from before the sign-in carries over
    flask.session.permanent = True
    flask.session[KEY] = token


def sign_in_user(user_id: int) -> None:
    """Start a session for a user who just signed in, and put its token in the cookie."""
    _start(user_id=user_id)


def sign_in_wall(wall_token_id: int) -> None:
    """Start a session for a wall display that presented a live token (the cookie keeps no token of it)."""
    _start(wall_token_id=wall_token_id)


def principal() -> Principal | None:
    """The principal of the request's session, or None (no session, or it has ended)."""
    token = flask.session.get(KEY)
    if not isinstance(token, str):
        return None
    listener = invalidation.listener()
    with _lock:
        hit = _seen.get(token)
    if hit and listener.fresh(hit[0]):
        return hit[1]
    stamp = listener.stamp()  # before the read: a change announced during it makes the entry stale
    try:
        found, who = _read(token)
    except psycopg2.Error:
        if hit:  # the database is away: a known viewer keeps the last picture (and its banner)
            return hit[1]
        raise
    with _lock:
        if len(_seen) > 10_000:
            _seen.clear()
        _seen[token] = (stamp, who, found.id if found else None)
    return who


def _read(token: str) -> tuple[sessions.Found | None, Principal | None]:
    db = get_db()
    found = sessions.lookup(db, token)
    if found is None:
        return None, None
    scope = units.by_code(db, found.scope_code)
    if scope is None:  # the scope unit is gone (a city loaded again without it)
        return found, None
    if found.stale_seen:
        idle = sessions.WALL_LENGTH if found.kind == "wall" else timedelta(minutes=get_settings().session_idle_minutes)
        sessions.touch(db, found.id, idle)
    return found, Principal(found.kind, found.name, found.role, scope, found.department_id, found.user_id)


def end_current(cur, why: str) -> None:
    """End the request's own session on the server, inside the caller's transaction."""
    token = flask.session.get(KEY)
    found = sessions.lookup(get_db(), token) if isinstance(token, str) else None
    if found is not None:
        sessions.end(cur, found.id, why)
        with _lock:  # this process knows at once; the others when the change is announced
            _seen.pop(token, None)
