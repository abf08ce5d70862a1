"""The case loop: every transition validated against the rules in case_transitions and logged."""

from __future__ import annotations

import pytest

from geodata.cases import lifecycle
from tests.cases import insert_case


def _new_case(db, tag: str) -> int:
    with db.transaction() as cur:
        return insert_case(cur, 113.77, 34.71, f"T-LIFE-{tag}")


def _step(db, case_id: int, action: str, **fields) -> dict:
    with db.transaction() as cur:
        return lifecycle.apply(cur, case_id, action, "测试员", **fields)


def _row(db, case_id: int) -> dict:
    with db.transaction() as cur:
        cur.execute(
            "SELECT status, is_open, department_id, reply, satisfaction, dispatched_at, accepted_at, "
            "resolved_at, rated_at, closed_at, ended_at FROM cases WHERE id = %s",
            (case_id,),
        )
        return dict(zip([d.name for d in cur.description], cur.fetchone()))


def _open_count(db, case_id: int) -> int:
    with db.transaction() as cur:
        cur.execute(
            "SELECT open_cases FROM unit_stats s JOIN cases c ON c.grid_id = s.unit_id WHERE c.id = %s", (case_id,)
        )
        return cur.fetchone()[0]


def test_the_main_path_stamps_each_step_logs_it_and_updates_the_counters(db):
    case_id = _new_case(db, "MAIN")
    open_before = _open_count(db, case_id)
    _step(db, case_id, "dispatch", department="CGJ", note="派城管")
    _step(db, case_id, "accept")
    _step(db, case_id, "resolve", reply="已清运")
    assert _open_count(db, case_id) == open_before - 1
    _step(db, case_id, "verify", passed=True)
    _step(db, case_id, "rate", satisfaction=5)
    done = _step(db, case_id, "close")
    assert done["status"] == "closed" and done["from_status"] == "rated"
    row = _row(db, case_id)
    assert row["reply"] == "已清运" and row["satisfaction"] == 5 and row["is_open"] is False
    assert all(row[k] is not None for k in ("dispatched_at", "accepted_at", "resolved_at", "rated_at", "closed_at"))
    assert row["ended_at"] == row["resolved_at"]
    with db.transaction() as cur:
        cur.execute("SELECT from_status, to_status, actor FROM case_events WHERE case_id = %s ORDER BY id", (case_id,))
        events = cur.fetchall()
    assert [(f, t) for f, t, _ in events] == [
        ("reported", "dispatched"),
        ("dispatched", "accepted"),
        ("accepted", "resolved"),
        ("resolved", "resolved"),
        ("resolved", "rated"),
        ("rated", "closed"),
    ]
    assert {a for _, _, a in events} == {"测试员"}


def test_an_invalid_transition_names_the_state_and_the_allowed_actions(db):
    case_id = _new_case(db, "BAD")
    with pytest.raises(lifecycle.TransitionError) as err:
        _step(db, case_id, "resolve", reply="x")
    assert err.value.current == "reported"
    assert err.value.allowed == ["dispatch", "merge", "park", "reject", "supervise", "urge"]
    assert _row(db, case_id)["status"] == "reported"  # nothing half-written


def test_bad_fields_are_reported_one_by_one_and_nothing_changes(db):
    case_id = _new_case(db, "FIELDS")
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, case_id, "dispatch", department="NOPE")
    assert "department" in err.value.errors
    _step(db, case_id, "dispatch", department="JJ")
    _step(db, case_id, "accept")
    _step(db, case_id, "resolve", reply="好了")
    _step(db, case_id, "verify", passed=True)
    for bad in (0, 6, "5", True):
        with pytest.raises(lifecycle.FieldError):
            _step(db, case_id, "rate", satisfaction=bad)
    with pytest.raises(lifecycle.CaseNotFoundError):
        _step(db, 10**12, "accept")


def test_return_and_redispatch_start_the_steps_again(db):
    case_id = _new_case(db, "RETURN")
    _step(db, case_id, "dispatch", department="CGJ")
    _step(db, case_id, "accept")
    _step(db, case_id, "return", note="不属于本部门")
    assert _row(db, case_id)["status"] == "returned"
    _step(db, case_id, "dispatch", department="JSJ")
    row = _row(db, case_id)
    assert row["status"] == "dispatched" and row["accepted_at"] is None and row["is_open"]


def test_merge_needs_a_live_target(db):
    first, second = _new_case(db, "MERGE-A"), _new_case(db, "MERGE-B")
    with pytest.raises(lifecycle.FieldError):
        _step(db, second, "merge", merged_into=second)
    _step(db, second, "merge", merged_into=first, note="重复")
    third = _new_case(db, "MERGE-C")
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, third, "merge", merged_into=second)
    assert "itself merged" in err.value.errors["merged_into"]
    row = _row(db, second)
    assert row["status"] == "merged" and row["closed_at"] is not None and row["ended_at"] == row["closed_at"]
