"""The steps around the loop (DESIGN §12): 催办, 督办, 延期 with approval, 挂账 with approval, 核查
that can fail into 返工, and who may take which step. Real PostGIS, the one lifecycle function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from geodata.cases import lifecycle
from tests.cases import insert_case


def _new_case(db, tag: str) -> int:
    with db.transaction() as cur:
        return insert_case(cur, 113.77, 34.71, f"T-CMD-{tag}")


def _step(db, case_id: int, action: str, role: str | None = None, **fields) -> dict:
    with db.transaction() as cur:
        return lifecycle.apply(cur, case_id, action, "测试员", role=role, **fields)


def _row(db, case_id: int) -> dict:
    with db.transaction() as cur:
        cur.execute("SELECT * FROM cases WHERE id = %s", (case_id,))
        return dict(zip([d.name for d in cur.description], cur.fetchone()))


def _overdue_ids(db) -> set[int]:
    """The open cases past their deadline, as every overdue count reads them."""
    with db.transaction() as cur:
        cur.execute("SELECT id FROM cases WHERE is_open AND deadline_at < now()")
        return {r[0] for r in cur.fetchall()}


def _make_late(db, case_id: int) -> None:
    with db.transaction() as cur:
        cur.execute(
            "UPDATE cases SET reported_at = now() - interval '3 days', deadline_at = now() - interval '1 hour', "
            "dispatched_at = NULL, accepted_at = NULL WHERE id = %s",
            (case_id,),
        )


def _dispatched(db, tag: str) -> int:
    case_id = _new_case(db, tag)
    _step(db, case_id, "dispatch", department="CGJ")
    _step(db, case_id, "accept")
    return case_id


def test_urge_needs_a_note_keeps_the_status_and_is_counted(db):
    case_id = _new_case(db, "URGE")
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, case_id, "urge")
    assert "note" in err.value.errors
    _step(db, case_id, "urge", note="请尽快派单")
    _step(db, case_id, "urge", note="第二次催办")
    row = _row(db, case_id)
    assert (row["status"], row["urge_count"]) == ("reported", 2) and row["urged_at"] is not None
    with db.transaction() as cur:
        cur.execute("SELECT action, from_status, to_status, note FROM case_events WHERE case_id = %s", (case_id,))
        assert cur.fetchall() == [
            ("urge", "reported", "reported", "请尽快派单"),
            ("urge", "reported", "reported", "第二次催办"),
        ]
    closed = _dispatched(db, "URGE-CLOSED")
    _step(db, closed, "resolve", reply="done")
    with pytest.raises(lifecycle.TransitionError) as err:  # only an open case is urged
        _step(db, closed, "urge", note="x")
    assert err.value.allowed == ["verify"]


def test_supervise_marks_a_case_with_a_due_time_once(db):
    case_id = _new_case(db, "SUPERVISE")
    for bad in ("tomorrow", "2026-01-01T10:00:00", datetime.now(UTC) - timedelta(hours=1)):
        with pytest.raises(lifecycle.FieldError) as err:
            _step(db, case_id, "supervise", due=bad)
        assert "due" in err.value.errors
    due = datetime.now(UTC) + timedelta(hours=12)
    _step(db, case_id, "supervise", due=due.isoformat(), note="区领导督办")
    row = _row(db, case_id)
    assert row["supervised_at"] is not None and row["supervise_due_at"] == due and row["supervised_by"] == "测试员"
    with pytest.raises(lifecycle.TransitionError):  # already a 督办件
        _step(db, case_id, "supervise", due=due)


def test_an_extension_moves_the_deadline_only_when_approved_and_keeps_the_first(db):
    case_id = _dispatched(db, "EXT")
    first = _row(db, case_id)["deadline_at"]
    for bad in (first - timedelta(hours=1), "next week", first + timedelta(days=400)):
        with pytest.raises(lifecycle.FieldError) as err:
            _step(db, case_id, "request_extension", until=bad, reason="需协调产权单位")
        assert "until" in err.value.errors
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, case_id, "request_extension", until=first + timedelta(days=2))
    assert "reason" in err.value.errors
    with pytest.raises(lifecycle.TransitionError) as err:  # nothing to approve yet
        _step(db, case_id, "approve_extension")
    assert "approve_extension" not in err.value.allowed and "request_extension" in err.value.allowed
    asked = first + timedelta(days=2)
    _step(db, case_id, "request_extension", until=asked, reason="需协调产权单位")
    row = _row(db, case_id)
    assert row["deadline_at"] == first and row["extension_until"] == asked  # not moved yet
    with pytest.raises(lifecycle.TransitionError):  # one request at a time
        _step(db, case_id, "request_extension", until=asked + timedelta(days=1), reason="again")
    with pytest.raises(lifecycle.FieldError):  # a denial says why
        _step(db, case_id, "deny_extension")
    _step(db, case_id, "deny_extension", note="理由不充分")
    row = _row(db, case_id)
    assert row["deadline_at"] == first and row["extension_until"] is None and row["extension_count"] == 0
    _step(db, case_id, "request_extension", until=asked, reason="需协调产权单位")
    _step(db, case_id, "approve_extension")
    row = _row(db, case_id)
    assert (row["deadline_at"], row["deadline_original_at"], row["extension_count"]) == (asked, first, 1)
    later = asked + timedelta(days=1)
    _step(db, case_id, "request_extension", until=later, reason="再次延期")
    _step(db, case_id, "approve_extension")
    row = _row(db, case_id)  # the first deadline stays the original
    assert (row["deadline_at"], row["deadline_original_at"], row["extension_count"]) == (later, first, 2)


def test_a_parked_case_is_out_of_overdue_until_unparked_and_its_clock_stops(db):
    case_id = _dispatched(db, "PARK")
    _make_late(db, case_id)
    assert case_id in _overdue_ids(db)
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, case_id, "request_park")
    assert "reason" in err.value.errors
    _step(db, case_id, "request_park", reason="需列入年度改造计划")
    assert case_id in _overdue_ids(db)  # a request alone parks nothing
    with pytest.raises(lifecycle.TransitionError):
        _step(db, case_id, "request_park", reason="again")
    _step(db, case_id, "deny_park", note="可先行处置")
    assert _row(db, case_id)["park_requested_at"] is None
    _step(db, case_id, "request_park", reason="需列入年度改造计划")
    late_by = datetime.now(UTC) - _row(db, case_id)["deadline_at"]
    _step(db, case_id, "approve_park")
    row = _row(db, case_id)
    assert row["parked_at"] is not None and row["deadline_at"] is None and row["is_open"]  # no deadline while parked
    assert row["park_reason"] == "需列入年度改造计划" and row["parked_deadline_at"] is not None
    assert case_id not in _overdue_ids(db)
    with db.transaction() as cur:  # nor in the counters' days: the open-overdue count leaves it out
        cur.execute(
            "SELECT count(*) FROM cases WHERE id = %s AND (ended_at IS NULL OR ended_at > deadline_at) "
            "AND deadline_at <= now()",
            (case_id,),
        )
        assert cur.fetchone()[0] == 0
    with pytest.raises(lifecycle.TransitionError) as err:  # a parked case is first unparked
        _step(db, case_id, "resolve", reply="x")
    assert err.value.allowed == ["unpark", "urge"]
    with db.transaction() as cur:  # as if parked ten minutes ago, as late as it was then
        cur.execute(
            "UPDATE cases SET parked_at = parked_at - interval '10 minutes', "
            "parked_deadline_at = parked_deadline_at - interval '10 minutes' WHERE id = %s",
            (case_id,),
        )
    _step(db, case_id, "unpark", note="已列入计划")
    row = _row(db, case_id)
    assert row["parked_at"] is None and row["parked_deadline_at"] is None
    # the clock ran again where it stopped: late by as much as when parked, not by the time parked
    now_late = datetime.now(UTC) - row["deadline_at"]
    assert abs((now_late - late_by).total_seconds()) < 60
    assert case_id in _overdue_ids(db)
    _step(db, case_id, "park", reason="法院判决前暂缓")  # a dispatcher parks directly
    assert _row(db, case_id)["deadline_at"] is None


def test_a_failed_check_sends_the_case_back_as_rework_and_a_passed_one_lets_it_close(db):
    case_id = _dispatched(db, "VERIFY")
    _step(db, case_id, "resolve", reply="已清理")
    with pytest.raises(lifecycle.TransitionError) as err:  # rated and closed only after the check
        _step(db, case_id, "close")
    assert err.value.allowed == ["verify"]
    with pytest.raises(lifecycle.FieldError) as err:
        _step(db, case_id, "verify")
    assert "passed" in err.value.errors
    with pytest.raises(lifecycle.FieldError) as err:  # a failed check says what is wrong
        _step(db, case_id, "verify", passed=False)
    assert "note" in err.value.errors
    moved = _step(db, case_id, "verify", passed=False, note="现场仍有垃圾")
    row = _row(db, case_id)
    assert moved["status"] == "accepted" and row["is_open"] and row["resolved_at"] is None
    assert row["rework_count"] == 1 and row["verified_at"] is None
    _step(db, case_id, "resolve", reply="已彻底清理")
    _step(db, case_id, "verify", passed=True)
    row = _row(db, case_id)
    assert row["status"] == "resolved" and row["verified_at"] is not None and row["rework_count"] == 1
    with pytest.raises(lifecycle.TransitionError):  # checked once
        _step(db, case_id, "verify", passed=True)
    _step(db, case_id, "rate", satisfaction=5)
    assert _step(db, case_id, "close")["status"] == "closed"
    with db.transaction() as cur:
        cur.execute(
            "SELECT action, to_status FROM case_events WHERE case_id = %s AND action = 'verify' ORDER BY id", (case_id,)
        )
        assert cur.fetchall() == [("verify", "accepted"), ("verify", "resolved")]


@pytest.mark.parametrize(
    ("role", "action", "fields"),
    [
        ("department", "dispatch", {"department": "CGJ"}),
        ("department", "approve_extension", {}),
        ("gridworker", "accept", {}),
        ("verifier", "urge", {"note": "x"}),
        ("analyst", "urge", {"note": "x"}),
        ("dispatcher", "resolve", {"reply": "x"}),
        ("community", "supervise", {"due": "2030-01-01T00:00:00+08:00"}),
    ],
)
def test_each_role_takes_only_its_own_steps(db, role, action, fields):
    case_id = _new_case(db, f"ROLE-{role}-{action}")
    with pytest.raises(lifecycle.NotPermittedError) as err:
        _step(db, case_id, action, role=role, **fields)
    assert err.value.role == role and action not in err.value.allowed
    assert _row(db, case_id)["status"] == "reported"


def test_the_working_roles_run_the_loop_each_in_turn(db):
    case_id = _new_case(db, "ROLES")
    with db.transaction() as cur:
        assert lifecycle.allowed_actions(cur, lifecycle.state(cur, case_id), "dispatcher") == [
            "dispatch",
            "merge",
            "park",
            "reject",
            "supervise",
            "urge",
        ]
        assert lifecycle.allowed_actions(cur, lifecycle.state(cur, case_id), "department") == []
    _step(db, case_id, "dispatch", role="dispatcher", department="CGJ")
    _step(db, case_id, "accept", role="department")
    _step(
        db,
        case_id,
        "request_extension",
        role="department",
        until=datetime.now(UTC) + timedelta(days=3),
        reason="材料未到",
    )
    _step(db, case_id, "approve_extension", role="dispatcher")
    _step(db, case_id, "resolve", role="department", reply="已处理")
    _step(db, case_id, "verify", role="verifier", passed=True)
    _step(db, case_id, "rate", role="dispatcher", satisfaction=4)
    assert _step(db, case_id, "close", role="dispatcher")["status"] == "closed"


def test_a_department_reads_only_its_own_cases_through_the_api(server, db):
    from tests.signin import session

    http = session(server, "dept_cgj")
    r = http.get(f"{server}/api/v1/cases", params={"limit": 200}, timeout=20)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert items and {c["department_code"] for c in items} == {"CGJ"}
    with db.transaction() as cur:
        cur.execute(
            "SELECT id FROM cases WHERE department_id <> (SELECT id FROM departments WHERE code = 'CGJ') LIMIT 1"
        )
        foreign = cur.fetchone()[0]
    assert http.get(f"{server}/api/v1/cases/{foreign}", timeout=20).status_code == 404


def test_the_walls_urgent_list_puts_supervised_cases_first_and_leaves_parked_ones_out(db):
    from geodata import ticker, units

    supervised, parked = _dispatched(db, "URGENT-SUP"), _dispatched(db, "URGENT-PARK")
    _make_late(db, parked)
    _step(db, parked, "park", reason="待年度预算")
    _step(db, supervised, "supervise", due=datetime.now(UTC) + timedelta(hours=6))
    street = units.by_id(db, _row(db, supervised)["street_id"])
    rows = ticker.urgent(db, street, limit=500)
    assert rows[0]["id"] == supervised and rows[0]["supervised"] is True
    assert parked not in {r["id"] for r in rows}  # and its infinite deadline broke nothing
    assert all(r["due_in_s"] is not None for r in rows)
