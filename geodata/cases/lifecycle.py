"""The case loop (五单工作法): validate and apply one transition, and log it.

The rules are rows of ``case_transitions`` (migration 0008): from which status an action leads
to which, what it must carry, which step timestamp it stamps and which it clears. Every change of
a case's status goes through ``apply``, inside the caller's transaction, with the case row locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from psycopg2 import sql

from geodata.queries import execute_prepared, sql_text

MAX_TEXT = 2000


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
    """One rule of the case loop."""

    from_status: str
    action: str
    to_status: str
    requires: tuple[str, ...]
    stamps: str | None
    clears: tuple[str, ...]
    name: str
    name_en: str


def rules(cur) -> dict[tuple[str, str], Transition]:
    """Every rule, keyed by (from status, action)."""
    cur.execute(sql_text("case_transitions"))
    return {
        (r[0], r[1]): Transition(r[0], r[1], r[2], tuple(r[3]), r[4], tuple(r[5]), r[6], r[7]) for r in cur.fetchall()
    }


def allowed_actions(cur, status: str) -> list[str]:
    """The actions allowed from ``status``, sorted."""
    execute_prepared(cur, "case_actions", {"status": status})
    return [r[0] for r in cur.fetchall()]


def _validate(cur, case_id: int, rule: Transition, fields: dict[str, Any]) -> dict[str, Any]:
    """The column values the transition writes, or FieldError naming every bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in rule.requires:
        if fields.get(name) in (None, ""):
            errors[name] = "required for this action"
    note = fields.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_TEXT):
        errors["note"] = f"must be text of at most {MAX_TEXT} characters"
    if "department" in rule.requires and "department" not in errors:
        cur.execute(sql_text("department_by_code"), {"code": str(fields["department"])})
        row = cur.fetchone()
        if row is None:
            errors["department"] = f"unknown department code {fields['department']!r}"
        else:
            values["department_id"] = row[0]
    if "reply" in rule.requires and "reply" not in errors:
        reply = fields["reply"]
        if not isinstance(reply, str) or len(reply) > MAX_TEXT:
            errors["reply"] = f"must be text of at most {MAX_TEXT} characters"
        else:
            values["reply"] = reply
    if "satisfaction" in rule.requires and "satisfaction" not in errors:
        score = fields["satisfaction"]
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors["satisfaction"] = "must be an integer from 1 to 5"
        else:
            values["satisfaction"] = score
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
    return values


def apply(
    cur, case_id: int, action: str, actor: str, claimed_actor: str | None = None, **fields: Any
) -> dict[str, Any]:
    """Apply ``action`` to a case, log it, and return {id, status, from_status, event_id}.

    ``actor`` is who is known to act (a user, an API key's name); ``claimed_actor`` who an API
    caller says it acted for, kept beside it unchecked.

    Raises CaseNotFoundError, TransitionError (with the allowed actions) or FieldError.
    """
    if not actor or not isinstance(actor, str) or len(actor) > 200:
        raise FieldError({"actor": "required, at most 200 characters"})
    cur.execute(sql_text("case_status_locked"), {"id": case_id})
    row = cur.fetchone()
    if row is None:
        raise CaseNotFoundError(f"no case {case_id}")
    current = row[0]
    table = rules(cur)
    rule = table.get((current, action))
    if rule is None:
        raise TransitionError(current, action, sorted(a for (s, a) in table if s == current))
    values = _validate(cur, case_id, rule, fields)
    sets = [sql.SQL("status = %(to_status)s")]
    sets += [sql.SQL("{} = %({})s").format(sql.Identifier(col), sql.SQL(col)) for col in values]
    if rule.stamps:
        sets.append(sql.SQL("{} = now()").format(sql.Identifier(rule.stamps)))
    sets += [sql.SQL("{} = NULL").format(sql.Identifier(col)) for col in rule.clears]
    stmt = sql.SQL("UPDATE cases SET {} WHERE id = %(id)s").format(sql.SQL(", ").join(sets))
    cur.execute(stmt, {**values, "to_status": rule.to_status, "id": case_id})
    cur.execute(
        sql_text("case_event_insert"),
        {
            "case_id": case_id,
            "from_status": current,
            "to_status": rule.to_status,
            "actor": actor,
            "claimed_actor": claimed_actor,
            "note": fields.get("note"),
        },
    )
    return {"id": case_id, "status": rule.to_status, "from_status": current, "event_id": cur.fetchone()[0]}
