"""Charts of the drill-down page (plotly figure dicts, dark theme, labels in the page's language)."""

from __future__ import annotations

from typing import Any

from i18n import named, t

TEXT = "#d5e7f7"
GRID = "#1f3b5c"
NEW, CLOSED, OVERDUE, OPEN = "#4dd0e1", "#4cdf7a", "#ff5252", "#f2c14e"


def _layout(**extra: Any) -> dict[str, Any]:
    """The shared dark layout."""
    return {
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif", "color": TEXT, "size": 13},
        "margin": {"l": 48, "r": 48, "t": 8, "b": 36},
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "bgcolor": "rgba(0,0,0,0)"},
        "hoverlabel": {"bgcolor": "#13233a", "bordercolor": "#4dd0e1", "font": {"color": "#eaf6ff"}},
        **extra,
    }


def _axis(**extra: Any) -> dict[str, Any]:
    return {"gridcolor": GRID, "zerolinecolor": GRID, "linecolor": GRID, "automargin": True, **extra}


def _counts(values: list[int], **extra: Any) -> dict[str, Any]:
    """An axis of case counts from zero: whole-number ticks even when the counts are small."""
    ticks = {"tickmode": "linear", "dtick": 1} if max(values, default=0) < 6 else {"tickmode": "auto"}
    return _axis(rangemode="tozero", **ticks, **extra)


def trend_figure(data: dict[str, list], lang: str) -> dict[str, Any]:
    """New and closed cases per day as bars, overdue at the end of each day as a line (right axis)."""
    days = [d.isoformat() for d in data["day"]]
    traces = [
        {"type": "bar", "name": t("unit.trend.new", lang), "x": days, "y": data["new"], "marker": {"color": NEW}},
        {
            "type": "bar",
            "name": t("unit.trend.closed", lang),
            "x": days,
            "y": data["closed"],
            "marker": {"color": CLOSED},
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": t("unit.trend.overdue", lang),
            "x": days,
            "y": data["overdue"],
            "yaxis": "y2",
            "line": {"color": OVERDUE, "width": 2.5},
        },
    ]
    layout = _layout(
        barmode="group",
        bargap=0.25,
        hovermode="x unified",
        xaxis=_axis(type="date", tickformat="%m-%d"),
        yaxis=_counts(data["new"] + data["closed"], title={"text": t("unit.trend.count", lang)}),
        yaxis2=_counts(
            data["overdue"],
            overlaying="y",
            side="right",
            showgrid=False,
            title={"text": t("unit.trend.overdue", lang), "font": {"color": OVERDUE}},
        ),
    )
    return {"data": traces, "layout": layout}


CATEGORY_BARS = 5  # the panel's height holds this many categories' pairs of bars, then "other"


def category_figure(data: dict[str, list], lang: str) -> dict[str, Any]:
    """Per top-level category: reported in the window and open now, as horizontal bars; past
    ``CATEGORY_BARS`` categories the rest are summed into one "other" (the data comes in order of
    reported, then open)."""
    names = [named({"name": zh, "name_en": en}, "name", lang) for zh, en in zip(data["name"], data["name_en"])]
    data = {"reported": list(data["reported"]), "open": list(data["open"])}
    if len(names) > CATEGORY_BARS + 1:
        keep = CATEGORY_BARS
        names = [*names[:keep], t("unit.cat.other", lang, n=len(names) - keep)]
        data = {key: [*values[:keep], sum(values[keep:])] for key, values in data.items()}
    names = names[::-1]
    traces = [
        {
            "type": "bar",
            "orientation": "h",
            "name": t("unit.cat.reported", lang),
            "y": names,
            "x": data["reported"][::-1],
            "marker": {"color": NEW},
        },
        {
            "type": "bar",
            "orientation": "h",
            "name": t("unit.cat.open", lang),
            "y": names,
            "x": data["open"][::-1],
            "marker": {"color": OPEN},
        },
    ]
    layout = _layout(
        barmode="group",
        bargap=0.2,
        bargroupgap=0.05,
        xaxis=_counts(data["reported"] + data["open"]),
        yaxis=_axis(showgrid=False, dtick=1),
        margin={"l": 8, "r": 16, "t": 26, "b": 24},
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"},
    )
    return {"data": traces, "layout": layout}
