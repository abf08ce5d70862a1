"""Bulk point-in-polygon assignment of units to points (docs/performance.md.4: STRtree).

Same rule as the ``assign_unit_ids`` trigger (migration 0028): the deepest tiling unit (not an
exclusive grid) that holds the point, the lowest id on a shared edge, gives the point its unit at
every level above; the exclusive grid holding it is found apart.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

# Deepest first: the order in which a point looks for its unit.
LEVELS_DEEPEST_FIRST = ("micro", "grid", "community", "street", "district", "city")
# The unit ids a fact carries, one per level, and its exclusive grid.
FACT_UNIT_COLUMNS = ["city_id", "district_id", "street_id", "community_id", "grid_id", "micro_id", "exclusive_grid_id"]
ANCESTOR_COLUMNS = ["city_id", "district_id", "street_id", "community_id", "grid_id"]


class UnitIndex:
    """STRtrees over the units of one territory; ``units`` carries ANCESTOR_COLUMNS (see
    ``with_ancestors``), level, kind, id and a geometry."""

    def __init__(self, units: pd.DataFrame) -> None:
        self._ids = units["id"].to_numpy()
        self._level = units["level"].to_numpy()
        self._above = {
            c: (units[c] if c in units else pd.Series([None] * len(units))).to_numpy(dtype="float64", na_value=np.nan)
            for c in ANCESTOR_COLUMNS
        }
        exclusive = (units["level"] == "grid") & (units["kind"] == "exclusive")
        masks = {lv: (units["level"] == lv) & ~exclusive for lv in LEVELS_DEEPEST_FIRST}
        masks["exclusive"] = exclusive
        self._trees = {}
        for key, mask in masks.items():
            rows = np.flatnonzero(mask.to_numpy())
            if len(rows):
                self._trees[key] = (shapely.STRtree(units.geometry.to_numpy()[rows]), rows)

    def _first_hit(self, key: str, points: np.ndarray) -> np.ndarray:
        """Row index (into units) of the lowest-id unit hit per point, or -1."""
        out = np.full(len(points), -1, dtype=np.int64)
        if key not in self._trees or len(points) == 0:
            return out
        tree, rows = self._trees[key]
        pt_idx, tree_idx = tree.query(points, predicate="intersects")
        if len(pt_idx) == 0:  # no point in any unit of this kind
            return out
        unit_rows = rows[tree_idx]
        order = np.lexsort((self._ids[unit_rows], pt_idx))
        pt_sorted, rows_sorted = pt_idx[order], unit_rows[order]
        first = np.r_[True, pt_sorted[1:] != pt_sorted[:-1]]
        out[pt_sorted[first]] = rows_sorted[first]
        return out

    def assign(self, lon: np.ndarray, lat: np.ndarray) -> pd.DataFrame:
        """FACT_UNIT_COLUMNS for each point (nullable integers)."""
        points = shapely.points(lon, lat)
        n = len(points)
        cols = {c: np.full(n, np.nan) for c in FACT_UNIT_COLUMNS}
        rest = np.arange(n)
        for level in LEVELS_DEEPEST_FIRST:
            if not len(rest):
                break
            hit = self._first_hit(level, points[rest])
            ok = hit >= 0
            found, rows = rest[ok], hit[ok]
            for c in ANCESTOR_COLUMNS:
                cols[c][found] = self._above[c][rows]
            if level == "micro":
                cols["micro_id"][found] = self._ids[rows]
            rest = rest[~ok]
        e_hit = self._first_hit("exclusive", points)
        cols["exclusive_grid_id"] = np.where(e_hit >= 0, self._ids[np.maximum(e_hit, 0)], np.nan)
        return pd.DataFrame({k: pd.array(np.where(np.isnan(v), None, v), dtype="Int64") for k, v in cols.items()})


def with_ancestors(units: pd.DataFrame) -> pd.DataFrame:
    """Add ANCESTOR_COLUMNS computed from parent_id (as the units_fill_ancestors trigger does: a
    unit's own id at its own level)."""
    parent = dict(zip(units["id"], units["parent_id"]))
    level = dict(zip(units["id"], units["level"]))
    chains = []
    for uid in units["id"]:
        chain = {}
        cur = uid
        while cur is not None and not pd.isna(cur):
            chain[level[cur]] = cur
            cur = parent[cur]
        chains.append(chain)
    out = units.copy()
    for c in ANCESTOR_COLUMNS:
        out[c] = pd.array([chain.get(c[: -len("_id")]) for chain in chains], dtype="Int64")
    return out
