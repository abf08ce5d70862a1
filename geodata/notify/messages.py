"""The text of a message: short, Chinese, linking to the case (or to the workbench for a summary)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from geodata.clock import TZ

STEP_NAMES = {"remind": "提醒", "urge": "催办", "escalate": "升级"}
LEVEL_NAMES = {1: "街道", 2: "区"}
SHOWN = 8  # a summary lists at most this many cases


def _line(step: str, case_id: int, category: str, address: str | None, deadline: datetime, escalation: int) -> str:
    place = f" · {address}" if address else ""
    if step == "remind":
        what = f"将于 {deadline.astimezone(TZ):%m-%d %H:%M} 到期，请抓紧办理"
    elif step == "urge":
        what = "已到办理时限，请尽快办结（催办）"
    else:
        what = f"超期未办结，已升级至{LEVEL_NAMES.get(escalation, '上级')}督办"
    return f"#{case_id} {category}{place}：{what}"


def compose(items: list[tuple], base_url: str) -> tuple[str, str, str]:
    """(title, text, link) for the steps of one message. ``items``: (step, case id, category name,
    address, deadline, escalation, due) as notify_message_items returns them."""
    if len(items) == 1:
        step, case_id, category, address, deadline, escalation, _ = items[0]
        title = f"【网格治理·{STEP_NAMES[step]}】案件 #{case_id}"
        return title, _line(step, case_id, category, address, deadline, escalation), f"{base_url}/case/{case_id}"
    cases = {i[1] for i in items}
    kinds = Counter(i[0] for i in items)
    parts = "、".join(f"{STEP_NAMES[s]} {kinds[s]} 件" for s in ("escalate", "urge", "remind") if kinds[s])
    title = f"【网格治理】{len(cases)} 件案件需关注"
    lines = [f"{title}（{parts}）："]
    lines += [f"{n}. {_line(*i[:6])}" for n, i in enumerate(items[:SHOWN], 1)]
    if len(items) > SHOWN:
        lines.append(f"…另有 {len(items) - SHOWN} 条，请到工作台查看")
    return title, "\n".join(lines), f"{base_url}/work"
