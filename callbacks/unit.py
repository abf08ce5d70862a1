"""Drill-down behaviour: render one unit's view, refresh it when the data moves, follow clicks.

The view is rendered whole on the first tick. Later ticks follow the one-map rules (docs/performance.md):
data versions unchanged → nothing is sent; changed → the panels are recomputed and the map gets a
Patch of its values, never geometry (only the current unit's children's polygons ever travel).
The unit lives in the URL, held by the page's own Location (ids.UNIT_NAV). Map clicks, ranking
names, breadcrumbs and case links move that Location clientside (assets/unit.js): a real history
entry, so Back and Forward work and a reload restores the view, while the page, its map and its
charts stay mounted and one callback renders the new unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import flask
from dash import ClientsideFunction, Input, Output, Patch, State, callback, clientside_callback, html, no_update
from dash.exceptions import PreventUpdate

import ids
from access.principal import scope_or_refuse
from callbacks import refresh
from geodata import drilldown, fanout, kpis, units
from geodata.assessment import standing
from geodata.db import Database, get_db
from geodata.inspections import rounds
from i18n import pick, t
from layers import unit_map
from layers.basemap import map_style, projector
from layers.classes import stable_classes
from layers.viewport import fit
from pages import _unit_charts as charts
from pages import _unit_panels as panels
from pages._components import status_line
from pages._kpi import kpi_cards
from settings import get_settings

MAP_PX = (1080, 660)  # the map box at 1920 px wide (assets/unit.css: 7 of 12 columns, 660 px high)
OUTPUTS = {
    "figure": Output(ids.UNIT_MAP, "figure"),
    "legend": Output(ids.UNIT_LEGEND, "children"),
    "crumbs": Output(ids.UNIT_CRUMBS, "children"),
    "kpis": Output(ids.UNIT_KPIS, "children"),
    "info": Output(ids.UNIT_INFO, "children"),
    "ranking": Output(ids.UNIT_RANKING, "data"),
    "scheme": Output(ids.UNIT_RANKING_SCHEME, "children"),
    "cell": Output(ids.UNIT_RANKING, "active_cell"),
    "cells": Output(ids.UNIT_RANKING, "selected_cells"),
    "trend": Output(ids.UNIT_TREND, "figure"),
    "categories": Output(ids.UNIT_CATEGORIES, "figure"),
    "overdue": Output(ids.UNIT_OVERDUE, "children"),
    "checkpoints": Output(ids.UNIT_CHECKPOINTS, "children"),
    "cameras": Output(ids.UNIT_CAMERAS, "children"),
    "grid": Output(ids.UNIT_GRID, "children"),
    "view": Output(ids.UNIT_VIEW, "className"),
    "missing": Output(ids.UNIT_MISSING, "children"),
    "state": Output(ids.UNIT_STATE, "data"),
    "status": Output(ids.UNIT_STATUS, "children"),
}
NOTHING = dict.fromkeys(OUTPUTS, no_update)


def unit_panels(
    db: Database,
    unit: units.Unit,
    lang: str,
    days: int,
    map_read: Callable[[], dict[str, Any]],
    versions: dict[str, int] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every panel except the map, from the KPI module and geodata.drilldown, and the map's data
    (``map_read``): all read at once. ``versions``: the data versions just read, with which the
    KPIs and the ranking are shared with every page that shows them within the minute (the wall's
    rule, geodata/kpis.py)."""
    grid = unit.level == "grid"  # a grid lists every checkpoint and its own cases
    leaf = units.child_level(db, unit) == unit.level  # nothing loaded below it: nothing to rank
    limit = None if grid else drilldown.WEAKEST_CHECKPOINTS
    reads = {
        "values": lambda: kpis.unit_kpis(db, unit, versions=versions),
        "ranked": lambda: None if leaf else standing.ranking(db, unit, versions=versions),
        "crumbs": lambda: drilldown.breadcrumbs(db, unit),
        "trend": lambda: drilldown.trend(db, unit, days),
        "categories": lambda: drilldown.categories(db, unit),
        "overdue": lambda: drilldown.overdue_cases(db, unit),
        "checkpoints": lambda: drilldown.checkpoints(db, unit, limit=limit),
        "coverage": lambda: rounds.coverage_by_type(db, unit),
        "camera_kinds": lambda: drilldown.camera_kinds(db, unit),
        "offline": lambda: drilldown.offline_cameras(db, unit),
        "grid_cases": lambda: drilldown.grid_cases(db, unit) if grid else None,
        "map": map_read,
    }
    got = fanout.at_once(reads)
    values, ranked = got["values"], got["ranked"]
    rows = ranked.rows if ranked else []
    out = {
        "crumbs": panels.crumbs(got["crumbs"], lang),
        "kpis": kpi_cards(values, lang, prefix="unit-kpi"),
        "info": panels.unit_info(unit, len(rows), lang),
        "ranking": panels.ranking_rows(rows, lang),
        "scheme": ranked.caption(lang) if ranked else "",
        "trend": charts.trend_figure(got["trend"], lang),
        "categories": charts.category_figure(got["categories"], lang),
        "overdue": panels.overdue_table(got["overdue"], lang),
        "checkpoints": panels.checkpoint_panel(
            values["checkpoint_rate"], got["checkpoints"], lang, every=grid, progress=got["coverage"]
        ),
        "cameras": panels.camera_panel(values["cameras_online"], got["camera_kinds"], got["offline"], lang),
        "grid": [panels.grid_cases_panel(got["grid_cases"], lang)] if grid else [],
    }
    return out, got["map"]


def values_patch(values: list[dict[str, Any]]) -> Patch:
    """A Patch setting the changed properties of each map trace (values only, no geometry)."""
    patch = Patch()
    for index, props in enumerate(values):
        for key, value in props.items():
            patch["data"][index][key] = value
    return patch


def code_of(href: str | None) -> str | None:
    """The unit code of a /unit/<code> URL (absolute or not); None for any other page."""
    path = urlsplit(href or "").path
    return path[len("/unit/") :] if path.startswith("/unit/") else None


def unit_view(
    state: dict | None,
    code: str | None,
    lang: str,
    days: int,
    db: Database,
    base_url: str,
    allowed: units.Unit | None = None,
) -> dict[str, Any]:
    """Every output for showing unit ``code`` (keys of ``OUTPUTS``): the whole view for a new
    unit; for the same unit, nothing (PreventUpdate) unless the data moved. A unit outside
    ``allowed`` (the viewer's scope; None: the whole territory) reads as unknown."""
    lang = pick(lang)
    days = days if days in drilldown.TREND_WINDOWS else drilldown.TREND_WINDOWS[0]

    def build(tick: refresh.Tick) -> dict[str, Any]:
        new_state = {"code": code, "versions": tick.versions, "lang": lang, "changed_at": tick.changed_at.isoformat()}
        unit = units.by_code(db, code)
        if not units.within(unit, allowed):
            missing = panels.not_found(code, allowed.code if allowed else units.root_code(db), lang)
            return {**NOTHING, "view": "unit-view missing", "missing": missing, "state": new_state, "status": ""}
        plan = unit_map.MapPlan.children(db, unit)
        proj = projector(get_settings().basemap)
        patch = tick.same and "breaks" in state and "units" not in tick.moved
        load = unit_map.load_values if patch else unit_map.load
        out, data = unit_panels(db, unit, lang, days, lambda: load(db, plan), tick.versions)
        if patch:
            # The classes stay while the distribution holds; when it really moves, so do they and the legend.
            classes = stable_classes(data["shapes"]["open_cases"], state["breaks"])
            out["figure"] = values_patch(unit_map.values(data, classes, proj))
            if list(classes.breaks) != list(state["breaks"]):
                out["legend"] = panels.map_legend(classes, "exclusive" in data["shapes"]["kind"], lang)
        else:
            s = get_settings()
            style = map_style(s.basemap, base_url, s.basemap_url, s.tianditu_key)
            figure, classes = unit_map.figure(data, plan, lang, proj, style)
            figure["layout"]["map"]["zoom"] = fit(unit.bounds, *MAP_PX)["zoom"]
            labels = figure["data"][unit_map.TRACES.index("labels")]
            labels["text"] = [panels.map_label(name, unit.name) for name in labels["text"]]
            out["figure"] = figure
            out["legend"] = panels.map_legend(classes, "exclusive" in data["shapes"]["kind"], lang)
            out |= {"cell": None, "cells": []}
        new_state["breaks"] = list(classes.breaks)
        view = f"unit-view level-{unit.level}" + (" exclusive" if unit.exclusive else "")
        view += " leaf" if plan.level == unit.level else ""  # no level loaded below it
        status = status_line(new_state["changed_at"], lang)
        return {**NOTHING, **out, "view": view, "missing": [], "state": new_state, "status": status}

    return refresh.run(
        state,
        db,
        same=lambda: (state or {}).get("code") == code and (state or {}).get("lang") == lang,
        build=build,
        recovered=lambda tick: {
            **NOTHING,
            "state": {**tick.state, "stale": False},
            "status": status_line(tick.state["changed_at"], lang),
        },
        stale=lambda held: {
            **NOTHING,
            "state": {**held, "stale": True},
            "status": status_line(held["changed_at"], lang, "stale"),
        },
        loading=lambda: {**NOTHING, "status": html.Span(t("map.loading", lang), className="status stale")},
        quiet=lambda tick: not (state or {}).get("retry"),
        slow=lambda held: {
            **NOTHING,
            "state": {**held, "retry": True},
            "status": status_line(held["changed_at"], lang, "slow"),
        },
    )


@callback(
    output=OUTPUTS,
    inputs={"tick": Input(ids.UNIT_TICK, "n_intervals"), "href": Input(ids.UNIT_NAV, "href")},
    state={
        "state": State(ids.UNIT_STATE, "data"),
        "lang": State(ids.LANG, "data"),
        "days": State(ids.UNIT_TREND_DAYS, "value"),
    },
)
def refresh_unit(tick: int, href: str | None, state: dict | None, lang: str, days: int) -> dict[str, Any]:
    """A new URL → that unit's whole view; a tick → its panels and map values, if the data moved."""
    del tick
    code = code_of(href)
    if code is None:  # leaving for another page: the router replaces this one
        raise PreventUpdate
    return unit_view(state, code, lang, days, get_db(read_only=True), flask.request.host_url, scope_or_refuse())


def trend_for(
    db: Database, code: str | None, days: int, lang: str, allowed: units.Unit | None = None
) -> dict[str, Any]:
    """The trend chart of one unit over ``days`` days (nothing for a unit outside ``allowed``)."""
    unit = units.by_code(db, code)
    if not units.within(unit, allowed) or days not in drilldown.TREND_WINDOWS:
        raise PreventUpdate
    return charts.trend_figure(drilldown.trend(db, unit, days), pick(lang))


@callback(
    Output(ids.UNIT_TREND, "figure", allow_duplicate=True),
    Input(ids.UNIT_TREND_DAYS, "value"),
    State(ids.UNIT_NAV, "href"),
    State(ids.LANG, "data"),
    prevent_initial_call=True,
)
def change_trend_window(days: int, href: str | None, lang: str) -> dict[str, Any]:
    """30/90-day switch → the trend over the chosen window."""
    return trend_for(get_db(read_only=True), code_of(href), days, lang, scope_or_refuse())


# A click on a sub-unit (map) or on a name (ranking) → /unit/<its code>, without a round trip.
clientside_callback(
    ClientsideFunction("unit", "navigate"),
    Output(ids.UNIT_NAV, "href"),
    Input(ids.UNIT_MAP, "clickData"),
    Input(ids.UNIT_RANKING, "active_cell"),
    State(ids.UNIT_NAV, "href"),
    prevent_initial_call=True,
)

# /unit/<grid>#case-<id> → scroll to that case's row once the grid's case list is drawn.
clientside_callback(
    ClientsideFunction("unit", "reveal"),
    Output(ids.UNIT_REVEAL, "data"),
    Input(ids.UNIT_GRID, "children"),
    Input(ids.UNIT_NAV, "href"),
)
