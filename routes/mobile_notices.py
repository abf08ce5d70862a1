"""/m/notices: the signed-in user's notices on the phone (网格员手机端), server-rendered like the
other phone pages (routes/mobile.py). The header of every phone page shows the unread count.

- ``/m/notices``               the latest notices, newest first, and 全部已读
- ``/m/notices/<id>``          open one: it is read, and its case's page opens
- ``/m/notices/read`` (POST)   mark them all read
"""

from __future__ import annotations

import flask

from access import csrf
from access.principal import current
from geodata.cases.detail import parse_id
from geodata.db import get_db
from geodata.notify import notices
from i18n import lang_query, pick, t
from pages._notice_centre import headline_parts, step_name
from routes.mobile import _page

SHOWN = 30


def _user_id() -> int | None:
    who = current()
    return who.user_id if who is not None and who.kind == "user" else None


def listing() -> flask.Response:
    """GET /m/notices: the latest notices, each a link that opens its case."""
    lang = pick(flask.request.args.get("lang"))
    user_id = _user_id()
    if user_id is None:
        return flask.Response(t("m.error.not_yours", lang), status=403, mimetype="text/plain; charset=utf-8")
    rows = notices.listed(get_db(), user_id, SHOWN)
    shown = []
    for r in rows:
        lead, standing = headline_parts(r, lang)
        late = r["is_open"] and r["due_in_s"] is not None and r["due_in_s"] < 0
        name = step_name(r["step"], r["level"], lang)
        shown.append({**r, "lead": lead, "standing": standing, "late": late, "step_name": name})
    return _page("m_notices.html", lang, rows=shown, done=flask.request.args.get("done") == "read")


def open_notice(raw_id: str) -> flask.Response:
    """GET /m/notices/<id>: the notice is read; its case's page opens."""
    lang = pick(flask.request.args.get("lang"))
    user_id, notice_id = _user_id(), parse_id(raw_id)
    case_id = notices.open_one(get_db(), user_id, notice_id) if user_id and notice_id else None
    if case_id is None:
        return flask.Response(t("m.error.not_yours", lang), status=404, mimetype="text/plain; charset=utf-8")
    return flask.redirect(f"/m/case/{case_id}{lang_query(lang)}", code=303)


def read_all() -> flask.Response:
    """POST /m/notices/read: every notice of the user is read."""
    form = flask.request.form
    lang = pick(form.get("lang"))
    user_id = _user_id()
    if user_id is None:
        return flask.Response(t("m.error.not_yours", lang), status=403, mimetype="text/plain; charset=utf-8")
    if not csrf.ok(form):
        return flask.Response(t("m.error.expired", lang), status=400, mimetype="text/plain; charset=utf-8")
    notices.mark_read(get_db(), user_id)
    return flask.redirect(f"/m/notices?done=read{lang_query(lang, '&')}", code=303)


def register(server: flask.Flask) -> None:
    """Attach the routes."""
    server.add_url_rule("/m/notices", "m_notices", listing)
    server.add_url_rule("/m/notices/<raw_id>", "m_notice_open", open_notice)
    server.add_url_rule("/m/notices/read", "m_notices_read", read_all, methods=["POST"])
