"""API keys for the intake API: make, list, revoke and check them (geodata/accounts/tokens.py keeps only
a SHA-256 of each key). A key may write cases as the sources it was made for, and move those
cases through the loop; the right ``transitions`` lets it move any case.

    gridops apikeys create --name 12345热线 --source hotline
    gridops apikeys create --name 城管局业务系统 --source dept --right transitions
    gridops apikeys list
    gridops apikeys revoke <prefix>
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.accounts import tokens
from geodata.db import Database
from geodata.queries import sql_text

TAG, TABLE = "gk", "api_keys"
# transitions: move any case; devices: report camera statuses (POST /api/v1/cameras/status);
# inspections: record checkpoint inspections (POST /api/v1/checkpoints/{id}/inspections).
RIGHTS = ("transitions", "devices", "inspections")


@dataclass(frozen=True)
class ApiKey:
    """A key's row, without its hash."""

    id: int
    prefix: str
    name: str
    sources: tuple[str, ...]
    rights: tuple[str, ...] = ()

    def may_move(self, case_source: str) -> bool:
        """True when this key may run transitions on a case from ``case_source``."""
        return "transitions" in self.rights or case_source in self.sources


def create(db: Database, name: str, sources: list[str], rights: list[str] = ()) -> str:
    """Store a new key for ``sources`` (and ``rights``) and return it (the only time it is shown)."""
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValueError("the key needs a name of 1 to 100 characters, e.g. --name 12345热线")
    if set(rights) - set(RIGHTS):
        raise ValueError(f"unknown right(s) {sorted(set(rights) - set(RIGHTS))}; known: {', '.join(RIGHTS)}")
    with db.transaction() as cur:
        cur.execute(sql_text("case_source_codes"))
        known = {r[0] for r in cur.fetchall()}
        unknown = sorted(set(sources) - known)
        if not sources or unknown:
            raise ValueError(f"unknown case source(s) {unknown or sources}; known: {', '.join(sorted(known))}")
        return tokens.issue(
            cur, TAG, TABLE, {"name": name, "sources": sorted(set(sources)), "rights": sorted(set(rights))}
        )


def revoke(db: Database, prefix: str) -> bool:
    """Revoke the key with ``prefix``; False when there is no such live key."""
    return tokens.revoke(db, TABLE, prefix)


def listing(db: Database) -> list[tuple]:
    """(prefix, name, sources, rights, created_at, revoked_at) of every key."""
    with db.transaction() as cur:
        cur.execute(sql_text("api_keys_list"))
        return cur.fetchall()


class Verifier:
    """Checks presented API keys (rows cached while ``freshness`` says nothing changed)."""

    def __init__(self, db: Database, freshness: tokens.Freshness) -> None:
        self._tokens = tokens.Verifier(db, TAG, TABLE, ["name", "sources", "rights"], freshness)

    def check(self, presented: str | None) -> ApiKey | None:
        """The key's row when ``presented`` is a live key, else None."""
        row = self._tokens.check(presented)
        return ApiKey(row[0], row[1], row[2], tuple(row[3]), tuple(row[4])) if row else None
