"""Which announced changes a viewer hears (migration 0034's payloads, Principal.rows's scopes).

A payload is ``{"t": topic}``, and for cases also the ids it touched at each level and the
departments: ``{"t": "cases", "street": [3, 4], "department": [2], …}`` (a key is absent when empty).
A payload with nothing beside the topic concerns everyone: a topic other than cases (units,
cameras, checkpoints), or a change to cases too large to name its places (a bulk load).
"""

from __future__ import annotations

from typing import Any

ALL = ("all", 0)
# The keys of a cases payload that name where a change happened.
PLACES = ("city", "district", "street", "community", "department")


def hears(rows: tuple[str, int], payload: dict[str, Any]) -> bool:
    """True when a viewer whose row scope is ``rows`` should hear of the change ``payload``:
    the whole territory hears everything; a unit's scope (level, id) a change that names its id at
    its level; a department ("department", id) a change that names its department."""
    if rows[0] == "all" or not any(key in payload for key in PLACES):
        return True
    named = payload.get(rows[0])
    return isinstance(named, list) and rows[1] in named
