"""The rules and routes kept as data (migration 0034), changed from the command line.

Rules: per category (or group) and escalation, when a step falls due and who is told. Routes:
through which channel each target (a department, the responsible unit, the dispatchers) is told.
Every change is written to the audit log (``notify_admin``).
"""

from __future__ import annotations

from typing import Any

from geodata.accounts import audit
from geodata.db import Database
from geodata.queries import sql_text

STEPS = ("remind", "urge", "escalate")
TARGETS = ("department", "responsible", "dispatcher")


def _check_codes(cur, **codes: str | None) -> None:
    values = {k: codes.get(k) for k in ("department", "unit", "category", "channel")}
    cur.execute(sql_text("notify_code_exists"), values)
    found = dict(zip(values, cur.fetchone()))
    hints = {
        "department": "see the departments in the workbench, or: gridops load --help",
        "unit": "a unit code of the territory",
        "category": "a case category code, e.g. 0101",
        "channel": "see: gridops notify channel list",
    }
    for kind, ok in found.items():
        if not ok:
            raise ValueError(f"no {kind} {values[kind]!r} ({hints[kind]})")


def set_rule(
    db: Database,
    *,
    step: str,
    hours: float,
    targets: list[str],
    working: bool = False,
    category: str | None = None,
    group: str | None = None,
    escalation: int | None = None,
    enabled: bool = True,
    by: str = "cli",
) -> tuple[int, bool]:
    """Add or replace the rule for (category or group, escalation, step); its id and whether it was new."""
    if step not in STEPS:
        raise ValueError(f"step {step!r}: one of {', '.join(STEPS)}")
    if category and group:
        raise ValueError("a rule is for a category or for a category group, not both")
    bad = [t for t in targets if t not in TARGETS]
    if bad or not targets:
        raise ValueError(f"targets {','.join(targets) or '(none)'}: one or more of {', '.join(TARGETS)}")
    if hours < 0:
        raise ValueError("hours must be 0 or more")
    if escalation is not None and escalation not in (0, 1, 2):
        raise ValueError("escalation: 0 (at its unit), 1 (escalated to the street) or 2 (to the district)")
    with db.transaction() as cur:
        _check_codes(cur, category=category)
        cur.execute(
            sql_text("notify_rule_upsert"),
            {
                "category": category,
                "group": group,
                "escalation": escalation,
                "step": step,
                "hours": hours,
                "working": working,
                "targets": targets,
                "enabled": enabled,
            },
        )
        rule, added = cur.fetchone()
        audit.record(cur, by, "notify_admin", rule=rule, step=step, hours=hours, enabled=enabled)
    return rule, added


def rules(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as cur:
        cur.execute(sql_text("notify_rule_list"))
        return cur.fetchall()


def add_route(
    db: Database,
    *,
    target: str,
    channel: str,
    department: str | None = None,
    unit: str | None = None,
    address: str | None = None,
    by: str = "cli",
) -> int | None:
    """Add a route; its id, or None when the same route exists."""
    if target not in TARGETS:
        raise ValueError(f"target {target!r}: one of {', '.join(TARGETS)}")
    if department and target != "department":
        raise ValueError("--department goes with --target department")
    if unit and target != "responsible":
        raise ValueError("--unit goes with --target responsible")
    with db.transaction() as cur:
        _check_codes(cur, department=department, unit=unit, channel=channel)
        cur.execute(
            sql_text("notify_route_add"),
            {"target": target, "department": department, "unit": unit, "channel": channel, "address": address},
        )
        row = cur.fetchone()
        if row:
            audit.record(cur, by, "notify_admin", route=row[0], target=target, channel=channel)
        return row[0] if row else None


def routes(db: Database) -> list[tuple[Any, ...]]:
    with db.transaction() as cur:
        cur.execute(sql_text("notify_route_list"))
        return cur.fetchall()


def remove_route(db: Database, route: int, by: str = "cli") -> bool:
    with db.transaction() as cur:
        cur.execute(sql_text("notify_route_delete"), {"id": route})
        if cur.rowcount:
            audit.record(cur, by, "notify_admin", route=route, removed=True)
        return bool(cur.rowcount)
