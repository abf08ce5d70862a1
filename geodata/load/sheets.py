"""Spreadsheets as the loader reads them: an Excel workbook (.xlsx) through openpyxl, or any file
the loader reads (geodata/load/read.py), every cell as trimmed text.

A workbook is a zip archive: it is checked as the loader checks one (members, declared size,
compression ratio) before openpyxl unpacks it. Its header is the first of its first rows that names
the column of a given field (a title row may stand above it), and a merged cell's value fills every
cell it covers (a checkpoint's code merged down over its rows).
"""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pandas as pd

from geodata.errors import LoadError
from geodata.load.fields import detect_columns
from geodata.load.options import Options
from geodata.load.read import _check_member, open_input, read_table
from i18n import Message
from settings import Settings

XLSX_SUFFIXES = (".xlsx", ".xlsm")
XLSX_MAX_PARTS = 1000  # a workbook is a zip of a few dozen parts (sheets, styles, relations)
HEADER_ROWS = 10  # a sheet's header is looked for in its first rows (a title may stand above it)


def _cell_text(value: Any) -> str:
    """A cell as trimmed text: numbers without a needless ``.0``, times as ISO-like text, a bare
    day as a day; empty for nothing."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0):
            return value.strftime("%Y-%m-%d")
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({str(c).strip(): [_cell_text(v) for v in frame[c].tolist()] for c in frame.columns})
    return out.reset_index(drop=True)


def _check_workbook(path: Path, settings: Settings) -> None:
    """An .xlsx is a zip archive: check it as the loader checks one before anything unpacks it."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise LoadError(Message("load.err.unreadable", name=path.name, detail=str(exc))) from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > XLSX_MAX_PARTS:
            raise LoadError(Message("load.insp.err.xlsx_parts", name=path.name, parts=len(infos), limit=XLSX_MAX_PARTS))
        declared = sum(i.file_size for i in infos)
        if declared > settings.import_max_bytes:
            raise LoadError(
                Message(
                    "load.err.unzipped_too_large", name=path.name, declared=declared, limit=settings.import_max_bytes
                )
            )
        for info in infos:
            _check_member(path.name, info, settings.import_max_ratio)


def _sheet_rows(sheet) -> list[list[str]]:
    """A worksheet's cells as text, a merged cell's value in every cell it covers (a checkpoint's
    code is often merged down over its elements' rows)."""
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(merged.min_row, merged.min_col).value
        sheet.unmerge_cells(str(merged))
        for row in sheet.iter_rows(
            min_row=merged.min_row, max_row=merged.max_row, min_col=merged.min_col, max_col=merged.max_col
        ):
            for cell in row:
                cell.value = value
    rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _header_at(rows: list[list[str]], kind: str, key: str, mapping: dict[str, str]) -> int | None:
    """The first of a sheet's first rows that names the ``key`` field's column (``--map`` first)."""
    wanted = mapping.get(key)
    for i, cells in enumerate(rows[:HEADER_ROWS]):
        if (wanted in cells) if wanted else key in detect_columns(cells, kind, {}):
            return i
    return None


def read_xlsx(path: Path, settings: Settings, kind: str, key: str, mapping: dict[str, str]) -> pd.DataFrame:
    """The first visible sheet of a workbook with a header naming the ``key`` field's column (else
    the first sheet), as text, from the row under its header."""
    _check_workbook(path, settings)
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        book = openpyxl.load_workbook(path, data_only=True)  # formulas as their last computed values
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LoadError(Message("load.err.unreadable", name=path.name, detail=detail)) from exc
    sheets = [s for s in book.worksheets if s.sheet_state == "visible"] or book.worksheets
    chosen: tuple[list[list[str]], int] | None = None
    for sheet in sheets:
        rows = _sheet_rows(sheet)
        at = _header_at(rows, kind, key, mapping)
        if at is not None:
            chosen = (rows, at)
            break
    if chosen is None:
        rows = _sheet_rows(sheets[0]) if sheets else []
        chosen = (rows, next((i for i, r in enumerate(rows) if any(r)), 0))
    rows, at = chosen
    if not rows:
        raise LoadError(Message("load.err.sheet_no_rows", name=path.name))
    header, body = rows[at], rows[at + 1 :]
    width = len(header)
    names: list[str] = []
    for j, name in enumerate(header):
        name = name or get_column_letter(j + 1)
        base, n = name, 0
        while name in names:
            n += 1
            name = f"{base}.{n}"
        names.append(name)
    body = [(r + [""] * width)[:width] for r in body]
    return pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame(columns=names, dtype=object)


def read_frame(path: Path, opts: Options, settings: Settings, kind: str, key: str) -> pd.DataFrame:
    """The file's rows as text: a workbook (.xlsx), or what the loader reads (CSV, GeoJSON …);
    ``key`` is the field whose column marks a workbook's header row."""
    with tempfile.TemporaryDirectory(prefix="gridops-load-") as tmp:
        data = open_input(path, settings, Path(tmp))
        suffix = data.suffix.lower()
        if suffix in XLSX_SUFFIXES:
            return _as_text(read_xlsx(data, settings, kind, key, opts.mapping))
        if suffix == ".xls":
            raise LoadError(Message("load.insp.err.old_xls", name=data.name))
        return _as_text(read_table(data, opts.encoding).frame)
