"""The workbench's queues (geodata/cases/work.py): each queue's count, its pages and a filtered
queue's total, held to a count of the cases table made here in pandas from each queue's meaning."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import psycopg2
import pytest

from geodata.cases import work

# What each queue holds, written out again from its meaning (a case's columns → in the queue).
MEANING = {
    "to_dispatch": lambda c, now: c.status.isin(["reported", "returned"]) & c.parked_at.isna(),
    "to_accept": lambda c, now: (c.status == "dispatched") & c.parked_at.isna(),
    "in_progress": lambda c, now: (c.status == "accepted") & c.parked_at.isna(),
    "due_soon": lambda c, now: c.is_open & (c.deadline_at >= now) & (c.deadline_at < now + work.SOON),
    "overdue": lambda c, now: c.is_open & (c.deadline_at < now),
    "supervised": lambda c, now: c.is_open & c.supervised_at.notna(),
    "to_verify": lambda c, now: (c.status == "resolved") & c.verified_at.isna(),
    "extension_pending": lambda c, now: c.is_open & c.extension_until.notna(),
    "park_pending": lambda c, now: c.is_open & c.park_requested_at.notna(),
    "parked": lambda c, now: c.is_open & c.parked_at.notna(),
    "to_rate": lambda c, now: (c.status == "resolved") & c.verified_at.notna(),
    "to_close": lambda c, now: c.status == "rated",
}
CLOCK = ("due_soon", "overdue")  # queues that move with the clock: compared within a second's bounds


@pytest.fixture(scope="module")
def cases(admin_dsn_) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Every case with the columns the queues read and its category's group, and the database's now."""
    conn = psycopg2.connect(admin_dsn_)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT c.id, c.status, c.is_open, c.parked_at, c.deadline_at, c.supervised_at, c.verified_at, "
                "c.extension_until, c.park_requested_at, c.category_code, k.parent_code, c.description "
                "FROM cases c JOIN case_categories k ON k.code = c.category_code"
            )
            frame = pd.DataFrame(cur.fetchall(), columns=[d.name for d in cur.description])
            cur.execute("SELECT now()")
            now = pd.Timestamp(cur.fetchone()[0])
    finally:
        conn.close()
    for column in ("parked_at", "deadline_at", "supervised_at", "verified_at", "extension_until", "park_requested_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame, now


def _expected(frame: pd.DataFrame, queue: str, now: pd.Timestamp) -> pd.DataFrame:
    chosen = frame[MEANING[queue](frame, now)]
    return chosen.sort_values(["deadline_at", "id"], na_position="last")


def test_each_queue_counts_what_it_means(db, cases):
    frame, now = cases
    got = work.counts(db, "dispatcher", None)
    assert set(got) == set(MEANING)
    assert sum(got.values()) > 0
    for queue, n in got.items():
        if queue in CLOCK:  # the clock moved between the two reads: the count lies between
            low, high = sorted(len(_expected(frame, queue, now + timedelta(seconds=s))) for s in (-1, 60))
            assert low - 1 <= n <= high + 1, queue
        else:
            assert n == len(_expected(frame, queue, now)), queue


@pytest.mark.parametrize("queue", [q for q in MEANING if q not in CLOCK])
def test_a_page_is_the_queue_soonest_deadline_first_with_its_total(db, cases, queue):
    frame, now = cases
    want = _expected(frame, queue, now)
    rows, total = work.page(db, "dispatcher", None, queue)
    assert total == len(want)
    assert [r["id"] for r in rows] == list(want.id[: work.PAGE_SIZE])
    last = max(0, (len(want) - 1) // work.PAGE_SIZE)
    rows, total = work.page(db, "dispatcher", None, queue, page_no=last)
    assert [r["id"] for r in rows] == list(want.id[last * work.PAGE_SIZE :])
    assert total == len(want)


def test_the_total_is_taken_from_the_counts_only_when_nothing_filters(db, cases):
    frame, now = cases
    counted = work.counts(db, "dispatcher", None)
    queue = max((q for q in MEANING if q not in CLOCK), key=counted.get)
    # Unfiltered: the counts just read are the total (a wrong one shows, so the page used it).
    assert work.page(db, "dispatcher", None, queue, counted={queue: 123456})[1] == 123456
    # Filtered by a category group: counted again, whatever the counts said.
    in_queue = _expected(frame, queue, now)
    group = in_queue.parent_code.fillna(in_queue.category_code).mode()[0]
    want = in_queue[(in_queue.category_code == group) | (in_queue.parent_code == group)]
    rows, total = work.page(db, "dispatcher", None, queue, category=group, counted={queue: 123456})
    assert total == len(want) > 0
    assert [r["id"] for r in rows] == list(want.id[: work.PAGE_SIZE])
    # By a single category, and by a case number.
    one = want.category_code.mode()[0]
    assert work.page(db, "dispatcher", None, queue, category=one)[1] == int((want.category_code == one).sum())
    case_id = int(want.id.iloc[-1])
    rows, total = work.page(db, "dispatcher", None, queue, text=str(case_id), counted=counted)
    assert (total, [r["id"] for r in rows]) == (1, [case_id])
    # Nothing found: an empty page and 0, also past the last page.
    assert work.page(db, "dispatcher", None, queue, text="词语不在任何描述里") == ([], 0)
    far = len(in_queue) // work.PAGE_SIZE + 5
    assert work.page(db, "dispatcher", None, queue, page_no=far) == ([], len(in_queue))


def test_a_queue_the_role_does_not_work_is_empty(db):
    assert work.page(db, "gridworker", None, "to_dispatch") == ([], 0)
    assert work.counts(db, "nobody", None) == {}
