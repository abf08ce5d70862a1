"""Sign-in and sign-out: a plain server-rendered form at /login (it works before any script
loads), a server-side session on success (geodata/accounts/sessions.py; the cookie carries only its
token), and an audit entry for every attempt.

A successful sign-in also leaves a **device cookie** (signed, a year long) that names the user and
a random device id. A later sign-in of that name from that browser is a known device: wrong
passwords typed by strangers elsewhere never slow it down (geodata/accounts/throttle.py).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import flask
from itsdangerous import BadSignature, URLSafeTimedSerializer

from access import csrf, session_state
from access.principal import current
from geodata.accounts import audit, users
from geodata.db import get_db

DEVICE_COOKIE = "gridops_device"
DEVICE_DAYS = 365


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _page(status: int = 200, error: str = "", username: str = "", next_: str = "/") -> flask.Response:
    body = flask.render_template("login.html", csrf=csrf.token(), next=safe_next(next_), username=username, error=error)
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(flask.current_app.secret_key, salt="gridops-device")


def _known_device(username: str) -> str | None:
    """The device id of this browser's device cookie, when it was left by a sign-in of ``username``."""
    try:
        found = _devices().loads(flask.request.cookies.get(DEVICE_COOKIE, ""), max_age=DEVICE_DAYS * 86400)
    except BadSignature:
        return None
    return found.get("d") if isinstance(found, dict) and found.get("u") == username else None


def login() -> flask.Response:
    """GET: the form. POST: check the name and password; on success start a session."""
    form = flask.request.form
    if flask.request.method == "GET":
        return _page(next_=flask.request.args.get("next", "/"))
    if not csrf.ok(form):
        return _page(400, "页面已过期，请重新登录 (the form expired; sign in again)", next_=form.get("next", "/"))
    name = form.get("username", "").strip()
    device = _known_device(name)
    try:
        user = users.authenticate(get_db(), name, form.get("password", ""), flask.request.remote_addr, device)
    except users.AuthError as exc:
        response = _page(429 if exc.reason == "throttled" else 401, exc.message, name, form.get("next"))
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    session_state.sign_in_user(user.id)
    response = flask.redirect(safe_next(form.get("next")), code=303)
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps({"u": user.username, "d": device or secrets.token_hex(12)}),
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=flask.current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


def logout() -> flask.Response:
    """End the session on the server (POST with the form token) and go back to the form."""
    if not csrf.ok(flask.request.form):
        return flask.redirect("/", code=303)  # a cross-site or stale form: nobody is signed out
    who = current()
    if who is not None and who.kind == "user":
        with get_db().transaction() as cur:
            session_state.end_current(cur, "sign_out")
            audit.record(cur, who.name, "sign_out", flask.request.remote_addr)
    flask.session.clear()
    return flask.redirect("/login", code=303)


def logout_by_link() -> flask.Response:
    """GET /logout: refused, so that a link or an image elsewhere cannot sign anyone out."""
    response = flask.Response(
        "请使用页面上的“退出”按钮 (sign out with the button on the page: POST /logout)",
        status=405,
        mimetype="text/plain",
    )
    response.headers["Allow"] = "POST"
    return response


def register(server: flask.Flask) -> None:
    """Attach /login (GET, POST) and /logout (POST only: a link elsewhere cannot sign anyone out)."""
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["POST"])
    server.add_url_rule("/logout", "logout_by_link", logout_by_link, methods=["GET"])
