"""点位详情 at /checkpoint/<id>: a checkpoint's compliance per element, its history and its
rectifications; reached from the one map, the drill-down and the workbench."""

from __future__ import annotations

import dash
from dash import dcc, html

import ids
from i18n import pick, t
from pages._components import header

dash.register_page(__name__, path_template="/checkpoint/<checkpoint_id>", title="点位详情", name="点位")


def layout(checkpoint_id: str | None = None, lang: str | None = None, **_: str) -> html.Div:
    """The frame; callbacks/checkpoint.py fills the body from the database."""
    lang = pick(lang)
    return html.Div(
        [
            dcc.Store(id=ids.CHECKPOINT_REF, data={"id": checkpoint_id, "lang": lang}),
            header(t("cp.title", lang), f"{ids.CHECKPOINT_BODY}-status", lang),
            html.Main(id=ids.CHECKPOINT_BODY, className="case-page checkpoint-page"),
        ],
        className="page checkpoint",
    )
