"""The process's token checkers (each caches rows until a change is announced), shared by the gate
and the intake API."""

from __future__ import annotations

import threading

from access import invalidation
from geodata.accounts import apikeys, walltokens
from geodata.db import get_db

_lock = threading.Lock()
_made: dict[str, object] = {}


def api_keys() -> apikeys.Verifier:
    """Checks API keys (gk_…)."""
    with _lock:
        if "api" not in _made:
            _made["api"] = apikeys.Verifier(get_db(), invalidation.listener())
        return _made["api"]


def wall_tokens() -> walltokens.Verifier:
    """Checks wall tokens (gw_…)."""
    with _lock:
        if "wall" not in _made:
            _made["wall"] = walltokens.Verifier(get_db(), invalidation.listener())
        return _made["wall"]
