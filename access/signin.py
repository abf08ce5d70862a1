"""Sign-in and sign-out: a plain server-rendered form at /login (it works before any script
loads), a session cookie on success, and an audit entry for every attempt."""

from __future__ import annotations

import html
import secrets
from urllib.parse import urlsplit

import flask

from access.principal import current
from geodata import audit, users
from geodata.db import get_db

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>登录 · 网格治理一张图</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#0b1626;
color:#dce6f2;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif}}
form{{width:340px;padding:32px 36px;background:#11213a;border:1px solid #24446e;border-radius:8px}}
h1{{margin:0 0 4px;font-size:22px;color:#4fd1ff}} p.sub{{margin:0 0 22px;color:#7f93ad;font-size:13px}}
label{{display:block;margin:14px 0 6px;font-size:14px}}
input{{width:100%;box-sizing:border-box;padding:9px 10px;font-size:15px;border-radius:4px;border:1px solid #2c5282;
background:#0b1626;color:#fff}}
button{{margin-top:22px;width:100%;padding:10px;font-size:16px;border:0;border-radius:4px;background:#1f7ae0;
color:#fff;cursor:pointer}} .error{{margin-top:14px;color:#ff7a7a;font-size:14px}}
</style></head><body>
<form method="post" action="/login">
<h1>网格治理一张图</h1><p class="sub">GridOps · 请登录 / sign in</p>
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label for="username">用户名 Username</label><input id="username" name="username" value="{username}"
 autocomplete="username" autofocus required>
<label for="password">密码 Password</label><input id="password" name="password" type="password"
 autocomplete="current-password" required>
<button type="submit">登录</button>{error}
</form></body></html>"""


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (an open redirect)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _page(status: int = 200, error: str = "", username: str = "", next_: str = "/") -> flask.Response:
    token = flask.session.setdefault("csrf", secrets.token_urlsafe(24))
    body = PAGE.format(csrf=token, next=html.escape(safe_next(next_)), username=html.escape(username),
                       error=f'<p class="error" role="alert">{html.escape(error)}</p>' if error else "")  # fmt: skip
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def login() -> flask.Response:
    """GET: the form. POST: check the name and password; on success start a session."""
    form = flask.request.form
    if flask.request.method == "GET":
        return _page(next_=flask.request.args.get("next", "/"))
    if not secrets.compare_digest(str(form.get("csrf", "")), str(flask.session.get("csrf", ""))):
        return _page(400, "页面已过期，请重新登录 (the form expired; sign in again)", next_=form.get("next", "/"))
    try:
        user = users.authenticate(get_db(), form.get("username", ""), form.get("password", ""),
                                  flask.request.remote_addr)  # fmt: skip
    except users.AuthError as exc:
        return _page(429 if exc.reason == "locked" else 401, exc.message, form.get("username", ""), form.get("next"))
    flask.session.clear()  # a fresh session: nothing from before the sign-in carries over
    flask.session.permanent = True
    flask.session["uid"] = user.id
    return flask.redirect(safe_next(form.get("next")), code=303)


def logout() -> flask.Response:
    """End the session (GET or POST) and go back to the form."""
    who = current()
    if who is not None and who.kind == "user":
        with get_db().transaction() as cur:
            audit.record(cur, who.name, "sign_out", flask.request.remote_addr)
    flask.session.clear()
    return flask.redirect("/login", code=303)


def register(server: flask.Flask) -> None:
    """Attach /login and /logout."""
    server.add_url_rule("/login", "login", login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "logout", logout, methods=["GET", "POST"])
