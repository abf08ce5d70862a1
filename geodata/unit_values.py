"""The open and overdue counts the maps colour a level's units by: read whole, or brought up to
date from an earlier read by re-reading only the units whose counts may have moved since.

A tick of the one map after one new case used to read the counts of the city's 70,000 grids
(100 ms of SQL, 65 ms of reading the rows) to change one of them. A read now remembers the
snapshot and the clock it was made at (values_snapshot.sql); ``since`` asks for the units whose
counter a transaction outside that snapshot wrote, and those with an open case that fell due
since (unit_values_since.sql, migration 0049), and patches those into a copy of the earlier read.
The result is the same as a whole read (tests/test_unit_values.py holds it to one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from geodata.db import Database
from geodata.queries import prepared, query, sql_text
from geodata.units import fact_column

COLUMNS = ("id", "open_cases", "overdue")


@dataclass(frozen=True)
class Read:
    """The counts of every unit of ``level`` (the exclusive grids when ``exclusive``), column by
    column in id order, as of ``snapshot`` and ``at``; ``moved``: the positions a ``since`` re-read
    (None: a whole read)."""

    level: str
    exclusive: bool
    columns: dict[str, list]
    snapshot: str
    at: datetime
    moved: tuple[int, ...] | None = None
    _positions: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    def positions(self) -> dict[int, int]:
        """Unit id → its position in the columns (made once per whole read, then shared)."""
        if not self._positions:
            self._positions.update((unit_id, i) for i, unit_id in enumerate(self.columns["id"]))
        return self._positions


def _params(level: str, exclusive: bool) -> dict:
    return {"level": level, "exclusive": exclusive}


def read(db: Database, level: str, exclusive: bool = False) -> Read:
    """Every unit of ``level``, read whole."""
    with db.transaction() as cur:
        cur.execute(sql_text("values_snapshot"))
        snapshot, at = cur.fetchone()
        cur.execute(query("unit_values", {}), _params(level, exclusive))
        rows = cur.fetchall()
    columns = {name: [r[i] for r in rows] for i, name in enumerate(COLUMNS)}
    return Read(level, exclusive, columns, snapshot, at)


def since(db: Database, held: Read) -> Read | None:
    """``held`` brought up to date: the units that may have moved re-read, the others as they
    were. None when a unit ``held`` does not know appears (its level changed: read it whole)."""
    column = "exclusive_grid_id" if held.exclusive else fact_column(held.level)
    with db.transaction() as cur:
        cur.execute(sql_text("values_snapshot"))
        snapshot, at = cur.fetchone()
        params = {**_params(held.level, held.exclusive), "snapshot": held.snapshot, "at": held.at}
        # Planned once per connection (its plan over every month of cases costs more than its run).
        text = query("unit_values_since", {"col": column}).as_string(cur)
        cur.execute(*prepared(cur, f"unit_values_since_{column}", params, text, generic=True))
        rows = cur.fetchall()
    positions = held.positions()
    columns = {name: values if name == "id" else list(values) for name, values in held.columns.items()}
    moved = []
    for unit_id, open_cases, overdue in rows:
        at_position = positions.get(unit_id)
        if at_position is None:
            return None
        columns["open_cases"][at_position] = open_cases
        columns["overdue"][at_position] = overdue
        moved.append(at_position)
    return Read(held.level, held.exclusive, columns, snapshot, at, tuple(moved), positions)


def refreshed(db: Database, held: Read | None, level: str, exclusive: bool = False) -> Read:
    """The counts of ``level`` now: from ``held`` when it is of that level, else read whole."""
    if held is not None and (held.level, held.exclusive) == (level, exclusive):
        got = since(db, held)
        if got is not None:
            return got
    return read(db, level, exclusive)
