"""The notification steps of a case as entries of its timeline (layout only): 提醒, 催办 or 升级至街道,
when it fell due, and each message that told of it — through which channel, to whom, and what became
of it ("钉钉 城管群（承办部门） · 已送达 12-07 09:00", "短信 138****0000（责任单位） · 发送失败：HTTP 500")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dash import html

from geodata.clock import TZ
from i18n import t
from pages._notice_centre import step_name


def _short(ts: datetime | None) -> str:
    return ts.astimezone(TZ).strftime("%m-%d %H:%M") if ts else ""


def send_parts(m: dict[str, Any], lang: str) -> tuple[str, str]:
    """One message as (the channel: its kind, the name people know it by or the masked address, and
    whom it was for; what became of it: the state, its time and, when it did not arrive, the
    channel's answer)."""
    names = [n for n in (m["label"], m["address"]) if n] or [m["channel"]]
    kind = t("notice.kind." + m["kind"], lang) if m["kind"] else ""
    channel = " ".join(p for p in (kind, *names) if p)
    via = t("notice.via", lang, channel=channel, whom=t("notice.target." + m["target"], lang))
    state = f"{t('notice.state.' + m['state'], lang)} {_short(m['at'])}".strip()
    if m["state"] in ("failed", "unknown") and m["result"]:
        state = t("notice.answer", lang, state=state, result=m["result"])
    return via, state


def send_line(m: dict[str, Any], lang: str) -> str:
    """One message as a line: 钉钉 城管群（承办部门） · 已送达 12-07 09:00."""
    return " · ".join(send_parts(m, lang))


def entry(step: dict[str, Any], at: Any, lang: str) -> html.Li:
    """A timeline entry of one step, in the columns of the case's events (``at`` formatted by the
    timeline, as its own)."""
    sends = []
    for m in step["messages"]:
        channel, state = send_parts(m, lang)
        sends.append(
            html.Li([f"{channel} · ", html.Span(state, className="tl-state")], className=f"tl-send send-{m['state']}")
        )
    if step["told"]:
        sends.append(
            html.Li(t("notice.told", lang, names=t("notice.names_sep", lang).join(step["told"])), className="tl-told")
        )
    if not step["messages"]:
        sends.append(html.Li(t("notice.no_channel", lang), className="tl-told"))
    return html.Li(
        [
            html.Span(at, className="tl-at"),
            html.Span(step_name(step["step"], step["level"], lang), className="tl-move"),
            html.Span(t("notice.system", lang), className="tl-actor"),
            html.Ul(sends, className="tl-sends"),
        ],
        className=f"tl-step tl-notify step-{step['step']}",
    )


def as_text(steps: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The steps as the phone's case page lists them: when, the step's name, one line per message,
    and who was told in the app."""
    return [
        {
            "at": s["due_at"],
            "name": step_name(s["step"], s["level"], lang),
            "step": s["step"],
            "lines": [(send_line(m, lang), m["state"]) for m in s["messages"]],
            "told": t("notice.told", lang, names=t("notice.names_sep", lang).join(s["told"])) if s["told"] else "",
        }
        for s in steps
    ]
