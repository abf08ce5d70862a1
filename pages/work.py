"""工作台 at /work: the working roles' queues, a page of the queue picked, and the case panel with
the steps the user may take now. Layout only; callbacks/work.py fills and drives it."""

from __future__ import annotations

import dash
from dash import dash_table, dcc, html

import ids
from access import csrf
from i18n import pick, t
from pages._components import header
from settings import get_settings

PHOTO_STAGES = ("before", "after", "verify", "report")
PHOTO_ERRORS = ("empty", "too_large", "not_image", "too_many_pixels", "truncated", "stage")

dash.register_page(__name__, path="/work", title="工作台", name="工作台")


def _row(field: str, label: html.Label | str, control) -> html.Div:
    return html.Div(
        [html.Label(label, className="work-label"), control],
        id=f"{ids.WORK_ROW}-{field}",
        className="work-field",
        style={"display": "none"},
    )


def _form(lang: str) -> html.Div:
    return html.Div(
        [
            html.H3(t("work.actions", lang)),
            dcc.RadioItems(
                id=ids.WORK_ACTION,
                options=[],
                value=None,
                className="work-actions",
                inputClassName="work-action-input",
                labelClassName="work-action-label",
            ),
            _row(
                "department",
                t("work.field.department", lang),
                dcc.Dropdown(id=ids.WORK_DEPARTMENT, options=[], clearable=False, className="work-dropdown"),
            ),
            _row(
                "words",
                html.Span(t("work.field.note", lang), id=ids.WORK_WORDS_LABEL),
                dcc.Textarea(id=ids.WORK_WORDS, value="", maxLength=2000, className="work-textarea"),
            ),
            _row(
                "when",
                html.Span(t("work.field.until", lang), id=ids.WORK_WHEN_LABEL),
                dcc.Input(id=ids.WORK_WHEN, type="datetime-local", className="work-input"),
            ),
            _row(
                "satisfaction",
                t("work.field.satisfaction", lang),
                dcc.RadioItems(
                    id=ids.WORK_SCORE,
                    options=[{"label": str(i), "value": i} for i in range(1, 6)],
                    value=5,
                    inline=True,
                    className="work-inline",
                ),
            ),
            _row(
                "passed",
                t("work.field.passed", lang),
                dcc.RadioItems(
                    id=ids.WORK_PASSED,
                    value=True,
                    inline=True,
                    className="work-inline",
                    options=[
                        {"label": t("work.field.passed.yes", lang), "value": True},
                        {"label": t("work.field.passed.no", lang), "value": False},
                    ],
                ),
            ),
            _row(
                "merged_into",
                t("work.field.merged_into", lang),
                dcc.Input(id=ids.WORK_MERGE, type="number", min=1, step=1, className="work-input"),
            ),
            html.Button(
                t("work.submit", lang),
                id=ids.WORK_SUBMIT,
                n_clicks=0,
                className="work-submit",
                accessKey="s",
                disabled=True,
            ),
            html.Div(id=ids.WORK_MESSAGE, className="work-message", role="status"),
            html.H3(t("photos.title", lang)),
            dcc.RadioItems(
                id=ids.WORK_PHOTO_STAGE,
                options=[{"label": t(f"photo.stage.{s}", lang), "value": s} for s in PHOTO_STAGES],
                value="after",
                inline=True,
                className="work-inline",
            ),
            dcc.Upload(
                t("photos.upload", lang),
                id=ids.WORK_UPLOAD,
                accept="image/jpeg,image/png,image/webp",
                multiple=False,
                className="work-upload",
            ),
            html.Div(id=ids.WORK_PHOTO_MESSAGE, className="work-message", role="status"),
        ],
        className="work-form",
    )


def _round_form(lang: str) -> html.Details:
    """新建排查轮次: a name, the days, a checkpoint type (or all) and a unit (or the whole area);
    shown to the roles that may make one (callbacks/work.py)."""
    return html.Details(
        [
            html.Summary(t("work.round.new", lang)),
            dcc.Input(
                id=ids.WORK_ROUND_NAME,
                type="text",
                maxLength=100,
                placeholder=t("work.round.name", lang),
                className="work-input",
            ),
            html.Label(t("work.round.start", lang), className="work-label"),
            dcc.Input(id=ids.WORK_ROUND_START, type="date", className="work-input"),
            html.Label(t("work.round.end", lang), className="work-label"),
            dcc.Input(id=ids.WORK_ROUND_END, type="date", className="work-input"),
            dcc.Dropdown(
                id=ids.WORK_ROUND_TYPE, options=[], placeholder=t("work.round.type", lang), className="work-dropdown"
            ),
            dcc.Dropdown(
                id=ids.WORK_ROUND_UNIT, options=[], placeholder=t("work.round.unit", lang), className="work-dropdown"
            ),
            html.Button(t("work.round.make", lang), id=ids.WORK_ROUND_MAKE, n_clicks=0, className="work-submit"),
            html.Div(id=ids.WORK_ROUND_MESSAGE, className="work-message", role="status"),
        ],
        id=ids.WORK_ROUND,
        className="work-round",
        style={"display": "none"},
    )


def _photo_words(lang: str) -> dict[str, str]:
    """What the browser says after sending a photo, in the page's language."""
    words = {code: t(f"photo.error.{code}", lang) for code in PHOTO_ERRORS}
    return {
        **words,
        "saved": t("m.photo.added", lang),
        "pick_case": t("work.pick", lang),
        "failed": t("m.error.store", lang),
    }


def layout(lang: str | None = None, **_: str) -> html.Div:
    """The frame; every part is filled by callbacks/work.py."""
    lang = pick(lang)
    columns = [
        {"id": "id", "name": t("work.col.id", lang)},
        {"id": "category", "name": t("work.col.category", lang)},
        {"id": "status", "name": t("work.col.status", lang)},
        {"id": "place", "name": t("work.col.place", lang)},
        {"id": "department", "name": t("work.col.department", lang)},
        {"id": "deadline", "name": t("work.col.deadline", lang)},
        {"id": "flags", "name": t("work.col.flags", lang)},
        {"id": "description", "name": t("work.col.description", lang)},
    ]
    table = dash_table.DataTable(
        id=ids.WORK_TABLE,
        columns=columns,
        data=[],
        page_action="custom",
        page_current=0,
        page_size=15,
        page_count=1,
        row_selectable="multi",
        selected_rows=[],
        cell_selectable=True,
        style_table={"overflowX": "auto"},
        style_header={
            "backgroundColor": "#10243d",
            "color": "#4dd0e1",
            "fontWeight": 600,
            "border": "1px solid #1f3b5c",
        },
        style_cell={
            "backgroundColor": "#0d1e34",
            "color": "#eaf6ff",
            "border": "1px solid #1f3b5c",
            "fontFamily": "Noto Sans CJK SC, Microsoft YaHei, sans-serif",
            "fontSize": "14px",
            "padding": "6px 8px",
            "textAlign": "left",
            "whiteSpace": "nowrap",
            "maxWidth": "260px",
            "overflow": "hidden",
            "textOverflow": "ellipsis",
            "cursor": "pointer",
        },
        style_data_conditional=[
            {"if": {"filter_query": "{overdue} = true"}, "color": "#ff8a80"},
            {"if": {"state": "active"}, "backgroundColor": "#16365a", "border": "1px solid #4dd0e1"},
        ],
    )
    return html.Div(
        [
            dcc.Store(id=ids.WORK_CONFIG, data={"lang": lang}),
            dcc.Store(id=ids.WORK_STATE),
            dcc.Store(id=ids.WORK_QUEUE),
            dcc.Store(id=ids.WORK_CASE),
            dcc.Store(id=ids.WORK_FORMS, data={}),
            dcc.Store(id=ids.WORK_DONE, data=0),
            dcc.Store(id=ids.WORK_PHOTO_SENT),
            dcc.Store(id=ids.WORK_FORM_TOKEN, data=csrf.token()),
            dcc.Store(id=ids.WORK_PHOTO_WORDS, data=_photo_words(lang)),
            dcc.Interval(id=ids.WORK_TICK, interval=int(get_settings().refresh_seconds * 1000), n_intervals=0),
            header(t("work.title", lang), ids.WORK_STATUS, lang),
            html.Main(
                [
                    html.Nav(
                        [
                            html.H3(t("work.queues", lang)),
                            html.Div(id=ids.WORK_QUEUES),
                            html.Div(id=ids.WORK_INSPECT, className="work-inspect"),
                            _round_form(lang),
                        ],
                        className="work-queues",
                    ),
                    html.Section(
                        [
                            html.Div(
                                [
                                    dcc.Dropdown(
                                        id=ids.WORK_CATEGORY,
                                        options=[],
                                        placeholder=t("work.filter.category", lang),
                                        className="work-dropdown work-filter",
                                    ),
                                    dcc.Input(
                                        id=ids.WORK_TEXT,
                                        type="search",
                                        debounce=True,
                                        maxLength=100,
                                        placeholder=t("work.filter.text", lang),
                                        className="work-input work-filter",
                                    ),
                                    html.Span(id=ids.WORK_TOTAL, className="work-total"),
                                ],
                                className="work-filters",
                            ),
                            table,
                            html.Div(
                                [
                                    dcc.Dropdown(
                                        id=ids.WORK_BULK_DEPARTMENT,
                                        options=[],
                                        clearable=False,
                                        placeholder=t("work.field.department", lang),
                                        className="work-dropdown work-filter",
                                    ),
                                    html.Button(
                                        t("work.bulk", lang), id=ids.WORK_BULK, n_clicks=0, className="work-submit"
                                    ),
                                ],
                                id=ids.WORK_BULK_BAR,
                                className="work-bulk",
                                style={"display": "none"},
                            ),
                        ],
                        className="work-list",
                    ),
                    html.Aside(
                        [html.Div(id=ids.WORK_DETAIL, className="work-detail"), _form(lang)], className="work-panel"
                    ),
                ],
                className="work-page",
            ),
        ],
        className="page work",
    )
