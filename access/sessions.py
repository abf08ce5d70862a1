"""Flask's signed-cookie sessions, made cheap for the requests that carry none.

Flask builds its cookie signer anew on every request (which also encodes a test payload), and
works out every cookie attribute before it sees that an empty session sets no cookie. The intake
APIs are called with an API key and no cookie, hundreds of times a second; here the signer is
built once per secret key, and an untouched empty session is done with at once. Cookies, their
signatures and their attributes are exactly Flask's.
"""

from __future__ import annotations

import threading

import flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    """SecureCookieSessionInterface with its signer kept, and a short way out for empty sessions."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._signer: tuple[tuple, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: flask.Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._signer
        if kept is not None and kept[0] == keys:
            return kept[1]
        signer = super().get_signing_serializer(app)
        with self._lock:
            self._signer = (keys, signer)  # a changed key (or fallback list) builds a new signer
        return signer

    def save_session(self, app: flask.Flask, session, response: flask.Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return  # no cookie to set or delete: the same answer as Flask's, without its attribute lookups
        super().save_session(app, session, response)
