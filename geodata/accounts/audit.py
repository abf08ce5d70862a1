"""The audit log: sign-ins (and failed ones), exports, imports, case intake and transitions, and
user administration — who, when, from where, and what."""

from __future__ import annotations

from typing import Any

from psycopg2.extras import Json

from geodata.queries import sql_text

ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_out",
    "export",
    "import",
    "case_create",
    "case_transition",
    "user_admin",
    "session_end",
    "case_photo",
    "rating_link",
    "inspection",
    "inspection_round",
    "notify_admin",
    "assessment_admin",
    "assessment_close",
    "assessment_report",
)


def record(cur, actor: str, action: str, ip: str | None = None, **detail: Any) -> None:
    """Append one entry, inside the caller's transaction (it stands or falls with the action)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    cur.execute(
        sql_text("audit_insert"),
        {"actor": actor[:200], "action": action, "ip": ip, "detail": Json(detail, dumps=_dumps)},
    )


def recent(cur, limit: int = 100, action: str | None = None) -> list[dict[str, Any]]:
    """The newest entries first (for admins)."""
    cur.execute(sql_text("audit_recent"), {"action": action, "limit": limit})
    names = [d.name for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)
