"""The data-import page (/import) as server-rendered HTML: a file input must post a real
multipart form (large files never pass through a Dash callback), like the sign-in page. Layout
only: callbacks/imports.py decides what to show. Every value written here is escaped."""

from __future__ import annotations

from html import escape
from typing import Any

from geodata.load import command as load
from geodata.load import runs as import_runs
from i18n import t
from pages._components import NAV

COUNTS = ("read", "loaded", "updated", "unchanged", "rejected", "repaired")


def _header(lang: str, csrf: str) -> str:
    suffix = "?lang=en" if lang == "en" else ""
    links = "".join(f'<a href="{href}{suffix}">{escape(t(key, lang))}</a>' for key, href in NAV)
    other = "zh" if lang == "en" else "en"
    return (
        f'<header class="topbar"><div class="brand"><span class="district">{escape(t("app.district", lang))}'
        f'</span><h1>{escape(t("im.title", lang))}</h1></div><nav class="nav">{links}</nav>'
        f'<div class="status-line"></div><a class="lang-switch" href="?lang={other}">'
        f'{"English" if other == "en" else "中文"}</a><form class="signout-form" method="post" action="/logout">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        '<button class="lang-switch signout" type="submit">'
        f"{escape(t('nav.signout', lang))}</button></form></header>"
    )


def _field(label: str, control: str) -> str:
    return f'<div class="im-field"><label class="im-label">{escape(label)}</label>{control}</div>'


def form(lang: str, csrf: str) -> str:
    """The upload form."""
    kinds = "".join(f'<option value="{k}">{escape(t(f"im.kind.{k}", lang))}</option>' for k in load.KINDS)
    levels = f'<option value="">{escape(t("im.level.auto", lang))}</option>' + "".join(
        f'<option value="{lv}">{lv}</option>' for lv in load.LEVELS
    )
    accept = ",".join(import_runs.SUFFIXES)
    return (
        '<form class="im-form" action="/import/upload" method="post" enctype="multipart/form-data">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="lang" value="{lang}">'
        + _field(t("im.kind", lang), f'<select id="im-kind" name="kind" class="im-input">{kinds}</select>')
        + _field(
            t("im.file", lang),
            f'<input id="im-file" type="file" name="file" class="im-input" accept="{accept}" required>',
        )
        + _field(t("im.crs", lang), '<input id="im-crs" name="crs" class="im-input" placeholder="EPSG:4326">')
        + _field(t("im.level", lang), f'<select id="im-level" name="level" class="im-input">{levels}</select>')
        + _field(t("im.source", lang), '<input id="im-source" name="source" class="im-input" placeholder="import">')
        + _field(
            t("im.map", lang),
            '<textarea id="im-map" name="map" class="im-input" rows="2" placeholder="lon=GPS_X"></textarea>',
        )
        + f'<label class="im-check"><input id="im-repair" type="checkbox" name="repair" value="1">'
        f"{escape(t('im.repair', lang))}</label>"
        + f'<label class="im-check"><input id="im-dry-run" type="checkbox" name="dry_run" value="1">'
        f"{escape(t('im.dry_run', lang))}</label>"
        + f'<p class="im-hint" id="im-bulk-hint">{escape(t("im.bulk_hint", lang).format(n=load.BULK_MIN_ROWS))}</p>'
        + f'<button id="im-submit" class="im-submit" type="submit">{escape(t("im.submit", lang))}</button></form>'
    )


def report(run: dict[str, Any], lang: str) -> str:
    """One load's report: counts, the refusal or the rejections, and the rejected rows' download."""
    head = f'<section class="im-report"><h2>{escape(t("im.report", lang))} · {escape(run["file"])}</h2>'
    if run.get("error"):
        return (
            head + f'<div class="im-failed">{escape(t("im.failed", lang))}</div>'
            f'<pre class="im-error" id="im-error">{escape(run["error"])}</pre></section>'
        )
    counts = run["counts"]
    cells = "".join(
        f'<div class="im-count"><div class="im-count-name">{escape(t(f"im.count.{k}", lang))}</div>'
        f'<div class="im-count-value" id="im-count-{k}">{counts[k]:,}</div></div>'
        for k in COUNTS
    )
    body = head + f'<div class="im-counts">{cells}</div>'
    if run.get("dry_run"):
        body += f'<div class="im-dry">{escape(t("im.dry", lang))}</div>'
    if run.get("bulk"):
        body += f'<div class="im-dry" id="im-bulk">{escape(t("im.bulk", lang))}</div>'
    if run.get("rejected"):
        rows = "".join(
            f"<tr><td>{int(r[0])}</td><td>{escape(str(r[2] if lang == 'en' else r[1]))}</td></tr>"
            for r in run["rejected"][:50]
        )
        body += (
            f'<a class="im-download" id="im-download" href="/import/rejected/{escape(run["token"])}.csv">'
            f"{escape(t('im.rejected_rows', lang))}</a><h3>{escape(t('im.reasons', lang))}</h3>"
            f'<table class="im-reasons">{rows}</table>'
        )
    return (
        body + f'<details class="im-details"{" open" if lang == "en" else ""}><summary>'
        f'{escape(t("im.summary", lang))}</summary><pre class="im-summary" id="im-summary">'
        f"{escape(run.get('summary', ''))}</pre></details></section>"
    )


def page(lang: str, main: str, csrf: str) -> str:
    """The whole document."""
    return (
        f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
        f"<title>{escape(t('im.title', lang))} · 网格治理</title>"
        '<link rel="stylesheet" href="/assets/gridops.css"><link rel="stylesheet" href="/assets/imports.css">'
        f'</head><body><div class="page imports">{_header(lang, csrf)}<main class="im-page">{main}</main></div>'
        "</body></html>"
    )


def message(text: str) -> str:
    """A notice in place of the form."""
    return f'<div class="im-failed">{escape(text)}</div>'
