"""Checkpoint view behaviour: load the checkpoint named in the URL (or say it does not exist)."""

from __future__ import annotations

from typing import Any

import psycopg2
from dash import Input, Output, callback, html

import ids
from access.principal import scope_or_refuse
from geodata.cases.detail import parse_id
from geodata.db import get_db
from geodata.inspections import history
from i18n import pick, t
from pages import _checkpoint_view as view


@callback(Output(ids.CHECKPOINT_BODY, "children"), Input(ids.CHECKPOINT_REF, "data"))
def load_checkpoint(ref: dict | None) -> Any:
    """Page load → the checkpoint, or the "does not exist" message, or the outage notice."""
    lang = pick((ref or {}).get("lang"))
    try:
        scope_or_refuse()
        checkpoint_id = parse_id((ref or {}).get("id"))
        if checkpoint_id is None:
            return view.missing(lang)
        with get_db().transaction() as cur:  # row-level security: outside the reader's scope reads as missing
            point = history.view(cur, checkpoint_id)
        return view.missing(lang) if point is None else view.body(point, lang)
    except psycopg2.Error:
        return html.Div(t("map.stale", lang), className="status stale")
