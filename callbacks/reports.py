"""The /reports page's list: the closed periods and the reports the signed-in reader may see
(geodata/reports/listing.py), with download links and, for an admin, the form that makes one."""

from __future__ import annotations

from dash import Input, Output, callback, dcc, html

import ids
from access import csrf
from access.principal import current
from geodata.assessment import periods
from geodata.clock import TZ
from geodata.db import get_db
from geodata.reports import listing, store
from geodata.reports.listing import Entry
from i18n import lang_query, pick, t


def _period_name(label: str, kind: str, lang: str) -> str:
    p = periods.parse(label)
    if kind == "month":
        name = t("rep.period.month", lang, y=p.start.year, m=p.start.month)
    elif kind == "quarter":
        name = t("rep.period.quarter", lang, y=p.start.year, q=(p.start.month - 1) // 3 + 1)
    elif kind == "year":
        name = t("rep.period.year", lang, y=p.start.year)
    else:
        name = label
    return t("rep.page_period", lang, period=name, kind=t(f"rep.kind.{kind}", lang))


def _make_form(label: str, entry: Entry, lang: str) -> html.Form:
    fields = {"csrf": csrf.token(), "period": label, "kind": entry.subject.kind, "key": entry.subject.key, "lang": lang}
    again = bool(entry.files)
    return html.Form(
        [
            *(dcc.Input(type="hidden", name=k, value=v) for k, v in fields.items()),
            html.Button(t("rep.page_regenerate" if again else "rep.page_generate", lang), type="submit"),
        ],
        method="POST",
        action="/reports/generate",
        className="reports-make",
    )


def _row(label: str, entry: Entry, lang: str, admin: bool) -> html.Tr:
    s = entry.subject
    links = []
    for fmt in store.FORMATS:
        if fmt in entry.files:
            href = f"/reports/{label}/{s.kind}/{s.key}.{fmt}{lang_query(lang)}"
            links.append(html.A(fmt.upper(), href=href, className=f"report-link report-{fmt}", download=""))
    made = max(entry.files.values()) if entry.files else None
    when = made.astimezone(TZ).strftime("%Y-%m-%d %H:%M") if made else ""
    note = t("rep.page_generated", lang, at=when) if made else t("rep.page_missing", lang)
    return html.Tr(
        [
            html.Td(t(f"rep.kind_{s.kind}", lang)),
            html.Td(s.name),
            html.Td(links or "—", className="report-links"),
            html.Td(note, className="report-note"),
            html.Td(_make_form(label, entry, lang) if admin else None),
        ],
        className="report-row",
        **{"data-subject": f"{s.kind}/{s.key}"},
    )


@callback(Output(ids.REPORTS_BODY, "children"), Input(ids.REPORTS_REF, "data"))
def fill(ref: dict | None):
    """The periods and the reader's reports."""
    lang = pick((ref or {}).get("lang"))
    who = current()
    found = listing.for_reader(get_db(), who)
    if not found:
        return html.P(t("rep.page_none", lang), className="reports-empty")
    if not any(p.entries for p in found):
        return html.P(t("rep.page_nothing", lang), className="reports-empty")
    admin = who is not None and who.role == "admin"
    out = []
    done = (ref or {}).get("done") or ""
    if done:
        out.append(html.P(t("rep.page_done", lang, subject=done.split("/", 1)[-1], period=done.split("/")[0])))
    for p in found:
        head = html.Tr(
            [
                html.Th(t("rep.col.kind", lang)),
                html.Th(t("rep.page_subject", lang)),
                html.Th(t("rep.page_files", lang)),
                html.Th(""),
                html.Th(""),
            ]
        )
        rows = [_row(p.label, e, lang, admin) for e in p.entries]
        out.append(
            html.Section(
                [html.H2(_period_name(p.label, p.kind, lang)), html.Table([html.Thead(head), html.Tbody(rows)])],
                className="report-period",
                **{"data-period": p.label},
            )
        )
    return out
