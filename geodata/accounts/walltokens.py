"""Read-only tokens of wall displays (大屏), each scoped to one unit and revocable: a kiosk opens
``/wall?token=gw_…`` and needs no typing (geodata/accounts/tokens.py keeps only a SHA-256 of each token).

    gridops walltokens create --name 城运中心大屏1 --scope 410171
    gridops walltokens list
    gridops walltokens revoke <prefix>
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata import units
from geodata.accounts import tokens
from geodata.db import Database
from geodata.queries import sql_text

TAG, TABLE = "gw", "wall_tokens"


@dataclass(frozen=True)
class WallToken:
    """A wall token's row, without its hash."""

    id: int
    prefix: str
    name: str
    scope_code: str


def create(db: Database, name: str, scope_code: str) -> str:
    """Store a new token for the wall of ``scope_code`` and return it (shown this once only)."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValueError("the token needs a name of 1 to 100 characters, e.g. --name 城运中心大屏1")
    if units.by_code(db, scope_code) is None:
        raise ValueError(f"no unit with code {scope_code!r}")
    with db.transaction() as cur:
        return tokens.issue(cur, TAG, TABLE, {"name": name, "scope_code": scope_code})


def revoke(db: Database, prefix: str) -> bool:
    """Revoke the token with ``prefix``; False when there is no such live token."""
    return tokens.revoke(db, TABLE, prefix)


def listing(db: Database) -> list[tuple]:
    """(prefix, name, scope, created_at, revoked_at) of every token."""
    with db.transaction() as cur:
        cur.execute(sql_text("wall_tokens_list"))
        return cur.fetchall()


class Verifier:
    """Checks presented wall tokens (rows cached while ``freshness`` says nothing changed)."""

    def __init__(self, db: Database, freshness: tokens.Freshness) -> None:
        self._tokens = tokens.Verifier(db, TAG, TABLE, ["name", "scope_code"], freshness)

    def check(self, presented: str | None) -> WallToken | None:
        """The token's row when ``presented`` is a live wall token, else None."""
        row = self._tokens.check(presented)
        return WallToken(*row) if row else None
