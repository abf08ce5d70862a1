"""考核报告 at /reports: the closed periods, newest first, and per period the reports the reader may
see, to download as Excel or PDF (an admin makes one not made yet). callbacks/reports.py fills it."""

from __future__ import annotations

import dash
from dash import dcc, html

import ids
from i18n import pick, t
from pages._components import header

dash.register_page(__name__, path="/reports", title="考核报告", name="考核报告")


def layout(lang: str | None = None, done: str | None = None, **_: str) -> html.Div:
    """The frame; the list is the reader's own (callbacks/reports.py)."""
    lang = pick(lang)
    return html.Div(
        [
            dcc.Store(id=ids.REPORTS_REF, data={"lang": lang, "done": (done or "")[:200]}),
            header(t("rep.page_title", lang), f"{ids.REPORTS_BODY}-status", lang),
            html.Main(
                [html.P(t("rep.page_intro", lang), className="reports-intro"), html.Div(id=ids.REPORTS_BODY)],
                className="reports-page",
            ),
        ],
        className="page reports",
    )
