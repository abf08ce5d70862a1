"""群众评单: the one-time link a citizen rates a resolved case with, without signing in.

A link is a random token; only its SHA-256 is stored (rating_links). It opens only for a case that
is resolved and has passed its check (核查), it expires after GRIDOPS_RATING_LINK_DAYS, it is used
once, and issuing a new one for the case ends the earlier ones. Rating through it is the loop's
own ``rate`` step (geodata/cases/lifecycle.py), recorded under the citizen (群众).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from geodata.cases import lifecycle
from geodata.db import SCOPE, Database
from geodata.queries import sql_text

CITIZEN = "群众"  # who the timeline names for a rating given through a link
COMMENT_MAX = 500


class RatingError(ValueError):
    """A link that cannot be used: ``code`` is not_ready, unknown, used or expired."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(cur, case_id: int, actor: str, days: float) -> tuple[str, datetime]:
    """A new link for the case (token, expiry), inside the caller's transaction; earlier links end."""
    case = lifecycle.state(cur, case_id)
    if case is None:
        raise lifecycle.CaseNotFoundError(f"no case {case_id}")
    if case["status"] != "resolved" or case.get("verified_at") is None:
        raise RatingError(
            "not_ready", f"case {case_id} is {case['status']}: a rating link is for a resolved, checked case"
        )
    token = secrets.token_urlsafe(24)
    expires = datetime.now(UTC) + timedelta(days=days)
    params = {"case_id": case_id, "digest": _digest(token), "actor": actor, "expires": expires}
    cur.execute(sql_text("rating_link_issue"), params)
    return token, expires


def opened(db: Database, token: str) -> dict[str, Any]:
    """What the rating page shows for a link; RatingError when it cannot be used."""
    with _any_case(), db.transaction() as cur:
        return _usable(cur, token, lock=False)


def _usable(cur, token: str, lock: bool) -> dict[str, Any]:
    cur.execute(sql_text("rating_link_find") + (" FOR UPDATE OF l" if lock else ""), {"digest": _digest(token)})
    row = cur.fetchone()
    if row is None:
        raise RatingError("unknown", "no such rating link")
    found = dict(zip([d.name for d in cur.description], row))
    if found["used_at"] is not None:
        raise RatingError("used", "this rating link has been used")
    if found["ended_at"] is not None or found["expires_at"] <= datetime.now(UTC):
        raise RatingError("expired", "this rating link has expired")
    if found["status"] != "resolved" or found["verified_at"] is None:
        raise RatingError("not_ready", "the case cannot be rated now")
    return found


def take(db: Database, token: str, satisfaction: int, comment: str | None) -> dict[str, Any]:
    """Rate the case through the link, once: the loop's ``rate`` step and the link spent together."""
    if comment is not None and len(comment) > COMMENT_MAX:
        raise lifecycle.FieldError({"comment": f"at most {COMMENT_MAX} characters"})
    with _any_case(), db.transaction() as cur:
        found = _usable(cur, token, lock=True)
        moved = lifecycle.apply(cur, found["case_id"], "rate", CITIZEN, satisfaction=satisfaction, note=comment or None)
        said = {"digest": _digest(token), "satisfaction": satisfaction, "comment": comment}
        cur.execute(sql_text("rating_link_use"), said)
    return {**found, "status": moved["status"]}


@contextmanager
def _any_case() -> Iterator[None]:
    """The link is the citizen's right to this one case: the lookup runs over every case."""
    token = SCOPE.set(("all", 0))
    try:
        yield
    finally:
        SCOPE.reset(token)
