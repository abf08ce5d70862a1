# Long (over 400 lines): bulk mode's set-aside and rebuild of indexes, keys and triggers is one unit.
"""Bulk writes through COPY (docs/performance.md), with geometry as EWKB.

``copy_frame`` encodes rows column by column in COPY's text format: timestamps, numbers and
booleans are formatted as whole arrays, and only text columns are touched string by string.
(pandas' ``to_csv`` formats each tz-aware timestamp through Python, which cost more than the COPY.)
``encode_binary`` and ``copy_binary`` use COPY's binary format, which the server reads faster.
For loads of millions of rows, ``deferred_indexes`` rebuilds a table's indexes and keys once at the
end, and ``in_background`` produces the next rows in a second process while the server loads.
"""

from __future__ import annotations

import io
import multiprocessing
import queue
import struct
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import numpy as np
import pandas as pd
import shapely
from psycopg2 import sql

T = TypeVar("T")

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


# COPY's binary format: a fixed header, rows of (field count, then length and bytes per field, -1
# for NULL), a trailer; every number big-endian.
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
BINARY_TRAILER = struct.pack(">h", -1)
_PG_EPOCH_US = 946_684_800_000_000  # 2000-01-01 in Unix microseconds
_FIXED = {
    "int2": ">i2",
    "int4": ">i4",
    "int8": ">i8",
    "float4": ">f4",
    "float8": ">f8",
    "bool": "u1",
    "timestamptz": ">i8",
    "timestamp": ">i8",
}
_BINARY_ROWS = 100_000  # rows assembled at a time (the work arrays are rows x widest row)


def column_types(cur, table: str, columns: list[str]) -> list[str]:
    """The type names (pg_type.typname) of ``table``'s ``columns``, for ``encode_binary``."""
    cur.execute(
        "SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        (table,),
    )
    types = dict(cur.fetchall())
    missing = [c for c in columns if c not in types]
    if missing:
        raise ValueError(f"{table} has no column {', '.join(missing)}")
    return [types[c] for c in columns]


def encode_binary(frame: pd.DataFrame, columns: list[str], types: list[str]) -> bytes:
    """The named columns of ``frame`` as rows of COPY's binary format (no header or trailer).

    ``types`` are the columns' pg_type names (``column_types``): integers, floats, booleans,
    timestamps, text, or geometry given as EWKB (bytes or hex). Each column becomes one byte matrix
    (a row per value, padded to the longest); rows are cut out of their concatenation, with no
    Python work per row.
    """
    fields = [_binary_field(frame[c], t) for c, t in zip(columns, types)]
    count = np.frombuffer(struct.pack(">h", len(columns)), dtype=np.uint8)
    out = []
    for start in range(0, len(frame), _BINARY_ROWS):
        cut = slice(start, start + _BINARY_ROWS)
        n = min(_BINARY_ROWS, len(frame) - start)
        rows = np.empty((n, 2 + sum(4 + data.shape[1] for data, _, _ in fields)), dtype=np.uint8)
        keep = None
        rows[:, :2] = count
        at = 2
        for data, size, fixed in fields:
            width = data.shape[1]
            rows[:, at : at + 4] = size[cut].astype(">i4").view(np.uint8).reshape(n, 4)
            rows[:, at + 4 : at + 4 + width] = data[cut]
            if not fixed:
                keep = np.ones(rows.shape, dtype=bool) if keep is None else keep
                keep[:, at + 4 : at + 4 + width] = np.arange(width) < size[cut, None]
            at += 4 + width
        out.append(rows.tobytes() if keep is None else rows[keep].tobytes())
    return b"".join(out)


def _binary_field(col: pd.Series, typname: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """One column as (n x width bytes, byte count per row or -1 for NULL, whether all rows are full width).

    Text and EWKB are encoded once per distinct value."""
    n = len(col)
    if typname in _FIXED:
        null = col.isna().to_numpy()
        dtype = np.dtype(_FIXED[typname])
        if typname.startswith("timestamp"):
            if typname == "timestamptz" and pd.api.types.is_datetime64_dtype(col.dtype):
                # COPY's text format would read a naive time in the session's zone, binary as UTC
                raise ValueError(f"column {col.name!r}: naive times for a timestamptz column; localize them first")
            if isinstance(col.dtype, pd.DatetimeTZDtype):
                col = col.dt.tz_convert("UTC").dt.tz_localize(None)
            values = col.to_numpy(dtype="datetime64[us]").astype("int64") - _PG_EPOCH_US
        elif typname == "bool":
            values = col.to_numpy(dtype=bool, na_value=False)
        elif dtype.kind == "f":
            values = col.to_numpy(dtype="float64", na_value=np.nan)
        else:
            values = col.to_numpy(dtype="int64", na_value=0)
        data = np.where(null, 0, values).astype(dtype).view(np.uint8).reshape(n, dtype.itemsize)
        sizes = np.full(n, dtype.itemsize)
    else:
        values = col.to_numpy(dtype=object)
        null = pd.isna(values)
        codes, uniques = pd.factorize(values)
        data, sizes = _byte_matrix(uniques, typname in _HEX_TYPES)
        data, sizes = data[codes], sizes[codes]
    sizes[null] = -1
    return data, sizes, bool((sizes == data.shape[1]).all())


_HEX_TYPES = ("geometry", "geography", "bytea")  # given as hex (as COPY's text format takes them) or bytes


def _byte_matrix(values: np.ndarray, hexed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Strings (UTF-8, or hex when ``hexed``) or bytes as an (n x longest) byte matrix and their lengths."""
    n = len(values)
    if n == 0:
        return np.zeros((0, 1), dtype=np.uint8), np.zeros(0, dtype=np.int64)
    if all(isinstance(v, bytes) for v in values):
        raw = list(values)
    else:
        try:
            joined = "\0".join(values)
        except TypeError:  # not all strings
            joined = "\0".join(map(str, values))
        if hexed:
            lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
            if lengths[0] and (lengths == lengths[0]).all():  # e.g. points: one decode for the column
                flat = bytes.fromhex(joined.replace("\0", ""))
                width = max(1, int(lengths[0]) // 2)
                return np.frombuffer(flat, dtype=np.uint8).reshape(n, width), lengths // 2
            raw = [bytes.fromhex(v) for v in values]
        else:
            raw = joined.encode("utf-8").split(b"\0")
            if len(raw) != n:
                raise ValueError("text for COPY cannot hold NUL characters")
    sizes = np.fromiter(map(len, raw), dtype=np.int64, count=n)
    width = max(1, int(sizes.max()))
    return np.array(raw, dtype=f"S{width}").view(np.uint8).reshape(n, width), sizes


def copy_binary(cur, table: str, columns: list[str], rows: bytes) -> None:
    """COPY rows encoded by ``encode_binary`` into ``table``."""
    stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT binary)").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    source = _Joined((BINARY_HEADER, rows, BINARY_TRAILER))
    cur.copy_expert(stmt.as_string(cur), source, size=_READ_SIZE)


class _Joined:
    """A read-only file over several byte strings, without joining them."""

    def __init__(self, parts: tuple[bytes, ...]) -> None:
        self._view = [memoryview(p) for p in parts]
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes; b"" at the end."""
        while self._view and self._pos >= len(self._view[0]):
            self._view.pop(0)
            self._pos = 0
        if not self._view:
            return b""
        head = self._view[0]
        end = len(head) if size is None or size < 0 else self._pos + size
        out = head[self._pos : end].tobytes()
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


@contextmanager
def deferred_indexes(cur, tables: list[str], memory: str = "1GB", keep_below: float = 0.1) -> Iterator[None]:
    """Drop the indexes, keys and foreign keys of ``tables`` for a bulk load; recreate them on exit.

    Each index is then built once from sorted rows and each foreign key checked in one join, instead
    of an index insert and a key lookup per row. Foreign keys from other tables into ``tables`` go
    too (they need the keys). Run it inside the load's transaction, which then holds the tables
    exclusively: if the load or a rebuilt constraint fails, the rollback restores the dropped
    definitions as well. ``memory`` is the work memory of the rebuild.

    A partial index that holds fewer than ``keep_below`` of its table's rows (by the planner's
    statistics: open cases only, merged cases only) stays in place. Rebuilding it would scan the
    whole table, which costs more than inserting the few loaded rows that it covers. A table
    without statistics (new, or never analysed) has all its indexes dropped.
    """
    fkeys, keys = (_catalog(cur, query, tables) for query in (_FKEYS, _KEYS))
    indexes = _catalog(cur, _INDEXES, tables, keep_below=keep_below)
    for schema, table, name, _ in [*fkeys, *keys]:
        cur.execute(_ALTER.format(sql.Identifier(schema, table), sql.SQL("DROP"), sql.Identifier(name)))
    for schema, _, name, _ in indexes:
        cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(schema, name)))
    yield
    saved = {}
    for setting in ("maintenance_work_mem", "work_mem"):
        cur.execute("SELECT current_setting(%s), set_config(%s, %s, true)", (setting, setting, memory))
        saved[setting] = cur.fetchone()[0]
    for _, _, _, definition in indexes:
        # A partitioned table's index reads "ON ONLY": made so, it would cover no partition and
        # stay invalid (unused); made on the table, it is built on every partition.
        cur.execute(sql.SQL(definition.replace(" ON ONLY ", " ON ", 1)))
    for schema, table, name, definition in [*keys, *fkeys]:
        add = _ALTER.format(sql.Identifier(schema, table), sql.SQL("ADD"), sql.Identifier(name))
        cur.execute(add + sql.SQL(" " + definition))
    for setting, value in saved.items():
        cur.execute("SELECT set_config(%s, %s, true)", (setting, value))


_ALTER = sql.SQL("ALTER TABLE {} {} CONSTRAINT {}")
# Catalog queries of deferred_indexes: (schema, table, name, definition) for the tables %(tables)s,
# in the order they are rebuilt (primary keys before the other keys).
_FKEYS = """
SELECT n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
 WHERE c.contype = 'f' AND c.conparentid = 0  -- a partition's copy goes and comes with its table's
   AND (c.conrelid = ANY(%(tables)s::regclass[]) OR c.confrelid = ANY(%(tables)s::regclass[]))
 ORDER BY n.nspname, r.relname, c.conname"""
_KEYS = """
SELECT n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
 WHERE c.contype IN ('p', 'u', 'x') AND c.conrelid = ANY(%(tables)s::regclass[]) AND c.conparentid = 0
 ORDER BY n.nspname, r.relname, c.contype <> 'p', c.conname"""
_INDEXES = """
SELECT n.nspname, r.relname, x.relname, pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_class r ON r.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = x.relnamespace
 WHERE i.indrelid = ANY(%(tables)s::regclass[])
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
   AND NOT (i.indpred IS NOT NULL AND r.reltuples > 0 AND x.reltuples >= 0
            AND x.reltuples < %(keep_below)s * r.reltuples)
 ORDER BY n.nspname, r.relname, x.relname"""


def _catalog(cur, query: str, tables: list[str], **params: float) -> list[tuple[str, str, str, str]]:
    cur.execute(query, {"tables": list(tables), **params})
    return cur.fetchall()


def in_background(items: Iterator[T], ahead: int = 2) -> Iterator[T]:
    """The items of the not yet started generator ``items``, produced in a forked process.

    The child runs up to ``ahead`` items ahead, so that generating and encoding the next rows
    overlaps with the server loading the last ones. An error in the child is raised here; closing
    this iterator early stops the child.
    """
    mp = multiprocessing.get_context("fork")
    channel = mp.Queue(maxsize=ahead)
    child = mp.Process(target=_produce, args=(items, channel), name="bulk-producer", daemon=True)
    child.start()
    try:
        while True:
            try:
                kind, value = channel.get(timeout=5)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the producer process died (exit code {child.exitcode})") from None
                continue
            if kind == "error":
                raise RuntimeError(f"the producer process failed:\n{value}")
            if kind == "done":
                break
            yield value
        child.join()
    finally:
        if child.is_alive():
            child.terminate()
            child.join()


def _produce(items: Iterator, channel) -> None:
    try:
        for item in items:
            channel.put(("item", item))
        channel.put(("done", None))
    except BaseException:  # reported to the parent, whatever it was
        channel.put(("error", traceback.format_exc()))
