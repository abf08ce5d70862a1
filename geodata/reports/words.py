"""The words a report says, shared by the workbook and the PDF (i18n/reports.py holds them)."""

from __future__ import annotations

from datetime import timedelta

from geodata.assessment import history, schemes
from geodata.assessment.indicators import BY_KEY, INDICATORS, Indicator, shown
from geodata.reports.content import Report, Row
from i18n import named, t


def period_name(report: Report, lang: str = "zh") -> str:
    """'2026年11月', '2026年第4季度', '2026年' or 'first至last'."""
    s = report.start
    if report.kind == "month":
        return t("rep.period.month", lang, y=s.year, m=s.month)
    if report.kind == "quarter":
        return t("rep.period.quarter", lang, y=s.year, q=(s.month - 1) // 3 + 1)
    if report.kind == "year":
        return t("rep.period.year", lang, y=s.year)
    last = (report.end - timedelta(days=1)).date()
    return t("rep.period.other", lang, first=s.date().isoformat(), last=last.isoformat())


def title(report: Report, lang: str = "zh") -> str:
    """The report's title: '明湖办事处考核评价月度报告'."""
    return t("rep.title", lang, subject=report.subject.name, kind=t(f"rep.kind.{report.kind}", lang))


def level(grouping: str | None, lang: str = "zh") -> str:
    """A grouping's name: 街道, 社区, 部门, 岗位."""
    return t(f"rep.level.{grouping or 'territory'}", lang)


def flag(value: str | None, lang: str = "zh") -> str:
    """红旗, 黑旗 or nothing."""
    return t(f"rep.flag.{value}", lang) if value in ("red", "black") else ""


def warning(row: Row) -> str:
    """连续两月黑旗 (and so on) for a run of two or more."""
    return history.warning(row.run) or ""


def score(value: float | None) -> str:
    """A score with two decimals, or "—" (不参评)."""
    return "—" if value is None else f"{value:.2f}"


def value(row: Row, key: str) -> str:
    """An indicator's value as shown: a count, a rate in per cent, or "—"."""
    return shown(row.value(key))


def name_of(thing, lang: str = "zh") -> str:
    """The name of an indicator or a scheme in ``lang`` (its ``name``, or ``name_en`` in English)."""
    return named({"name": thing.name, "name_en": thing.name_en}, "name", lang)


def definition(ind: Indicator, lang: str = "zh") -> str:
    """How an indicator is taken: a count, or num ÷ den."""
    if ind.den is None:
        return t("rep.count_def", lang, name=name_of(ind, lang))
    num, den = BY_KEY[ind.num], BY_KEY[ind.den]
    return t("rep.rate_def", lang, num=name_of(num, lang), den=name_of(den, lang))


def indicators_of(applies: str) -> list[Indicator]:
    """The indicators of units and departments ('area') or of posts ('post'), in the table's order."""
    return [i for i in INDICATORS if i.applies == applies]


def item_rule(item: schemes.Item, lang: str = "zh") -> str:
    """One scheme item's bands in words."""
    name = name_of(BY_KEY[item.indicator], lang)
    if BY_KEY[item.indicator].kind == "rate":
        name += "(%)"
    if item.form == "linear":
        return t("rep.form.linear", lang, base=item.base, weight=item.weight or 0.0, name=name)
    if item.form == "threshold":
        if item.per_point is None:
            return t("rep.form.threshold_flat", lang, name=name, at=item.at, full=item.full, floor=item.floor)
        return t(
            "rep.form.threshold", lang, name=name, at=item.at, full=item.full, per=item.per_point, floor=item.floor
        )
    steps = "，".join(t("rep.form.step", lang, bound=b, points=p) for b, p in item.steps)
    return t("rep.form.steps", lang, name=name, steps=steps, floor=item.floor)


def flag_rule(scheme: schemes.Scheme, lang: str = "zh") -> str:
    """A scheme's flag rule in words."""
    if scheme.red_rule == "none" and scheme.black_rule == "none":
        return t("rep.flag_rule.none", lang)
    rule = scheme.red_rule if scheme.red_rule != "none" else scheme.black_rule
    text = t(f"rep.flag_rule.{rule}", lang, v=scheme.red_value or 0, w=scheme.black_value or 0)
    return text + t("rep.flag_rule.min", lang, n=scheme.flag_min)


def scheme_items(scheme: schemes.Scheme, lang: str = "zh") -> list[tuple[str, str]]:
    """(item, rule) of every item of a scheme; the composite says what it weighs."""
    if scheme.scorer == "kpis":
        return [("—", t("rep.scheme.kpis", lang))]
    return [(name_of(BY_KEY[i.indicator], lang), item_rule(i, lang)) for i in scheme.items]


def scheme_name(scheme: schemes.Scheme | None, lang: str = "zh") -> str:
    """'数字城管综合评分（szcg）', or that no scheme ranks."""
    if scheme is None:
        return t("rep.scheme.none", lang)
    return t("rep.scheme_line", lang, name=name_of(scheme, lang), code=scheme.code)
