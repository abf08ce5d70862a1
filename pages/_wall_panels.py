"""Panel bodies of the wall display, built from data the callbacks fetched (layout only).

Cases carry ``data-case``; one delegated click handler (assets/wall.js) opens /case/<id>, so the
panels, replaced on every change, add no event listeners (the soak test counts them)."""

from __future__ import annotations

from typing import Any

from dash import html

from geodata.assessment.standing import Standing
from geodata.kpis import BY_KEY
from i18n import named, t
from layers.base import LegendItem
from pages._kpi import value_text

FLAG = {"red": ("flag-red", "wall.red"), "black": ("flag-black", "wall.black"), "": ("", "")}


def duration(seconds: float, lang: str) -> str:
    """A case age or time left, in the largest sensible unit."""
    s = abs(float(seconds))
    if s >= 86_400:
        return f"{s / 86_400:.1f}{t('wall.days', lang)}"
    if s >= 3_600:
        return f"{s / 3_600:.1f}{t('wall.hours', lang)}"
    return f"{max(1, int(s // 60))}{t('wall.minutes', lang)}"


def ranking_table(ranked: Standing, lang: str) -> html.Table | html.Div:
    """Rank, flag, name, score and the KPIs behind it, under a caption naming the scheme."""
    rows = ranked.rows
    if not rows:
        return html.Div(t("wall.no_cases", lang), className="empty")
    head = html.Tr(
        [
            html.Th("#"),
            html.Th(""),
            html.Th(t("wall.scope", lang)),
            html.Th(t("wall.score", lang)),
            html.Th(BY_KEY["on_time_rate"].label(lang)),
            html.Th(BY_KEY["satisfaction"].label(lang)),
            html.Th(BY_KEY["overdue"].label(lang)),
        ]
    )
    body = []
    for r in rows:
        cls, key = FLAG[r.flag]
        flag = html.Span(t(key, lang), className=f"flag {cls}") if r.flag else ""
        score = f"{r.score:.1f}" if r.score is not None else "—"
        body.append(
            html.Tr(
                [
                    html.Td(str(r.rank), className="rank"),
                    html.Td(flag),
                    html.Td(r.name, className="name"),
                    html.Td(score, className="score"),
                    html.Td(value_text(BY_KEY["on_time_rate"], r.kpis["on_time_rate"].value)),
                    html.Td(value_text(BY_KEY["satisfaction"], r.kpis["satisfaction"].value)),
                    html.Td(value_text(BY_KEY["overdue"], r.kpis["overdue"].value)),
                ],
                className=f"rank-row {cls}",
            )
        )
    caption = html.Caption(ranked.caption(lang), className="ranking-scheme")
    return html.Table([caption, html.Thead(head), html.Tbody(body)], className="ranking")


def _place(row: dict[str, Any]) -> str:
    return " · ".join(p for p in (row["community"], row["grid"]) if p)


def _marks(r: dict[str, Any], lang: str) -> list[html.Span]:
    """The tags of an urgent case: the level it was escalated to (升级至街道, 升级至区) and 督办."""
    marks = []
    if r.get("escalation"):
        level = 2 if r["escalation"] >= 2 else 1
        marks.append(html.Span(t(f"notice.level.{level}", lang), className=f"case-escalated level-{level}"))
    if r.get("supervised"):
        marks.append(html.Span(t("work.flag.supervised", lang), className="case-supervised"))
    return marks


def urgent_list(rows: list[dict[str, Any]], lang: str) -> html.Ol | html.Div:
    """Open cases by urgency (the escalated first, then 督办): category, place, age, department and
    time past or to the deadline."""
    if not rows:
        return html.Div(t("wall.no_cases", lang), className="empty")
    items = []
    for r in rows:
        overdue = r["due_in_s"] < 0
        due = f"{t('wall.overdue_by' if overdue else 'wall.due_in', lang)} {duration(r['due_in_s'], lang)}"
        category = named(r, "category", lang)
        dept = named(r, "department", lang) or ""
        items.append(
            html.Li(
                [
                    html.Div(
                        [
                            html.Span([*_marks(r, lang), html.Span(category, className="case-cat")]),
                            html.Span(due, className="case-due"),
                        ],
                        className="case-line",
                    ),
                    html.Div(
                        [
                            html.Span(_place(r), className="case-place"),
                            html.Span(f"{t('wall.age', lang)} {duration(r['age_s'], lang)}", className="case-age"),
                            html.Span(dept, className="case-dept"),
                        ],
                        className="case-meta",
                    ),
                ],
                className=" ".join(
                    c for c in ("case", "overdue" if overdue else "", "escalated" if r.get("escalation") else "") if c
                ),
                **{"data-case": str(r["id"])},
            )
        )
    return html.Ol(items, className="case-list")


def ticker_items(rows: list[dict[str, Any]], lang: str) -> list[html.Span]:
    """The latest cases as one line each; the track repeats them so the scroll loops seamlessly."""
    items = []
    for r in rows:
        category = named(r, "category", lang)
        dept = named(r, "department", lang) or ""
        items.append(
            html.Span(
                [
                    html.B(category),
                    f"  {_place(r)} {r['address']}  ",
                    html.Span(duration(r["age_s"], lang), className="t-age"),
                    f"  {dept}",
                ],
                className="ticker-item",
                **{"data-case": str(r["id"])},
            )
        )
    if not items:
        return [html.Span(t("wall.no_cases", lang), className="ticker-item")]
    return items


def legend(items: list[LegendItem], lang: str) -> list[html.Div]:
    """The map legend rows."""
    return [
        html.Div(
            [html.Span(className=f"swatch {i.shape}", style={"--swatch": i.color}), html.Span(i.label(lang))],
            className="legend-row",
        )
        for i in items
    ]


def stale_banner(last_ok: str, lang: str) -> html.Div:
    """The outage banner: the picture is kept, and says how old it is."""
    return html.Div(f"⚠ {t('map.stale', lang)} {last_ok}", className="wall-banner", role="alert")
