"""The workbench's pieces, built from what geodata/cases/work.py read (layout only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import dcc, html

import ids
from geodata.cases.catalogue import Catalogue
from i18n import lang_query, named, t
from i18n.catalogue import CATALOGUE
from pages._case_view import command_facts, deadline, photo_strip, timeline, when
from pages._components import status_line

# The form's inputs, each shown when the action picked asks for it (callbacks/work.py).
FIELDS = ("department", "words", "when", "satisfaction", "passed", "merged_into")
# The inputs of the case panel's form that each required field of a step fills.
INPUT_OF = {
    "department": "department",
    "note": "words",
    "reply": "words",
    "reason": "words",
    "until": "when",
    "due": "when",
    "satisfaction": "satisfaction",
    "passed": "passed",
    "merged_into": "merged_into",
}


def queue_buttons(keys: tuple[str, ...], counts: dict[str, int], picked: str | None, lang: str) -> list:
    """One button per queue, with its count; the picked one marked."""
    return [
        html.Button(
            [
                html.Span(t(f"work.queue.{k}", lang), className="q-name"),
                html.Span(f"{counts.get(k, 0):,}", className="q-count"),
            ],
            id={"type": ids.WORK_QUEUE_BUTTON, "key": k},
            n_clicks=0,
            className="work-queue"
            + (" picked" if k == picked else "")
            + (" alert" if k in ("overdue", "supervised") and counts.get(k) else ""),
        )
        for k in keys
    ]


def _flags(row: dict[str, Any], lang: str) -> str:
    marks = []
    if row["overdue"]:
        marks.append(t("work.flag.overdue", lang))
    if row["supervised"]:
        marks.append(t("work.flag.supervised", lang))
    if row["parked"]:
        marks.append(t("work.flag.parked", lang))
    if row["urge_count"]:
        marks.append(t("work.flag.urged", lang, n=row["urge_count"]))
    if row["rework_count"]:
        marks.append(t("work.flag.rework", lang, n=row["rework_count"]))
    return " · ".join(marks)


def table_rows(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The table's rows."""
    return [
        {
            "id": r["id"],
            "category": named(r, "category", lang),
            "status": named(r, "status_name", lang),
            "place": r["place"] or "—",
            "department": named(r, "department", lang) or "—",
            "deadline": when(r["deadline_at"]) if r["deadline_at"] else t("work.parked_deadline", lang),
            "flags": _flags(r, lang),
            "overdue": bool(r["overdue"]),
            "description": r["description"] or "",
        }
        for r in rows
    ]


def total(queue: str | None, count: int, lang: str) -> str:
    """The line above the table: how many cases the queue holds (or that it is empty)."""
    if queue is None:
        return t("work.no_queue", lang)
    name = t(f"work.queue.{queue}", lang)
    return f"{name} · " + (t("work.total", lang, n=f"{count:,}") if count else t("work.empty", lang))


def status(changed_at: datetime, lang: str, kind: str = "fresh") -> html.Span:
    """The data-freshness line."""
    return status_line(changed_at.isoformat(), lang, kind)


def category_options(cat: Catalogue, lang: str) -> list[dict[str, str]]:
    """Every category and group, by code."""
    return [
        {"label": f"{c.code} {named({'name': c.name, 'name_en': c.name_en}, 'name', lang)}", "value": c.code}
        for c in sorted(cat.categories.values(), key=lambda c: c.code)
    ]


def department_options(cat: Catalogue, lang: str) -> list[dict[str, str]]:
    """Every department."""
    return [
        {"label": named({"name": names[0], "name_en": names[1]}, "name", lang), "value": code}
        for code, names in cat.departments.items()
    ]


def hint(lang: str) -> html.P:
    """Nothing picked yet."""
    return html.P(t("work.pick", lang), className="work-hint")


def missing(lang: str, db_down: bool = False) -> html.P:
    """The case is not there for this user (or the database is away)."""
    return html.P(t("work.err.db" if db_down else "work.err.missing", lang), className="work-hint")


def case_panel(
    case: dict[str, Any] | None,
    events: list[dict[str, Any]],
    lang: str,
    has_actions: bool = True,
    shown: list[dict[str, Any]] | None = None,
    notified: list[dict[str, Any]] | None = None,
) -> list:
    """The case picked: what it is, where, who handles it, by when, its marks and its steps (and a
    word when none is open to this user now)."""
    if case is None:
        return [missing(lang)]
    levels = ("district", "street", "community", "grid")
    facts = [
        (
            t("case.status", lang),
            html.Span(named(case, "status_name", lang), className=f"status-chip {case['status']}"),
        ),
        (t("case.place", lang), " › ".join(case[k] for k in levels if case.get(k)) + f" {case.get('address') or ''}"),
        (t("case.department", lang), named(case, "department", lang) or "—"),
        (t("case.deadline", lang), deadline(case, lang)),
        (t("case.description", lang), case.get("description") or "—"),
        (t("case.reply", lang), case.get("reply") or "—"),
    ]
    return [
        html.H2([f"#{case['id']} ", named(case, "category", lang)], className="work-case-title"),
        dcc.Link(t("work.open_case", lang), href=f"/case/{case['id']}", className="work-case-link", target="_blank"),
        html.Dl([html.Div([html.Dt(k), html.Dd(v)], className="field") for k, v in facts], className="work-facts"),
        *command_facts(case, lang),
        html.Details(
            [html.Summary(t("photos.title", lang) + f"（{len(shown or [])}）"), photo_strip(shown or [], lang)],
            open=True,
            className="work-photos",
        ),
        html.Details(
            [html.Summary(t("case.timeline", lang)), timeline(events, lang, notified)],
            open=True,
            className="work-timeline",
        ),
    ]


def form_inputs(fields: set[str]) -> set[str]:
    """The panel's inputs that a step asking for ``fields`` shows."""
    return {INPUT_OF[f] for f in fields if f in INPUT_OF}


def error(text: str, lang: str) -> html.Div:
    """An answer that names what to fix."""
    del lang
    return html.Div(text, className="work-answer bad")


def _names(actions: list[str], lang: str) -> str:
    return "、".join(_action_name(a, lang) for a in actions) or t("none", lang)


def _action_name(action: str, lang: str) -> str:
    key = f"work.action.{action}"
    return t(key, lang) if key in CATALOGUE else action


def outcome(result: dict[str, Any], action: str, lang: str, statuses: dict[str, tuple]) -> html.Div:
    """What a step did, or why it was not taken; ``statuses`` names the statuses (code → (name,
    name_en, …))."""
    name = _action_name(action, lang)

    def status_name(code: str) -> str:
        names = statuses.get(code)
        return named({"name": names[0], "name_en": names[1]}, "name", lang) if names else code

    if "ok" in result:
        moved = result["ok"]
        return html.Div(
            t("work.done", lang, action=name, id=moved["id"], status=status_name(moved["status"])),
            className="work-answer ok",
        )
    kind = result["error"]
    if kind == "transition":
        text = t(
            "work.err.transition",
            lang,
            status=status_name(result["status"]),
            action=name,
            allowed=_names(result["allowed"], lang),
        )
    elif kind == "not_permitted":
        text = t("work.err.not_permitted", lang, action=name, allowed=_names(result["allowed"], lang))
    elif kind == "fields":
        text = t(
            "work.err.fields",
            lang,
            fields="; ".join(
                f"{t(f'work.field.{k}', lang) if k in INPUT_OF else k}: {v}" for k, v in result["fields"].items()
            ),
        )
    else:
        text = t(f"work.err.{kind}", lang)
    return error(text, lang)


def bulk_outcome(case_ids: list[int], results: list[dict[str, Any]], lang: str, statuses: dict[str, tuple]) -> html.Div:
    """How many of the ticked cases a bulk dispatch moved, and why the others did not."""
    ok = sum(1 for r in results if "ok" in r)
    bad = [(c, r) for c, r in zip(case_ids, results) if "ok" not in r]
    why = (
        ""
        if not bad
        else "：" + "；".join(f"#{c} {outcome(r, 'dispatch', lang, statuses).children}" for c, r in bad[:3])
    )
    return html.Div(
        t("work.bulk.done", lang, ok=ok, bad=len(bad), why=why), className="work-answer " + ("ok" if not bad else "bad")
    )


def due_list(due: list[dict[str, Any]], lang: str) -> list:
    """The checkpoints due for inspection: each opens the inspection form in a tab of its own
    (the same form as the phone's), and its view."""
    total = due[0]["total"] if due else 0
    items = [
        html.Li(
            [
                html.A(
                    r["name"],
                    href=f"/m/inspect/{r['id']}" + lang_query(lang),
                    target="_blank",
                    className="inspect-link",
                ),
                html.Span(
                    f" {named(r, 'type_name', lang)} · "
                    + t("m.inspect.until", lang, day=r["ends_on"].strftime("%m-%d"))
                ),
                html.A(" ›", href=f"/checkpoint/{r['id']}" + lang_query(lang), className="checkpoint-link"),
            ]
        )
        for r in due
    ]
    return [
        html.H3([t("m.inspect.due", lang), html.Span(f" {total}", className="work-count")]),
        html.Ul(items, className="work-due") if items else html.P(t("m.inspect.due.none", lang), className="muted"),
    ]
