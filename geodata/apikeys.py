"""API keys for the intake API: make, list, revoke and check them.

A key reads ``gk_<prefix>_<secret>``: the 8-hex-digit prefix finds the row, and only the SHA-256
of the whole key is stored, so a leaked table gives away no key. Keys are random (256 bits), so
a plain hash is enough; a slow password hash would only slow every request.

    python -m geodata.apikeys create --name 12345热线 --source hotline
    python -m geodata.apikeys list
    python -m geodata.apikeys revoke <prefix>
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass

from geodata.db import Database

KEY_PATTERN = re.compile(r"^gk_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
CACHE_SECONDS = 30.0  # a revoked key stops working within this time in every process


@dataclass(frozen=True)
class ApiKey:
    """A key's row, without its hash."""

    id: int
    prefix: str
    name: str
    sources: tuple[str, ...]


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("ascii")).digest()


def create(db: Database, name: str, sources: list[str]) -> str:
    """Store a new key for ``sources`` and return it (the only time it is ever shown)."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValueError("the key needs a name of 1 to 100 characters, e.g. --name 12345热线")
    with db.transaction() as cur:
        cur.execute("SELECT code FROM case_sources")
        known = {r[0] for r in cur.fetchall()}
        unknown = sorted(set(sources) - known)
        if not sources or unknown:
            raise ValueError(f"unknown case source(s) {unknown or sources}; known: {', '.join(sorted(known))}")
        while True:
            prefix = secrets.token_hex(4)
            key = f"gk_{prefix}_{secrets.token_urlsafe(32)}"
            cur.execute(
                "INSERT INTO api_keys (prefix, key_hash, name, sources) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (prefix) DO NOTHING RETURNING id",
                (prefix, _digest(key), name, sorted(set(sources))),
            )
            if cur.fetchone():
                return key


def revoke(db: Database, prefix: str) -> bool:
    """Revoke the key with ``prefix``; False when there is no such live key."""
    with db.transaction() as cur:
        cur.execute("UPDATE api_keys SET revoked_at = now() WHERE prefix = %s AND revoked_at IS NULL", (prefix,))
        return cur.rowcount == 1


def listing(db: Database) -> list[tuple]:
    """(prefix, name, sources, created_at, revoked_at) of every key."""
    with db.transaction() as cur:
        cur.execute("SELECT prefix, name, sources, created_at, revoked_at FROM api_keys ORDER BY id")
        return cur.fetchall()


class Verifier:
    """Checks presented keys, remembering each prefix's row for ``CACHE_SECONDS``."""

    def __init__(self, db: Database, ttl: float = CACHE_SECONDS) -> None:
        self.db, self.ttl = db, ttl
        self._rows: dict[str, tuple[float, tuple | None]] = {}
        self._lock = threading.Lock()

    def _row(self, prefix: str) -> tuple | None:
        now = time.monotonic()
        with self._lock:
            hit = self._rows.get(prefix)
        if hit and now - hit[0] < self.ttl:
            return hit[1]
        with self.db.transaction() as cur:
            cur.execute(
                "SELECT id, key_hash, name, sources FROM api_keys WHERE prefix = %s AND revoked_at IS NULL", (prefix,)
            )
            row = cur.fetchone()
        row = (row[0], bytes(row[1]), row[2], tuple(row[3])) if row else None
        with self._lock:
            if len(self._rows) > 10_000:
                self._rows.clear()
            self._rows[prefix] = (now, row)
        return row

    def check(self, presented: str | None) -> ApiKey | None:
        """The key's row when ``presented`` is a live key, else None."""
        match = KEY_PATTERN.match(presented or "")
        if not match:
            return None
        row = self._row(match.group(1))
        if row is None or not hmac.compare_digest(row[1], _digest(presented)):
            return None
        return ApiKey(id=row[0], prefix=match.group(1), name=row[2], sources=row[3])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    from geodata.cluster import admin_dsn
    from settings import get_settings

    parser = argparse.ArgumentParser(prog="python -m geodata.apikeys", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("create", help="make a key and print it once")
    make.add_argument("--name", required=True, help="who uses the key, e.g. 12345热线")
    make.add_argument("--source", action="append", required=True, help="case source it may write (repeatable)")
    sub.add_parser("list", help="list keys (never the keys themselves)")
    rev = sub.add_parser("revoke", help="revoke a key by its prefix")
    rev.add_argument("prefix")
    args = parser.parse_args(argv)
    db = Database(admin_dsn(get_settings()))
    try:
        if args.command == "create":
            print(create(db, args.name, args.source))
        elif args.command == "list":
            for prefix, name, sources, created, revoked in listing(db):
                state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "live"
                print(f"{prefix}  {name}  {','.join(sources)}  {created:%Y-%m-%d %H:%M}  {state}")
        elif not revoke(db, args.prefix):
            print(f"error: no live key {args.prefix!r} (see: python -m geodata.apikeys list)", file=sys.stderr)
            return 1
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        print(f"error: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}",
              file=sys.stderr)  # fmt: skip
        return 1
    finally:
        db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
