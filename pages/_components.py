"""Layout pieces shared by pages: the header and the map legend (no data, no behaviour)."""

from __future__ import annotations

from datetime import datetime

import psycopg2
from dash import dcc, html

from access import csrf, principal
from geodata import territory
from geodata.clock import TZ
from geodata.db import get_db
from geodata.tiles import OVERVIEW_BELOW
from i18n import lang_query, t
from layers import registry
from layers.base import ColourClasses, LegendItem
from layers.classes import PALETTE
from layers.classes import legend as class_legend
from pages import _notice_centre as notice_centre


def _offered() -> list:
    """The registry's layers that the territory holds anything for (all of them when the
    database cannot say): a city loaded as districts offers no street or grid layer."""
    try:
        found = territory.current(get_db())
    except psycopg2.Error:
        return list(registry.LAYERS)
    return [layer for layer in registry.LAYERS if layer.present(found)]


def legend_row(item: LegendItem, lang: str) -> html.Div:
    """One legend row: the swatch and its label."""
    return html.Div(
        [html.Span(className=f"swatch {item.shape}", style={"--swatch": item.color}), html.Span(item.label(lang))],
        className="legend-row",
    )


def grid_class_rows(
    breaks: list[float], lang: str, overview: list[float] | None = None, level: str | None = None
) -> list[html.Div]:
    """The legend rows of the grids' colour classes (``breaks``, layers/classes.py). With the
    classes of their parents (``overview``, of ``level``), drawn from the tiles below the overview
    zoom: both parts, each under a line that says what it colours; the page shows the part its
    map's zoom draws (assets/maptiles.js, assets/gridops.css)."""
    rows = [legend_row(item, lang) for item in class_legend(ColourClasses(tuple(breaks), PALETTE))]
    if not (overview and level):
        return rows
    below = OVERVIEW_BELOW
    over = [legend_row(item, lang) for item in class_legend(ColourClasses(tuple(overview), PALETTE))]
    note = t("map.overview_by", lang, level=t(f"unit.level.{level}", lang), zoom=below)
    return [
        html.Div([html.Div(note, className="legend-note"), *over], className="legend-overview"),
        html.Div(
            [html.Div(t("map.detail_grids", lang, zoom=below), className="legend-note"), *rows],
            className="legend-detail",
        ),
    ]


def legend(lang: str, live: dict[str, str] | None = None) -> html.Div:
    """Legend rows of every layer offered, from the layer registry. The rows of a layer named in
    ``live`` (layer key → component id) sit in that component, for a callback to restate them
    when its classes change."""
    rows: list[html.Div] = []
    for layer in _offered():
        mine = [legend_row(item, lang) for item in layer.legend]
        rows += [html.Div(mine, id=live[layer.key])] if layer.key in (live or {}) else mine
    return html.Div([html.H3(t("map.legend", lang)), *rows], className="legend")


def layer_toggles(component_id: str, lang: str) -> html.Div:
    """One checkbox per layer that can be switched and is offered."""
    offered = {layer.key for layer in _offered()}
    options = [
        {"label": layer.label(lang), "value": layer.key} for layer in registry.toggleable() if layer.key in offered
    ]
    return html.Div(
        [
            html.H3(t("map.layers", lang)),
            dcc.Checklist(
                id=component_id,
                options=options,
                value=registry.default_visible(),
                className="layer-toggles",
                inputClassName="toggle-input",
                labelClassName="toggle-label",
            ),
        ]
    )


NAV = (
    ("nav.onemap", "/"),
    ("nav.drill", "/unit"),
    ("nav.analyst", "/analyst"),
    ("nav.wall", "/wall"),
    ("nav.work", "/work"),
    ("nav.import", "/import"),
    ("rep.page_nav", "/reports"),
)


def _links() -> tuple[tuple[str, str], ...]:
    """The page links the viewer may follow: a department's handler has the workbench and its
    department's assessment reports only."""
    who = principal.current()
    if who and who.role == "department":
        return tuple(link for link in NAV if link[1] in ("/work", "/reports"))
    return NAV


def header(title: str, status_id: str, lang: str) -> html.Header:
    """The page header: district, page title, the page links, the data-freshness line and, for a
    signed-in user, the notification centre."""
    other = "en" if lang == "zh" else "zh"
    suffix = lang_query(lang)
    who = principal.current()
    return html.Header(
        [
            html.Div(
                [html.Span(territory.name(get_db(), lang), className="district"), html.H1(title)], className="brand"
            ),
            html.Nav([html.A(t(key, lang), href=href + suffix) for key, href in _links()], className="nav"),
            html.Div(id=status_id, className="status-line"),
            notice_centre.bell(lang) if who is not None and who.user_id is not None else None,
            html.A("English" if other == "en" else "中文", href=f"?lang={other}", className="lang-switch"),
            html.Form(
                [
                    dcc.Input(type="hidden", name="csrf", value=csrf.token()),
                    html.Button(t("nav.signout", lang), type="submit", className="lang-switch signout"),
                ],
                method="POST",
                action="/logout",
                className="signout-form",
            ),
        ],
        className="topbar",
    )


STATUS_KEYS = {"fresh": "map.updated", "stale": "map.stale", "slow": "unit.slow"}


def status_line(changed_at: str, lang: str, kind: str = "fresh") -> html.Span:
    """The data-freshness line of a live page: ``fresh`` (data as of), ``stale`` (the database is
    away: the outage banner) or ``slow`` (a query timed out: the last picture, asked again)."""
    when = datetime.fromisoformat(changed_at).astimezone(TZ).strftime("%H:%M:%S")
    mark = "" if kind == "fresh" else "⚠ "
    return html.Span(f"{mark}{t(STATUS_KEYS[kind], lang)} {when}", className=f"status {kind}")
