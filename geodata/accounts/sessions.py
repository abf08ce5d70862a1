"""Sessions kept on the server (migration 0025): start, look up, note use, end.

The browser's cookie carries a random session token; the table keeps only its SHA-256, so a
leaked table opens no session. A session ends at sign-out, when its user's password, role or
scope changes or the user is disabled, when an admin ends it, when its wall token is revoked,
after ``idle`` without use, and at its absolute end.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from geodata.db import Database
from geodata.queries import sql_text

TOUCH_EVERY = timedelta(minutes=5)  # a session's use is written down at most this often
WALL_LENGTH = timedelta(days=3650)  # a wall's session lasts as long as its token
ENDED_WHY = ("sign_out", "password", "disabled", "rescope", "admin", "revoked")


@dataclass(frozen=True)
class Found:
    """A live session: whose (a user's name, role and scope, or a wall token's name and scope)."""

    id: int
    kind: str  # "user" or "wall"
    name: str
    role: str  # a user's role; "wall" for a wall display
    scope_code: str
    stale_seen: bool  # its use was last written down over TOUCH_EVERY ago
    department_id: int | None = None  # a department handler's department
    user_id: int | None = None  # the user's id (None for a wall display)


def token_hash(token: str) -> bytes:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode("ascii")).digest()


def start(
    db: Database,
    *,
    user_id: int | None = None,
    wall_token_id: int | None = None,
    idle: timedelta,
    length: timedelta,
    ip: str | None = None,
    user_agent: str | None = None,
) -> str:
    """A new session for a user or a wall display; returns its token (kept only in the cookie)."""
    token = secrets.token_urlsafe(32)
    params = {
        "token_hash": token_hash(token),
        "user_id": user_id,
        "wall_token_id": wall_token_id,
        "idle": idle,
        "length": length,
        "ip": ip,
        "user_agent": user_agent or "",
    }
    with db.transaction() as cur:
        cur.execute(sql_text("session_start"), params)
    return token


def lookup(db: Database, token: str | None) -> Found | None:
    """The live session of ``token``, or None (unknown, ended, idle too long, past its end, or its
    user disabled or wall token revoked)."""
    if not token or len(token) > 100:
        return None
    with db.transaction() as cur:
        cur.execute(sql_text("session_lookup"), {"token_hash": token_hash(token), "touch_every": TOUCH_EVERY})
        row = cur.fetchone()
    if row is None:
        return None
    sid, user_id, wall_id, username, role, user_scope, wall_name, wall_scope, stale, department_id = row
    if user_id is not None and username is not None:
        return Found(sid, "user", username, role, user_scope, stale, department_id, user_id)
    if wall_id is not None and wall_name is not None:
        return Found(sid, "wall", wall_name, "wall", wall_scope, stale)
    return None


def touch(db: Database, session_id: int, idle: timedelta) -> None:
    """Note that a session is in use: its idle end moves forward."""
    with db.transaction() as cur:
        cur.execute(sql_text("session_touch"), {"id": session_id, "idle": idle})


def end(cur, session_id: int, why: str) -> bool:
    """End one session inside the caller's transaction; False when it had already ended."""
    cur.execute(sql_text("session_end"), {"id": session_id, "why": _why(why)})
    return cur.fetchone() is not None


def end_user(cur, username: str, why: str) -> int:
    """End every live session of ``username`` inside the caller's transaction; how many ended."""
    cur.execute(sql_text("sessions_end_user"), {"username": username, "why": _why(why)})
    return len(cur.fetchall())


def of_user(db: Database, username: str) -> list[dict]:
    """A user's live sessions, newest first: id, created, last seen, idle end, end, address, browser."""
    with db.transaction() as cur:
        cur.execute(sql_text("sessions_of_user"), {"username": username})
        names = [d.name for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]


def _why(why: str) -> str:
    if why not in ENDED_WHY:
        raise ValueError(f"unknown reason {why!r} for ending a session")
    return why
