"""The one map (一张图) at /: grids, communities, cameras and checkpoints as layers of one map."""

from __future__ import annotations

import dash
from dash import dcc, html

import ids
from i18n import pick, t
from layers.viewport import EMPTY_FIGURE
from pages._components import header, layer_toggles, legend
from settings import get_settings

dash.register_page(__name__, path="/", title="网格治理一张图", name="一张图")


def layout(lang: str | None = None, **_: str) -> html.Div:
    """The page: header, full-window map, and a side panel with layer toggles and legend."""
    lang = pick(lang)
    refresh_ms = int(get_settings().refresh_seconds * 1000)
    return html.Div(
        [
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.MAP_STATE),
            dcc.Store(id=ids.MAP_TILES),
            dcc.Store(id=ids.MAP_CLICK),
            dcc.Interval(id=ids.MAP_TICK, interval=refresh_ms, n_intervals=0),
            header(t("app.title", lang), ids.MAP_STATUS, lang),
            html.Main(
                [
                    dcc.Graph(
                        id=ids.MAP,
                        figure=EMPTY_FIGURE,
                        className="map",
                        responsive=True,
                        style={"height": "100%", "width": "100%"},
                        config={"displaylogo": False, "scrollZoom": True, "displayModeBar": False},
                    ),
                    html.Aside(
                        [layer_toggles(ids.LAYER_TOGGLES, lang), legend(lang, {"grids": ids.MAP_CLASSES})],
                        className="panel",
                    ),
                ],
                className="map-page",
            ),
        ],
        className="page onemap",
    )
