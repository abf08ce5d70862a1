"""The open and overdue counts the maps colour units by: read whole, or brought up to date from an
earlier read by re-reading only the units whose counts may have moved since.

A tick of the one map after one new case used to read the counts of the city's 70,000 grids
(100 ms of SQL, 65 ms of reading the rows) to change one of them. A read now remembers the
snapshot and the clock it was made at (values_snapshot.sql); ``since`` asks for the units whose
counter a transaction outside that snapshot wrote, and those with an open case that fell due
since (migration 0049), and patches those into a copy of the earlier read. The result is the same
as a whole read (tests/test_unit_values.py holds it to one).

Two kinds of read (``Source``): every unit of a level (the one map: unit_values.sql, re-read by
unit_values_since.sql) and the units a unit's map draws (the wall: unit_map_shapes.sql, re-read
by unit_map_values_since.sql).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from geodata.db import Database
from geodata.queries import prepared, query, sql_text
from geodata.units import fact_column


@dataclass(frozen=True)
class Source:
    """What a read covers: the query that reads it whole and the one that re-reads the units that
    moved (the same parameters, and ``snapshot`` and ``at``), their parameters and the columns
    they name (sorted pairs, so that two sources of the same read compare equal)."""

    whole: str
    moved: str
    params: tuple[tuple[str, Any], ...]
    columns: tuple[tuple[str, str | None], ...]

    def args(self) -> dict[str, Any]:
        """The parameters, lists as lists."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.params}


def level_source(level: str, exclusive: bool = False) -> Source:
    """Every unit of ``level`` (the exclusive grids when ``exclusive``), in id order."""
    column = "exclusive_grid_id" if exclusive else fact_column(level)
    return Source("unit_values", "unit_values_since", (("exclusive", exclusive), ("level", level)), (("col", column),))


def drawn_source(level: str, ancestor: str, drawn: list[int], scope: str, scope_ids: list[int], group: str) -> Source:
    """The units of ``level`` whose ``ancestor`` column is one of ``drawn``, counting the cases
    whose ``scope`` column is one of ``scope_ids`` by their ``group`` column (layers/unit_map.py)."""
    params = {"drawn": tuple(drawn), "level": level, "scope_ids": tuple(scope_ids), "with_geom": False}
    columns = {"ancestor": ancestor, "group": group, "scope": scope}
    return Source(
        "unit_map_shapes", "unit_map_values_since", tuple(sorted(params.items())), tuple(sorted(columns.items()))
    )


@dataclass(frozen=True)
class Read:
    """The columns of ``source``'s whole query (with "id", "open_cases" and "overdue") as of
    ``snapshot`` and ``at``; ``moved``: the positions a ``since`` re-read (None: a whole read)."""

    source: Source
    columns: dict[str, list]
    snapshot: str
    at: datetime
    moved: tuple[int, ...] | None = None
    _positions: dict[int, int] = field(default_factory=dict, repr=False, compare=False)

    @property
    def level(self) -> str:
        return dict(self.source.params)["level"]

    def positions(self) -> dict[int, int]:
        """Unit id → its position in the columns (made once per whole read, then shared)."""
        if not self._positions:
            self._positions.update((unit_id, i) for i, unit_id in enumerate(self.columns["id"]))
        return self._positions


def read(db: Database, source: Source) -> Read:
    """The units of ``source``, read whole."""
    with db.transaction() as cur:
        cur.execute(sql_text("values_snapshot"))
        snapshot, at = cur.fetchone()
        cur.execute(query(source.whole, dict(source.columns)), source.args())
        names = [d.name for d in cur.description]
        rows = cur.fetchall()
    return Read(source, {name: [r[i] for r in rows] for i, name in enumerate(names)}, snapshot, at)


def since(db: Database, held: Read) -> Read | None:
    """``held`` brought up to date: the units that may have moved re-read, the others as they
    were. None when a unit ``held`` does not know appears (read it whole)."""
    source = held.source
    with db.transaction() as cur:
        cur.execute(sql_text("values_snapshot"))
        snapshot, at = cur.fetchone()
        params = {**source.args(), "snapshot": held.snapshot, "at": held.at}
        # Planned once per connection (its plan over every month of cases costs more than its run).
        text = query(source.moved, dict(source.columns)).as_string(cur)
        name = ":".join([source.moved, *(f"{k}={v}" for k, v in source.columns)])
        cur.execute(*prepared(cur, name, params, text, generic=True))
        rows = cur.fetchall()
    positions = held.positions()
    columns = {
        name: list(values) if name in ("open_cases", "overdue") else values for name, values in held.columns.items()
    }
    moved = []
    for unit_id, open_cases, overdue in rows:
        at_position = positions.get(unit_id)
        if at_position is None:
            return None
        columns["open_cases"][at_position] = open_cases
        columns["overdue"][at_position] = overdue
        moved.append(at_position)
    return Read(source, columns, snapshot, at, tuple(moved), positions)


def refreshed(db: Database, held: Read | None, source: Source) -> Read:
    """The counts of ``source`` now: from ``held`` when it is a read of it, else read whole."""
    if held is not None and held.source == source:
        got = since(db, held)
        if got is not None:
            return got
    return read(db, source)
