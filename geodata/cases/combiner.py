"""Concurrent calls combined into one: the threads of a server that all want the same statement
run (a case taken in, say) queue their items, and one of them runs the statement once for all
the items queued, in a single transaction, while the others wait for their answers.

This is group commit done in the client. Under load each statement carries several items, so
the per-statement work (a round trip, the statement triggers, the commit, the hot counter rows
every insert updates) is paid once per group instead of once per item. Alone, a call runs at
once with a group of one: nothing waits for company.

Items run together only when their keys are equal (the key holds what the statement's context
must agree on: the database and the reader's scope, for instance); each key has its own queue
and its own leader, so keys never wait for each other. The thread that finds no group of its
key running leads: it runs the group of everything queued (oldest first, its own item
included), then hands the lead to the thread of the oldest item still queued. So no thread
serves the others for longer than one group.
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

    ``run`` must answer every item, in order. When it raises one of ``split_on`` (errors that a
    single item can cause: bad data, a refused row) for a group of several, each item runs again
    alone, so one bad item cannot fail the others. Any other error (the database away, a
    timeout) is the answer of every item of the group: retrying them one by one would only
    multiply the wait.
    """

    def __init__(
        self,
        run: Callable[[Hashable, Sequence[T]], Sequence[R]],
        max_group: int = 64,
        split_on: tuple[type[BaseException], ...] = (Exception,),
    ) -> None:
        self._run = run
        self.max_group = max_group
        self.split_on = split_on
        self._lock = threading.Lock()
        self._queues: dict[Hashable, deque[_Slot[T, R]]] = {}  # a key is here while it has a leader
        self.groups = 0  # statements run, and items they carried: for measurement
        self.items = 0

    def __call__(self, key: Hashable, item: T) -> R:
        slot: _Slot[T, R] = _Slot(item, key)
        with self._lock:
            queue = self._queues.get(key)
            wait = queue is not None
            if queue is None:
                queue = self._queues[key] = deque()
            queue.append(slot)
        if wait:
            try:
                slot.ready.wait()
            except BaseException:  # interrupted while waiting: leave the queue, or pass on the lead
                self._leave(slot)
                raise
        if not slot.answered:  # it leads: from the start, or handed the lead
            self._lead(slot)
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    def _leave(self, slot: _Slot[T, R]) -> None:
        with self._lock:
            queue = self._queues.get(slot.key)
            if queue is not None and slot in queue:  # else a leader has taken it: nobody waits for it
                if slot.ready.is_set() and not slot.answered:  # it had been handed the lead
                    queue.remove(slot)
                    self._hand_on(slot.key, queue)
                else:
                    queue.remove(slot)

    def _lead(self, own: _Slot[T, R]) -> None:
        """Run groups of ``own``'s key until ``own`` is answered (its group is the first: ``own``
        is the oldest item queued), then hand the lead on."""
        try:
            while not own.answered:
                self._run_group(self._take(own.key))
        finally:
            with self._lock:
                self._hand_on(own.key, self._queues[own.key])

    def _hand_on(self, key: Hashable, queue: deque[_Slot[T, R]]) -> None:
        """(Under the lock.) The oldest queued item's thread leads next; with none, the key has no leader."""
        if queue:
            queue[0].ready.set()  # not answered: its thread leads
        else:
            del self._queues[key]

    def _take(self, key: Hashable) -> list[_Slot[T, R]]:
        """Up to max_group of the oldest queued items of ``key``, in order."""
        with self._lock:
            queue = self._queues[key]
            return [queue.popleft() for _ in range(min(self.max_group, len(queue)))]

    def _run_group(self, group: list[_Slot[T, R]]) -> None:
        try:
            results = list(self._run(group[0].key, [s.item for s in group]))
            if len(results) != len(group):
                raise RuntimeError(f"run answered {len(results)} items of {len(group)}")
        except self.split_on as exc:
            if len(group) == 1:
                self._answer(group[0], None, exc)
            else:  # one bad item must not fail the others: each alone
                self._each_alone(group)
            return
        except BaseException as exc:
            for slot in group:
                self._answer(slot, None, exc)
            if not isinstance(exc, Exception):
                raise
            return
        with self._lock:
            self.groups += 1
            self.items += len(group)
        for slot, result in zip(group, results, strict=True):
            self._answer(slot, result, None)

    def _each_alone(self, group: list[_Slot[T, R]]) -> None:
        try:
            for slot in group:
                self._run_group([slot])
        except BaseException as exc:  # interrupted: nobody is left waiting for ever
            for slot in group:
                if not slot.answered:
                    self._answer(slot, None, exc)
            raise

    @staticmethod
    def _answer(slot: _Slot[T, R], result: R | None, error: BaseException | None) -> None:
        slot.result, slot.error = result, error
        slot.answered = True
        slot.ready.set()
