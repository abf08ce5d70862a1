"""案件详情 at /case/<id>: the case, its place on a small map, and its event timeline."""

from __future__ import annotations

import dash
from dash import dcc, html

import ids
from i18n import pick, t
from pages._components import header

dash.register_page(__name__, path_template="/case/<case_id>", title="案件详情", name="案件")


def layout(case_id: str | None = None, lang: str | None = None, **_: str) -> html.Div:
    """The frame; callbacks/case.py fills the body from the database."""
    lang = pick(lang)
    return html.Div(
        [
            dcc.Store(id=ids.CASE_REF, data={"id": case_id, "lang": lang}),
            header(t("case.title", lang), f"{ids.CASE_BODY}-status", lang),
            html.Main(id=ids.CASE_BODY, className="case-page"),
        ],
        className="page case",
    )
