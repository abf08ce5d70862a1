"""Test helper: insert one case with plain SQL, as an outside system would."""

from __future__ import annotations

INSERT = (
    "INSERT INTO cases (source, external_id, category_code, status, geom, reported_at, deadline_at) "
    "VALUES (%s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326), now(), now() + interval '24 hours') "
    "RETURNING id"
)


def insert_case(cur, lon: float, lat: float, external_id: str, status: str = "reported", source: str = "app") -> int:
    """Insert an open case at a point; the database assigns its units. Returns its id."""
    cur.execute(INSERT, (source, external_id, "0101", status, lon, lat))
    return cur.fetchone()[0]
