"""Exports of the workbench's current result: CSV for Excel, GeoJSON and GeoPackage (EPSG:4326).

Each writer takes the rows as chunks (geodata.analysis.statements.stream) and never holds more than one
chunk: CSV and GeoJSON are generated piece by piece into the HTTP response; a GeoPackage is a
SQLite file, so it is appended to a temporary file chunk by chunk and then sent from disk.

CSV is UTF-8 with a byte-order mark (Excel then reads Chinese), and a text cell that starts
with = + - @ or a tab/CR gets a leading apostrophe, so a spreadsheet never runs it as a formula
(OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from geodata.analysis.statements import COLUMNS, Column
from geodata.clock import TZ

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "html": "text/html; charset=utf-8",
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {
    "id",
    "overdue_hours",
    "lon",
    "lat",
    "compliance",
    "nearest_camera_m",
    "open_cases",
    "overdue",
    "gi_z",
    "gi_p",
}


def plain(value: Any) -> Any:
    """A value as it is written out: times in Beijing time (ISO 8601), lists joined, None kept."""
    if isinstance(value, datetime):
        return value.astimezone(TZ).isoformat(timespec="seconds")
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return value


def neutralise(value: Any) -> Any:
    """A CSV cell that a spreadsheet will not evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


TIMES = {"reported_at", "deadline_at", "inspected_at", "last_seen_at"}


def _columns(layer: str) -> tuple[Column, ...]:
    return COLUMNS[layer]


def _cell_writer(key: str):
    """How one column's values become CSV cells (chosen once per column, not per cell)."""
    if key in TIMES:
        return lambda v: "" if v is None else v.astimezone(TZ).isoformat(timespec="seconds")
    if key in NUMERIC:
        return lambda v: "" if v is None or (isinstance(v, float) and math.isnan(v)) else v
    return lambda v: "" if v is None else neutralise(plain(v))


def csv_chunks(chunks: Iterable[list[dict]], layer: str, lang: str) -> Iterator[bytes]:
    """The CSV file, piece by piece: BOM and header first, then one piece per chunk of rows."""
    cols = _columns(layer)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.label(lang) for c in cols])
    yield ("\ufeff" + buf.getvalue()).encode("utf-8")
    fields = [c.field(lang) for c in cols]
    cells = [_cell_writer(c.key) for c in cols]
    for rows in chunks:
        buf.seek(0)
        buf.truncate()
        columns = [list(map(cell, (r.get(f) for r in rows))) for f, cell in zip(fields, cells)]
        writer.writerows(zip(*columns))
        yield buf.getvalue().encode("utf-8")


def _geometries(rows: list[dict]) -> np.ndarray:
    if rows and rows[0].get("wkb") is not None and "open_cases" in rows[0]:  # grids: their polygons
        return shapely.from_wkb(np.asarray([bytes(r["wkb"]) for r in rows], dtype=object))
    return shapely.points(np.asarray([[r["lon"], r["lat"]] for r in rows], dtype=float))


def _properties(row: dict, cols: tuple[Column, ...], lang: str) -> dict[str, Any]:
    return {c.key: plain(row.get(c.field(lang))) for c in cols}


def geojson_chunks(chunks: Iterable[list[dict]], layer: str, lang: str) -> Iterator[bytes]:
    """A GeoJSON FeatureCollection (RFC 7946: WGS84 longitude/latitude), piece by piece."""
    cols = _columns(layer)
    yield b'{"type": "FeatureCollection", "name": "' + layer.encode() + b'", "features": [\n'
    first = True
    for rows in chunks:
        geoms = shapely.to_geojson(shapely.set_precision(_geometries(rows), 1e-7))
        parts = []
        for row, geom in zip(rows, geoms):
            feature = {
                "type": "Feature",
                "id": row["id"],
                "geometry": json.loads(geom),
                "properties": _properties(row, cols, lang),
            }
            parts.append(json.dumps(feature, ensure_ascii=False, default=str))
        if parts:
            yield (("" if first else ",\n") + ",\n".join(parts)).encode("utf-8")
            first = False
    yield b"\n]}\n"


def write_gpkg(chunks: Iterable[list[dict]], layer: str, lang: str, path: Path) -> int:
    """Append the rows to a GeoPackage at ``path`` (layer ``layer``, EPSG:4326), one chunk at a
    time; returns the number of features written."""
    import geopandas as gpd
    import pandas as pd
    import pyogrio

    cols = _columns(layer)
    written = 0
    for rows in chunks:
        data: dict[str, Any] = {}
        for c in cols:
            values = [plain(r.get(c.field(lang))) for r in rows]
            if c.key in NUMERIC:
                data[c.key] = pd.array(values, dtype="Int64" if c.key == "id" else "Float64")
            else:
                data[c.key] = pd.array([None if v is None else str(v) for v in values], dtype="string")
        frame = gpd.GeoDataFrame(data, geometry=_geometries(rows), crs="EPSG:4326")
        pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG", append=written > 0)
        written += len(rows)
    if written == 0:  # an empty result is still a valid file with the layer's fields
        empty = {c.key: pd.array([], dtype="Int64" if c.key == "id" else "string") for c in cols}
        geom_type = "MultiPolygon" if layer == "grids" else "Point"
        pyogrio.write_dataframe(
            gpd.GeoDataFrame(empty, geometry=[], crs="EPSG:4326"),
            path,
            layer=layer,
            driver="GPKG",
            geometry_type=geom_type,
        )
    return written
