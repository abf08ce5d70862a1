"""Any unknown path: a clear page with a way back to the map."""

import dash
from dash import html

dash.register_page(__name__, title="页面不存在")


def layout(**_: str) -> html.Div:
    """The 404 page."""
    return html.Div(
        [html.H1("页面不存在 / Page not found"), html.A("返回一张图 / Back to the map", href="/")],
        className="page not-found",
    )
