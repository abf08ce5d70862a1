"""Concurrent calls combined into groups (geodata/combiner.py): who waits, who leads, what runs
together, and what one bad item does to the others. Threads, no database: the statement the
intake runs in a group is tested against PostGIS in test_api.py."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from geodata.combiner import Combiner


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


def _queue_in_order(pool, combiner: Combiner, calls) -> list:
    """Submit (key, item) calls one by one, each once the one before is queued: a known order."""
    futures = []
    for key, item in calls:
        futures.append(pool.submit(combiner, key, item))
        queued = len(futures)
        _until(lambda q=queued: len(combiner._queue) == q)
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
    assert not combiner._leading and not combiner._queue


def test_only_items_with_equal_keys_run_together_and_the_oldest_goes_first():
    rec = Recorder()
    combiner = Combiner(rec, max_group=2)
    with ThreadPoolExecutor(8) as pool:
        calls = [("b", 1), ("a", 2), ("b", 3), ("b", 4), ("a", 5)]
        futures = _behind_a_running_group(pool, combiner, rec, ("a", 0), calls)
        assert [f.result(10) for f in futures] == [0, 10, 20, 30, 40, 50]
    assert rec.groups == [("a", [0]), ("b", [1, 3]), ("a", [2, 5]), ("b", [4])]


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
    assert not combiner._leading


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
    assert not combiner._leading and not combiner._queue
