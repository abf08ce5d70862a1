"""Bulk point-in-polygon assignment of street, community and grid ids (docs/performance.md.4: STRtree).

Same rule as the ``assign_unit_ids`` trigger: the tiling grid (not exclusive) with the lowest id
that intersects the point; failing that, the community, then the street.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely


class UnitIndex:
    """STRtrees over the units of one territory."""

    def __init__(self, units: pd.DataFrame) -> None:
        self._ids = units["id"].to_numpy()
        self._street = units["street_id"].to_numpy(dtype="float64")
        self._community = units["community_id"].to_numpy(dtype="float64")
        self._trees = {}
        for key, mask in {
            "grid": (units["level"] == "grid") & (units["kind"] != "exclusive"),
            "exclusive": (units["level"] == "grid") & (units["kind"] == "exclusive"),
            "community": units["level"] == "community",
            "street": units["level"] == "street",
        }.items():
            rows = np.flatnonzero(mask.to_numpy())
            self._trees[key] = (shapely.STRtree(units.geometry.to_numpy()[rows]), rows)

    def _first_hit(self, key: str, points: np.ndarray) -> np.ndarray:
        """Row index (into units) of the lowest-id unit hit per point, or -1."""
        tree, rows = self._trees[key]
        out = np.full(len(points), -1, dtype=np.int64)
        if len(rows) == 0 or len(points) == 0:
            return out
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
        """street_id, community_id, grid_id and exclusive_grid_id for each point (nullable)."""
        points = shapely.points(lon, lat)
        n = len(points)
        grid_id = np.full(n, np.nan)
        community_id = np.full(n, np.nan)
        street_id = np.full(n, np.nan)
        hit = self._first_hit("grid", points)
        ok = hit >= 0
        grid_id[ok] = self._ids[hit[ok]]
        community_id[ok] = self._community[hit[ok]]
        street_id[ok] = self._street[hit[ok]]
        rest = np.flatnonzero(~ok)
        if len(rest):
            c_hit = self._first_hit("community", points[rest])
            c_ok = c_hit >= 0
            community_id[rest[c_ok]] = self._ids[c_hit[c_ok]]
            street_id[rest[c_ok]] = self._street[c_hit[c_ok]]
            still = rest[~c_ok]
            s_hit = self._first_hit("street", points[still])
            street_id[still[s_hit >= 0]] = self._ids[s_hit[s_hit >= 0]]
        e_hit = self._first_hit("exclusive", points)
        exclusive = np.where(e_hit >= 0, self._ids[np.maximum(e_hit, 0)], np.nan)
        cols = {
            "street_id": street_id,
            "community_id": community_id,
            "grid_id": grid_id,
            "exclusive_grid_id": exclusive,
        }
        return pd.DataFrame({k: pd.array(np.where(np.isnan(v), None, v), dtype="Int64") for k, v in cols.items()})


def with_ancestors(units: pd.DataFrame) -> pd.DataFrame:
    """Add street_id and community_id columns computed from parent_id (as the trigger does)."""
    by_id = units.set_index("id")
    parent = dict(zip(units["id"], units["parent_id"]))
    level = dict(zip(units["id"], by_id["level"]))
    street, community = [], []
    for uid in units["id"]:
        chain = {}
        cur = uid
        while cur is not None and not pd.isna(cur):
            chain[level[cur]] = cur
            cur = parent[cur]
        street.append(chain.get("street"))
        community.append(chain.get("community"))
    out = units.copy()
    out["street_id"] = pd.array(street, dtype="Int64")
    out["community_id"] = pd.array(community, dtype="Int64")
    return out
