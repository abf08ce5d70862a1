"""The timed scan: which reminders, urges and escalations fell due since the last scan.

Each scan covers the time from where the last one stopped (``notify_scan``) to ``now``: a step
falls due in that window once, whatever the number of scans, workers or restarts (the window
moves in the same transaction that records the steps, and ``notify_steps`` is unique per case,
step, escalation and deadline). For each rule the window is turned into a window on the cases'
deadlines (or last escalations), so a scan reads only the cases whose step falls in it, through
the indexes on open cases' deadlines and on escalations, at any scale.

Which rule applies to a case (notify_rules): its category's, else its category group's, else the
default; a rule for the case's escalation beats one for any escalation. An escalation moves the
case one level up (street, then district), records it on the case's timeline, and starts the
next escalation's clock.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from geodata.db import Database
from geodata.notify import deliver, workcalendar
from geodata.queries import sql_text
from settings import get_settings

STEPS = ("remind", "urge", "escalate")
LEVELS = (0, 1, 2)  # a case's escalation: at its unit, at the street, at the district
FIRST_WINDOW = timedelta(days=1)  # the first scan of a database looks back this far


@dataclass(frozen=True)
class Rule:
    id: int
    category_code: str | None
    category_group: str | None
    escalation: int | None
    step: str
    hours: float
    working: bool
    targets: tuple[str, ...]

    def specificity(self) -> tuple[int, int]:
        return (2 if self.category_code else 1 if self.category_group else 0, self.escalation is not None)

    def fits(self, category: str, level: int) -> bool:
        return (
            (self.category_code is None or self.category_code == category)
            and (self.category_group is None or category.startswith(self.category_group))
            and (self.escalation is None or self.escalation == level)
        )


def winners(rules: list[Rule], categories: list[str]) -> dict[tuple[Rule, int], list[str]]:
    """For each rule and escalation level, the categories whose step that rule decides."""
    won: dict[tuple[Rule, int], list[str]] = defaultdict(list)
    for step in STEPS:
        candidates = [r for r in rules if r.step == step]
        for level in LEVELS[:-1] if step == "escalate" else LEVELS:
            for category in categories:
                fitting = [r for r in candidates if r.fits(category, level)]
                if fitting:
                    won[(max(fitting, key=Rule.specificity), level)].append(category)
    return won


def _window(rule: Rule, cal: workcalendar.Calendar, start: datetime, now: datetime) -> tuple[datetime, datetime]:
    """The window on the cases' clock (deadline or last escalation) whose step falls in (start, now]."""
    hours = timedelta(hours=rule.hours)
    if rule.step == "remind":
        return start + hours, now + hours
    if rule.working:
        return cal.subtract(start, rule.hours), cal.subtract(now, rule.hours)
    return start - hours, now - hours


def _due(rule: Rule, cal: workcalendar.Calendar, clock: datetime) -> datetime:
    if rule.step == "remind":
        return clock - timedelta(hours=rule.hours)
    return cal.add(clock, rule.hours) if rule.working else clock + timedelta(hours=rule.hours)


def run(db: Database, now: datetime) -> dict[str, int]:
    """Record every step that fell due up to ``now``, escalate, and queue who is told; counts."""
    settings = get_settings()
    counts = dict.fromkeys(STEPS, 0)
    with db.transaction() as cur:
        cur.execute(sql_text("notify_scan_start"), {"start": now - FIRST_WINDOW})
        (start,) = cur.fetchone()
        if now <= start:
            return counts
        cal = workcalendar.load(cur, settings.work_hours)
        cur.execute(sql_text("notify_rules"))
        rules = [Rule(*row[:7], tuple(row[7])) for row in cur.fetchall()]
        cur.execute(sql_text("notify_categories"))
        categories = [code for (code,) in cur.fetchall()]
        new_steps: list[int] = []
        for (rule, level), cats in sorted(winners(rules, categories).items(), key=lambda kv: (kv[0][0].id, kv[0][1])):
            lo, hi = _window(rule, cal, start, now)
            name = "notify_due_by_deadline" if rule.step != "escalate" else "notify_due_by_deadline_or_escalation"
            cur.execute(sql_text(name), {"lo": lo, "hi": hi, "categories": cats, "escalation": level})
            found = cur.fetchall()
            if not found:
                continue
            dues = [_due(rule, cal, clock) for _, _, _, clock in found]
            cur.execute(
                sql_text("notify_steps_insert"),
                {
                    "rule": rule.id,
                    "step": rule.step,
                    "case_ids": [r[0] for r in found],
                    "escalations": [r[1] for r in found],
                    "deadlines": [r[2] for r in found],
                    "dues": dues,
                },
            )
            made = cur.fetchall()
            counts[rule.step] += len(made)
            new_steps += [step_id for step_id, _ in made]
            if rule.step == "escalate" and made:
                due_of = {r[0]: d for r, d in zip(found, dues)}
                cases = [case_id for _, case_id in made]
                cur.execute(sql_text("notify_escalate"), {"case_ids": cases, "dues": [due_of[c] for c in cases]})
        deliver.plan(cur, new_steps, now)
        cur.execute(sql_text("notify_scan_done"), {"now": now})
    return counts
