"""Hotspots of open cases among the tiling grids: Getis-Ord Gi* (esda.G_Local, star=True).

Gi* compares the open-case count of a grid and its queen-contiguity neighbours (grids that
share an edge or a corner) with the whole district: its z-score is high where a cluster of
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
import shapely

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


def _versions(db: Database) -> dict[str, int]:
    return {topic: int(v) for topic, v, _ in fetch_rows("data_versions", None, db)}


def _contiguity(db: Database, version: int):
    from libpysal.weights import Queen

    shapes = fetch_columns("unit_shapes", {"level": "grid", "exclusive": False}, db)
    geoms = shapely.from_wkb(np.asarray([bytes(w) for w in shapes["wkb"]], dtype=object))
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"id": shapes["id"]}, geometry=geoms, crs=4326)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands (a grid with no neighbour) are allowed and keep z = 0
        weights = Queen.from_dataframe(frame, use_index=False, silence_warnings=True)
    return np.asarray(shapes["id"], dtype=np.int64), weights


def gi_star(db: Database) -> GiStar:
    """Gi* of every tiling grid's open cases, for the current data."""
    versions = _versions(db)
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
