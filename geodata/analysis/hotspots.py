"""Hotspots of open cases among the tiling grids: Getis-Ord Gi* (esda.G_Local, star=True).

Gi* compares the open-case count of a grid and its queen-contiguity neighbours (grids whose
polygons touch: an edge or a single point, T-junctions included, as PostGIS's ST_Intersects
sees them) with the whole district: its z-score is high where a cluster of
high counts sits. A grid is a hotspot when z ≥ 1.96, i.e. significantly above its
surroundings at the 95 % level (two-sided normal approximation; binary weights, the grid
itself included). Exclusive grids overlap the tiling grids and are left out.

Weights depend on the grid geometry only and are kept per units version; the statistic is
kept per (units, cases) version, so a wall of analysts asking the same question share one run.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from geodata import versions as data_versions
from geodata.db import Database
from geodata.memo import Memo
from geodata.queries import fetch_columns, fetch_rows

Z_HOT = 1.96
_weights = Memo(maxsize=4)
_results = Memo(maxsize=8)


@dataclass(frozen=True)
class GiStar:
    """Per tiling grid (same order in every array): id, open cases, z-score and p-value."""

    ids: np.ndarray
    open_cases: np.ndarray
    z: np.ndarray
    p: np.ndarray

    def hot_ids(self) -> list[int]:
        """The grids with z ≥ 1.96."""
        return self.ids[self.z >= Z_HOT].tolist()


def _contiguity(db: Database, version: int):
    """(grid ids, libpysal weights) of the tiling grids; a grid with no neighbour is an island."""
    from libpysal.weights import W

    ids = np.asarray(fetch_columns("unit_shapes", {"level": "grid", "exclusive": False}, db)["id"], dtype=np.int64)
    neighbours: dict[int, list[int]] = {int(i): [] for i in ids}
    for a, b in fetch_rows("grid_neighbours", None, db):
        neighbours[a].append(b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands keep z = 0
        return ids, W(neighbours, id_order=[int(i) for i in ids], silence_warnings=True)


def gi_star(db: Database) -> GiStar:
    """Gi* of every tiling grid's open cases, for the current data."""
    versions = data_versions.current(db)[0]
    key = (db.dsn, versions.get("units"), versions.get("cases"))
    return _results.get(key, lambda: _compute(db, versions.get("units", 0)))


def _compute(db: Database, units_version: int) -> GiStar:
    import esda

    ids, weights = _weights.get((db.dsn, units_version), lambda: _contiguity(db, units_version))
    values = fetch_columns("unit_values", {"level": "grid", "exclusive": False}, db)
    by_id = dict(zip(values["id"], values["open_cases"]))
    y = np.asarray([by_id.get(int(i), 0) for i in ids], dtype=float)
    if len(y) < 3 or np.all(y == y[0]):  # nothing stands out where every grid is alike
        zeros = np.zeros(len(y))
        return GiStar(ids, y.astype(int), zeros, np.ones(len(y)))
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")
        stat = esda.G_Local(y, weights, transform="B", star=True, permutations=0)
    z = np.nan_to_num(np.asarray(stat.Zs, dtype=float))
    p = 2 * np.asarray(stat.p_norm, dtype=float)  # esda gives the one-tailed p; report two-sided
    return GiStar(ids, y.astype(int), z, np.clip(np.nan_to_num(p, nan=1.0), 0, 1))
