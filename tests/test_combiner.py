"""Concurrent calls combined into groups (geodata/cases/combiner.py): who waits, who leads, what runs
together, and what one bad item does to the others. Threads, no database: the statement the
intake runs in a group is tested against PostGIS in test_api.py."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from geodata.cases.combiner import Combiner


def _until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Recorder:
    """A run function that records its groups, and holds the first group until released."""

    def __init__(self) -> None:
        self.groups: list[tuple[object, list[int]]] = []
        self.release = threading.Event()
        self.started = threading.Event()

    def __call__(self, key, items):
        self.groups.append((key, list(items)))
        if len(self.groups) == 1:
            self.started.set()
            assert self.release.wait(10)
        if -1 in items:
            raise ValueError("bad item -1")
        return [i * 10 for i in items]


def _queued(combiner: Combiner, key) -> int:
    return len(combiner._queues.get(key, ()))


def _queue_in_order(pool, combiner: Combiner, calls) -> list:
    """Submit (key, item) calls one by one, each once the one before is queued: a known order."""
    futures = []
    for key, item in calls:
        before = _queued(combiner, key)
        futures.append(pool.submit(combiner, key, item))
        _until(lambda k=key, n=before + 1: _queued(combiner, k) == n)
    return futures


def _behind_a_running_group(pool, combiner: Combiner, rec: Recorder, first, calls) -> list:
    """Start the call ``first`` (held inside run), queue ``calls`` behind it in order, then let
    it go: the futures of all of them, ``first``'s first."""
    head = pool.submit(combiner, *first)
    assert rec.started.wait(10)
    futures = _queue_in_order(pool, combiner, calls)
    rec.release.set()
    return [head, *futures]


def test_a_lone_call_runs_at_once_as_a_group_of_one():
    rec = Recorder()
    rec.release.set()
    combiner = Combiner(rec)
    assert combiner("k", 4) == 40
    assert rec.groups == [("k", [4])]


def test_calls_that_arrive_while_a_group_runs_go_together_in_the_next():
    rec = Recorder()
    combiner = Combiner(rec)
    with ThreadPoolExecutor(8) as pool:
        futures = _behind_a_running_group(pool, combiner, rec, ("k", 0), [("k", i) for i in range(1, 7)])
        assert [f.result(10) for f in futures] == [0, 10, 20, 30, 40, 50, 60]
    assert rec.groups == [("k", [0]), ("k", [1, 2, 3, 4, 5, 6])]
    assert (combiner.groups, combiner.items) == (2, 7)
    assert not combiner._queues  # no key left with a leader


def test_each_key_has_its_own_queue_and_never_waits_for_another():
    rec = Recorder()
    combiner = Combiner(rec, max_group=2)
    with ThreadPoolExecutor(8) as pool:
        held = pool.submit(combiner, "a", 0)
        assert rec.started.wait(10)
        assert combiner("b", 1) == 10  # at once, while the group of "a" is held
        rest = _queue_in_order(pool, combiner, [("a", 2), ("a", 3), ("a", 5)])
        rec.release.set()
        assert [f.result(10) for f in [held, *rest]] == [0, 20, 30, 50]
    assert rec.groups == [("a", [0]), ("b", [1]), ("a", [2, 3]), ("a", [5])]  # oldest first, max_group
    assert not combiner._queues


def test_a_bad_item_fails_alone_and_the_others_of_its_group_are_answered():
    rec = Recorder()
    combiner = Combiner(rec)
    with ThreadPoolExecutor(8) as pool:
        futures = _behind_a_running_group(pool, combiner, rec, ("k", 0), [("k", 1), ("k", -1), ("k", 2)])
        assert [futures[i].result(10) for i in (0, 1, 3)] == [0, 10, 20]
        with pytest.raises(ValueError, match="bad item -1"):
            futures[2].result(10)
    # the group of three failed, then each ran alone
    assert [g for _, g in rec.groups] == [[0], [1, -1, 2], [1], [-1], [2]]
    assert not combiner._queues


def test_an_error_no_single_item_causes_answers_the_whole_group_without_retries():
    rec = Recorder()

    def run(key, items):
        rec(key, items)
        if len(items) > 1:
            raise ConnectionError("the database went away")
        return [i * 10 for i in items]

    combiner = Combiner(run, split_on=(ValueError,))
    with ThreadPoolExecutor(8) as pool:
        futures = _behind_a_running_group(pool, combiner, rec, ("k", 0), [("k", 1), ("k", 2), ("k", 3)])
        assert futures[0].result(10) == 0
        for f in futures[1:]:
            with pytest.raises(ConnectionError, match="went away"):
                f.result(10)
    assert [g for _, g in rec.groups] == [[0], [1, 2, 3]]  # no retry one by one
    assert not combiner._queues


def test_a_run_that_answers_too_few_items_is_an_error_not_a_hang():
    combiner = Combiner(lambda _key, items: [])
    with pytest.raises(RuntimeError, match="run answered 0 items of 1"):
        combiner("k", 1)
    assert not combiner._queues


class Stop(BaseException):
    """Not an Exception: what an interrupt looks like."""


def test_an_interrupt_in_a_group_still_answers_every_waiting_thread_and_frees_the_key():
    rec = Recorder()
    calls = []

    def run(key, items):
        calls.append(list(items))
        if len(calls) == 1:
            rec.started.set()
            assert rec.release.wait(10)
            raise Stop
        return list(items)

    combiner = Combiner(run)
    with ThreadPoolExecutor(8) as pool:
        futures = _behind_a_running_group(pool, combiner, rec, ("k", 0), [("k", 1), ("k", 2)])
        for f in futures[:1]:  # the leader's own item, and the leader's thread, end with the interrupt
            with pytest.raises(Stop):
                f.result(10)
        assert [f.result(10) for f in futures[1:]] == [1, 2]  # the next leader ran them
    assert combiner("k", 7) == 7 and not combiner._queues


def test_the_lead_passes_on_so_no_thread_serves_the_others_for_ever():
    """Under a steady stream of calls, the thread that led returns once its own item is
    answered; a waiting thread takes over, and every call is answered."""
    answered = []
    leaders = set()
    lock = threading.Lock()

    def run(_key, items):
        leaders.add(threading.current_thread().name)
        time.sleep(0.002)
        return items

    combiner = Combiner(run)

    def call(i):
        assert combiner("k", i) == i
        with lock:
            answered.append(threading.current_thread().name)

    with ThreadPoolExecutor(12) as pool:
        list(pool.map(call, range(600)))
    assert len(answered) == 600
    assert combiner.items == 600 and combiner.groups < 600  # calls did run together
    assert len(leaders) > 3  # one leader that kept the lead would have run every group
    assert not combiner._queues
