"""Reads run at once keep the caller's row-level-security scope and report failures."""

from __future__ import annotations

import threading
import time

import pytest

from geodata import fanout
from geodata.db import SCOPE


def test_tasks_run_at_once_in_the_callers_scope():
    started = []
    both = threading.Barrier(2, timeout=10)  # each task waits for the other: they must overlap

    def read(name: str):
        started.append(name)
        both.wait()
        return SCOPE.get(), threading.current_thread().name

    before = SCOPE.get()
    token = SCOPE.set(("street", 7))
    try:
        got = fanout.at_once({"a": lambda: read("a"), "b": lambda: read("b")})
    finally:
        SCOPE.reset(token)
    assert {got["a"][0], got["b"][0]} == {("street", 7)}
    assert got["a"][1] != got["b"][1] and sorted(started) == ["a", "b"]
    assert SCOPE.get() == before


def test_the_first_failure_is_raised_after_every_task_has_finished():
    done = []

    def slow():
        time.sleep(0.3)
        done.append("slow")

    def broken():
        raise ValueError("no such unit")

    with pytest.raises(ValueError, match="no such unit"):
        fanout.at_once({"broken": broken, "slow": slow})
    assert done == ["slow"]
