"""Concurrent calls combined into one: the threads of a server that all want the same statement
run (a case taken in, say) queue their items, and one of them runs the statement once for all
the items queued, in a single transaction, while the others wait for their answers.

This is group commit done in the client. Under load each statement carries several items, so
the per-statement work (a round trip, the statement triggers, the commit, the hot counter rows
every insert updates) is paid once per group instead of once per item. Alone, a call runs at
once with a group of one: nothing waits for company.

The thread that finds no group running leads: it runs groups, oldest items first, until its own
item is answered, then hands the lead to the thread of the oldest item still queued. So no
thread serves the others for longer than its own item takes to come round. Items run together
only when their keys are equal (the key holds what the statement's context must agree on, the
database and the reader's scope for instance).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Slot(Generic[T, R]):
    __slots__ = ("answered", "error", "item", "key", "ready", "result")

    def __init__(self, item: T, key: Hashable) -> None:
        self.item = item
        self.key = key
        self.ready = threading.Event()  # set when answered, or when handed the lead
        self.answered = False
        self.result: R | None = None
        self.error: BaseException | None = None


class Combiner(Generic[T, R]):
    """``combiner(key, item)`` returns ``run(key, items)[i]`` for its item, run in a group.

    ``run`` must answer every item, in order. When it raises for a group of several, each item
    runs again alone, so one bad item cannot fail the others; the error of a group of one is
    raised in the thread that asked.
    """

    def __init__(self, run: Callable[[Hashable, Sequence[T]], Sequence[R]], max_group: int = 64) -> None:
        self._run = run
        self.max_group = max_group
        self._lock = threading.Lock()
        self._queue: deque[_Slot[T, R]] = deque()
        self._leading = False
        self.groups = 0  # statements run, and items they carried: for measurement
        self.items = 0

    def __call__(self, key: Hashable, item: T) -> R:
        slot: _Slot[T, R] = _Slot(item, key)
        with self._lock:
            self._queue.append(slot)
            wait = self._leading
            self._leading = True
        if wait:
            slot.ready.wait()
        if not slot.answered:  # it leads: from the start, or handed the lead
            self._lead_until_answered(slot)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _lead_until_answered(self, own: _Slot[T, R]) -> None:
        try:
            while not own.answered:
                self._run_group(self._take())
        finally:
            with self._lock:
                if self._queue:
                    self._queue[0].ready.set()  # not answered: its thread leads next
                else:
                    self._leading = False

    def _take(self) -> list[_Slot[T, R]]:
        """The oldest queued item and the queued items with its key, up to max_group, in order."""
        with self._lock:
            key = self._queue[0].key
            group = [s for s in self._queue if s.key == key][: self.max_group]
            for slot in group:
                self._queue.remove(slot)
        return group

    def _run_group(self, group: list[_Slot[T, R]]) -> None:
        try:
            results = self._run(group[0].key, [s.item for s in group])
        except Exception as exc:
            if len(group) == 1:
                self._answer(group[0], None, exc)
                return
            for slot in group:  # one bad item must not fail the others: each alone
                self._run_group([slot])
            return
        self.groups += 1
        self.items += len(group)
        for slot, result in zip(group, results, strict=True):
            self._answer(slot, result, None)

    @staticmethod
    def _answer(slot: _Slot[T, R], result: R | None, error: BaseException | None) -> None:
        slot.result, slot.error = result, error
        slot.answered = True
        slot.ready.set()
