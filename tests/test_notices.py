"""What people read of reminders, urges and escalations: a user's notices (count, list, read) and a
case's notification history. The rows are inserted as the notification engine writes them, as the
owner role; the reading side runs as the app does."""

from __future__ import annotations

import itertools
import json
from datetime import datetime, timedelta

import psycopg2
import pytest

from geodata import units
from geodata.clock import TZ
from geodata.db import SCOPE
from geodata.notify import history, notices
from tests.cases import insert_case

NOW = datetime.now(TZ)
SERIAL = itertools.count(int(NOW.timestamp()))  # external ids of the cases made here: new in every test


def user_id(cur, username: str) -> int:
    """A demo user's id."""
    cur.execute("SELECT id FROM users WHERE username = %s", (username,))
    return cur.fetchone()[0]


def overdue_case(
    cur,
    tag: str,
    days: float = 3,
    escalation: int = 0,
    address: str = "经开第八大街",
    at: tuple[float, float] = (113.77, 34.71),
    category: str = "0101",
) -> int:
    """An open case past its deadline by ``days`` (暴露垃圾 unless told), escalated as given."""
    case_id = insert_case(cur, *at, f"T-NOTICE-{tag}-{next(SERIAL)}")
    cur.execute(
        "UPDATE cases SET address = %s, category_code = %s, reported_at = now() - make_interval(days => %s + 2), "
        "deadline_at = now() - make_interval(secs => %s * 86400), escalation = %s, "
        "escalated_at = CASE WHEN %s > 0 THEN now() - interval '1 hour' END WHERE id = %s",
        (address, category, int(days), days, escalation, escalation, case_id),
    )
    return case_id


def step(cur, case_id: int, kind: str, escalation: int = 0, ago_minutes: int = 10) -> int:
    """A step that fell due ``ago_minutes`` ago (its deadline the case's)."""
    cur.execute(
        "INSERT INTO notify_steps (case_id, step, escalation, deadline_at, due_at, created_at) "
        "SELECT id, %s, %s, deadline_at, now() - make_interval(mins => %s), now() - make_interval(mins => %s) "
        "FROM cases WHERE id = %s RETURNING id",
        (kind, escalation, ago_minutes, ago_minutes, case_id),
    )
    return cur.fetchone()[0]


def notice(cur, username: str, step_id: int, ago_minutes: int = 10, read: bool = False) -> int:
    """A notice of a step in a user's notification centre."""
    cur.execute(
        "INSERT INTO user_notices (user_id, step_id, created_at, read_at) "
        "VALUES (%s, %s, now() - make_interval(mins => %s), CASE WHEN %s THEN now() END) RETURNING id",
        (user_id(cur, username), step_id, ago_minutes, read),
    )
    return cur.fetchone()[0]


def channel(cur, name: str, kind: str, label: str | None = None) -> None:
    """A notification channel (its endpoint a test address nobody answers)."""
    options = json.dumps({"label": label} if label else {}, ensure_ascii=False)
    cur.execute(
        "INSERT INTO notify_channels (name, kind, endpoint, options) VALUES (%s, %s, 'http://127.0.0.1:9/x', %s) "
        "ON CONFLICT (name) DO NOTHING",
        (name, kind, options),
    )


def message(cur, step_id: int, target: str, channel_name: str, address: str, state: str, result: str | None) -> int:
    """One message of a step through a channel, as the sender left it."""
    cur.execute(
        "INSERT INTO notify_messages (channel, address, state, send_after, attempts, result, sent_at) "
        "VALUES (%s, %s, %s, now() - interval '5 minutes', 1, %s, "
        "CASE WHEN %s IN ('sent', 'failed') THEN now() - interval '4 minutes' END) RETURNING id",
        (channel_name, address, state, result, state),
    )
    message_id = cur.fetchone()[0]
    cur.execute(
        "INSERT INTO notify_deliveries (step_id, target, message_id) VALUES (%s, %s, %s)", (step_id, target, message_id)
    )
    return message_id


def clear_notices(cur, *usernames: str) -> None:
    """No notice of these users from an earlier test."""
    cur.execute(
        "DELETE FROM user_notices WHERE user_id IN (SELECT id FROM users WHERE username = ANY(%s))", (list(usernames),)
    )


@pytest.fixture
def owner(admin_dsn_):
    """A cursor on the owner role (the engine's side), committed at the end of each with-block."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        yield conn
    finally:
        conn.close()


@pytest.fixture
def told(owner, db):
    """The dispatcher told of three steps of two cases (one notice read), the street user of one."""
    with owner, owner.cursor() as cur:
        clear_notices(cur, "dispatcher", "street")
        first = overdue_case(cur, "A", days=3, escalation=1, address="经开第八大街")
        second = overdue_case(cur, "B", days=0.25, address="航海东路")
        urge = step(cur, second, "urge", ago_minutes=60)
        escalate = step(cur, first, "escalate", escalation=0, ago_minutes=5)
        remind = step(cur, first, "remind", ago_minutes=600)
        ids = {
            "escalate": notice(cur, "dispatcher", escalate, ago_minutes=5),
            "urge": notice(cur, "dispatcher", urge, ago_minutes=60),
            "remind": notice(cur, "dispatcher", remind, ago_minutes=600, read=True),
            "street": notice(cur, "street", urge, ago_minutes=60),
        }
        users = {name: user_id(cur, name) for name in ("dispatcher", "street")}
    return {"cases": (first, second), "steps": (escalate, urge, remind), "notices": ids, "users": users}


def test_a_user_counts_and_lists_only_their_own_notices_newest_first(db, told):
    dispatcher, street = told["users"]["dispatcher"], told["users"]["street"]
    first, second = told["cases"]
    assert notices.unread_count(db, dispatcher) == 2
    assert notices.unread_count(db, street) == 1
    rows = notices.listed(db, dispatcher)
    assert [r["id"] for r in rows] == [told["notices"][k] for k in ("escalate", "urge", "remind")]
    top = rows[0]
    assert top["case_id"] == first and top["step"] == "escalate" and top["level"] == 1
    assert top["category"] and top["address"] == "经开第八大街"
    assert top["due_in_s"] < -2.9 * 86_400 and top["is_open"] and not top["parked"]
    assert top["read"] is False and rows[2]["read"] is True
    assert rows[1]["case_id"] == second and rows[1]["step"] == "urge" and rows[1]["level"] == 0
    assert [r["id"] for r in notices.listed(db, dispatcher, limit=1)] == [told["notices"]["escalate"]]
    assert [r["id"] for r in notices.listed(db, street)] == [told["notices"]["street"]]


def test_marking_read_touches_only_the_users_own_notices(db, told):
    dispatcher, street = told["users"]["dispatcher"], told["users"]["street"]
    # Another user's notice id is left alone; an empty list marks nothing.
    assert notices.mark_read(db, dispatcher, [told["notices"]["street"]]) == 0
    assert notices.mark_read(db, dispatcher, []) == 0
    assert notices.unread_count(db, street) == 1
    assert notices.mark_read(db, dispatcher, [told["notices"]["urge"]]) == 1
    assert notices.unread_count(db, dispatcher) == 1
    assert notices.mark_read(db, dispatcher, [told["notices"]["urge"]]) == 0  # already read
    assert notices.mark_read(db, dispatcher) == 1  # all
    assert notices.unread_count(db, dispatcher) == 0
    assert all(r["read"] for r in notices.listed(db, dispatcher))
    assert notices.unread_count(db, street) == 1


def test_opening_a_case_reads_its_notices(db, told):
    dispatcher = told["users"]["dispatcher"]
    first, second = told["cases"]
    assert notices.mark_case_read(db, dispatcher, first) == 1  # the escalation (the reminder was read)
    assert notices.unread_count(db, dispatcher) == 1
    assert notices.mark_case_read(db, told["users"]["street"], second) == 1
    assert notices.unread_count(db, dispatcher) == 1  # the dispatcher's notice of that case is still unread


def test_notices_of_cases_outside_the_requests_scope_are_neither_counted_nor_listed(db, told):
    first, _ = told["cases"]
    dispatcher = told["users"]["dispatcher"]
    with db.transaction() as cur:
        cur.execute("SELECT street_id FROM cases WHERE id = %s", (first,))
        own = cur.fetchone()[0]
    root = units.by_code(db, units.root_code(db))
    other = next(i for i in units.children(db, root)["id"] if i != own)
    token = SCOPE.set(("street", other))
    try:
        assert notices.unread_count(db, dispatcher) == 0 and notices.listed(db, dispatcher) == []
    finally:
        SCOPE.reset(token)


def test_a_parked_or_closed_case_lists_without_a_time_to_its_deadline(db, told, owner):
    first, second = told["cases"]
    with owner, owner.cursor() as cur:
        cur.execute("UPDATE cases SET parked_at = now(), deadline_at = 'infinity' WHERE id = %s", (first,))
    rows = {r["case_id"]: r for r in notices.listed(db, told["users"]["dispatcher"])}
    assert rows[first]["parked"] and rows[first]["due_in_s"] is None and rows[first]["deadline_at"] is None
    assert rows[second]["due_in_s"] is not None


def test_a_cases_history_names_each_step_who_was_told_through_which_channel_and_what_became_of_it(db, told, owner):
    first, second = told["cases"]
    escalate, urge, remind = told["steps"]
    with owner, owner.cursor() as cur:
        channel(cur, "cg-dingtalk", "dingtalk", "城管群")
        channel(cur, "sms-gw", "sms")
        message(cur, escalate, "department", "cg-dingtalk", "", "sent", "errcode 0")
        message(cur, escalate, "responsible", "sms-gw", "13812340000", "failed", "HTTP 500")
        message(cur, remind, "department", "cg-dingtalk", "", "pending", None)
    steps = history.of_case(db, first)
    assert [s["step"] for s in steps] == ["remind", "escalate"]  # oldest first
    remind_step, escalate_step = steps
    assert escalate_step["level"] == 1 and escalate_step["escalation"] == 0
    assert escalate_step["told"] == [_display_name(db, "dispatcher")]
    sent, failed = escalate_step["messages"]
    assert (sent["target"], sent["kind"], sent["label"], sent["state"]) == ("department", "dingtalk", "城管群", "sent")
    assert sent["address"] == "" and sent["at"] is not None
    assert (failed["kind"], failed["channel"], failed["label"], failed["address"]) == (
        "sms",
        "sms-gw",
        None,
        "138****0000",
    )
    assert failed["state"] == "failed" and failed["result"] == "HTTP 500"
    assert remind_step["messages"][0]["state"] == "pending"
    assert remind_step["messages"][0]["at"] < datetime.now(TZ) + timedelta(minutes=1)  # not in the future
    # A step told to nobody yet through any channel is still on the timeline, with no message.
    (urge_step,) = history.of_case(db, second)
    assert urge_step["id"] == urge and urge_step["messages"] == []
    assert sorted(urge_step["told"]) == sorted([_display_name(db, "dispatcher"), _display_name(db, "street")])
    assert history.of_case(db, 0) == []


def test_addresses_are_masked():
    assert history.masked("13812340000") == "138****0000"
    assert history.masked("+86 138 1234 0000") == "138****0000"
    assert history.masked("zhang.san@zz.gov.cn") == "z***@zz.gov.cn"
    assert history.masked("") == "" and history.masked(None) == ""
    assert history.masked("城管委值班室甲") == "城管***室甲"


def _display_name(db, username: str) -> str:
    with db.transaction() as cur:
        cur.execute("SELECT display_name FROM users WHERE username = %s", (username,))
        return cur.fetchone()[0]


def test_the_walls_urgent_list_puts_escalated_cases_first_with_the_level_they_reached(db, owner):
    from geodata import ticker

    with owner, owner.cursor() as cur:
        to_street = overdue_case(cur, "WALL-1", days=2, escalation=1)
        to_district = overdue_case(cur, "WALL-2", days=9, escalation=2)
        cur.execute("SELECT street_id FROM cases WHERE id = %s", (to_street,))
        street = units.by_id(db, cur.fetchone()[0])
    rows = ticker.urgent(db, street, limit=500)
    levels = [r["escalation"] for r in rows]
    assert levels == sorted(levels, reverse=True) and levels[0] == 2  # to the district, to the street, the rest
    order = [r["id"] for r in rows]
    assert order.index(to_district) < order.index(to_street) < levels.index(0)
    assert len({r["id"] for r in rows}) == len(rows)  # an escalated case shows once


def test_the_wall_map_marks_each_escalated_open_case_and_a_tick_patches_the_marks(db, owner):
    from dash import Patch

    from callbacks.wall import wall_update
    from pages._wall_panels import urgent_list

    with owner, owner.cursor() as cur:
        case_id = overdue_case(cur, "WALL-MAP", days=4, escalation=1)
        cur.execute("SELECT u.code FROM cases c JOIN units u ON u.id = c.street_id WHERE c.id = %s", (case_id,))
        code = cur.fetchone()[0]
    first = wall_update(None, code, "zh", 1920, db, "http://127.0.0.1:8050/")
    marks = next(tr for tr in first["map"]["data"] if tr["name"] == "escalated")
    assert len(marks["lon"]) == len(marks["text"]) >= 1
    assert any(text.startswith(f"#{case_id} ") and "升级至街道" in text for text in marks["text"])
    assert marks["meta"]["pulse"][1] > marks["meta"]["pulse"][0]
    assert "升级至街道" in str(first["legend"]) and "升级至区" in str(first["legend"])
    assert "升级至街道" in str(urgent_list([r for r in _urgent(db, code) if r["id"] == case_id], "zh"))
    with owner, owner.cursor() as cur:
        cur.execute("UPDATE cases SET escalation = 2 WHERE id = %s", (case_id,))
    second = wall_update(first["state"], code, "zh", 1920, db, "http://127.0.0.1:8050/")
    assert isinstance(second["map"], Patch)
    ops = {tuple(op["location"]): op["params"]["value"] for op in second["map"].to_plotly_json()["operations"]}
    at = [tr["name"] for tr in first["map"]["data"]].index("escalated")
    colours = ops[("data", at, "marker", "color")]
    texts = ops[("data", at, "text")]
    assert colours[[t.startswith(f"#{case_id} ") for t in texts].index(True)] == "#e040fb"


def _urgent(db, code: str) -> list[dict]:
    from geodata import ticker

    return ticker.urgent(db, units.by_code(db, code), limit=50)


def test_opening_one_notice_reads_it_and_names_its_case_for_its_user_only(db, told):
    dispatcher, street = told["users"]["dispatcher"], told["users"]["street"]
    _, second = told["cases"]
    assert notices.open_one(db, dispatcher, told["notices"]["street"]) is None  # the street user's
    assert notices.unread_count(db, street) == 1
    assert notices.open_one(db, dispatcher, told["notices"]["urge"]) == second
    assert notices.open_one(db, dispatcher, told["notices"]["urge"]) == second  # again: still its case
    assert notices.unread_count(db, dispatcher) == 1
    assert notices.open_one(db, dispatcher, 0) is None


def test_a_department_handler_reads_only_their_own_notices_through_the_bell(server, owner):
    from tests import dash_calls, signin

    with owner, owner.cursor() as cur:
        clear_notices(cur, "dept_cgj", "dispatcher")
        theirs = overdue_case(cur, "DEPT-1", days=2)
        other = overdue_case(cur, "DEPT-2", days=1)
        cur.execute(
            "UPDATE cases SET department_id = (SELECT id FROM departments WHERE code = 'CGJ') WHERE id = ANY(%s)",
            ([theirs, other],),
        )
        notice(cur, "dept_cgj", step(cur, theirs, "urge"))
        notice(cur, "dispatcher", step(cur, other, "urge"))
    http = signin.session(server, "dept_cgj")
    deps = http.get(f"{server}/_dash-dependencies", timeout=20).json()
    dep = next(d for d in deps if "notice-list.children" in d["output"])
    values = {("notice-config", "data"): {"lang": "zh"}, ("_pages_location", "pathname"): "/work"}
    r = http.post(f"{server}/_dash-update-component", json=dash_calls.body(dep["output"], dep, values), timeout=20)
    assert r.status_code == 200, r.text
    shown = r.json()["response"]
    assert shown["notice-count"]["children"] == "1"
    assert f"/case/{theirs}" in str(shown["notice-list"]) and f"/case/{other}" not in str(shown["notice-list"])
    # The same request with the digest it was just sent: nothing changed, nothing is sent.
    values[("notice-state", "data")] = shown["notice-state"]["data"]
    again = http.post(f"{server}/_dash-update-component", json=dash_calls.body(dep["output"], dep, values), timeout=20)
    assert again.status_code == 204
