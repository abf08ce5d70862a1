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
import time
from typing import Any

from psycopg2 import sql

from geodata.db import Database

CACHE_SECONDS = 30.0  # a revoked token stops working within this time in every process


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
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, cols)), sql.SQL(", ").join(
            [sql.Placeholder()] * len(cols)))  # fmt: skip
    while True:
        prefix = secrets.token_hex(4)
        token = f"{tag}_{prefix}_{secrets.token_urlsafe(32)}"
        cur.execute(stmt, [*values.values(), prefix, digest(token)])
        if cur.fetchone():
            return token


def revoke(db: Database, table: str, prefix: str) -> bool:
    """Revoke the live token with ``prefix``; False when there is none."""
    with db.transaction() as cur:
        cur.execute(sql.SQL("UPDATE {} SET revoked_at = now() WHERE prefix = %s AND revoked_at IS NULL").format(
            sql.Identifier(table)), (prefix,))  # fmt: skip
        return cur.rowcount == 1


class Verifier:
    """Checks presented tokens of one kind, remembering each prefix's row for ``CACHE_SECONDS``.

    ``columns`` are read besides the id and the hash; ``check`` returns them with the id.
    """

    def __init__(self, db: Database, tag: str, table: str, columns: list[str], ttl: float = CACHE_SECONDS) -> None:
        self.db, self.ttl, self.pattern = db, ttl, pattern(tag)
        self._stmt = sql.SQL("SELECT id, key_hash, {} FROM {} WHERE prefix = %s AND revoked_at IS NULL").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table))  # fmt: skip
        self._rows: dict[str, tuple[float, tuple | None]] = {}
        self._lock = threading.Lock()

    def _row(self, prefix: str) -> tuple | None:
        now = time.monotonic()
        with self._lock:
            hit = self._rows.get(prefix)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        with self.db.transaction() as cur:
            cur.execute(self._stmt, (prefix,))
            row = cur.fetchone()
        with self._lock:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[prefix] = (now, row)
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
