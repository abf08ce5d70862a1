"""The case loop (五单工作法): validate and apply one transition, and log it.

The rules are rows of ``case_transitions`` (migrations 0008 and 0030): from which status an action
leads to which, what it must carry, which step timestamp it stamps and which it clears, which case
columns must be set or empty (an approval needs a request), which counter it adds to and which
named statement it runs (an approved extension moves the deadline). Who may take which step is
``case_action_roles``. Every step of a case goes through ``apply``, inside the caller's
transaction, with the case row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from psycopg2 import sql

from geodata.queries import execute_prepared, sql_text

MAX_TEXT = 2000
MAX_AHEAD = timedelta(days=366)  # the latest deadline an extension or a supervision may set


class CaseNotFoundError(LookupError):
    """No case with that id."""


class TransitionError(ValueError):
    """The action is not allowed from the case's current status."""

    def __init__(self, current: str, action: str, allowed: list[str]) -> None:
        self.current, self.action, self.allowed = current, action, allowed
        super().__init__(
            f"action {action!r} is not allowed from status {current!r}; allowed: {', '.join(allowed) or 'none'}"
        )


class FieldError(ValueError):
    """Missing or bad fields, one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass(frozen=True)
class Transition:
    """One rule of the case loop (migrations 0008 and 0030)."""

    from_status: str
    action: str
    to_status: str
    requires: tuple[str, ...]
    stamps: str | None
    clears: tuple[str, ...]
    name: str
    name_en: str
    passed: bool | None = None  # verify: the rule of a passed (True) or failed (False) check
    needs: tuple[str, ...] = ()  # case columns that must be set
    needs_unset: tuple[str, ...] = ()  # case columns that must be empty
    counts: str | None = None  # a counter column the step adds one to
    effect: str | None = None  # geodata/sql/case_effect_<effect>.sql, run after the status change
    while_parked: bool = False  # applies to a parked case

    def fits(self, state: dict[str, Any]) -> bool:
        """True when the case (its status and guarded columns) allows this rule now."""
        return (
            state["status"] == self.from_status
            and all(state.get(col) is not None for col in self.needs)
            and all(state.get(col) is None for col in self.needs_unset)
            and (self.while_parked or state.get("parked_at") is None)
        )


class NotPermittedError(PermissionError):
    """The user's role may not take this step (case_action_roles)."""

    def __init__(self, action: str, role: str, allowed: list[str]) -> None:
        self.action, self.role, self.allowed = action, role, allowed
        super().__init__(
            f"a {role} user may not {action!r} this case; allowed to you now: {', '.join(allowed) or 'none'}"
        )


def rules(cur) -> list[Transition]:
    """Every rule."""
    cur.execute(sql_text("case_transitions"))
    return [
        Transition(
            r[0],
            r[1],
            r[2],
            tuple(r[3]),
            r[4],
            tuple(r[5]),
            r[6],
            r[7],
            r[8],
            tuple(r[9]),
            tuple(r[10]),
            r[11],
            r[12],
            r[13],
        )
        for r in cur.fetchall()
    ]


def role_actions(cur) -> dict[str, set[str]]:
    """role → the actions that role may take (case_action_roles)."""
    cur.execute(sql_text("case_action_roles"))
    found: dict[str, set[str]] = {}
    for action, role in cur.fetchall():
        found.setdefault(role, set()).add(action)
    return found


def state(cur, case_id: int) -> dict[str, Any] | None:
    """A case's status and the columns the rules' guards read; None when there is no such case."""
    execute_prepared(cur, "case_state", {"id": case_id})
    row = cur.fetchone()
    return None if row is None else dict(zip([d.name for d in cur.description], row))


def allowed_actions(cur, case: dict[str, Any], role: str | None = None) -> list[str]:
    """The actions the case allows now (its status and guards), sorted; with ``role``, only those
    that role may take (None: an integration's API key, held to its own rights)."""
    fitting = {rule.action for rule in rules(cur) if rule.fits(case)}
    if role is not None:
        fitting &= role_actions(cur).get(role, set())
    return sorted(fitting)


def aware_time(value: Any) -> datetime | None:
    """A time with its zone, from a datetime or ISO 8601 text; None when it is neither."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime) and value.tzinfo is not None and value.utcoffset() is not None:
        return value
    return None


def _text(fields: dict[str, Any], name: str, errors: dict[str, str], values: dict[str, Any]) -> None:
    value = fields.get(name)
    if value is not None and (not isinstance(value, str) or len(value) > MAX_TEXT):
        errors[name] = f"must be text of at most {MAX_TEXT} characters"
    else:
        values[name] = value


def _validate(
    cur, case_id: int, case: dict[str, Any], rule: Transition, fields: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The column values the transition writes (and the effect's parameters), or FieldError
    naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in rule.requires:
        if fields.get(name) is None or (isinstance(fields.get(name), str) and not fields[name].strip()):
            errors[name] = "required for this action"
    extra: dict[str, Any] = {}
    _text(fields, "note", errors, extra)
    if "department" in rule.requires and "department" not in errors:
        cur.execute(sql_text("department_by_code"), {"code": str(fields["department"])})
        row = cur.fetchone()
        if row is None:
            errors["department"] = f"unknown department code {fields['department']!r}"
        else:
            values["department_id"] = row[0]
    if "reply" in rule.requires and "reply" not in errors:
        _text(fields, "reply", errors, values)
    if "reason" in rule.requires and "reason" not in errors:
        _text(fields, "reason", errors, extra)
    if "satisfaction" in rule.requires and "satisfaction" not in errors:
        score = fields["satisfaction"]
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors["satisfaction"] = "must be an integer from 1 to 5"
        else:
            values["satisfaction"] = score
    now = datetime.now(UTC)
    if "until" in rule.requires and "until" not in errors:
        until = aware_time(fields["until"])
        if until is None:
            errors["until"] = "must be a time with its zone (ISO 8601, e.g. 2026-12-20T18:00:00+08:00)"
        elif until <= max(now, case["deadline_at"] or now):
            errors["until"] = "must be later than the case's deadline (and than now): an extension moves it later"
        elif until > now + MAX_AHEAD:
            errors["until"] = f"must be within {MAX_AHEAD.days} days from now"
        else:
            extra["until"] = until
    if "due" in rule.requires and "due" not in errors:
        due = aware_time(fields["due"])
        if due is None:
            errors["due"] = "must be a time with its zone (ISO 8601, e.g. 2026-12-20T18:00:00+08:00)"
        elif not now < due <= now + MAX_AHEAD:
            errors["due"] = f"must be in the future, within {MAX_AHEAD.days} days"
        else:
            extra["due"] = due
    if "merged_into" in rule.requires and "merged_into" not in errors:
        target = fields["merged_into"]
        if isinstance(target, bool) or not isinstance(target, int) or target == case_id:
            errors["merged_into"] = "must be the id of another case"
        else:
            cur.execute(sql_text("case_status"), {"id": target})
            row = cur.fetchone()
            if row is None:
                errors["merged_into"] = f"no case {target}"
            elif row[0] == "merged":
                errors["merged_into"] = f"case {target} is itself merged; merge into the case it points to"
            else:
                values["merged_into"] = target
    if errors:
        raise FieldError(errors)
    return values, extra


def _pick(table: list[Transition], case: dict[str, Any], action: str, fields: dict[str, Any]) -> Transition:
    """The rule for ``action`` on this case, or TransitionError with the actions it allows."""
    candidates = [r for r in table if r.action == action and r.fits(case)]
    if not candidates:
        raise TransitionError(case["status"], action, sorted({r.action for r in table if r.fits(case)}))
    if any(r.passed is not None for r in candidates):
        passed = fields.get("passed")
        if not isinstance(passed, bool):
            raise FieldError({"passed": "required for this action: true (the check passed) or false (rework)"})
        candidates = [r for r in candidates if r.passed is passed]
        if not candidates:
            raise TransitionError(case["status"], action, sorted({r.action for r in table if r.fits(case)}))
    return candidates[0]


def apply(
    cur,
    case_id: int,
    action: str,
    actor: str,
    claimed_actor: str | None = None,
    role: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Apply ``action`` to a case, log it, and return {id, status, from_status, event_id}.

    ``actor`` is who is known to act (a user, an API key's name); ``claimed_actor`` who an API
    caller says it acted for, kept beside it unchecked. ``role`` is a signed-in user's role, held
    to the steps that role may take (case_action_roles); None for an API key.

    Raises CaseNotFoundError, TransitionError (with the allowed actions), NotPermittedError or
    FieldError.
    """
    if not actor or not isinstance(actor, str) or len(actor) > 200:
        raise FieldError({"actor": "required, at most 200 characters"})
    cur.execute(sql_text("case_status_locked"), {"id": case_id})
    row = cur.fetchone()
    if row is None:
        raise CaseNotFoundError(f"no case {case_id}")
    case = dict(zip([d.name for d in cur.description], row))
    current = case["status"]
    table = rules(cur)
    if role is not None and action not in role_actions(cur).get(role, set()):
        raise NotPermittedError(action, role, allowed_actions(cur, case, role))
    rule = _pick(table, case, action, fields)
    values, extra = _validate(cur, case_id, case, rule, fields)
    sets = [sql.SQL("status = %(to_status)s")]
    sets += [sql.SQL("{} = %({})s").format(sql.Identifier(col), sql.SQL(col)) for col in values]
    if rule.stamps:
        sets.append(sql.SQL("{} = now()").format(sql.Identifier(rule.stamps)))
    sets += [sql.SQL("{} = NULL").format(sql.Identifier(col)) for col in rule.clears]
    if rule.counts:
        sets.append(sql.SQL("{0} = {0} + 1").format(sql.Identifier(rule.counts)))
    stmt = sql.SQL("UPDATE cases SET {} WHERE id = %(id)s").format(sql.SQL(", ").join(sets))
    cur.execute(stmt, {**values, "to_status": rule.to_status, "id": case_id})
    if rule.effect:
        cur.execute(
            sql_text(f"case_effect_{rule.effect}"),
            {"id": case_id, "actor": actor, "until": None, "reason": None, "due": None, **extra},
        )
    cur.execute(
        sql_text("case_event_insert"),
        {
            "case_id": case_id,
            "from_status": current,
            "to_status": rule.to_status,
            "action": action,
            "actor": actor,
            "claimed_actor": claimed_actor,
            "note": extra.get("note"),
        },
    )
    return {"id": case_id, "status": rule.to_status, "from_status": current, "event_id": cur.fetchone()[0]}
