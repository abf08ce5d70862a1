"""The form token that state-changing forms carry (sign-in, sign-out, import): one per session.

Signed in, it is derived from the session's token and the app's secret, so it is never written
back into the cookie (a cookie rewritten by a concurrent request could lose it). Before sign-in,
a random token is kept in the cookie session.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import flask

from access import session_state


def token() -> str:
    """This browser's form token."""
    sid = flask.session.get(session_state.KEY)
    if isinstance(sid, str):
        key = flask.current_app.secret_key.encode()
        return hmac.new(key, f"form:{sid}".encode(), hashlib.sha256).hexdigest()
    return flask.session.setdefault("csrf", secrets.token_urlsafe(24))


def ok(form) -> bool:
    """True when ``form`` carries this browser's token."""
    return secrets.compare_digest(str(form.get("csrf", "")), token())
