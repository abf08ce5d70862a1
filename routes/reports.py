"""/reports/<period>/<kind>/<key>.<ext>: a kept assessment report, and /reports/generate (POST,
admin): make one now.

A download is checked twice: in Python (geodata/reports/subjects.py ``visible``: a street's
reader gets its street's report, a department's handler its department's) and by row-level
security on assessment_reports (migration 0038), which the read runs under. A report outside the
reader's scope is 403 and never its bytes; an unknown period, subject or format, or a report not
made yet, is 404 with a message that says which and what to do. Every download is in the audit log
(action 'export', layer 'report').
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import flask
import psycopg2

from access import csrf
from access.principal import current
from geodata.accounts import audit
from geodata.assessment import periods
from geodata.db import STATEMENT_TIMEOUT, get_db
from geodata.reports import content, store, subjects
from i18n import lang_query, pick, t

REPORT_TIMEOUT_MS = 120_000  # making a report is a batch, not a page


def _refuse(status: int, message: str) -> flask.Response:
    codes = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found", 503: "unavailable"}
    response = flask.jsonify(error=codes.get(status, "error"), message=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _period(db, text: str, lang: str) -> tuple[str | None, flask.Response | None]:
    """The closed period's label, or the 404 that says what is wrong with it."""
    try:
        label = periods.parse(text).label
        content.period_row(db, label)
    except ValueError as exc:
        return None, _refuse(404, t("rep.err.period", lang, problem=str(exc)))
    return label, None


def download(period: str, kind: str, key: str, ext: str) -> flask.Response:
    """Send a kept report the reader may see."""
    fmt = ext
    lang = pick(flask.request.args.get("lang"))
    who = current()
    if who is None or who.read_only:
        return _refuse(401, t("rep.err.signin", lang))
    if fmt not in store.FORMATS:
        return _refuse(404, t("rep.err.format", lang, fmt=fmt))
    db = get_db()
    try:
        label, refused = _period(db, period, lang)
        if refused is not None:
            return refused
        subject = subjects.find(db, kind, key)
        if subject is None:
            return _refuse(404, t("rep.err.subject", lang, kind=kind[:40], code=key[:40]))
        if not subjects.visible(who, subject):
            return _refuse(403, t("rep.err.scope", lang, subject=subject.name))
        found = store.fetch(db, label, subject.kind, subject.key, fmt)
        if found is None:
            return _refuse(404, t("rep.err.missing", lang, subject=subject.name, period=label))
        body, made = found
        with db.transaction() as cur:
            audit.record(
                cur,
                who.name,
                "export",
                flask.request.remote_addr,
                format=fmt,
                layer="report",
                period=label,
                subject=f"{subject.kind}/{subject.key}",
            )
    except psycopg2.Error:
        return _refuse(503, t("rep.err.db", lang))
    response = flask.Response(body, mimetype=store.FORMATS[fmt])
    fallback = store.ascii_name(label, subject, fmt)
    named = quote(store.file_name(label, subject, fmt))
    response.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{named}"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.last_modified = made
    return response


def generate() -> flask.Response:
    """An admin makes (or makes again) one subject's report of a closed period, then returns to
    the page."""
    form = flask.request.form
    lang = pick(form.get("lang"))
    who = current()
    if who is None or who.read_only:
        return _refuse(401, t("rep.err.signin", lang))
    if not csrf.ok(form):
        return _refuse(400, t("rep.err.csrf", lang))
    if who.role != "admin":
        return _refuse(403, t("rep.err.admin", lang))
    kind, key = str(form.get("kind", "")), str(form.get("key", ""))
    db = get_db()
    token = STATEMENT_TIMEOUT.set(REPORT_TIMEOUT_MS)
    try:
        label, refused = _period(db, str(form.get("period", "")), lang)
        if refused is not None:
            return refused
        subject = subjects.find(db, kind, key)
        if subject is None:
            return _refuse(404, t("rep.err.subject", lang, kind=kind[:40], code=key[:40]))
        store.generate(db, label, subject, who.name)
    except psycopg2.Error:
        return _refuse(503, t("rep.err.db", lang))
    finally:
        STATEMENT_TIMEOUT.reset(token)
    done = urlencode({"done": f"{label}/{subject.kind}/{subject.key}"})
    return flask.redirect(f"/reports?{done}{lang_query(lang, '&')}", code=303)


def register(server: flask.Flask) -> None:
    """Attach the report routes."""
    server.add_url_rule("/reports/<period>/<kind>/<key>.<ext>", "report_download", download)
    server.add_url_rule("/reports/generate", "report_generate", generate, methods=["POST"])
