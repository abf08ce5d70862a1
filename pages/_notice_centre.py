"""The notification centre of the page header (layout only): a bell with the unread count, and the
list of the signed-in user's latest notices, each a link to its case. callbacks/notices.py fills
them; the list opens and closes in the browser (a <details> element, assets/notices.js)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

import ids
from geodata.clock import TZ
from i18n import lang_query, named, t

REFRESH_S = 30  # the bell asks again this often (a push of changes may ask sooner)
SHOWN = 10  # notices in the list


def bell(lang: str) -> html.Details:
    """The bell, its badge and its (closed) list; empty until the first answer."""
    return html.Details(
        [
            dcc.Store(id=ids.NOTICE_CONFIG, data={"lang": lang}),
            dcc.Store(id=ids.NOTICE_STATE),
            dcc.Interval(id=ids.NOTICE_TICK, interval=REFRESH_S * 1000, n_intervals=0),
            html.Summary(
                [html.Span(className="notice-icon"), html.Span(id=ids.NOTICE_COUNT, className="notice-badge none")],
                className="notice-bell",
                title=t("notice.title", lang),
            ),
            html.Div(
                [
                    html.Div(
                        [
                            html.Span(t("notice.title", lang), className="notice-heading"),
                            html.Button(
                                t("notice.all_read", lang), id=ids.NOTICE_ALL_READ, className="notice-all-read"
                            ),
                        ],
                        className="notice-head",
                    ),
                    html.Div(id=ids.NOTICE_LIST, className="notice-list"),
                    html.Div(t("notice.hint", lang), className="notice-foot"),
                ],
                className="notice-panel",
            ),
        ],
        id=ids.NOTICE_CENTRE,
        className="notice-centre",
    )


def badge(count: int) -> tuple[str, str]:
    """(text, class) of the unread badge: hidden at zero, 99+ above 99."""
    if count <= 0:
        return "", "notice-badge none"
    return ("99+" if count > 99 else str(count)), "notice-badge"


def span(seconds: float, lang: str) -> str:
    """A length of time in its largest whole unit: 3 天, 5 小时, 12 分钟."""
    s = abs(seconds)
    if s >= 86_400:
        return t("notice.days", lang, n=int(s // 86_400))
    if s >= 3_600:
        return t("notice.hours", lang, n=int(s // 3_600))
    return t("notice.minutes", lang, n=max(1, int(s // 60)))


def standing(row: dict[str, Any], lang: str) -> str:
    """Where the case stands now: 已超期 3 天, 剩余 5 小时, 已挂账 or 已办结."""
    if not row["is_open"]:
        return t("notice.closed", lang)
    if row["parked"] or row["due_in_s"] is None:
        return t("notice.parked", lang)
    key = "notice.overdue_by" if row["due_in_s"] < 0 else "notice.due_in"
    return t(key, lang, n=span(row["due_in_s"], lang))


def step_name(step: str, level: int, lang: str) -> str:
    """提醒, 催办, or the level an escalation reached (升级至街道, 升级至区)."""
    if step == "escalate" and level in (1, 2):
        return t(f"notice.level.{level}", lang)
    return t(f"notice.step.{step}", lang)


def headline_parts(row: dict[str, Any], lang: str) -> tuple[str, str]:
    """(【升级】城市管理 · 经开第八大街, 已超期 3 天)"""
    place = row["address"] or " ".join(p for p in (row["community"], row["grid"]) if p)
    lead = " · ".join(p for p in (named(row, "category", lang), place) if p)
    return t("notice.tag", lang, step=t(f"notice.step.{row['step']}", lang)) + lead, standing(row, lang)


def headline(row: dict[str, Any], lang: str) -> str:
    """【升级】城市管理 · 经开第八大街 · 已超期 3 天"""
    return " · ".join(headline_parts(row, lang))


def item(row: dict[str, Any], lang: str) -> html.A:
    """One notice: a link to its case (opening the case reads its notices)."""
    at = row["created_at"].astimezone(TZ).strftime("%m-%d %H:%M")
    late = row["is_open"] and row["due_in_s"] is not None and row["due_in_s"] < 0
    urgent = row["step"] == "escalate" or late
    classes = ["notice-item", f"step-{row['step']}", "unread" if not row["read"] else "read"]
    classes += ["notice-urgent" if urgent else "", "notice-late" if late else ""]
    lead, now = headline_parts(row, lang)
    return html.A(
        [
            html.Span([f"{lead} · ", html.Span(now, className="notice-standing")], className="notice-line"),
            html.Span(
                [
                    html.Span(f"#{row['case_id']}", className="notice-case"),
                    html.Span(step_name(row["step"], row["level"], lang), className="notice-step"),
                    html.Span(at, className="notice-at"),
                ],
                className="notice-meta",
            ),
        ],
        href=f"/case/{row['case_id']}{lang_query(lang)}",
        className=" ".join(c for c in classes if c),
        **{"data-notice": str(row["id"])},
    )


def listing(rows: list[dict[str, Any]], lang: str) -> list[html.A] | html.Div:
    """The list of notices, or a line saying there are none."""
    if not rows:
        return html.Div(t("notice.none", lang), className="notice-empty")
    return [item(r, lang) for r in rows]
