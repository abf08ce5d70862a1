"""The vectorised nearest line gives exactly the line GEOS's STRtree.nearest gives."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString

from geodata.demo import territory as demo_territory
from geodata.demo.names import ROADS_EW, ROADS_NS
from geodata.demo.nearest_line import NearestLine
from geodata.unit_assign import with_ancestors


def _check(lines: np.ndarray, x: np.ndarray, y: np.ndarray) -> None:
    expected = shapely.STRtree(lines).nearest(shapely.points(x, y))
    assert np.array_equal(NearestLine(lines)(x, y), expected)


def test_demo_roads_match_geos():
    rng = np.random.default_rng(5)
    units = with_ancestors(demo_territory.build_units(demo_territory.demo_scale(), rng))
    roads = demo_territory.build_roads(units, ROADS_EW, ROADS_NS).geometry.to_numpy()
    minx, miny, maxx, maxy = shapely.total_bounds(roads)
    x, y = rng.uniform(minx - 0.01, maxx + 0.01, 50_000), rng.uniform(miny - 0.01, maxy + 0.01, 50_000)
    ends = shapely.get_coordinates(roads)  # on the lines, where they meet or end
    _check(roads, np.r_[x, ends[:, 0]], np.r_[y, ends[:, 1]])


def test_bent_and_multipart_lines_match_geos():
    rng = np.random.default_rng(6)
    lines = np.array(
        [
            LineString([(0, 0), (1, 0.2), (1.5, 1), (3, 1.1)]),
            MultiLineString([[(0, 2), (1, 2)], [(2, 2), (2.5, 3), (3, 2.2)]]),
            LineString([(0.5, -1), (0.5, 3)]),
            LineString([(2, -1), (2, -1)]),  # a degenerate segment
            LineString([(0, 1), (3, 1)]),
        ]
    )
    x, y = rng.uniform(-1, 4, 20_000), rng.uniform(-2, 4, 20_000)
    _check(lines, x, y)
    _check(lines, x[:1], y[:1])


def test_no_points():
    assert len(NearestLine(np.array([LineString([(0, 0), (1, 1)])]))(np.array([]), np.array([]))) == 0
