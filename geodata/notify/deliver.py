"""Who is told of a step, through which channel: deliveries into waiting messages, and notices.

A rule names its targets: the case's department, the responsible unit (the case's community, or
the street or district it was escalated to) and the dispatchers. ``notify_routes`` says through
which channel (and to which address) each target is told; a route for the department or unit
beats the target's default route. Every step told to the same channel and address joins the one
message waiting for them (``notify_messages``), so a storm of steps becomes one summary per
target per interval: a new message waits until the channel's digest interval since the last one
has passed, and until its quiet hours are over. The users concerned also get a notice in the
notification centre.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geodata.notify import channels
from geodata.queries import sql_text

RESPONSIBLE_LEVEL = {0: "community_id", 1: "street_id", 2: "district_id"}
_POSITION = ("id", "step", "case_id", "targets", "escalation", "department_id")
_AREA = ("city_id", "district_id", "street_id", "community_id")


def _responsible(case: dict) -> int | None:
    """The unit answerable for the case at its escalation (a case without a community: its street)."""
    unit = case[RESPONSIBLE_LEVEL[case["escalation"]]]
    return unit if unit is not None else case["street_id"] or case["district_id"]


def _routes_for(routes: list[tuple], target: str, case: dict, unit: int | None) -> list[tuple]:
    mine = [r for r in routes if r[0] == target]
    if target == "department":
        specific = [r for r in mine if r[1] is not None and r[1] == case["department_id"]]
        return specific or ([r for r in mine if r[1] is None] if case["department_id"] is not None else [])
    if target == "responsible":
        specific = [r for r in mine if r[2] is not None and r[2] == unit]
        return specific or [r for r in mine if r[2] is None]
    return mine


def plan(cur, step_ids: list[int], now: datetime) -> int:
    """Deliveries and notices for the new steps, in the caller's transaction; the deliveries made."""
    if not step_ids:
        return 0
    cur.execute(sql_text("notify_step_context"), {"ids": step_ids})
    names = [d.name for d in cur.description]
    steps = [dict(zip(names, row)) for row in cur.fetchall()]
    cur.execute(sql_text("notify_routes"))
    routes = cur.fetchall()
    units = {u for s in steps if (u := _responsible(s)) is not None}
    cur.execute(sql_text("notify_unit_phones"), {"ids": list(units)})
    phones = dict(cur.fetchall())
    waiting: dict[tuple[str, str], int] = {}
    made = 0
    for step in steps:
        unit = _responsible(step)
        for target in step["targets"]:
            for _, _, _, channel, address, _kind in _routes_for(routes, target, step, unit):
                to = address or (phones.get(unit, "") if target == "responsible" else "")
                key = (channel, to)
                if key not in waiting:
                    waiting[key] = _waiting_message(cur, channel, to, now)
                cur.execute(
                    sql_text("notify_delivery_insert"), {"step": step["id"], "target": target, "message": waiting[key]}
                )
                made += cur.rowcount
        cur.execute(
            sql_text("notify_notices_insert"),
            {
                "step": step["id"],
                "targets": list(step["targets"]),
                "area": [step[c] for c in _AREA if step[c] is not None],
                "department": step["department_id"],
                "unit": unit,
            },
        )
    return made


def _waiting_message(cur, channel_name: str, address: str, now: datetime) -> int:
    """The message waiting for this channel and address (made if none), sent no sooner than the
    channel's digest interval after the last one, and not in its quiet hours."""
    channel = channels.load_in(cur, channel_name)
    cur.execute(sql_text("notify_last_handed"), {"channel": channel_name, "address": address})
    (last,) = cur.fetchone()
    send_after = now
    if last is not None and channel is not None:
        send_after = max(now, last + timedelta(minutes=channel.digest_minutes))
    if channel is not None and (quiet_end := channels.quiet(channel, send_after)) is not None:
        send_after = quiet_end
    cur.execute(
        sql_text("notify_message_pending"), {"channel": channel_name, "address": address, "send_after": send_after}
    )
    return cur.fetchone()[0]
