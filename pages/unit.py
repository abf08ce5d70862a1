"""Leaders' drill-down at /unit/<code>: one unit's map of sub-units, KPIs, ranking, trends,
categories, overdue cases, checkpoints and cameras (and, for a grid, its cases and checkpoints).

The URL holds the state. This module is the empty frame; callbacks/unit.py fills it. Moving to
another unit keeps the frame (and its map) and only changes the URL, so a click costs one render.
"""

from __future__ import annotations

import dash
from dash import dash_table, dcc, html

import ids
from geodata.drilldown import OVERDUE_TOP, TREND_WINDOWS
from i18n import pick, t
from layers.viewport import EMPTY_FIGURE
from pages._components import header
from pages._unit_panels import ranking_columns, table_style, unit_href
from settings import get_settings

dash.register_page(__name__, path_template="/unit/<code>", title="逐级下钻 · 网格治理", name="逐级下钻")


def _chart(chart_id: str) -> html.Div:
    graph = dcc.Graph(
        id=chart_id, figure=EMPTY_FIGURE, config={"displayModeBar": False}, responsive=True, style={"height": "100%"}
    )
    return html.Div(graph, className="chart")  # the wrapper's CSS height sizes the responsive graph


def _box(title: str | None, *children, class_name: str = "") -> html.Section:
    head = [html.H3(title, className="box-title")] if title else []
    return html.Section([*head, *children], className=f"box {class_name}".strip())


def layout(code: str | None = None, lang: str | None = None, **_: str) -> html.Div:
    """The frame of one unit's view; every panel is filled by the refresh callback."""
    lang = pick(lang)
    refresh_ms = int(get_settings().refresh_seconds * 1000)
    return html.Div(
        [
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.UNIT_STATE),
            dcc.Store(id=ids.UNIT_REVEAL),
            dcc.Location(id=ids.UNIT_NAV, refresh=False, href=unit_href(code or "", lang)),
            dcc.Interval(id=ids.UNIT_TICK, interval=refresh_ms, n_intervals=0),
            header(t("unit.title", lang), ids.UNIT_STATUS, lang),
            html.Div(id=ids.UNIT_MISSING),
            html.Div(
                id=ids.UNIT_VIEW,
                className="unit-view loading",
                children=[
                    html.Nav(id=ids.UNIT_CRUMBS, className="crumbs"),
                    html.Div([*_map_and_side(lang), *_panels(lang)], className="unit-grid-layout"),
                ],
            ),
        ],
        className="page unit",
    )


def _map_and_side(lang: str) -> list:
    """The unit's map, and beside it the KPI cards, the unit's facts and its categories."""
    graph = dcc.Graph(
        id=ids.UNIT_MAP,
        figure=EMPTY_FIGURE,
        className="unit-map",
        responsive=True,
        config={"displaylogo": False, "scrollZoom": True, "displayModeBar": False},
    )
    hint = html.Div(t("unit.map.hint", lang), className="map-hint")
    side = [
        html.Div(id=ids.UNIT_KPIS, className="unit-kpis"),
        _box(t("unit.info", lang), html.Div(id=ids.UNIT_INFO), class_name="info-box"),
        _box(t("unit.categories", lang), _chart(ids.UNIT_CATEGORIES), class_name="category-box"),
    ]
    legend = html.Div(id=ids.UNIT_LEGEND, className="unit-legend")
    return [_box(None, graph, hint, legend, class_name="map-box"), html.Div(side, className="side")]


def _panels(lang: str) -> list:
    """The panels below the map: ranking, trend, overdue cases, cameras, checkpoints, a grid's own."""
    days = [{"label": t("unit.trend.days", lang).format(n=n), "value": n} for n in TREND_WINDOWS]
    ranking = dash_table.DataTable(
        id=ids.UNIT_RANKING,
        columns=ranking_columns(lang),
        data=[],
        sort_action="native",
        cell_selectable=True,
        **table_style(lang),
    )
    window = dcc.RadioItems(
        id=ids.UNIT_TREND_DAYS, options=days, value=TREND_WINDOWS[0], inline=True, className="trend-days"
    )
    return [
        _box(
            t("unit.ranking", lang),
            html.Div(id=ids.UNIT_RANKING_SCHEME, className="ranking-scheme"),
            ranking,
            class_name="ranking-box",
        ),
        _box(t("unit.trend", lang), window, _chart(ids.UNIT_TREND), class_name="trend-box"),
        _box(t("unit.overdue", lang).format(n=OVERDUE_TOP), html.Div(id=ids.UNIT_OVERDUE), class_name="overdue-box"),
        _box(t("unit.cameras", lang), html.Div(id=ids.UNIT_CAMERAS), class_name="camera-box"),
        _box(t("unit.checkpoints", lang), html.Div(id=ids.UNIT_CHECKPOINTS), class_name="checkpoint-box"),
        html.Div(id=ids.UNIT_GRID, className="grid-only"),
    ]
