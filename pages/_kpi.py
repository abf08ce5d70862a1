"""KPI cards (wall strip, drill-down cards): one card per KPI of geodata.kpis, same look everywhere."""

from __future__ import annotations

from dash import html

from geodata.kpis import KPIS, KpiDef, KpiValue
from i18n import t

ARROW = {"up": "▲", "down": "▼", "flat": "＝", "none": "—"}


def value_text(kdef: KpiDef, value: float | None) -> str:
    """A KPI value as shown: counts with thousands separators, rates as percentages."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}%" if kdef.kind == "rate" else f"{int(value):,}"


def delta_text(kdef: KpiDef, kv: KpiValue) -> str:
    """The change against the comparison: counts as ±n, rates in percentage points."""
    d = kv.delta
    if d is None:
        return ""
    if kdef.kind == "rate":
        return f"{d * 100:+.1f}"
    return f"{int(d):+,}"


def kpi_card(kdef: KpiDef, kv: KpiValue, lang: str, card_id: str | None = None) -> html.Div:
    """One card: name, big value, arrow and change coloured by whether it is an improvement."""
    tone = {True: "good", False: "bad", None: "flat"}[kv.good]
    unit = t("kpi.unit.pct", lang) if kdef.kind == "rate" else ""
    sub = f"{kv.num:,}/{kv.den:,}" if kdef.kind == "rate" and kv.den else ""
    props = {"id": card_id} if card_id else {}
    return html.Div(
        [
            html.Div(kdef.label(lang), className="kpi-name"),
            html.Div(value_text(kdef, kv.value), className="kpi-value"),
            html.Div(
                [
                    html.Span(ARROW[kv.trend], className="kpi-arrow"),
                    html.Span(f"{delta_text(kdef, kv)}{unit if kv.delta is not None else ''}", className="kpi-delta"),
                    html.Span(kdef.compare_label(lang), className="kpi-compare"),
                ],
                className=f"kpi-change {tone}",
            ),
            html.Div(sub, className="kpi-sub"),
        ],
        className=f"kpi-card kpi-{kdef.key}",
        title=kdef.definition(lang),
        **props,
    )


def kpi_cards(values: dict[str, KpiValue], lang: str, prefix: str = "kpi") -> list[html.Div]:
    """Every KPI's card, in the order of geodata.kpis.KPIS."""
    return [kpi_card(k, values[k.key], lang, f"{prefix}-{k.key}") for k in KPIS]
