"""/rate/<token>: the citizen's rating page (群众评单), opened from a link sent by SMS or read out by
the hotline. No sign-in: the link is the right to rate that one case, once (geodata/cases/rating.py)."""

from __future__ import annotations

import flask

from access import csrf
from geodata.cases import lifecycle, rating
from geodata.db import get_db
from i18n import named, pick, t

TOKEN_MAX = 64


def _page(lang: str, status: int = 200, **values) -> flask.Response:
    body = flask.render_template(
        "rate.html", lang=lang, t=lambda key, **v: t(key, lang, **v), csrf=csrf.token(), **values
    )
    response = flask.Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address: never pass it on
    return response


def _closed(lang: str, code: str) -> flask.Response:
    key = {"used": "rate.used", "not_ready": "rate.not_ready"}.get(code, "rate.expired")
    return _page(lang, 404 if code in ("unknown", "expired") else 410 if code == "used" else 409, notice=t(key, lang))


def _shown(lang: str, found: dict, token: str, error: str | None = None, status: int = 200) -> flask.Response:
    return _page(
        lang,
        status,
        case={**found, "category_shown": named(found, "category", lang)},
        token=token,
        error=error,
    )


def show(token: str) -> flask.Response:
    """GET: the form, or why the link cannot be used."""
    lang = pick(flask.request.args.get("lang"))
    try:
        found = rating.opened(get_db(), token[:TOKEN_MAX])
    except rating.RatingError as exc:
        return _closed(lang, exc.code)
    return _shown(lang, found, token)


def rate(token: str) -> flask.Response:
    """POST: take the rating, once."""
    form = flask.request.form
    lang = pick(form.get("lang"))
    token = token[:TOKEN_MAX]
    try:
        found = rating.opened(get_db(), token)
    except rating.RatingError as exc:
        return _closed(lang, exc.code)
    if not csrf.ok(form):
        return _shown(lang, found, token, t("m.error.expired", lang), 400)
    score = form.get("satisfaction", "")
    if score not in ("1", "2", "3", "4", "5"):
        return _shown(lang, found, token, t("rate.score.missing", lang), 400)
    comment = form.get("comment", "").strip()[: rating.COMMENT_MAX] or None
    try:
        rating.take(get_db(), token, int(score), comment)
    except rating.RatingError as exc:
        return _closed(lang, exc.code)
    except (lifecycle.TransitionError, lifecycle.FieldError):
        return _closed(lang, "not_ready")
    return _page(lang, thanks=t("rate.thanks", lang))


def register(server: flask.Flask) -> None:
    """Attach the routes."""
    server.add_url_rule("/rate/<token>", "rate_page", show)
    server.add_url_rule("/rate/<token>", "rate_take", rate, methods=["POST"])
