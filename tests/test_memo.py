"""The shared-result memo (geodata/memo.py): many threads missing one key at once compute it once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from geodata.memo import Memo


def test_concurrent_misses_of_one_key_compute_once_and_share_the_result():
    memo, calls, gate = Memo(8), [], threading.Event()

    def compute():
        calls.append(1)
        gate.wait(5)  # held until every thread has asked
        return {"value": 42}

    with ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(memo.get, "k", compute) for _ in range(20)]
        deadline = time.monotonic() + 5
        while memo.misses + memo.waits < 20 and time.monotonic() < deadline:
            time.sleep(0.01)
        gate.set()
        results = [f.result(5) for f in futures]
    assert len(calls) == 1 and (memo.misses, memo.waits) == (1, 19)
    assert all(r is results[0] for r in results) and results[0] == {"value": 42}
    assert memo.get("k", lambda: pytest.fail("stored: not computed again")) is results[0]


def test_a_failed_computation_is_not_shared_and_not_stored():
    memo, gate, calls = Memo(8), threading.Event(), []

    def failing():
        calls.append("leader")
        gate.wait(5)
        raise RuntimeError("the database went away")

    def fine():
        calls.append("waiter")
        return "ok"

    with ThreadPoolExecutor(2) as pool:
        first = pool.submit(memo.get, "k", failing)
        while memo.misses < 1:
            time.sleep(0.01)
        second = pool.submit(memo.get, "k", fine)
        while memo.waits < 1:
            time.sleep(0.01)
        gate.set()
        with pytest.raises(RuntimeError, match="went away"):
            first.result(5)
        assert second.result(5) == "ok"  # the waiter computed for itself
    assert calls == ["leader", "waiter"] and memo.peek("k") is None
    assert memo.get("k", lambda: "again") == "again"  # nothing was stored
