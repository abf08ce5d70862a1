"""Rows of geodata to API models, and coordinates of any accepted frame to WGS84."""

from __future__ import annotations

from typing import Any

from api.models import Case, CaseDetail, CaseEvent
from geodata import coords

TO_WGS84 = {"gcj02": coords.gcj02_to_wgs84, "bd09": coords.bd09_to_wgs84}


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """(lon, lat) in WGS84 from ``crs`` (wgs84, gcj02 or bd09)."""
    if crs == "wgs84":
        return lon, lat
    x, y = TO_WGS84[crs](lon, lat)
    return float(x), float(y)


def case(row: dict[str, Any]) -> Case:
    """A case row of geodata.cases.search."""
    return Case(**row)


def detail(row: dict[str, Any], events: list[dict[str, Any]], allowed: list[str]) -> CaseDetail:
    """A case with its timeline and the actions allowed next."""
    timeline = [CaseEvent(**{k: e[k] for k in CaseEvent.model_fields if k in e}) for e in events]
    return CaseDetail(**row, events=timeline, allowed_actions=allowed)
