"""城运中心大屏 at /wall: KPI strip, district map, ranking, urgent cases and a ticker, for a
video wall that nobody touches. URL: /wall?unit=<code>&refresh=<s>&rotate=<s>&lang=zh|en."""

from __future__ import annotations

import dash
from dash import dcc, html

import ids
import urlstate
from geodata import territory
from geodata.db import get_db
from i18n import pick, t
from layers.viewport import EMPTY_FIGURE
from settings import get_settings

dash.register_page(__name__, path="/wall", title="城运中心大屏", name="大屏")


def panel(key: str, title: str, body_id: str, extra_class: str = "") -> html.Section:
    """A titled panel whose body a callback fills, with a note line for degraded data."""
    return html.Section(
        [
            html.Div(
                [
                    html.H2(title, id=f"{body_id}-title"),
                    html.Span(id=f"{ids.WALL_PANEL_NOTE}-{key}", className="panel-note"),
                ],
                className="panel-head",
            ),
            html.Div(id=body_id, className="panel-body"),
        ],
        className=f"wall-panel {extra_class}",
    )


def layout(
    unit: str | None = None, refresh: str | None = None, rotate: str | None = None, lang: str | None = None, **_: str
) -> html.Div:
    """The kiosk page; every panel is filled by callbacks/wall.py."""
    lang = pick(lang)
    refresh_s = urlstate.seconds(refresh, get_settings().refresh_seconds, 1, 3600)
    rotate_s = urlstate.seconds(rotate, None, 5, 3600)
    return html.Div(
        [
            dcc.Store(id=ids.WALL_CONFIG, data={"unit": unit, "rotate": rotate_s, "lang": lang}),
            dcc.Store(id=ids.WALL_SCOPE, data=unit),
            dcc.Store(id=ids.WALL_STATE),
            dcc.Store(id=ids.WALL_SCREEN),
            dcc.Interval(id=ids.WALL_TICK, interval=int(refresh_s * 1000), n_intervals=0),
            dcc.Interval(id=ids.WALL_ROTATE, interval=int((rotate_s or 3600) * 1000), disabled=rotate_s is None),
            dcc.Interval(id=ids.WALL_CLOCK_TICK, interval=1000, n_intervals=0),
            _top(lang),
            html.Div(id=ids.WALL_BANNER, className="wall-banner-slot"),
            html.Div(
                [
                    html.Div(id=ids.WALL_KPIS, className="wall-kpis"),
                    html.Span(id=f"{ids.WALL_PANEL_NOTE}-kpis", className="panel-note kpi-note"),
                ],
                className="wall-kpi-row",
            ),
            _main(lang),
            html.Footer(
                [
                    html.Div(t("wall.latest", lang), className="ticker-label"),
                    html.Div(html.Div(id=ids.WALL_TICKER, className="ticker-track"), className="ticker-window"),
                    html.Span(id=f"{ids.WALL_PANEL_NOTE}-ticker", className="panel-note"),
                ],
                className="wall-ticker",
            ),
        ],
        className="page wall",
        **{"data-lang": lang},
    )


def _top(lang: str) -> html.Header:
    """The top line: the territory, the title, the scope, the data time and the clock."""
    return html.Header(
        [
            html.Div(
                [
                    html.Span(territory.name(get_db(), lang), className="district"),
                    html.H1(t("wall.title", lang)),
                ],
                className="brand",
            ),
            html.Div(id=ids.WALL_SCOPE_NAME, className="wall-scope"),
            html.Div(id=ids.WALL_DATA_TIME, className="wall-data-time"),
            html.Div(id=ids.WALL_CLOCK, className="wall-clock"),
        ],
        className="wall-top",
    )


def _main(lang: str) -> html.Main:
    """The map (left) and the ranking and most urgent cases (right)."""
    return html.Main(
        [
            html.Section(
                [
                    dcc.Graph(
                        id=ids.WALL_MAP,
                        figure=EMPTY_FIGURE,
                        className="wall-map",
                        responsive=True,
                        style={"height": "100%", "width": "100%"},
                        config={
                            "displaylogo": False,
                            "displayModeBar": False,
                            "scrollZoom": False,
                            "staticPlot": False,
                        },
                    ),
                    html.Div(id=ids.WALL_LEGEND, className="wall-legend"),
                    html.Span(id=f"{ids.WALL_PANEL_NOTE}-map", className="panel-note map-note"),
                ],
                className="wall-panel wall-map-panel",
            ),
            html.Div(
                [
                    panel("ranking", t("wall.ranking.children", lang), ids.WALL_RANKING),
                    panel("urgent", t("wall.urgent", lang), ids.WALL_URGENT, "wall-urgent-panel"),
                ],
                className="wall-side",
            ),
        ],
        className="wall-main",
    )
