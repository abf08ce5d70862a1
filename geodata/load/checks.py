"""Coordinates and geometry of a load: the frame (docs/maps.md), validity, type and the territory.

A declared ``--crs`` wins over the file's own; with neither, the load is refused. GCJ-02 and
BD-09 are converted with geodata.coords, everything else with pyproj. Bad rows are rejected with
their row number, or repaired with ``make_valid`` when asked.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyproj
import shapely
from pyproj.exceptions import CRSError

from geodata import coords
from geodata.errors import LoadError
from geodata.load.reasons import Reason
from geodata.load.report import LoadReport
from i18n import Message

CHINA_FRAMES = {"gcj02": coords.gcj02_to_wgs84, "bd09": coords.bd09_to_wgs84}
POLYGONAL = {"Polygon", "MultiPolygon"}


def resolve_crs(declared: str | None, file_crs: str | None, name: str) -> str:
    """The frame to read the coordinates in: "gcj02", "bd09" or a pyproj CRS string."""
    if declared:
        key = declared.strip().lower().replace("-", "")
        if key in CHINA_FRAMES:
            return key
        try:
            return pyproj.CRS.from_user_input(declared.strip()).to_string()
        except CRSError as exc:
            raise LoadError(Message("load.err.bad_crs", crs=declared)) from exc
    if file_crs:
        return file_crs
    raise LoadError(Message("load.err.no_crs", name=name))


def _is_wgs84(crs: str) -> bool:
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except CRSError as exc:
        raise LoadError(Message("load.err.unknown_file_crs", crs=crs)) from exc
    return parsed.equals(pyproj.CRS.from_epsg(4326), ignore_axis_order=True) or parsed.equals(
        pyproj.CRS.from_user_input("OGC:CRS84"), ignore_axis_order=True
    )


def _converter(crs: str):
    if crs in CHINA_FRAMES:
        return CHINA_FRAMES[crs]
    if _is_wgs84(crs):
        return None
    transformer = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    return transformer.transform


def points_to_wgs84(lon: np.ndarray, lat: np.ndarray, crs: str) -> tuple[np.ndarray, np.ndarray]:
    """Point coordinates in WGS84."""
    convert = _converter(crs)
    if convert is None:
        return lon, lat
    x, y = convert(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def geoms_to_wgs84(geoms: np.ndarray, crs: str) -> np.ndarray:
    """Geometries in WGS84 (missing ones stay missing)."""
    convert = _converter(crs)
    if convert is None:
        return geoms

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = convert(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def check_points(lon: np.ndarray, lat: np.ndarray, rows: np.ndarray, report: LoadReport) -> np.ndarray:
    """Mask of rows with usable lon/lat; the others are rejected with the reason."""
    missing = ~(np.isfinite(lon) & np.isfinite(lat))
    report.reject(rows[missing], Reason("no_coordinates"))
    out_of_range = ~missing & ((np.abs(lon) > 180) | (np.abs(lat) > 90))
    report.reject(rows[out_of_range], Reason("not_degrees"))
    return ~(missing | out_of_range)


def points_of(geoms: np.ndarray, rows: np.ndarray, report: LoadReport) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat of point geometries (a one-part MultiPoint counts); others are rejected."""
    geoms = geoms.copy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    report.reject(rows[missing], Reason("no_geometry"))
    types = shapely.get_type_id(geoms)
    single = (types == 4) & (shapely.get_num_geometries(geoms) == 1)
    geoms[single] = shapely.get_geometry(geoms[single], 0)
    wrong = ~missing & (shapely.get_type_id(geoms) != 0)
    for row, g in zip(rows[wrong], geoms[wrong]):
        report.reject([row], Reason("not_point", kind=g.geom_type))
    lon = np.full(len(geoms), np.nan)
    lat = np.full(len(geoms), np.nan)
    ok = ~(missing | wrong)
    lon[ok], lat[ok] = shapely.get_x(geoms[ok]), shapely.get_y(geoms[ok])
    return lon, lat


def check_polygons(geoms: np.ndarray, rows: np.ndarray, report: LoadReport, repair: bool) -> np.ndarray:
    """MultiPolygons, valid and 2D; rows that are not are rejected (or repaired with ``repair``)."""
    out = np.array(shapely.force_2d(geoms), dtype=object)
    missing = shapely.is_missing(out) | shapely.is_empty(out)
    report.reject(rows[missing], Reason("no_geometry"))
    kinds = pd.Series([None if m else g.geom_type for g, m in zip(out, missing)], dtype=object)
    wrong = ~missing & ~kinds.isin(POLYGONAL).to_numpy()
    for row, kind in zip(rows[wrong], kinds[wrong]):
        report.reject([row], Reason("not_polygon", kind=kind))
    candidates = np.flatnonzero(~missing & ~wrong)
    invalid = candidates[~shapely.is_valid(out[candidates])]
    for i in invalid:
        reason = shapely.is_valid_reason(out[i])
        if not repair:
            report.reject([rows[i]], Reason("invalid_geometry", detail=reason))
            continue
        fixed = _polygonal(shapely.make_valid(out[i]))
        if fixed is None:
            report.reject([rows[i]], Reason("unrepairable", detail=reason))
        else:
            out[i] = fixed
            report.repair([rows[i]], Reason("repaired", detail=reason))
    for i in candidates:
        if out[i] is not None and out[i].geom_type == "Polygon":
            out[i] = shapely.MultiPolygon([out[i]])
    return out


def _polygonal(geom) -> shapely.MultiPolygon | None:
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL and not p.is_empty]
    polys = [q for p in parts for q in shapely.get_parts(p)]
    return shapely.MultiPolygon(polys) if polys else None


class Territory:
    """The union of the top-level units, as an STRtree over their polygons."""

    def __init__(self, geoms: list) -> None:
        if not geoms:
            raise LoadError(Message("load.err.no_territory"))
        self._tree = shapely.STRtree(np.asarray(geoms, dtype=object))

    def inside(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Mask of points inside (or on the edge of) the territory."""
        hits = np.zeros(len(lon), dtype=bool)
        if len(lon):
            pt_idx, _ = self._tree.query(shapely.points(lon, lat), predicate="intersects")
            hits[pt_idx] = True
        return hits


def reject_outside(
    territory: Territory, lon, lat, rows: np.ndarray, usable: np.ndarray, report: LoadReport
) -> np.ndarray:
    """Narrow ``usable`` to points inside the territory; the rest are rejected."""
    idx = np.flatnonzero(usable)
    inside = territory.inside(lon[idx], lat[idx])
    report.reject(
        rows[idx[~inside]],
        Reason("outside"),
    )
    keep = usable.copy()
    keep[idx[~inside]] = False
    return keep
