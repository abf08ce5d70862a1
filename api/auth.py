"""Who is writing: the API key of a request, and the case source it may write as."""

from __future__ import annotations

import flask

from access import csrf, verifiers
from access.principal import current
from api.errors import ApiError
from geodata.accounts.apikeys import ApiKey

HEADER = "X-API-Key"


def require_key(presented: str | None) -> ApiKey:
    """The live key presented, or 401 saying how to get one."""
    if not presented:
        raise ApiError(401, "unauthorized", f"this request writes data: send an API key in the {HEADER} header")
    checked = flask.g.get("checked_key")  # the gate's check of the same key, in this request
    key = checked[1] if checked is not None and checked[0] == presented else verifiers.api_keys().check(presented)
    if key is None:
        raise ApiError(401, "unauthorized", "the API key is unknown or revoked; ask the operations centre for a key")
    return key


def writer(roles: tuple[str, ...]) -> str:
    """Who writes: the API key's name, or a signed-in user of ``roles`` whose request carries the
    page's form token (``X-CSRF-Token`` header or ``csrf`` field); 401/403 saying what is missing."""
    who = current()
    presented = flask.request.headers.get(HEADER)
    if presented or who is None or who.kind != "user":
        return require_key(presented).name
    if who.role not in roles:
        raise ApiError(403, "forbidden", f"the role {who.role!r} may not do this")
    sent = flask.request.headers.get("X-CSRF-Token") or flask.request.form.get("csrf", "")
    if not csrf.ok({"csrf": sent}):
        raise ApiError(403, "forbidden", "the form token is missing or stale: reload the page and send it again")
    return who.name


def header_key() -> ApiKey:
    """The key in the request's X-API-Key header."""
    return require_key(flask.request.headers.get(HEADER))


def source_for(key: ApiKey, requested: str | None) -> str:
    """The case source of a create: the one asked for, if the key may write it, else the key's own."""
    if requested is None:
        if len(key.sources) == 1:
            return key.sources[0]
        raise ApiError(
            400,
            "invalid_fields",
            f"source: required, this key writes as {', '.join(key.sources)}",
            fields={"source": f"required: one of {', '.join(key.sources)}"},
        )
    if requested not in key.sources:
        raise ApiError(
            403,
            "forbidden",
            f"this key may not write cases from source {requested!r}; it writes as {', '.join(key.sources)}",
        )
    return requested
