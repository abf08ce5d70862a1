"""The nearest of a few hundred lines to each of many points (the road of a case's address), exact
and vectorised: ``shapely.STRtree.nearest`` spends ~13 µs a point on this, numpy here ~1 µs.

Lines are cut into segments and the points' extent into cells. Each cell keeps the segments that
can be nearest to a point inside it: those whose bounding box is not farther from the cell than
the best of the segments' farthest distances (reached at a corner of the cell). Each point then
measures only its cell's candidates. Where two lines are within a hair of each other the point
is left to ``STRtree.nearest``, so the answer is always the one GEOS gives.
"""

from __future__ import annotations

import numpy as np
import shapely

CELLS = 64  # cells per side over the points' extent
BATCH = 200_000  # points measured at a time (the work arrays are points x candidates)
TIE = 1e-9  # relative to the extent: closer calls than this go to GEOS


class NearestLine:
    """The index of the nearest line, for many points at once."""

    def __init__(self, lines: np.ndarray) -> None:
        self._tree = shapely.STRtree(lines)
        parts, owner = shapely.get_parts(np.asarray(lines), return_index=True)
        coords, part = shapely.get_coordinates(parts, return_index=True)
        same = part[1:] == part[:-1]
        self._a, self._b = coords[:-1][same], coords[1:][same]
        self._owner = owner[part[:-1][same]]

    def __call__(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """For each point (x, y), the index of the nearest line."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        out = np.zeros(len(x), dtype=np.int64)
        if len(x) == 0 or len(self._a) == 0:
            return out
        lo, hi = np.array([x.min(), y.min()]), np.array([x.max(), y.max()])
        size = np.maximum(hi - lo, 1e-9) / CELLS
        tol = TIE * float(np.max(hi - lo) + 1e-9)
        candidates = self._candidates(lo, size, tol)
        cell = np.clip(((np.column_stack([x, y]) - lo) // size).astype(np.int64), 0, CELLS - 1)
        cell = cell[:, 1] * CELLS + cell[:, 0]
        tie = np.zeros(len(x), dtype=bool)
        for start in range(0, len(x), BATCH):
            part = slice(start, start + BATCH)
            seg = candidates[cell[part]]
            d2 = _distance2(x[part, None], y[part, None], self._a[seg], self._b[seg])
            best = np.argmin(d2, axis=1)
            rows = np.arange(len(seg))
            line = self._owner[seg[rows, best]]
            other = np.where(self._owner[seg] == line[:, None], np.inf, d2).min(axis=1)
            out[part] = line
            tie[part] = np.sqrt(other) - np.sqrt(d2[rows, best]) <= tol
        if tie.any():
            out[tie] = self._tree.nearest(shapely.points(x[tie], y[tie]))
        return out

    def _candidates(self, lo: np.ndarray, size: np.ndarray, tol: float) -> np.ndarray:
        """(cells, k) segment indices that may be nearest within each cell, padded with repeats."""
        edges = [lo[d] + np.arange(CELLS + 1) * size[d] for d in (0, 1)]
        seg_lo, seg_hi = np.minimum(self._a, self._b), np.maximum(self._a, self._b)
        gap = [
            np.maximum(0, np.maximum(seg_lo[:, d] - e[1:, None], e[:-1, None] - seg_hi[:, d]))
            for d, e in enumerate(edges)
        ]
        near2 = (gap[1][:, None, :] ** 2 + gap[0][None, :, :] ** 2).reshape(CELLS * CELLS, -1)
        cx, cy = np.meshgrid(edges[0], edges[1])
        corner2 = _distance2(cx.ravel()[:, None], cy.ravel()[:, None], self._a[None], self._b[None])
        corner2 = corner2.reshape(CELLS + 1, CELLS + 1, -1)
        far2 = np.maximum.reduce([corner2[:-1, :-1], corner2[:-1, 1:], corner2[1:, :-1], corner2[1:, 1:]])
        bound = np.sqrt(far2.reshape(CELLS * CELLS, -1).min(axis=1)) + 2 * tol
        keep = near2 <= (bound**2)[:, None]
        order = np.argsort(~keep, axis=1, kind="stable")[:, : keep.sum(axis=1).max()]
        return np.where(np.take_along_axis(keep, order, axis=1), order, order[:, :1])


def _distance2(px, py, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Squared distance from points to segments a-b (broadcast; a and b end in an x, y axis)."""
    dx, dy = b[..., 0] - a[..., 0], b[..., 1] - a[..., 1]
    length2 = dx * dx + dy * dy
    t = np.clip(((px - a[..., 0]) * dx + (py - a[..., 1]) * dy) / np.where(length2 > 0, length2, 1), 0, 1)
    ex, ey = px - a[..., 0] - t * dx, py - a[..., 1] - t * dy
    return ex * ex + ey * ey
