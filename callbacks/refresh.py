"""The refresh protocol every live page follows (docs/refresh.md), written once: the one map, the
drill-down and the wall run their ticks through ``run``.

A tick reads the data versions (geodata/versions.py). Then:

- the page shows the same thing and nothing moved: nothing is sent (PreventUpdate, HTTP 204), or,
  when the page shows a stale-data banner, ``recovered`` clears it;
- the database is away: the page keeps its last picture and ``stale`` adds the banner, once; the
  ticks after it send nothing until the database is back. Before any picture, ``loading``;
- otherwise ``build`` gets the ``Tick`` and returns what to send: a Dash ``Patch`` of the values
  that moved, or the whole view (``Tick.moved`` says which topics moved, ``Tick.same`` whether the
  page still shows the same thing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg2
import psycopg2.errors
from dash.exceptions import PreventUpdate

from callbacks import shared_ticks
from geodata import versions as data_versions
from geodata.db import Database


@dataclass(frozen=True)
class Tick:
    """One refresh: what the page holds and what the data is now."""

    state: dict | None  # the page's state from its last answer (None: a first load)
    same: bool  # the page still shows the same thing (unit, language, …) as that state
    versions: dict[str, int]
    changed_at: datetime

    @property
    def moved(self) -> set[str]:
        """The topics whose version moved since the page's state (every topic for a new view)."""
        held = (self.state or {}).get("versions", {}) if self.same else {}
        return {topic for topic, version in self.versions.items() if held.get(topic) != version}


def run(
    state: dict | None,
    db: Database,
    *,
    same: Callable[[], bool],
    build: Callable[[Tick], Any],
    recovered: Callable[[Tick], Any],
    stale: Callable[[dict], Any],
    loading: Callable[[], Any],
    quiet: Callable[[Tick], bool] = lambda tick: True,
    errors: tuple[type[BaseException], ...] = (psycopg2.Error,),
    slow: Callable[[dict], Any] | None = None,
) -> Any:
    """One tick of a live page. ``same`` is asked inside the protocol (it may read the database);
    ``quiet`` may add the page's own reasons to redraw although no data moved (a new minute);
    ``recovered`` answers a tick that finds the data unmoved after a stale banner. ``slow``, when
    given, answers a query that ran into the statement timeout: the database is there, so that is
    not an outage; the page says so, keeps its picture and asks again at the next tick (its state
    should then not be ``quiet``)."""
    try:
        found, changed_at = data_versions.current(db)
        shows_same = same()  # asked even for a first load: it may resolve what the page shows
        tick = Tick(state, bool(state) and shows_same, found, changed_at)
        if tick.same and state.get("versions") == found and quiet(tick):
            if not state.get("stale"):
                raise PreventUpdate
            return recovered(tick)
        return build(tick)
    except errors as exc:
        shared_ticks.degraded()  # whatever is answered now is this screen's own
        if slow is not None and state and isinstance(exc, psycopg2.errors.QueryCanceled):
            return slow(state)
        if not state:
            return loading()
        if state.get("stale"):
            raise PreventUpdate from None
        return stale(state)
