"""Panels of the drill-down page: plain functions from drill-down data to components (no queries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import unquote

from dash import html
from dash.dash_table.Format import Format, Scheme

from geodata.clock import TZ
from geodata.drilldown import Crumb
from geodata.kpis import BY_KEY, KpiValue, RankRow
from geodata.units import Unit
from i18n import lang_query, named, t
from layers.base import ColourClasses
from layers.unit_map import EXCLUSIVE_LINE, legend_items
from pages._kpi import value_text

FLAG_MARK = "⚑"
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
RANK_KPIS = (
    *("open", "overdue", "on_time_rate", "satisfaction", "online_rate"),
    *("checkpoint_rate", "inspection_progress", "cameras_online"),
)
FLAG_STYLE = {
    "red": {"color": "#ff453a", "fontWeight": 700},
    "black": {"color": "#ffffff", "backgroundColor": "#000000", "fontWeight": 700},
}


def map_label(name: str, parent: str) -> str:
    """A sub-unit's name as drawn on the map: without its parent's name in front, and with
    full-width digits, which the browser draws itself (the offline basemap has no Latin glyphs)."""
    short = name[len(parent) :] if name.startswith(parent) and len(name) > len(parent) else name
    return short.translate(FULLWIDTH)


def unit_href(code: str, lang: str, case_id: int | None = None) -> str:
    """The drill-down URL of a unit (keeping the language), optionally at one case's row. Links
    with the class ``unit-link`` move the page's own Location to it (assets/unit.js)."""
    return f"/unit/{code}" + lang_query(lang) + (f"#case-{case_id}" if case_id else "")


def duration(seconds: float, lang: str) -> str:
    """A span of time as days and hours (or hours and minutes when under a day)."""
    days, rest = divmod(max(int(seconds), 0), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return t("unit.span.days", lang, d=days, h=hours)
    return t("unit.span.hours", lang, h=hours, m=minutes)


def when(ts: datetime | None) -> str:
    """A timestamp as Beijing month-day hour:minute."""
    return ts.astimezone(TZ).strftime("%m-%d %H:%M") if ts else "—"


def rows_of(columns: dict[str, list]) -> list[dict[str, Any]]:
    """Column lists (as fetched) to row dicts."""
    keys = list(columns)
    return [dict(zip(keys, values)) for values in zip(*columns.values())] if keys else []


def table(
    headers: list[str],
    rows: list[list[Any]],
    row_ids: list[str] | None = None,
    row_classes: list[str] | None = None,
    lang: str = "zh",
) -> html.Table | html.Div:
    """A compact dark table; an empty one says so."""
    if not rows:
        return html.Div(t("unit.none", lang), className="empty")
    body = []
    for i, cells in enumerate(rows):
        props: dict[str, Any] = {"className": row_classes[i] if row_classes else ""}
        if row_ids:
            props["id"] = row_ids[i]
        body.append(html.Tr([html.Td(c) for c in cells], **props))
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(body)], className="data")


def not_found(code: str | None, root: str | None, lang: str) -> html.Div:
    """The page for an unknown or malformed unit code, with a link to the top."""
    back = [html.A(t("unit.missing.back", lang), href=unit_href(root, lang), className="unit-link")] if root else []
    return html.Div(
        [
            html.H1(t("unit.missing", lang)),
            html.P(t("unit.missing.detail", lang).format(code=unquote(code or ""))),
            *back,
        ],
        className="unit-missing",
    )


def crumbs(items: list[Crumb], lang: str) -> list[Any]:
    """区 › 办事处 › 社区 › 网格: every level above is a link, the unit itself is not."""
    out: list[Any] = []
    for i, crumb in enumerate(items):
        inner = [html.Span(t(f"unit.level.{crumb.level}", lang), className="level-tag"), crumb.name]
        last = i == len(items) - 1
        if out:
            out.append(html.Span("›", className="sep"))
        out.append(
            html.Span(inner, className="crumb current")
            if last
            else html.A(inner, href=unit_href(crumb.code, lang), className="crumb unit-link")
        )
    return out


def unit_info(unit: Unit, n_children: int, lang: str) -> html.Dl:
    """Who is in charge (the grid worker, for a grid), population, households, sub-units."""
    person = t("unit.worker" if unit.level == "grid" else "unit.manager", lang)
    facts = [
        (person, unit.manager or "—"),
        (t("unit.phone", lang), unit.phone or "—"),
        (t("unit.population", lang), f"{unit.population:,}" if unit.population is not None else "—"),
        (t("unit.households", lang), f"{unit.households:,}" if unit.households is not None else "—"),
    ]
    if unit.level != "grid" and n_children:  # the levels below the deepest loaded are absent, not "0个办事处"
        facts.append((t("unit.children", lang), t(f"unit.count.{unit.below}", lang, n=n_children)))
    if unit.exclusive:
        facts.append((t("unit.level.grid", lang), t("unit.kind.exclusive", lang)))
    return html.Dl([part for k, v in facts for part in (html.Dt(k), html.Dd(v))], className="facts")


def ranking_columns(lang: str) -> list[dict[str, Any]]:
    """Columns of the ranking table: place, flag, unit, score, then the KPIs it is built from."""
    cols: list[dict[str, Any]] = [
        {"id": "rank", "name": t("unit.col.rank", lang), "type": "numeric"},
        {"id": "flag", "name": t("unit.col.flag", lang)},
        {"id": "name", "name": t("unit.col.name", lang)},
        {
            "id": "score",
            "name": t("unit.col.score", lang),
            "type": "numeric",
            "format": Format(precision=1, scheme=Scheme.fixed),
        },
    ]
    for key in RANK_KPIS:
        kdef = BY_KEY[key]
        fmt = Format(precision=1, scheme=Scheme.percentage) if kdef.kind == "rate" else Format()
        cols.append({"id": key, "name": kdef.label(lang), "type": "numeric", "format": fmt})
    return cols


def flag_text(flag: str, lang: str) -> str:
    """The flag as shown: a marker and 红旗 or 黑旗."""
    return f"{FLAG_MARK} {t(f'unit.{flag}', lang)}" if flag else ""


def table_style(lang: str = "zh") -> dict[str, Any]:
    """DataTable styling for the dark theme, with red and black flags."""
    flags = [
        {"if": {"filter_query": f'{{flag}} = "{flag_text(f, lang)}"', "column_id": "flag"}, **style}
        for f, style in FLAG_STYLE.items()
    ]
    return {
        "style_table": {"maxHeight": "340px", "overflowY": "auto"},
        "style_header": {
            "backgroundColor": "#10243d",
            "color": "#4dd0e1",
            "fontWeight": 600,
            "border": "1px solid #1f3b5c",
            "whiteSpace": "normal",
        },
        "style_cell": {
            "backgroundColor": "#0d1e34",
            "color": "#eaf6ff",
            "border": "1px solid #1f3b5c",
            "fontFamily": "Noto Sans CJK SC, Microsoft YaHei, sans-serif",
            "fontSize": "14px",
            "padding": "4px 8px",
            "textAlign": "right",
        },
        "style_cell_conditional": [{"if": {"column_id": c}, "textAlign": "left"} for c in ("flag", "name")],
        "style_data_conditional": [
            *flags,
            {"if": {"column_id": "name"}, "color": "#4dd0e1", "cursor": "pointer", "textDecoration": "underline"},
            {"if": {"state": "active"}, "backgroundColor": "#16365a", "border": "1px solid #4dd0e1"},
        ],
    }


def ranking_rows(rows: list[RankRow], lang: str) -> list[dict[str, Any]]:
    """Ranking table rows; ``id`` is the child's code (a click on its name drills into it)."""
    out = []
    for r in rows:
        row: dict[str, Any] = {
            "id": r.code,
            "rank": r.rank,
            "flag": flag_text(r.flag, lang),
            "name": r.name,
            "score": None if r.score is None else round(r.score, 1),
        }
        row.update({k: r.kpis[k].value for k in RANK_KPIS})
        out.append(row)
    return out


def map_legend(classes: ColourClasses, exclusive: bool, lang: str) -> list[html.Div]:
    """Legend rows of the map's colour classes, plus the exclusive-grid outline when shown."""
    items = [(i.color, i.label(lang), i.shape) for i in legend_items(classes)]
    if exclusive:
        items.append((EXCLUSIVE_LINE, t("unit.legend.exclusive", lang), "line"))
    return [
        html.Div(
            [html.Span(className=f"swatch {shape}", style={"--swatch": color}), html.Span(label)],
            className="legend-row",
        )
        for color, label, shape in items
    ]


def overdue_table(data: dict[str, list], lang: str) -> html.Table | html.Div:
    """The most overdue cases; each case links to its row in its grid's case list."""
    rows, cells = rows_of(data), []
    for r in rows:
        link = html.A(f"#{r['id']}", href=unit_href(r["unit_code"], lang, r["id"]), className="case-link unit-link")
        cells.append(
            [
                link,
                named(r, "category", lang),
                named(r, "department", lang) or "—",
                duration(r["age_s"], lang),
                html.Span(duration(r["overdue_s"], lang), className="late"),
                r["unit_name"] or "—",
            ]
        )
    headers = [t(f"unit.col.{k}", lang) for k in ("case", "category", "department", "age", "overdue_by", "grid")]
    return table(headers, cells, lang=lang)


def compliance(elements: int, passed: int) -> str:
    """Share of elements passed, as shown."""
    return f"{100 * passed / elements:.0f}%" if elements else "—"


def checkpoint_table(data: dict[str, list], lang: str, with_department: bool = False) -> html.Table | html.Div:
    """Checkpoints with their latest inspection: compliance and the failing elements."""
    cells = []
    for r in rows_of(data):
        inspected = when(r["inspected_at"]) if r["inspected_at"] else t("unit.cp.never", lang)
        row = [
            html.A(r["name"], href=f"/checkpoint/{r['id']}" + lang_query(lang), className="checkpoint-link"),
            named(r, "type_name", lang),
            compliance(r["elements"], r["passed"]),
            named(r, "failing", lang) or "—",
            inspected,
        ]
        cells.append(row + ([named(r, "department", lang) or "—"] if with_department else []))
    keys = ["checkpoint", "type", "compliance", "failing", "inspected"] + (["department"] if with_department else [])
    return table([t(f"unit.col.{k}", lang) for k in keys], cells, lang=lang)


def headline(kv: KpiValue, detail: str) -> html.Div:
    """A KPI's big value with a detail line beneath."""
    return html.Div(
        [html.Div(value_text(BY_KEY[kv.key], kv.value), className="big"), html.Div(detail, className="detail")],
        className="headline",
    )


def checkpoint_panel(
    kv: KpiValue, points: dict[str, list], lang: str, every: bool = False, progress: list[dict] | None = None
) -> list[Any]:
    """Compliance of the unit's checkpoints (the KPI), the running rounds' coverage per type
    (排查进度), then its weakest checkpoints, or ``every`` checkpoint with its department (a grid's
    own list)."""
    extra = kv.extra
    detail = t("unit.cp.summary", lang).format(
        n=extra.get("checkpoints", 0), i=extra.get("inspected", 0), f=extra.get("fully", 0)
    )
    heading = t("unit.grid.checkpoints" if every else "unit.cp.weakest", lang)
    coverage = [
        html.Span(
            f"{named(r, 'name', lang)} {r['inspected']}/{r['due']}",
            className="cp-cover " + ("done" if r["inspected"] == r["due"] else "due"),
        )
        for r in progress or []
    ]
    rounds_line = [html.Div([html.B(t("kpi.inspection_progress", lang) + "："), *coverage], className="cp-covers")]
    return [
        headline(kv, detail),
        *(rounds_line if coverage else []),
        html.H4(heading),
        checkpoint_table(points, lang, with_department=every),
    ]


def camera_panel(kv: KpiValue, kinds: dict[str, list], offline: dict[str, list], lang: str) -> list[Any]:
    """Cameras online now (the KPI), online and offline per kind, and the longest offline."""
    online, total = kv.num or 0, kv.den or 0
    detail = f"{t('unit.cam.online', lang)} {online:,} · {t('unit.cam.offline', lang)} {total - online:,}"
    bars = []
    for r in rows_of(kinds):
        n = r["online"] + r["offline"]
        bars.append(
            html.Div(
                [
                    html.Span(t(f"unit.cam.{r['kind']}", lang), className="bar-label"),
                    html.Div(
                        [html.Div(className="bar-on", style={"width": f"{100 * r['online'] / n:.1f}%"})],
                        className="bar",
                    ),
                    html.Span(f"{r['online']}/{n}", className="bar-value"),
                ],
                className="bar-row",
            )
        )
    cells = [[r["name"], r["grid_name"] or "—", when(r["last_seen_at"])] for r in rows_of(offline)]
    headers = [t("unit.col.camera", lang), t("unit.col.grid", lang), t("unit.col.last_seen", lang)]
    return [
        headline(kv, detail),
        html.Div(bars, className="bars"),
        html.H4(t("unit.cam.longest", lang)),
        table(headers, cells, lang=lang),
    ]


def grid_cases_panel(cases: dict[str, list], lang: str) -> html.Section:
    """A grid's own case list; each row is anchored at #case-<id> for the overdue lists' links, and
    each case number opens the case view (/case/<id>)."""
    rows = rows_of(cases)
    suffix = lang_query(lang)
    cells = [
        [
            html.A(f"#{r['id']}", href=f"/case/{r['id']}{suffix}", className="case-view-link"),
            named(r, "status", lang),
            named(r, "category", lang),
            named(r, "department", lang) or "—",
            r["address"] or "—",
            when(r["reported_at"]),
            html.Span(
                [
                    when(r["deadline_at"]),
                    *([html.Span(t("unit.overdue_tag", lang), className="tag late")] if r["overdue"] else []),
                ]
            ),
        ]
        for r in rows
    ]
    keys = ("case", "status", "category", "department", "place", "reported", "deadline")
    classes = ["overdue" if r["overdue"] else "open" if r["is_open"] else "" for r in rows]
    case_table = table(
        [t(f"unit.col.{k}", lang) for k in keys], cells, [f"case-{r['id']}" for r in rows], classes, lang
    )
    return html.Section(
        [html.H3(t("unit.grid.cases", lang), className="box-title"), case_table], className="box grid-cases-box"
    )
