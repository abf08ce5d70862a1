"""The body of the case view, built from a case and its timeline (layout only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import dcc, html

from geodata.cases import photos
from geodata.clock import TZ
from i18n import named, t
from pages import _notify_steps as notify_steps


def when(ts: datetime | None) -> str:
    """A timestamp in Beijing time, or a dash."""
    return ts.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if ts else "—"


def missing(lang: str, home: str = "/") -> html.Div:
    """The page for an unknown or malformed case id."""
    return html.Div(
        [
            html.H2(t("case.missing", lang)),
            html.P(t("case.missing_hint", lang)),
            dcc.Link(t("case.back", lang), href=home),
        ],
        className="case-missing",
    )


def _field(label: str, value: Any, cls: str = "") -> html.Div:
    return html.Div([html.Dt(label), html.Dd(value if value not in (None, "") else "—")], className=f"field {cls}")


def photo_strip(shown: list[dict[str, Any]], lang: str) -> html.Div:
    """The case's photos as thumbnails, each opening the whole photo, named by its stage."""
    if not shown:
        return html.Div(t("photos.none", lang), className="case-photos-empty")
    return html.Div(
        [
            html.A(
                [
                    html.Img(
                        src=photos.url(p["case_id"], p["id"], thumb=True), alt=t(f"photo.stage.{p['stage']}", lang)
                    ),
                    html.Span(t(f"photo.stage.{p['stage']}", lang) + " · " + p["uploaded_by_name"]),
                ],
                href=photos.url(p["case_id"], p["id"]),
                target="_blank",
                className="case-photo",
            )
            for p in shown
        ],
        className="case-photos",
    )


def body(
    case: dict[str, Any],
    events: list[dict[str, Any]],
    figure: dict[str, Any],
    lang: str,
    shown: list | None = None,
    steps: list | None = None,
) -> list:
    """Facts, map, photos and timeline of one case (``steps``: its notification steps, which the
    timeline shows among its events)."""
    levels = ("city", "district", "street", "community", "grid")
    place = " › ".join(case[k] for k in levels if case.get(k))
    status = named(case, "status_name", lang)
    facts = html.Dl(
        [
            _field(t("case.category", lang), named(case, "category", lang)),
            _field(t("case.status", lang), html.Span(status, className=f"status-chip {case['status']}")),
            _field(t("case.source", lang), named(case, "source_name", lang)),
            _field(t("case.external", lang), case["external_id"]),
            *[_field(t(f"case.{k}", lang), case[k]) for k in ("source_category", "source_status") if case.get(k)],
            _field(t("case.place", lang), f"{place} {case['address'] or ''}"),
            _field(t("case.grid_manager", lang), case["grid_manager"]),
            _field(t("case.department", lang), named(case, "department", lang)),
            _field(t("case.reported", lang), when(case["reported_at"])),
            _field(t("case.deadline", lang), deadline(case, lang)),
            _field(t("case.description", lang), case["description"], "wide"),
            _field(t("case.reply", lang), case["reply"], "wide"),
            _field(t("case.satisfaction", lang), f"{case['satisfaction']} / 5" if case["satisfaction"] else None),
            _field(t("case.online", lang), t("yes" if case["handled_online"] else "no", lang)),
            _field(
                t("case.merged_into", lang),
                dcc.Link(f"#{case['merged_into']}", href=f"/case/{case['merged_into']}")
                if case["merged_into"]
                else None,
            ),
        ],
        className="case-facts",
    )
    return [
        html.H2([f"#{case['id']} ", named(case, "category", lang)], className="case-heading"),
        html.Div(
            [
                facts,
                dcc.Graph(figure=figure, className="case-map", config={"displayModeBar": False, "scrollZoom": True}),
            ],
            className="case-top",
        ),
        *command_facts(case, lang),
        html.H3(t("photos.title", lang)),
        photo_strip(shown or [], lang),
        html.H3(t("case.timeline", lang)),
        timeline(events, lang, steps),
    ]


def deadline(case: dict[str, Any], lang: str) -> list:
    """The deadline, flagged when overdue; a parked case has none (its clock stopped)."""
    if case.get("deadline_at") is None:
        return [t("work.parked_deadline", lang)]
    flag = html.Span(f" {t('case.overdue', lang)}", className="overdue-flag") if case.get("overdue") else ""
    return [when(case["deadline_at"]), flag]


def command_facts(case: dict[str, Any], lang: str) -> list:
    """The command platform's marks on a case: 督办, 延期, 挂账, 核查, 催办 and 返工 counts."""
    lines = []
    if case.get("supervised_at"):
        lines.append(
            t(
                "work.detail.supervised",
                lang,
                by=case.get("supervised_by") or "—",
                due=when(case.get("supervise_due_at")),
            )
        )
    if case.get("extension_until"):
        lines.append(
            t(
                "work.detail.extension",
                lang,
                until=when(case["extension_until"]),
                reason=case.get("extension_reason") or "—",
            )
        )
    if case.get("deadline_original_at"):
        lines.append(
            t("work.detail.original", lang, at=when(case["deadline_original_at"]), n=case.get("extension_count", 0))
        )
    if case.get("park_requested_at"):
        lines.append(t("work.detail.park_request", lang, reason=case.get("park_reason") or "—"))
    if case.get("parked_at"):
        lines.append(
            t("work.detail.parked", lang, since=when(case["parked_at"]), reason=case.get("park_reason") or "—")
        )
    if case.get("verified_at"):
        lines.append(t("work.detail.verified", lang, at=when(case["verified_at"])))
    if case.get("urge_count") or case.get("rework_count"):
        lines.append(t("work.detail.counts", lang, urge=case.get("urge_count", 0), rework=case.get("rework_count", 0)))
    return [html.Ul([html.Li(line) for line in lines], className="case-marks")] if lines else []


def timeline(events: list[dict[str, Any]], lang: str, notified: list[dict[str, Any]] | None = None) -> html.Ol:
    """Every step of the case, oldest first: when, which step (and the status it moved to), who
    (the user's name), and the note; among them the reminders, urges and escalations that fell due
    (``notified``, geodata.notify.history), each with the messages that told of it."""
    entries = [((s["due_at"], 1, s["id"]), notify_steps.entry(s, when(s["due_at"]), lang)) for s in notified or []]
    for e in events:
        move = f"{named(e, 'from_name', lang) or '∅'} → {named(e, 'to_name', lang)}"
        step = named(e, "action_name", lang) or (
            t("notice.step.escalate", lang) if e.get("action") == "escalate" else None
        )
        who = e.get("actor_name") or e["actor"]
        entries.append(
            (
                (e["at"], 0, e["id"]),
                html.Li(
                    [
                        html.Span(when(e["at"]), className="tl-at"),
                        html.Span(f"{step} · {move}" if step else move, className="tl-move"),
                        html.Span(
                            [
                                who if who == e["actor"] else f"{who}（{e['actor']}）",
                                html.Span(t("case.claimed", lang, who=e["claimed_actor"]), className="tl-claimed")
                                if e.get("claimed_actor")
                                else None,
                            ],
                            className="tl-actor",
                        ),
                        html.Span(e["note"] or "", className="tl-note"),
                    ],
                    className="tl-step",
                ),
            )
        )
    entries.sort(key=lambda entry: entry[0])
    return html.Ol([li for _, li in entries], className="timeline")
