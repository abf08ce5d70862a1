"""Assessment results kept per closed period (geodata/assessment/history.py, migration 0037).

The fixture month of tests/test_assessment.py (2025-03) is closed and its results stored; a case
inserted into that month afterwards leaves them as they were; closing it again is refused unless
recomputed with a reason, which changes them and is audited; a period not yet ended is refused.
Flags over months and "连续两月黑旗" read result rows inserted for three closed months of 2019."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from geodata import units
from geodata.assessment import history, indicators, periods
from geodata.clock import TZ
from tests import test_assessment as ta
from tests.conftest import GRIDOPS, ROOT

month = ta.month  # the fixture month (a pytest fixture, shared)
LABEL = "2025-03"
FLAG_MONTHS = ("2019-01", "2019-02", "2019-03")
LABELS = (LABEL, *FLAG_MONTHS)
TAG = "T-HIST-"


def _clear(cur) -> None:
    cur.execute("DELETE FROM assessment_periods WHERE label = ANY(%s)", (list(LABELS),))
    cur.execute("DELETE FROM cases WHERE external_id LIKE %s", (TAG + "%",))


@pytest.fixture(scope="module")
def owner(admin_dsn_, month):
    """An owner-role connection; the test periods and cases are removed before and after."""
    conn = psycopg2.connect(admin_dsn_)
    with conn, conn.cursor() as cur:
        _clear(cur)
    yield conn
    with conn, conn.cursor() as cur:
        _clear(cur)
    conn.close()


def _late_case(owner, grid: int) -> None:
    """A case reported in the fixture month, inserted after the month was closed."""
    c = ta.Case("late", ta.at(3, 15), ta.at(3, 18))
    with owner, owner.cursor() as cur:
        values = {k: v for k, v in vars(c).items() if k not in ("tag", "dept", "reporter", "events")}
        cur.execute(
            ta.INSERT,
            {
                **values,
                "external_id": TAG + "late",
                "department_id": None,
                "dispatched": c.accepted - timedelta(hours=1),
                "deadline": c.deadline,
                "merged_into": None,
                "grid_id": grid,
            },
        )


def _street(db, month) -> history.Result:
    found = [r for r in history.results(db, LABEL, "street") if r.key == str(month["street"])]
    assert len(found) == 1
    return found[0]


def test_close_keeps_results_until_recomputed(db, month, owner):
    n = history.close(db, LABEL, "tester")
    assert n > 0
    street = _street(db, month)
    filed = ta.expected_area(month["cases"])["filed"]
    assert street.counts["filed"] == filed and street.scheme == "composite" and street.rank == 1
    assert street.flag is None  # one office only: fewer than flag_min scored, no flag
    assert [r.key for r in history.results(db, LABEL, "post")] and history.results(db, LABEL, "department")
    grid = [r for r in history.results(db, LABEL, "grid") if r.key == str(month["grid"])]
    assert grid[0].counts == street.counts

    _late_case(owner, month["grid"])
    p = periods.parse(LABEL)
    live = indicators.assess(db, "street", p.start, p.end, [month["street"]])[month["street"]]
    assert live.counts["filed"] == filed + 1  # the data changed ...
    assert _street(db, month) == street  # ... the closed period did not

    with pytest.raises(ValueError, match=r"already closed .*recompute=True \(--recompute\)"):
        history.close(db, LABEL, "tester")
    with pytest.raises(ValueError, match="reason"):
        history.close(db, LABEL, "tester", recompute=True)
    with pytest.raises(ValueError, match="reason"):
        history.close(db, LABEL, "tester", recompute=True, why="  ")
    assert _street(db, month) == street

    history.close(db, LABEL, "auditor", recompute=True, why="a case reported late")
    again = _street(db, month)
    assert again.counts["filed"] == filed + 1 and again != street
    with owner, owner.cursor() as cur:
        cur.execute("SELECT actor, detail FROM audit_log WHERE action = 'assessment_close' ORDER BY id DESC LIMIT 2")
        (actor, detail), (first_actor, first) = cur.fetchall()
        cur.execute("SELECT closed_by, computed_by, recomputed FROM assessment_periods WHERE label = %s", (LABEL,))
        assert cur.fetchone() == ("tester", "auditor", 1)
    assert actor == "auditor" and detail["recompute"] is True and detail["why"] == "a case reported late"
    assert first_actor == "tester" and first["recompute"] is False and "why" not in first


def test_a_period_not_ended_is_refused(db):
    this_month = datetime.now(TZ).strftime("%Y-%m")
    for label in (this_month, "2099-01", str(datetime.now(TZ).year)):
        with pytest.raises(ValueError, match="has not ended"):
            history.close(db, label, "tester")
    with pytest.raises(ValueError, match="has not ended"):
        history.close(db, LABEL, "tester", now=datetime(2025, 3, 31, 23, tzinfo=TZ))


def test_an_unclosed_period_has_no_results(db):
    with pytest.raises(ValueError, match="not closed"):
        history.results(db, "2019-04", "street")
    with pytest.raises(ValueError, match="grouping"):
        history.results(db, LABEL, "planet")


def test_the_previous_month_closes_once(db, month, owner):
    assert history.previous_month(datetime(2025, 4, 1, 1, 30, tzinfo=TZ)) == "2025-03"
    assert history.previous_month(datetime(2025, 1, 1, 1, 30, tzinfo=UTC)) == "2024-12"  # 09:30 in Beijing
    assert history.previous_month(datetime(2025, 3, 31, 17, tzinfo=UTC)) == "2025-03"  # 1 April in Beijing
    now = datetime(2025, 4, 1, 1, 30, tzinfo=TZ)
    history.close_previous(db, now)  # closes 2025-03 unless a test above did
    assert history.close_previous(db, now) is None
    assert history.results(db, LABEL, "street")


def _flag_rows(owner) -> None:
    """Three closed months of 2019: office 'a' red, black, black; 'b' black, (absent), black."""
    rows = {"a": ("red", "black", "black"), "b": ("black", None, "black")}
    with owner, owner.cursor() as cur:
        for i, label in enumerate(FLAG_MONTHS):
            p = periods.parse(label)
            cur.execute(
                "INSERT INTO assessment_periods (label, kind, start_at, end_at, closed_by, computed_by) "
                "VALUES (%s, 'month', %s, %s, 'tester', 'tester')",
                (label, p.start, p.end),
            )
            for rank, (key, flags) in enumerate(rows.items(), 1):
                if key == "b" and flags[i] is None:
                    continue
                cur.execute(
                    "INSERT INTO assessment_results (period, grouping, key, scheme, counts, score, rank, flag) "
                    "VALUES (%s, 'street', %s, 'szcg', '{}', %s, %s, %s)",
                    (label, key, 90 - 10 * rank, rank, flags[i]),
                )


def test_flags_over_months_and_two_black_in_a_row(db, owner):
    _flag_rows(owner)
    end = FLAG_MONTHS[-1]
    assert history.flags_over(db, "street", "a", until=end) == [
        ("2019-01", "red"),
        ("2019-02", "black"),
        ("2019-03", "black"),
    ]
    assert history.consecutive_black(db, "street", "a", until=end) == 2
    assert history.warning(history.consecutive_black(db, "street", "a", until=end)) == "连续两月黑旗"
    assert history.flags_over(db, "street", "b", until=end) == [
        ("2019-01", "black"),
        ("2019-02", None),
        ("2019-03", "black"),
    ]
    assert history.consecutive_black(db, "street", "b", until=end) == 1
    assert history.warning(1) is None and history.warning(0) is None
    assert history.warning(3) == "连续三月黑旗" and history.warning(12) == "连续十二月黑旗"
    assert history.flags_over(db, "street", "a", months=1, until=end) == [("2019-03", "black")]
    assert history.consecutive_black(db, "street", "a", until="2019-02") == 1
    months = history.history(db, "street", "a", until=end)
    assert [(m.rank, m.score) for m in months] == [(1, 80.0)] * 3
    assert history.flags_over(db, "street", "nobody", until=end) == [(m, None) for m in FLAG_MONTHS]


def _gridops(*words: str) -> subprocess.CompletedProcess:
    return subprocess.run([GRIDOPS, *words], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_cli_history_and_a_refused_close(db, month, owner):
    if not history.fetch_rows("assessment_period", {"label": LABEL}, db):
        history.close(db, LABEL, "tester")
    done = _gridops("assess", "history", "--by", "street", "--key", str(month["street"]))
    assert done.returncode == 0, done.stderr
    assert "月份 month" in done.stdout and f"{LABEL}\t" in done.stdout
    by_id = done.stdout
    code = units.by_id(db, month["street"]).code  # the demo's unit codes are digits: a code, not an id
    done = _gridops("assess", "history", "--by", "street", "--key", code)
    assert done.returncode == 0 and done.stdout == by_id, done.stderr
    done = _gridops("assess", "close", "--period", LABEL)
    assert done.returncode == 1 and "already closed" in done.stderr and "Traceback" not in done.stderr
    done = _gridops("assess", "close", "--period", "2099-01")
    assert done.returncode == 1 and "has not ended" in done.stderr
