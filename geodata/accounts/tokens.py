"""Random bearer tokens stored as SHA-256 digests: API keys (``gk_…``) and wall tokens (``gw_…``).

A token reads ``<tag>_<prefix>_<secret>``: the 8-hex-digit prefix finds the row, and only the
SHA-256 of the whole token is stored, so a leaked table gives away none. Tokens are random (256
bits), so a plain hash is enough; a slow password hash would only slow every request.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from typing import Any, Protocol

from psycopg2 import sql

from geodata.db import Database


class Freshness(Protocol):
    """Says whether a cached row may still be trusted (access/invalidation.py: until a change to
    the table is announced)."""

    def stamp(self) -> Any: ...

    def fresh(self, stamp: Any) -> bool: ...


def digest(token: str) -> bytes:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("ascii")).digest()


def pattern(tag: str) -> re.Pattern:
    """The shape of a token with this tag."""
    return re.compile(rf"^{tag}_([0-9a-f]{{8}})_([A-Za-z0-9_-]{{43}})$")


def issue(cur, tag: str, table: str, values: dict[str, Any]) -> str:
    """Insert a new token row with ``values`` and return the token (shown once, never stored)."""
    cols = [*values, "prefix", "key_hash"]
    stmt = sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (prefix) DO NOTHING RETURNING id").format(
        sql.Identifier(table),
        sql.SQL(", ").join(map(sql.Identifier, cols)),
        sql.SQL(", ").join([sql.Placeholder()] * len(cols)),
    )
    while True:
        prefix = secrets.token_hex(4)
        token = f"{tag}_{prefix}_{secrets.token_urlsafe(32)}"
        cur.execute(stmt, [*values.values(), prefix, digest(token)])
        if cur.fetchone():
            return token


def revoke(db: Database, table: str, prefix: str) -> bool:
    """Revoke the live token with ``prefix``; False when there is none."""
    with db.transaction() as cur:
        cur.execute(
            sql.SQL("UPDATE {} SET revoked_at = now() WHERE prefix = %s AND revoked_at IS NULL").format(
                sql.Identifier(table)
            ),
            (prefix,),
        )
        return cur.rowcount == 1


class Verifier:
    """Checks presented tokens of one kind, remembering each prefix's row while ``freshness``
    says nothing changed (a revocation is announced, and holds at once in every process).

    ``columns`` are read besides the id and the hash; ``check`` returns them with the id.
    """

    def __init__(self, db: Database, tag: str, table: str, columns: list[str], freshness: Freshness) -> None:
        self.db, self.freshness, self.pattern = db, freshness, pattern(tag)
        self._stmt = sql.SQL("SELECT id, key_hash, {} FROM {} WHERE prefix = %s AND revoked_at IS NULL").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
        )
        self._rows: dict[str, tuple[Any, tuple | None]] = {}
        self._lock = threading.Lock()

    def _row(self, prefix: str) -> tuple | None:
        with self._lock:
            hit = self._rows.get(prefix)
        if hit and self.freshness.fresh(hit[0]):
            return hit[1]
        stamp = self.freshness.stamp()  # before the read: a change announced during it makes it stale
        with self.db.transaction() as cur:
            cur.execute(self._stmt, (prefix,))
            row = cur.fetchone()
        with self._lock:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[prefix] = (stamp, row)
        return row

    def check(self, presented: str | None) -> tuple | None:
        """(id, prefix, *columns) when ``presented`` is a live token of this kind, else None."""
        match = self.pattern.match(presented or "")
        if not match:
            return None
        row = self._row(match.group(1))
        if row is None or not hmac.compare_digest(bytes(row[1]), digest(presented)):
            return None
        return (row[0], match.group(1), *row[2:])
