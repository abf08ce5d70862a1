"""Case view behaviour: load the case named in the URL (or say it does not exist)."""

from __future__ import annotations

from typing import Any

import flask
import psycopg2
from dash import Input, Output, callback, html

import ids
from access.principal import scope_or_refuse, sees_case
from geodata import units
from geodata.cases import detail as cases
from geodata.cases import photos
from geodata.db import get_db
from geodata.notify import history
from i18n import pick, t
from layers import case_map
from layers.basemap import map_style, projector
from pages import _case_view as view
from settings import get_settings


def case_body(ref: dict | None, base_url: str, allowed: units.Unit | None = None) -> list[Any] | html.Div:
    """The body for a case reference {id, lang}; a case outside ``allowed`` reads as missing."""
    lang = pick((ref or {}).get("lang"))
    case_id = cases.parse_id((ref or {}).get("id"))
    if case_id is None:
        return view.missing(lang)
    db = get_db()
    case = cases.detail(db, case_id)
    if case is None or not sees_case(case, allowed):
        return view.missing(lang)
    s = get_settings()
    figure = case_map.figure(case, projector(s.basemap), map_style(s.basemap, base_url, s.basemap_url, s.tianditu_key))
    steps = history.of_case(db, case_id)
    return view.body(case, cases.timeline(db, case_id), figure, lang, photos.listed(db, case_id), steps)


@callback(Output(ids.CASE_BODY, "children"), Input(ids.CASE_REF, "data"))
def load_case(ref: dict | None) -> Any:
    """Page load → the case, or the "does not exist" message, or the outage notice."""
    try:
        return case_body(ref, flask.request.host_url, scope_or_refuse())
    except psycopg2.Error:
        return html.Div(t("map.stale", pick((ref or {}).get("lang"))), className="status stale")
