"""Reading a load's input: size and archive checks (docs/security.md), encodings, and the formats.

Zipped or loose shapefiles, GeoJSON and GeoPackage are read with pyogrio; CSV with pandas, its
points from lon/lat or x/y columns, a WKT column or hex (E)WKB. Every refusal is a LoadError whose
message is one line saying what is wrong and what to do.
"""

from __future__ import annotations

import codecs
import io
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
import pyogrio
import shapely

from geodata.errors import LoadError
from i18n import Message
from settings import Settings

VECTOR_SUFFIXES = {".shp", ".geojson", ".json", ".gpkg"}
TABLE_SUFFIXES = {".csv", ".txt", ".tsv"}
SHP_SIDECARS = (".shx", ".dbf", ".prj", ".cpg")
RATIO_FLOOR = 1 << 20  # members smaller than this are not ratio-checked (tiny files compress badly)
_CHUNK = 1 << 20
_GEOM_PREFIX = re.compile(
    r"^\s*(SRID=\d+;)?\s*(POINT|MULTIPOINT|LINESTRING|MULTILINESTRING|POLYGON|MULTIPOLYGON|"
    r"GEOMETRYCOLLECTION)\b",
    re.IGNORECASE,
)
_HEX = re.compile(r"^(00|01)[0-9A-Fa-f]{16,}$")


@dataclass
class Table:
    """One input as read: attributes (text for CSV), geometries or lon/lat, and the file's CRS."""

    frame: pd.DataFrame
    name: str
    crs: str | None = None
    geoms: np.ndarray | None = None  # shapely geometries, None for lon/lat columns
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    encoding: str | None = None
    is_csv: bool = False


# ---- the input file: size, archive, sidecars ------------------------------------------------


def open_input(path: Path, settings: Settings, workdir: Path) -> Path:
    """The data file to read: ``path`` itself, or the one data file inside a checked zip archive."""
    if not path.exists():
        raise LoadError(Message("load.err.missing_path", path=path))
    if path.is_dir():
        raise LoadError(Message("load.err.is_folder", path=path))
    limit = settings.import_max_bytes
    if path.suffix.lower() == ".zip":
        if path.stat().st_size > limit:
            raise LoadError(Message("load.err.too_large", name=path.name, size=path.stat().st_size, limit=limit))
        return _data_file(_extract(path, settings, workdir), path.name)
    size = sum(p.stat().st_size for p in _with_sidecars(path))
    if size > limit:
        raise LoadError(Message("load.err.too_large", name=path.name, size=size, limit=limit))
    return path


def _with_sidecars(path: Path) -> list[Path]:
    if path.suffix.lower() != ".shp":
        return [path]
    return [p for p in path.parent.glob(path.stem + ".*") if p.suffix.lower() in {".shp", *SHP_SIDECARS}]


def _extract(path: Path, settings: Settings, workdir: Path) -> Path:
    """Check every member before reading any, then extract with the declared sizes enforced."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(Message("load.err.bad_zip", name=path.name, detail=str(exc))) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > settings.import_max_entries:
            raise LoadError(
                Message(
                    "load.err.too_many_entries", name=path.name, entries=len(infos), limit=settings.import_max_entries
                )
            )
        declared = sum(i.file_size for i in infos)
        if declared > settings.import_max_bytes:
            raise LoadError(
                Message(
                    "load.err.unzipped_too_large", name=path.name, declared=declared, limit=settings.import_max_bytes
                )
            )
        for info in infos:
            _check_member(path.name, info, settings.import_max_ratio)
        out = workdir / "unzipped"
        out.mkdir()
        for info in infos:
            if info.is_dir():
                continue
            target = out.joinpath(*PurePosixPath(info.filename).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_member(archive, info, target, path.name)
    return out


def _check_member(archive: str, info: zipfile.ZipInfo, max_ratio: float) -> None:
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise LoadError(Message("load.err.member_outside", archive=archive, member=name))
    if stat.S_ISLNK(info.external_attr >> 16):
        raise LoadError(Message("load.err.member_link", archive=archive, member=name))
    if info.flag_bits & 0x1:
        raise LoadError(Message("load.err.member_encrypted", archive=archive, member=name))
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise LoadError(Message("load.err.member_ratio", archive=archive, member=name, ratio=ratio, limit=max_ratio))


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, name: str) -> None:
    """Copy one member, stopping as soon as it yields more than it declared."""
    written = 0
    try:
        with archive.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > info.file_size:
                    raise LoadError(
                        Message("load.err.member_overflow", archive=name, member=info.filename, size=info.file_size)
                    )
                dst.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise LoadError(
            Message("load.err.member_unreadable", archive=name, member=info.filename, detail=str(exc))
        ) from exc


def _data_file(folder: Path, archive: str) -> Path:
    found = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in VECTOR_SUFFIXES | TABLE_SUFFIXES and not p.name.startswith("._")
    )
    if not found:
        raise LoadError(Message("load.err.zip_no_data", archive=archive))
    if len(found) > 1:
        names = ", ".join(p.relative_to(folder).as_posix() for p in found[:5])
        raise LoadError(Message("load.err.zip_many_data", archive=archive, count=len(found), names=names))
    return found[0]


# ---- reading ---------------------------------------------------------------------------------


def read_table(path: Path, encoding: str | None = None) -> Table:
    """Read a vector file or a CSV."""
    suffix = path.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return read_csv(path, encoding)
    if suffix in VECTOR_SUFFIXES:
        return read_vector(path, encoding)
    raise LoadError(Message("load.err.unknown_format", name=path.name, suffix=suffix or Message("load.err.no_suffix")))


def read_vector(path: Path, encoding: str | None = None) -> Table:
    """A shapefile, GeoJSON or GeoPackage through pyogrio."""
    kwargs = {}
    if path.suffix.lower() == ".shp":
        check_shapefile(path)
        kwargs["encoding"] = encoding or dbf_encoding(path)
    elif encoding:
        kwargs["encoding"] = encoding
    try:
        frame = pyogrio.read_dataframe(path, **kwargs)
    except Exception as exc:  # pyogrio raises several types for broken files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LoadError(Message("load.err.unreadable", name=path.name, detail=first)) from exc
    crs = frame.crs.to_string() if frame.crs is not None else None
    geoms = np.asarray(frame.geometry.array, dtype=object) if frame.geometry is not None else None
    attrs = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return Table(attrs.reset_index(drop=True), path.name, crs=crs, geoms=geoms, encoding=kwargs.get("encoding"))


def check_shapefile(path: Path) -> None:
    """Refuse a shapefile with missing sidecars or a .shp/.shx/.dbf shorter than its header says."""
    sidecars = {p.suffix.lower(): p for p in _with_sidecars(path)}
    for ext in (".shx", ".dbf"):
        if ext not in sidecars:
            raise LoadError(Message("load.err.no_sidecar", name=path.name, ext=ext))
    for ext in (".shp", ".shx"):
        part = sidecars[ext]
        head = part.read_bytes()[:100]
        if len(head) < 100 or struct.unpack(">i", head[:4])[0] != 9994:
            raise LoadError(Message("load.err.not_shapefile", name=part.name))
        declared = struct.unpack(">i", head[24:28])[0] * 2
        actual = part.stat().st_size
        if actual < declared:
            raise LoadError(Message("load.err.truncated", name=part.name, actual=actual, declared=declared))
    dbf = sidecars[".dbf"]
    head = dbf.read_bytes()[:32]
    if len(head) < 32:
        raise LoadError(Message("load.err.truncated_header", name=dbf.name))
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    expected = header_len + records * record_len
    if dbf.stat().st_size < expected:
        raise LoadError(Message("load.err.truncated", name=dbf.name, actual=dbf.stat().st_size, declared=expected))


def dbf_encoding(path: Path) -> str:
    """The DBF's text encoding: its .cpg when present, else UTF-8 if the records decode as UTF-8, else GBK."""
    cpg = next((p for p in _with_sidecars(path) if p.suffix.lower() == ".cpg"), None)
    if cpg is not None:
        return codec_name(cpg.read_text(encoding="ascii", errors="replace").strip(), cpg.name)
    dbf = next(p for p in _with_sidecars(path) if p.suffix.lower() == ".dbf")
    raw = dbf.read_bytes()
    header_len = struct.unpack("<H", raw[8:10])[0]
    body = raw[header_len:]
    try:
        body.decode("utf-8")
        return "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        body.decode("gb18030")
        return "GB18030"
    except UnicodeDecodeError as exc:
        raise LoadError(Message("load.err.dbf_encoding", name=dbf.name)) from exc


def codec_name(label: str, where: str) -> str:
    """A Python codec for a .cpg label or --encoding value ("UTF-8", "936", "ANSI 936", "GBK" …)."""
    digits = re.fullmatch(r"(?:ANSI|CP|ANSI_)?\s*(\d+)", label.strip(), re.IGNORECASE)
    name = {"65001": "utf-8", "936": "gbk", "54936": "gb18030"}.get(digits[1], f"cp{digits[1]}") if digits else label
    try:
        return codecs.lookup(name).name.upper()
    except LookupError as exc:
        raise LoadError(Message("load.err.unknown_encoding", where=where, label=label)) from exc


def decode_text(raw: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """(text, encoding) of a CSV: --encoding, else a BOM, else UTF-8, else GB18030 (a superset of GBK)."""
    sample = raw[: 1 << 16]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise LoadError(Message("load.err.binary_csv", name=name))
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 13))
    if sample and controls > max(2, len(sample) // 200):
        raise LoadError(Message("load.err.binary_csv", name=name))
    if encoding:
        encoding = codec_name(encoding, "--encoding")
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise LoadError(Message("load.err.wrong_encoding", name=name, encoding=encoding, byte=exc.start)) from exc
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="strict"), "UTF-8-SIG"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "UTF-16"
    for candidate in ("utf-8", "gb18030"):
        try:
            return raw.decode(candidate), candidate.upper()
        except UnicodeDecodeError:
            continue
    raise LoadError(Message("load.err.csv_encoding", name=name))


def read_csv(path: Path, encoding: str | None = None) -> Table:
    """A CSV with a header row; every value read as text."""
    text, used = decode_text(path.read_bytes(), path.name, encoding)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise LoadError(Message("load.err.csv_blank_start", name=path.name))
    sep = max([",", "\t", ";", "|"], key=first.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[-1]
        raise LoadError(Message("load.err.bad_csv", name=path.name, detail=detail)) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    if _looks_like_data(frame.columns):
        raise LoadError(Message("load.err.no_header", name=path.name, first=first[:60]))
    return Table(frame, path.name, encoding=used, is_csv=True)


_VALUE = re.compile(
    r"[-+]?\d+(\.\d+)?([eE][-+]?\d+)?"  # a number
    r"|\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}.*"  # a date, year first
    r"|\d{1,2}/\d{1,2}/\d{2,4}.*"  # a date, month or day first
)


def _looks_like_data(columns) -> bool:
    """Whether a CSV's first line holds values rather than names: no names at all, or at least two
    cells (or half of them) that are numbers or dates, which no column is called."""
    cells = [c for c in columns if c and not c.startswith("Unnamed:")]
    # pandas renames a repeated header cell "x" to "x.1": strip that before looking.
    values = sum(bool(_VALUE.fullmatch(re.sub(r"\.\d+$", "", c) if c.count(".") > 1 else c)) for c in cells)
    return not cells or values >= 2 or values * 2 >= len(cells)


def csv_geometry(values: pd.Series) -> tuple[np.ndarray, int | None] | None:
    """Geometries of a WKT/EWKT or hex (E)WKB column, and their common SRID (None if none), or None
    when the column holds neither."""
    sample = values[values != ""].head(20)
    if sample.empty:
        return None
    text = values.to_numpy(dtype=object)
    if sample.map(lambda v: bool(_GEOM_PREFIX.match(v))).all():
        srid = re.match(r"^\s*SRID=(\d+);", sample.iloc[0])
        stripped = np.array([re.sub(r"^\s*SRID=\d+;", "", v) for v in text], dtype=object)
        stripped[stripped == ""] = None
        geoms = shapely.from_wkt(stripped, on_invalid="ignore")
        return geoms, int(srid[1]) if srid else None
    if sample.map(lambda v: bool(_HEX.match(v))).all():
        cleaned = np.where(text == "", None, text)
        geoms = shapely.from_wkb(cleaned, on_invalid="ignore")
        srids = set(shapely.get_srid(geoms[~shapely.is_missing(geoms)]).tolist()) - {0}
        return geoms, srids.pop() if len(srids) == 1 else None
    return None
