"""The body of the checkpoint view, from geodata.inspections.history.view (layout only)."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from geodata.clock import TZ
from i18n import named, t
from pages._case_view import when

PASS, FAIL = "#43a047", "#e53935"
PASS_CARRIED, FAIL_CARRIED = "#2e5e34", "#7a2f30"  # a result carried from an earlier inspection


def missing(lang: str) -> html.Div:
    """The page for an unknown checkpoint, or one outside the reader's area."""
    return html.Div(
        [html.H2(t("cp.missing", lang)), dcc.Link(t("case.back", lang), href="/")], className="case-missing"
    )


def _badge(point: dict[str, Any], lang: str) -> html.Span:
    if point["latest"] is None:
        return html.Span(t("cp.never", lang), className="cp-badge none")
    if point["compliant"]:
        return html.Span(t("cp.compliant", lang), className="cp-badge ok")
    return html.Span(t("cp.not_compliant", lang), className="cp-badge bad")


def _elements(point: dict[str, Any], lang: str) -> html.Table:
    rows = []
    for e in point["elements"]:
        mark = "✓" if e["passed"] else ("✗" if e["passed"] is not None else "·")
        case = e.get("case_id")
        rows.append(
            html.Tr(
                [
                    html.Td(
                        mark,
                        className=f"cp-mark {'pass' if e['passed'] else 'fail' if e['passed'] is not None else ''}",
                    ),
                    html.Td(named(e, "name", lang)),
                    html.Td(
                        t("m.inspect.device", lang) if e["device"] else (t("cp.carried", lang) if e["carried"] else "")
                    ),
                    html.Td(e.get("note") or ""),
                    html.Td(dcc.Link(f"#{case}", href=f"/case/{case}") if case else ""),
                ]
            )
        )
    return html.Table(html.Tbody(rows), className="cp-elements")


def _columns(history: list[dict[str, Any]], lang: str) -> list[str]:
    """One distinct label per inspection: its time and kind (a verification can follow its
    inspection within the minute)."""
    seen: dict[str, int] = {}
    out = []
    for i in history:
        kind = t("cp.kind." + i["kind"], lang)
        label = f"{i['inspected_at'].astimezone(TZ):%m-%d %H:%M} {kind}"
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def _cell(result: dict[str, Any] | None) -> float | None:
    """1 passed, 0 failed; a result carried from before is drawn paler (0.75 / 0.25)."""
    if result is None:
        return None
    if result["carried"]:
        return 0.75 if result["passed"] else 0.25
    return 1.0 if result["passed"] else 0.0


def history_figure(point: dict[str, Any], lang: str) -> dict[str, Any]:
    """Compliance over time (line), and each element at each inspection (cells), oldest left."""
    history = list(reversed(point["history"]))
    x = _columns(history, lang)
    codes = [e["code"] for e in point["elements"]]
    names = [named(e, "name", lang) for e in point["elements"]]
    z = [[_cell(i["results"].get(c)) for i in history] for c in codes]
    off_site = t("cp.far", lang)
    return {
        "data": [
            {
                "type": "scatter",
                "x": x,
                "y": [round(100 * i["compliance"], 1) if i["compliance"] is not None else None for i in history],
                "mode": "lines+markers",
                "line": {"color": "#4dd0e1", "width": 2},
                "marker": {
                    "size": 9,
                    "color": ["#ffb300" if i["far"] and i["kind"] == "routine" else "#4dd0e1" for i in history],
                },
                "text": [
                    f"{i['inspector'] or ''}{' · ' + off_site if i['far'] and i['kind'] == 'routine' else ''}"
                    for i in history
                ],
                "hovertemplate": "%{x}<br>%{text}<br>" + t("hover.compliance", lang) + "：%{y}%<extra></extra>",
                "xaxis": "x",
                "yaxis": "y",
            },
            {
                "type": "heatmap",
                "x": x,
                "y": names,
                "z": z,
                "zmin": 0,
                "zmax": 1,
                "colorscale": [
                    [0, FAIL],
                    [0.24, FAIL],
                    [0.25, FAIL_CARRIED],
                    [0.5, FAIL_CARRIED],
                    [0.5001, PASS_CARRIED],
                    [0.75, PASS_CARRIED],
                    [0.76, PASS],
                    [1, PASS],
                ],
                "showscale": False,
                "xgap": 2,
                "ygap": 2,
                "hovertemplate": "%{x}<br>%{y}<extra></extra>",
                "xaxis": "x",
                "yaxis": "y2",
            },
        ],
        "layout": {
            "height": 260 + 26 * len(codes),
            "margin": {"l": 120, "r": 16, "t": 10, "b": 90},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"color": "#eaf6ff", "family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"},
            "xaxis": {"type": "category", "showgrid": False, "tickangle": -30, "anchor": "y2"},
            "yaxis": {"domain": [0.6, 1], "range": [0, 105], "ticksuffix": "%", "gridcolor": "#1f3b5c"},
            "yaxis2": {"domain": [0, 0.52], "autorange": "reversed"},
            "showlegend": False,
        },
    }


def body(point: dict[str, Any], lang: str) -> list:
    """Facts, the elements now, the history, the rectifications and the covering cameras."""
    place = " › ".join(point[k] for k in ("street", "community", "grid") if point.get(k))
    latest = point["latest"]
    compliance = f"{100 * point['compliance']:.0f}%" if point["compliance"] is not None else "—"
    facts = html.Dl(
        [
            html.Div([html.Dt(t("cp.type", lang)), html.Dd(named(point, "type_name", lang))], className="field"),
            html.Div([html.Dt(t("cp.code", lang)), html.Dd(point["code"])], className="field"),
            html.Div([html.Dt(t("case.place", lang)), html.Dd(place or "—")], className="field"),
            html.Div(
                [html.Dt(t("case.department", lang)), html.Dd(named(point, "department", lang) or "—")],
                className="field",
            ),
            html.Div(
                [html.Dt(t("cp.latest", lang)), html.Dd(when(latest["inspected_at"]) if latest else "—")],
                className="field",
            ),
            html.Div([html.Dt(t("hover.compliance", lang)), html.Dd(compliance)], className="field"),
        ],
        className="case-facts",
    )
    cases = point["rectifications"]
    rect = (
        html.Ul(
            [
                html.Li(
                    [
                        dcc.Link(f"#{c['id']}", href=f"/case/{c['id']}"),
                        " "
                        + " · ".join(
                            [
                                named(c, "element", lang),
                                named(c, "status_name", lang),
                                named(c, "department", lang) or "",
                            ]
                        ),
                        html.Span(f" {t('case.overdue', lang)}", className="overdue-flag") if c["overdue"] else "",
                    ],
                    className="open" if c["is_open"] else "done",
                )
                for c in cases
            ],
            className="cp-rectifications",
        )
        if cases
        else html.P(t("m.none", lang), className="muted")
    )
    cameras = (
        [
            html.H3(t("cp.cameras", lang)),
            html.Ul(
                [
                    html.Li(
                        f"{m['name']} · {t('cp.status.' + m['status'], lang)} · {m['distance_m']} m",
                        className=m["status"],
                    )
                    for m in point["cameras"]
                ]
                or [html.Li(t("m.inspect.device.off", lang))],
                className="cp-cameras",
            ),
        ]
        if point["cameras"] is not None and any(e["device"] for e in point["elements"])
        else []
    )
    return [
        html.H2([point["name"], " ", _badge(point, lang)], className="case-heading"),
        html.Div(
            [facts, html.Div([html.H3(t("cp.elements", lang)), _elements(point, lang)])], className="case-top cp-top"
        ),
        html.H3(t("cp.history", lang)),
        dcc.Graph(figure=history_figure(point, lang), config={"displayModeBar": False}, className="cp-history")
        if point["history"]
        else html.P(t("cp.never", lang), className="muted"),
        html.H3(t("cp.rectifications", lang)),
        rect,
        *cameras,
    ]
