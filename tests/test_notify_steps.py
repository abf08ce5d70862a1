"""Reminders, urges and escalations end to end: the rules, the scan, the job queue and its worker,
real DingTalk- and WeCom-format receivers on the loopback, and a clock the test moves.

The case belongs to a category group of its own (T9) with its own rules, and the default rules
are off while the tests run, so the demo city's cases never fall into the scans' windows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import psycopg2
import pytest

from geodata.clock import TZ
from geodata.notify import workcalendar
from tests.receivers import HttpReceiver, dingtalk_signature_ok
from tests.server import ARTIFACTS, ROOT

SECRET = "SECtest0123456789"
D = datetime(2026, 12, 14, 10, 0, tzinfo=TZ)  # a Monday; the deadline of the test's case
# 40 working hours after it (08:30-12:00 and 13:30-17:30): Monday 6 h, Tuesday to Friday 30 h,
# then Monday 21st 08:30-12:00 and 13:30-14:00.
ESCALATE_1 = datetime(2026, 12, 21, 14, 0, tzinfo=TZ)
# 40 more: Monday 3.5 h, Tuesday to Friday (the 25th is a working day in China) 30 h, then
# Monday 28th 08:30-12:00 and 13:30-16:30.
ESCALATE_2 = datetime(2026, 12, 28, 16, 30, tzinfo=TZ)


def _admin(dsn: str, statement: str, params=None, fetch: bool = False):
    conn = psycopg2.connect(dsn)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if fetch else None
    finally:
        conn.close()


class Worker:
    """``gridops worker`` in a subprocess, without its periodic jobs (the test moves the clock)."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.log = ARTIFACTS / "worker.log"

    def start(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "GRIDOPS_JOBS_PERIODIC": "false"}
        out = open(self.log, "a")  # noqa: SIM115 (closed with the process)
        self.proc = subprocess.Popen([sys.executable, "-m", "cli", "worker"], cwd=ROOT, env=env, stdout=out, stderr=out)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def queue(loaded):
    from jobs.queue import connect

    app = connect().open()
    yield app
    app.close()


@pytest.fixture
def worker():
    w = Worker()
    w.start()
    yield w
    w.stop()


@pytest.fixture
def rules(admin_dsn_):
    """A case category of the test's own, its rules, two channels on a receiver; all undone after."""
    rx = HttpReceiver().__enter__()
    _admin(
        admin_dsn_,
        """
        UPDATE notify_rules SET enabled = false WHERE category_code IS NULL AND category_group IS NULL;
        INSERT INTO case_categories (code, name, name_en, sla_hours)
        SELECT 'T901', '测试类别', 'Test category', 72
         WHERE NOT EXISTS (SELECT 1 FROM case_categories WHERE code = 'T901');
        INSERT INTO notify_rules (category_group, escalation, step, hours, working, targets) VALUES
            ('T9', NULL, 'remind', 24, false, '{department,dispatcher}'),
            ('T9', NULL, 'urge', 0, false, '{department,dispatcher}'),
            ('T9', 0, 'escalate', 40, true, '{department,dispatcher}'),
            ('T9', 1, 'escalate', 40, true, '{department,dispatcher}');
        INSERT INTO notify_channels (name, kind, endpoint, secret, quiet_from, quiet_to, digest_minutes) VALUES
            ('test-ding', 'dingtalk', %(ding)s, %(secret)s, '22:00', '07:00', 10),
            ('test-wecom', 'wecom', %(wecom)s, NULL, NULL, NULL, 10);
        INSERT INTO notify_routes (target, channel) VALUES ('dispatcher', 'test-ding'), ('department', 'test-wecom');
        """,
        {"ding": rx.url + "/ding?access_token=tok", "wecom": rx.url + "/wecom?key=k", "secret": SECRET},
    )
    yield rx
    rx.__exit__(None, None, None)
    _admin(
        admin_dsn_,
        """
        DELETE FROM notify_messages WHERE channel LIKE 'test-%%';
        DELETE FROM notify_channels WHERE name LIKE 'test-%%';
        DELETE FROM cases WHERE category_code = 'T901';
        DELETE FROM notify_rules WHERE category_group = 'T9';
        UPDATE notify_rules SET enabled = true WHERE category_code IS NULL AND category_group IS NULL;
        """,
    )


def _case(dsn: str, deadline: datetime) -> int:
    rows = _admin(
        dsn,
        """
        INSERT INTO cases (source, external_id, category_code, status, description, address, geom,
                           department_id, reported_at, dispatched_at, deadline_at)
        SELECT 'hotline', 'T9-' || md5(random()::text), 'T901', 'dispatched', '测试案件', '经开区第九大街',
               (SELECT ST_PointOnSurface(geom) FROM units WHERE level = 'grid' ORDER BY id LIMIT 1),
               (SELECT id FROM departments ORDER BY id LIMIT 1), %(reported)s, %(reported)s, %(deadline)s
        RETURNING id
        """,
        {"reported": deadline - timedelta(days=4), "deadline": deadline},
        fetch=True,
    )
    return rows[0][0]


def _scan_from(dsn: str, at: datetime) -> None:
    _admin(
        dsn,
        "INSERT INTO notify_scan (scanned_to) VALUES (%(at)s) ON CONFLICT (one) DO UPDATE SET scanned_to = %(at)s",
        {"at": at},
    )


def _tick(queue, at: datetime) -> int:
    return queue.configure_task("notify_tick").defer(at=at.isoformat())


def _job_status(dsn: str, job: int, timeout: float = 20.0, want: str = "succeeded") -> str:
    deadline = time.monotonic() + timeout
    while True:
        status = _admin(dsn, "SELECT status FROM procrastinate_jobs WHERE id = %s", (job,), fetch=True)[0][0]
        if status == want or time.monotonic() > deadline:
            return status
        time.sleep(0.2)


def _texts(requests, path: str) -> list[str]:
    out = []
    for r in requests:
        if r.path == path:
            body = r.json
            out.append(
                body.get("markdown", {}).get("text")
                or body.get("markdown", {}).get("content")
                or body.get("text", {}).get("content", "")
            )
    return out


def test_working_hours_follow_chinas_holidays_and_working_weekends():
    cal = workcalendar.Calendar(workcalendar.parse_hours("08:30-12:00,13:30-17:30"))
    # the National Day week of 2026: 1-7 October off, Saturday 10 October worked (调休)
    assert not cal.working_day(datetime(2026, 10, 5).date())
    assert cal.working_day(datetime(2026, 10, 10).date())
    assert not cal.working_day(datetime(2026, 10, 11).date())  # an ordinary Sunday
    start = datetime(2026, 9, 30, 16, 30, tzinfo=TZ)  # Wednesday before the holiday
    # 1 h on the 30th, then the holiday week, then 08:30-11:30 on Thursday the 8th
    assert cal.add(start, 4) == datetime(2026, 10, 8, 11, 30, tzinfo=TZ)
    assert cal.subtract(datetime(2026, 10, 8, 11, 30, tzinfo=TZ), 4) == start
    assert cal.between(start, datetime(2026, 10, 8, 11, 30, tzinfo=TZ)) == pytest.approx(4)
    assert cal.add(D, 40) == ESCALATE_1 and cal.add(ESCALATE_1, 40) == ESCALATE_2
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        workcalendar.parse_hours("8-12")


def test_a_case_is_reminded_urged_and_escalated_once_per_step_and_never_in_quiet_hours(
    rules, queue, worker, admin_dsn_
):
    rx = rules
    case = _case(admin_dsn_, D)
    _scan_from(admin_dsn_, D - timedelta(hours=24, minutes=5))

    # the reminder, 24 hours before the deadline: one message to each target's channel
    assert _job_status(admin_dsn_, _tick(queue, D - timedelta(hours=24) + timedelta(minutes=1))) == "succeeded"
    got = rx.wait_for(2, timeout=10)
    assert sorted(r.path for r in got) == ["/ding", "/wecom"]
    for r in got:
        if r.path == "/ding":
            assert dingtalk_signature_ok(r.query, SECRET), r.raw_query
    assert all("提醒" in t and f"#{case}" in t for t in _texts(got, "/ding") + _texts(got, "/wecom"))

    # a scan again over the same time: nothing more
    assert _job_status(admin_dsn_, _tick(queue, D - timedelta(hours=23))) == "succeeded"
    # the urge at the deadline
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=1))) == "succeeded"
    got = rx.wait_for(4, timeout=10)
    assert len(got) == 4 and all("催办" in t for t in _texts(got[2:], "/ding") + _texts(got[2:], "/wecom"))

    # just before the escalation: nothing
    assert _job_status(admin_dsn_, _tick(queue, ESCALATE_1 - timedelta(minutes=1))) == "succeeded"
    # the scan that finds the escalation runs in the dispatcher channel's quiet hours (22:00-07:00):
    # the department's WeCom hears of it, the DingTalk group not until 07:00
    assert _job_status(admin_dsn_, _tick(queue, ESCALATE_1.replace(hour=23))) == "succeeded"
    got = rx.wait_for(5, timeout=10)
    time.sleep(1.0)
    assert [r.path for r in rx.requests[4:]] == ["/wecom"], "a message went out in quiet hours"
    assert "升级至街道" in _texts(rx.requests[4:], "/wecom")[0]
    assert (
        _job_status(admin_dsn_, _tick(queue, ESCALATE_1.replace(hour=6, minute=59) + timedelta(days=1))) == "succeeded"
    )
    time.sleep(0.5)
    assert len(rx.requests) == 5, "a message went out in quiet hours"
    assert (
        _job_status(admin_dsn_, _tick(queue, ESCALATE_1.replace(hour=7, minute=1) + timedelta(days=1))) == "succeeded"
    )
    got = rx.wait_for(6, timeout=10)
    assert got[5].path == "/ding" and dingtalk_signature_ok(got[5].query, SECRET)
    assert "升级至街道" in _texts(got[5:], "/ding")[0]

    # the second escalation, to the district
    assert _job_status(admin_dsn_, _tick(queue, ESCALATE_2 + timedelta(minutes=1))) == "succeeded"
    got = rx.wait_for(8, timeout=10)
    assert sorted(r.path for r in got[6:]) == ["/ding", "/wecom"]
    assert all("升级至区" in t for t in _texts(got[6:], "/ding") + _texts(got[6:], "/wecom"))
    time.sleep(1.0)
    assert len(rx.requests) == 8  # exactly one message per step and channel

    escalation, events = _admin(
        admin_dsn_,
        "SELECT escalation, (SELECT count(*) FROM case_events WHERE case_id = %(c)s AND action = 'escalate') "
        "FROM cases WHERE id = %(c)s",
        {"c": case},
        fetch=True,
    )[0]
    assert (escalation, events) == (2, 2)
    states = _admin(
        admin_dsn_,
        "SELECT m.state, count(*) FROM notify_messages m WHERE m.channel LIKE 'test-%%' GROUP BY 1",
        fetch=True,
    )
    assert dict(states) == {"sent": 8}
    steps = _admin(
        admin_dsn_, "SELECT step, escalation FROM notify_steps WHERE case_id = %s ORDER BY due_at", (case,), fetch=True
    )
    assert steps == [("remind", 0), ("urge", 0), ("escalate", 0), ("escalate", 1)]


def test_a_worker_killed_mid_send_loses_no_step_and_sends_none_twice(rules, queue, worker, admin_dsn_):
    rx = rules
    rx.answer("/ding", hold=30)  # the DingTalk relay keeps the worker waiting
    case = _case(admin_dsn_, D)
    _scan_from(admin_dsn_, D - timedelta(minutes=5))
    job = _tick(queue, D + timedelta(minutes=1))
    deadline = time.monotonic() + 15
    while not any(r.path == "/ding" for r in rx.requests):
        assert time.monotonic() < deadline, "the DingTalk message never went"
        time.sleep(0.05)
    worker.kill()  # mid-send: the relay has the message, the worker never heard back
    assert _job_status(admin_dsn_, job, timeout=1, want="doing") == "doing"

    worker.start()
    # the next tick: the step the worker was killed on is not sent again, the other one goes
    later = _tick(queue, D + timedelta(minutes=2))
    assert _job_status(admin_dsn_, later) == "succeeded"
    rx.wait_for(2, timeout=10)
    time.sleep(1.0)
    assert sorted(r.path for r in rx.requests) == ["/ding", "/wecom"]
    # the killed job is not run again (at most once)
    assert _job_status(admin_dsn_, job, timeout=1, want="doing") == "doing"
    states = dict(
        _admin(admin_dsn_, "SELECT channel, state FROM notify_messages WHERE channel LIKE 'test-%%'", fetch=True)
    )
    assert states == {"test-ding": "sending", "test-wecom": "sent"}
    # once the send has been silent for longer than any channel waits, it is settled as unknown
    _admin(
        admin_dsn_, "UPDATE notify_messages SET handed_at = handed_at - interval '1 hour' WHERE channel = 'test-ding'"
    )
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=3))) == "succeeded"
    states = dict(
        _admin(admin_dsn_, "SELECT channel, state FROM notify_messages WHERE channel LIKE 'test-%%'", fetch=True)
    )
    assert states == {"test-ding": "unknown", "test-wecom": "sent"}
    assert len(rx.requests) == 2 and case


def test_a_deferred_job_survives_a_restart_of_the_worker_and_of_the_database(
    rules, queue, worker, admin_dsn_, settings
):
    from geodata.ops.cluster import Cluster

    rx = rules
    _case(admin_dsn_, D)
    _scan_from(admin_dsn_, D - timedelta(minutes=5))
    worker.stop()
    job = queue.configure_task("notify_tick", schedule_in={"seconds": 3}).defer(
        at=(D + timedelta(minutes=1)).isoformat()
    )
    queue.close()
    if not settings.database_url:  # the embedded cluster: stop and start it
        cluster = Cluster(settings)
        cluster.stop()
        cluster.start()
    worker.start()
    assert _job_status(admin_dsn_, job, timeout=30) == "succeeded"
    got = rx.wait_for(2, timeout=10)
    assert sorted(r.path for r in got) == ["/ding", "/wecom"]
    queue.open()


def test_a_storm_of_steps_is_one_summary_per_target_per_interval_and_a_refused_send_is_tried_again(
    rules, queue, worker, admin_dsn_
):
    rx = rules
    cases = [_case(admin_dsn_, D + timedelta(minutes=n)) for n in range(6)]
    _scan_from(admin_dsn_, D - timedelta(minutes=5))
    rx.answer("/wecom", status=500, times=1)  # the WeCom relay fails once
    # six urges fall due in one scan: one message per channel, listing them all
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=10))) == "succeeded"
    got = rx.wait_for(2, timeout=10)
    time.sleep(0.5)
    assert sorted(r.path for r in rx.requests) == ["/ding", "/wecom"]
    summary = _texts(got, "/ding")[0]
    assert "6 件案件" in summary and all(f"#{c}" in summary for c in cases)
    # the refused WeCom message waits (2 minutes, then longer) and goes again, once
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=11))) == "succeeded"
    time.sleep(0.5)
    assert len(rx.requests) == 2
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=13))) == "succeeded"
    got = rx.wait_for(3, timeout=10)
    assert got[2].path == "/wecom" and "6 件案件" in _texts(got[2:], "/wecom")[0]
    # one more case falls due within the digest interval (10 minutes) after the last message:
    # it waits for the interval to pass, then goes alone
    late = _case(admin_dsn_, D + timedelta(minutes=14))
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=15))) == "succeeded"
    time.sleep(0.5)
    assert len(rx.requests) == 3
    assert _job_status(admin_dsn_, _tick(queue, D + timedelta(minutes=24))) == "succeeded"
    got = rx.wait_for(5, timeout=10)
    assert all(f"#{late}" in t for t in _texts(got[3:], "/ding") + _texts(got[3:], "/wecom"))
    states = _admin(
        admin_dsn_, "SELECT state, attempts FROM notify_messages WHERE channel = 'test-wecom' ORDER BY id", fetch=True
    )
    assert states == [("sent", 2), ("sent", 1)]


def test_rules_and_routes_are_set_from_the_command_line_with_clear_errors(admin_dsn_):
    from tests.conftest import GRIDOPS

    def gridops(*words: str) -> subprocess.CompletedProcess:
        return subprocess.run([GRIDOPS, "notify", *words], cwd=ROOT, capture_output=True, text=True, timeout=60)

    assert (
        gridops("channel", "add", "cli-ding", "--kind", "dingtalk", "--endpoint", "http://127.0.0.1:9/r").returncode
        == 0
    )
    try:
        done = gridops("rule", "set", "--step", "remind", "--hours", "12", "--group", "01", "--targets", "department")
        assert done.returncode == 0 and "added rule" in done.stdout, done.stderr
        again = gridops("rule", "set", "--step", "remind", "--hours", "6", "--group", "01", "--targets", "department")
        assert "replaced rule" in again.stdout
        assert "01*" in gridops("rule", "list").stdout
        bad = gridops("rule", "set", "--step", "remind", "--hours", "1", "--targets", "boss")
        assert bad.returncode == 1 and "department, responsible, dispatcher" in bad.stderr
        bad = gridops("rule", "set", "--step", "urge", "--hours", "1", "--category", "9999", "--targets", "department")
        assert bad.returncode == 1 and "no category '9999'" in bad.stderr
        done = gridops("route", "add", "--target", "dispatcher", "--channel", "cli-ding")
        assert done.returncode == 0 and "added route" in done.stdout
        assert "cli-ding" in gridops("route", "list").stdout
        bad = gridops("route", "add", "--target", "dispatcher", "--channel", "nope")
        assert bad.returncode == 1 and "gridops notify channel list" in bad.stderr
        bad = gridops("route", "add", "--target", "dispatcher", "--channel", "cli-ding", "--unit", "X1")
        assert bad.returncode == 1 and "--target responsible" in bad.stderr
        route = int(done.stdout.split()[-1])
        assert gridops("route", "remove", str(route)).returncode == 0
        assert gridops("route", "remove", str(route)).returncode == 1
        bad = gridops("tick", "--at", "2026-12-07T09:00:00")
        assert bad.returncode == 1 and "needs a zone" in bad.stderr
    finally:
        gridops("channel", "remove", "cli-ding")
        _admin(admin_dsn_, "DELETE FROM notify_rules WHERE category_group = '01'")
