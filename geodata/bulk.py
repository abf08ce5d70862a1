"""Bulk writes through COPY (DESIGN §6), with geometry as hex EWKB.

Rows are encoded column by column in COPY's text format: timestamps, numbers and booleans are
formatted as whole arrays, and only text columns are touched string by string. (pandas'
``to_csv`` formats each tz-aware timestamp through Python, which cost more than the COPY.)
"""

from __future__ import annotations

import io
import struct

import numpy as np
import pandas as pd
import shapely
from psycopg2 import sql

NULL = "\\N"
# COPY text format: these characters would end a field or a row, so they travel escaped.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_SPECIAL = ("\\", "\t", "\n", "\r")
_READ_SIZE = 1 << 18


def point_ewkb(lon: np.ndarray, lat: np.ndarray, srid: int = 4326) -> np.ndarray:
    """Hex EWKB of points, which PostGIS reads straight from COPY (built as one byte array)."""
    lon = np.ascontiguousarray(lon, dtype="<f8")
    lat = np.ascontiguousarray(lat, dtype="<f8")
    n = len(lon)
    raw = np.empty((n, 25), dtype=np.uint8)
    # Little-endian byte order mark, type 1 (Point) with the SRID flag, then the SRID.
    raw[:, :9] = np.frombuffer(struct.pack("<BII", 1, 0x20000001, srid), dtype=np.uint8)
    raw[:, 9:17] = lon.view(np.uint8).reshape(n, 8)
    raw[:, 17:] = lat.view(np.uint8).reshape(n, 8)
    hexed = raw.tobytes().hex().upper().encode("ascii")
    return np.frombuffer(hexed, dtype="S50").astype("U50").astype(object)


def geom_ewkb(geoms: np.ndarray, srid: int = 4326) -> np.ndarray:
    """Hex EWKB of any geometries."""
    return shapely.to_wkb(shapely.set_srid(np.asarray(geoms), srid), hex=True, include_srid=True)


def _datetime_text(col: pd.Series, null: np.ndarray) -> np.ndarray:
    aware = isinstance(col.dtype, pd.DatetimeTZDtype)
    values = (col.dt.tz_convert("UTC").dt.tz_localize(None) if aware else col).to_numpy(dtype="datetime64[us]")
    micros = values[~null].astype("int64")
    unit = "s" if not (micros % 1_000_000).any() else "us"
    # Aware values are written in UTC with a "Z"; naive ones are read in the session's time zone.
    return np.datetime_as_string(values, unit=unit, timezone="UTC" if aware else "naive")


def _text_fields(col: pd.Series) -> list[str]:
    """One column as COPY text fields, NULL as \\N."""
    null = col.isna().to_numpy()
    dtype = col.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(dtype):
        fields = _datetime_text(col, null).tolist()
    elif pd.api.types.is_bool_dtype(dtype):
        fields = np.where(col.to_numpy(dtype=bool, na_value=False), "t", "f").tolist()
    elif pd.api.types.is_integer_dtype(dtype):
        fields = list(map(str, col.to_numpy(dtype="int64", na_value=0).tolist()))
    elif pd.api.types.is_float_dtype(dtype):
        fields = col.to_numpy(dtype="float64", na_value=np.nan).astype(str).tolist()
    else:
        fields = list(map(str, col.to_numpy(dtype=object)))
        joined = "".join(fields)
        if any(ch in joined for ch in _SPECIAL):
            fields = [f.translate(_ESCAPES) for f in fields]
    for i in np.flatnonzero(null).tolist():
        fields[i] = NULL
    return fields


def encode_text(frame: pd.DataFrame, columns: list[str]) -> bytes:
    """The named columns of ``frame`` in COPY's text format (UTF-8)."""
    fields = [_text_fields(frame[c]) for c in columns]
    body = "\n".join(map("\t".join, zip(*fields)))
    return (body + "\n").encode("utf-8") if body else b""


def copy_frame(cur, table: str, frame: pd.DataFrame, columns: list[str], chunk_rows: int = 10_000) -> int:
    """COPY the named columns of ``frame`` into ``table``; return the row count.

    Rows are encoded ``chunk_rows`` at a time while the server loads the previous chunk, so the
    encoding hides behind the COPY instead of adding to it.
    """
    _copy(cur, table, columns, _EncodedChunks(frame, columns, chunk_rows))
    return len(frame)


def copy_encoded(cur, table: str, columns: list[str], data: bytes) -> None:
    """COPY rows already encoded by ``encode_text`` into ``table``."""
    _copy(cur, table, columns, io.BytesIO(data))


def _copy(cur, table: str, columns: list[str], source: io.BytesIO | _EncodedChunks) -> None:
    stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cur.copy_expert(stmt.as_string(cur), source, size=_READ_SIZE)


class _EncodedChunks:
    """A read-only file over a frame's rows, encoded one chunk at a time as psycopg2 reads."""

    def __init__(self, frame: pd.DataFrame, columns: list[str], chunk_rows: int) -> None:
        step = max(1, chunk_rows)
        self._chunks = (encode_text(frame.iloc[i : i + step], columns) for i in range(0, len(frame), step))
        self._chunk = b""
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes of the encoded rows; b"" at the end."""
        while self._pos >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._chunk, self._pos = chunk, 0
        end = len(self._chunk) if size is None or size < 0 else self._pos + size
        out = self._chunk[self._pos : end]
        self._pos += len(out)
        return out


def sync_identity(cur, table: str, column: str = "id") -> None:
    """Move an identity column's sequence past the highest id loaded explicitly."""
    cur.execute(
        sql.SQL("SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({}), 0) + 1, false) FROM {}").format(
            sql.Identifier(column), sql.Identifier(table)
        ),
        (table, column),
    )
