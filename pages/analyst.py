"""Analysts' workbench at /analyst: filters per layer, spatial questions, the map, a paged table
and exports. The URL's query string is the whole view (geodata/analysis/spec.py); this module
only lays the controls out, set from it; callbacks/analyst.py does the rest.
"""

from __future__ import annotations

from typing import Any

import dash
import psycopg2
from dash import dash_table, dcc, html

import ids
from access.principal import current
from geodata.analysis import spec
from geodata.analysis.opening import opening
from geodata.db import get_db
from geodata.errors import read_failure
from i18n import named, pick, say, t
from layers.viewport import EMPTY_FIGURE
from pages._components import header
from pages._unit_panels import table_style

dash.register_page(__name__, path="/analyst", title="分析研判 · 网格治理", name="分析研判")


def _name(names: tuple, lang: str) -> str:
    """A reference name (name, name_en, …) in ``lang``."""
    return named({"name": names[0], "name_en": names[1]}, "name", lang)


def _options(items: dict[str, tuple], lang: str, with_code: bool = False) -> list[dict[str, str]]:
    return [
        {"label": f"{code} {_name(v, lang)}" if with_code else _name(v, lang), "value": code}
        for code, v in items.items()
    ]


def _category_options(ref: spec.Reference, lang: str) -> list[dict[str, str]]:
    groups = sorted(code for code, v in ref.categories.items() if v[2] is None)
    out = []
    for g in groups:
        out.append({"label": f"{g} {_name(ref.categories[g], lang)}", "value": g})
        out += [
            {"label": f"\u3000{c} {_name(v, lang)}", "value": c} for c, v in sorted(ref.categories.items()) if v[2] == g
        ]
    return out


def _field(label: str, control: Any) -> html.Div:
    return html.Div([html.Label(label, className="an-label"), control], className="an-field")


def _dropdown(cid: str, options: list, value: Any, lang: str, multi: bool = True) -> dcc.Dropdown:
    return dcc.Dropdown(
        id=cid, options=options, value=value, multi=multi, placeholder=t("an.any", lang), className="an-dropdown"
    )


def _number(cid: str, value: Any, low: float, high: float, step: float = 1) -> dcc.Input:
    return dcc.Input(
        id=cid, type="number", value=value, min=low, max=high, step=step, debounce=True, className="an-number"
    )


def _choices(cid: str, picked: tuple, options: list[dict[str, str]]) -> dcc.Checklist:
    """Several of a few values, side by side."""
    return dcc.Checklist(id=cid, value=list(picked), inline=True, className="an-radio", options=options)


def _flag(cid: str, label: str, on: bool) -> dcc.Checklist:
    return dcc.Checklist(
        id=cid,
        options=[{"label": label, "value": "1"}],
        value=["1"] if on else [],
        className="an-flag",
        inputClassName="toggle-input",
        labelClassName="toggle-label",
    )


def _section(key: str, lang: str, *fields: html.Div) -> html.Details:
    return html.Details([html.Summary(t(f"an.{key}", lang)), *fields], open=True, className=f"an-section an-{key}")


def unit_options(rows: list[tuple], picked: str | None = None) -> list[dict[str, str]]:
    """Districts, street offices, then communities (with their parent), searchable by name or code;
    a grid picked on the map is added."""
    out = [{"label": f"{name}（{parent}）" if parent else name, "value": code} for code, name, _, parent in rows]
    if picked and picked not in {o["value"] for o in out}:
        out.append({"label": picked, "value": picked})
    return out


def controls(q: spec.Query, ref: spec.Reference, unit_opts: list[dict[str, str]], lang: str) -> list:
    """Every filter control, set to ``q``."""
    layers = [{"label": t(f"an.{layer}", lang), "value": layer} for layer in spec.LAYERS]
    return [
        _field(
            t("an.table_layer", lang),
            dcc.RadioItems(id=ids.AN_LAYER, options=layers, value=q.layer, inline=True, className="an-radio"),
        ),
        _field(
            t("an.show", lang),
            dcc.Checklist(id=ids.AN_SHOW, options=layers, value=list(q.show), inline=True, className="an-radio"),
        ),
        _cases_filters(q, ref, unit_opts, lang),
        _checkpoints_filters(q, ref, unit_opts, lang),
        _cameras_filters(q, ref, unit_opts, lang),
        _grids_filters(q, ref, unit_opts, lang),
        _area_filters(q, ref, unit_opts, lang),
    ]


def _cases_filters(q: spec.Query, ref: spec.Reference, unit_opts: list, lang: str) -> html.Div:
    """The cases section of the filters."""
    return _section(
        "cases",
        lang,
        _field(
            t("an.category", lang), _dropdown(ids.AN_CATEGORY, _category_options(ref, lang), list(q.category), lang)
        ),
        _field(t("an.status", lang), _dropdown(ids.AN_STATUS, _options(ref.statuses, lang), list(q.status), lang)),
        _field(t("an.source", lang), _dropdown(ids.AN_SOURCE, _options(ref.sources, lang), list(q.source), lang)),
        _field(t("an.dept", lang), _dropdown(ids.AN_DEPT, _options(ref.departments, lang), list(q.dept), lang)),
        _field(
            t("an.dates", lang),
            dcc.DatePickerRange(
                id=ids.AN_DATES,
                start_date=q.since,
                end_date=q.until,
                display_format="YYYY-MM-DD",
                clearable=True,
                className="an-dates",
            ),
        ),
        _flag(ids.AN_OVERDUE, t("an.overdue", lang), q.overdue),
        html.Div(
            [
                _field(t("an.near", lang), _number(ids.AN_NEAR_M, q.near_m, 1, spec.MAX_DISTANCE_M)),
                _field(
                    t("an.near_type", lang),
                    _dropdown(ids.AN_NEAR_TYPE, _options(ref.checkpoint_types, lang), list(q.near_type), lang),
                ),
            ],
            className="an-row",
        ),
        html.Div(t("an.near_hint", lang), className="an-hint"),
    )


def _checkpoints_filters(q: spec.Query, ref: spec.Reference, unit_opts: list, lang: str) -> html.Div:
    """The checkpoints section of the filters."""
    return _section(
        "checkpoints",
        lang,
        _field(
            t("an.cp_type", lang),
            _dropdown(ids.AN_CP_TYPE, _options(ref.checkpoint_types, lang), list(q.cp_type), lang),
        ),
        html.Div(
            [
                _field(t("an.below", lang), _number(ids.AN_BELOW, q.below, 0, 100, 0.1)),
                _field(
                    t("an.failing", lang),
                    _dropdown(ids.AN_FAILING, _options(ref.elements, lang), q.failing, lang, multi=False),
                ),
            ],
            className="an-row",
        ),
        _field(t("an.gap", lang), _number(ids.AN_GAP_M, q.gap_m, 1, spec.MAX_DISTANCE_M)),
    )


def _cameras_filters(q: spec.Query, ref: spec.Reference, unit_opts: list, lang: str) -> html.Div:
    """The cameras section of the filters."""
    return _section(
        "cameras",
        lang,
        _field(
            t("an.cam_status", lang),
            _choices(
                ids.AN_CAM_STATUS,
                q.cam_status,
                [{"label": t(f"camera.{s}", lang), "value": s} for s in spec.CAMERA_STATUSES],
            ),
        ),
        _field(
            t("an.cam_kind", lang),
            _choices(
                ids.AN_CAM_KIND,
                q.cam_kind,
                [{"label": t(f"camera.kind.{k}", lang), "value": k} for k in spec.CAMERA_KINDS],
            ),
        ),
    )


def _grids_filters(q: spec.Query, ref: spec.Reference, unit_opts: list, lang: str) -> html.Div:
    """The grids section of the filters."""
    return _section(
        "grids",
        lang,
        _field(
            t("an.grid_kind", lang),
            _choices(
                ids.AN_GRID_KIND,
                q.grid_kind,
                [{"label": t(f"grid.kind.{k}", lang), "value": k} for k in spec.GRID_KINDS],
            ),
        ),
        _field(t("an.min_open", lang), _number(ids.AN_MIN_OPEN, q.min_open, 0, 10**6)),
        _flag(ids.AN_HOT, t("an.hot", lang), q.hot),
    )


def _area_filters(q: spec.Query, ref: spec.Reference, unit_opts: list, lang: str) -> html.Div:
    """The area section of the filters."""
    return _section(
        "area",
        lang,
        _field(t("an.unit", lang), _dropdown(ids.AN_UNIT, unit_opts, q.unit, lang, multi=False)),
        html.Div(t("an.area_hint", lang), className="an-hint"),
        html.Div(id=ids.AN_PICKS, className="an-picks"),
        html.Div(
            [
                html.Button(t("an.clear_area", lang), id=ids.AN_CLEAR_AREA, className="an-button"),
                html.Button(t("an.clear_picks", lang), id=ids.AN_CLEAR_PICKS, className="an-button"),
            ],
            className="an-row",
        ),
    )


def _area(q: spec.Query) -> dict[str, Any] | None:
    if q.box:
        return {"box": list(q.box)}
    if q.lasso:
        return {"lasso": [list(p) for p in q.lasso]}
    return None


def layout(lang: str | None = None, **params: str) -> html.Div:
    """The workbench, set to the URL's query (a bad one shows what is wrong over the defaults)."""
    lang = pick(lang)
    who = current()
    try:
        view = opening(get_db(), params, None if who is None else who.area)
    except psycopg2.Error as exc:
        return html.Div(
            [
                header(t("an.title", lang), "an-status", lang),
                html.Div(t(read_failure(exc), lang), className="an-errors"),
            ],
            className="page analyst",
        )
    q, ref = view.query, view.reference
    problems = [f"{k}: {say(v, lang)}" for k, v in view.problems.items()]
    errors = [html.B(t("an.bad_query", lang)), html.Ul([html.Li(p) for p in problems])] if problems else []
    return html.Div(
        [
            dcc.Store(id=ids.LANG, data=lang),
            dcc.Store(id=ids.AN_QUERY, data=spec.encode(q)),
            dcc.Store(id=ids.AN_NEAR_IDS, data=list(q.near_ids)),
            dcc.Store(id=ids.AN_AREA, data=_area(q)),
            dcc.Store(id=ids.AN_MAP_KEY),
            dcc.Store(id=ids.AN_MAP_TILES),
            dcc.Store(id=ids.AN_SELECTION),
            dcc.Store(id=ids.AN_URL),
            header(t("an.title", lang), "an-status", lang),
            html.Main(
                [
                    html.Aside(controls(q, ref, unit_options(view.pickable, q.unit), lang), className="an-panel"),
                    _results(q, errors, lang),
                ],
                className="an-page",
            ),
        ],
        className="page analyst",
    )


def _results(q: spec.Query, errors: list, lang: str) -> html.Section:
    """What the query finds: the problems with it, the map, the table and its exports."""
    exports = [
        html.A(t(f"an.export.{f}", lang), id=f"an-export-{f}", className="an-export", download="", href="#")
        for f in ("csv", "geojson", "gpkg", "html")
    ]
    graph = dcc.Graph(
        id=ids.AN_MAP,
        figure=EMPTY_FIGURE,
        className="an-map",
        responsive=True,
        config={
            "displaylogo": False,
            "scrollZoom": True,
            "displayModeBar": True,
            "modeBarButtonsToRemove": ["toImage"],
        },
    )
    bar = [
        html.Span(id=ids.AN_TOTAL, className="an-total"),
        html.Span(t("an.export", lang), className="an-export-label"),
        html.Span(exports, id=ids.AN_EXPORTS),
    ]
    table = dash_table.DataTable(
        id=ids.AN_TABLE,
        columns=[],
        data=[],
        page_action="custom",
        page_current=q.page,
        page_size=q.size,
        sort_action="custom",
        sort_mode="single",
        sort_by=[{"column_id": q.sort_column, "direction": "desc" if q.desc else "asc"}],
        cell_selectable=True,
        **_table_style(lang),
    )
    return html.Section(
        [
            html.Div(errors, id=ids.AN_ERRORS, className="an-errors" if errors else "an-errors empty"),
            html.Div([graph, html.Div(id=ids.AN_MAP_NOTE, className="an-map-note")], className="an-map-box"),
            html.Div(bar, className="an-table-bar"),
            table,
        ],
        className="an-main",
    )


def _table_style(lang: str) -> dict[str, Any]:
    style = table_style(lang)
    style["style_table"] = {"overflowX": "auto"}
    style["style_header"] = {**style["style_header"], "whiteSpace": "nowrap"}
    style["style_cell"] = {
        **style["style_cell"],
        "textAlign": "left",
        "fontSize": "13px",
        "whiteSpace": "nowrap",
        "maxWidth": "260px",
        "overflow": "hidden",
        "textOverflow": "ellipsis",
    }
    style["style_cell_conditional"] = []
    style["style_data_conditional"] = [
        {"if": {"state": "active"}, "backgroundColor": "#16365a", "border": "1px solid #4dd0e1"}
    ]
    return style
