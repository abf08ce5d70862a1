"""Notification centre behaviour: the bell's unread count and the list of the signed-in user's latest
notices, on the bell's own tick; 全部已读 marks them all read; opening a case (/case/<id>) reads that
case's notices. A tick that finds nothing changed sends nothing; while the database is away the
bell keeps what it shows."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import psycopg2
from dash import Input, Output, State, callback, ctx
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly

import ids
from access import principal
from geodata.cases.detail import parse_id
from geodata.db import Database, get_db
from geodata.notify import notices
from i18n import pick
from pages import _notice_centre as view

CASE_PATH = re.compile(r"^/case/([^/]+)/?$")


def notice_update(
    db: Database, user_id: int, lang: str, state: dict | None, path: str | None, all_read: bool
) -> tuple[Any, ...]:
    """(badge text, badge class, list, state) for one tick of the bell; PreventUpdate when it would
    show what it already shows."""
    if all_read:
        notices.mark_read(db, user_id)
    if state is None and (found := CASE_PATH.match(path or "")) and (case_id := parse_id(found.group(1))):
        notices.mark_case_read(db, user_id, case_id)  # the page of a case: its notices are read now
    count = notices.unread_count(db, user_id)
    body = view.listing(notices.listed(db, user_id, view.SHOWN), lang)
    text, cls = view.badge(count)
    digest = hashlib.blake2b(to_json_plotly([text, body, lang]).encode(), digest_size=8).hexdigest()
    if state and state.get("digest") == digest:
        raise PreventUpdate
    return text, cls, body, {"digest": digest}


@callback(
    Output(ids.NOTICE_COUNT, "children"),
    Output(ids.NOTICE_COUNT, "className"),
    Output(ids.NOTICE_LIST, "children"),
    Output(ids.NOTICE_STATE, "data"),
    Input(ids.NOTICE_TICK, "n_intervals"),
    Input(ids.NOTICE_ALL_READ, "n_clicks"),
    State("_pages_location", "pathname"),
    State(ids.NOTICE_STATE, "data"),
    State(ids.NOTICE_CONFIG, "data"),
)
def refresh_notices(_tick: int, _clicks: int | None, path: Any, state: Any, config: Any) -> tuple[Any, ...]:
    """The bell's tick, 全部已读, or the page's first load → the badge and the list, if they changed."""
    who = principal.current()
    if who is None or who.user_id is None:
        raise PreventUpdate  # a wall display has no notices
    lang = pick(config.get("lang") if isinstance(config, dict) else None)
    try:
        return notice_update(
            get_db(),
            who.user_id,
            lang,
            state if isinstance(state, dict) else None,
            path if isinstance(path, str) else None,
            ctx.triggered_id == ids.NOTICE_ALL_READ,
        )
    except psycopg2.Error:
        raise PreventUpdate from None  # the database is away: the bell keeps what it shows
