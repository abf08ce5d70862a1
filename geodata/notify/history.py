"""One case's notification history, for its timeline: each reminder, urge or escalation that fell
due, who was told of it through which channel, and what became of each message.

Addresses are shown masked (a phone as 138****0000, a mail box as z***@example.cn): the timeline is
read by everyone who may see the case, the addresses are the people's own.
"""

from __future__ import annotations

import re
from typing import Any

from geodata.db import Database
from geodata.queries import sql_text

PHONE = re.compile(r"^\+?\d[\d -]{6,}\d$")


def masked(address: str | None) -> str:
    """An address as the timeline shows it: a phone keeps its first three and last four digits, a
    mail box its first letter and its domain, anything else its ends."""
    text = (address or "").strip()
    if not text:
        return ""
    if PHONE.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 13 and digits.startswith("86"):  # +86, China's country code
            digits = digits[2:]
        return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"
    if "@" in text:
        local, _, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    return f"{text[:2]}***{text[-2:]}" if len(text) > 6 else "***"


def of_case(db: Database, case_id: int) -> list[dict[str, Any]]:
    """The case's notification steps, oldest first. Each: ``id``, ``step`` (remind, urge or
    escalate), ``escalation`` (the case's when it fell due), ``level`` (an escalation's level
    reached: 1 the street, 2 the district; else as ``escalation``), ``deadline_at``, ``due_at``,
    ``created_at``, ``told`` (display names of the users whose notification centre it reached) and
    ``messages``: each ``target`` (department, responsible or dispatcher), ``channel``, ``kind``
    (dingtalk, wecom, feishu, webhook, email or sms), ``label`` (the name people know the channel
    by, its option "label": 城管群; None when it has none), ``address`` (masked), ``state``
    (pending, sending, sent, failed or unknown), ``result``, ``attempts`` and ``at`` (when it was
    sent or answered; a pending message's send time)."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_history_steps"), {"case_id": case_id})
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, row)) for row in cur.fetchall()]
    steps: dict[int, dict[str, Any]] = {}
    for r in rows:
        step = steps.get(r["step_id"])
        if step is None:
            step = steps[r["step_id"]] = {
                "id": r["step_id"],
                "step": r["step"],
                "escalation": r["escalation"],
                "level": min(r["escalation"] + 1, 2) if r["step"] == "escalate" else r["escalation"],
                "deadline_at": r["deadline_at"],
                "due_at": r["due_at"],
                "created_at": r["created_at"],
                "told": list(r["users"] or []),
                "messages": [],
            }
        if r["message_id"] is None:
            continue
        pending = r["state"] == "pending"
        step["messages"].append(
            {
                "target": r["target"],
                "channel": r["channel"],
                "kind": r["kind"],
                "label": r["channel_label"],
                "address": masked(r["address"]),
                "state": r["state"],
                "result": r["result"],
                "attempts": r["attempts"],
                "at": r["send_after"] if pending else (r["sent_at"] or r["message_at"]),
            }
        )
    return list(steps.values())
