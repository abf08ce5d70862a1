"""Loading one file in one transaction: read, check the frame, build the rows of its kind
(geodata/load/rows.py), write them (geodata/load/write.py), report; a dry run rolls back."""

from __future__ import annotations

import getpass
import tempfile
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import psycopg2
import psycopg2.errors

from geodata.accounts import audit
from geodata.errors import LoadError
from geodata.load import checks
from geodata.load.fields import DEFAULT_STATUS_MAP, detect_columns
from geodata.load.options import KINDS, Options
from geodata.load.read import Table, open_input, read_table
from geodata.load.report import LoadReport
from geodata.load.rows import BUILDERS
from i18n import Message
from settings import Settings, get_settings


class _DryRunError(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _os_user() -> str:
    try:
        return f"os:{getpass.getuser()}"
    except (KeyError, OSError):
        return "os:unknown"


def load(
    kind: str, path: Path | str, opts: Options | None = None, dsn: str | None = None, settings: Settings | None = None
) -> LoadReport:
    """Read, check and write one file in one transaction; return its report."""
    opts = opts or Options()
    settings = settings or get_settings()
    if opts.tz is None:
        opts = replace(opts, tz=settings.territory_tz)
    if kind not in KINDS:
        raise LoadError(Message("load.err.unknown_kind", kind=kind, kinds=", ".join(KINDS)))
    try:
        ZoneInfo(opts.tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise LoadError(Message("load.err.unknown_tz", tz=opts.tz)) from exc
    path = Path(path)
    report = LoadReport(kind, path.name, dry_run=opts.dry_run)
    with tempfile.TemporaryDirectory(prefix="gridops-load-") as tmp:
        table = read_table(open_input(path, settings, Path(tmp)), opts.encoding)
    report.read = len(table.frame)
    cols = detect_columns(list(table.frame.columns), kind, opts.mapping)
    rows = np.arange(1, report.read + 1)
    _check_frame_declared(kind, table, cols, opts)
    report.understood = _understood(kind, table, cols, opts)
    conn = psycopg2.connect(dsn or settings.admin_dsn(), connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SET LOCAL statement_timeout = 0")
            inserted, updated, staged = BUILDERS[kind](cur, table, cols, rows, opts, report)
            report.inserted, report.updated = inserted, updated
            report.unchanged = staged - inserted - updated
            if opts.dry_run:
                raise _DryRunError
            audit.record(
                cur,
                opts.actor or _os_user(),
                "import",
                None,
                kind=kind,
                file=path.name,
                read=report.read,
                inserted=inserted,
                updated=updated,
                rejected=len(report.rejected),
            )
    except _DryRunError:
        pass
    except psycopg2.errors.UndefinedTable as exc:
        raise LoadError(Message("load.err.not_set_up")) from exc
    finally:
        conn.close()
    return report


# ---- shared steps ---------------------------------------------------------------------------


def _understood(kind: str, table: Table, cols: dict[str, str], opts: Options) -> list[tuple[str, str, str]]:
    """What the loader will read the file as: each field's column, the frame, the time zone and
    the status map (the report says it before the counts; a dry run shows it without writing)."""
    said = [("column", ours, repr(theirs)) for ours, theirs in cols.items()]
    if table.geoms is not None or opts.crs or "geometry" not in cols:
        said.append(("frame", "", checks.resolve_crs(opts.crs, table.crs, table.name)))
    else:
        said.append(("frame", "", f"SRID of {cols['geometry']!r}"))
    if kind == "cases":
        said.append(("time_zone", "", opts.tz))
        if "status" not in cols:
            said.append(("status_map", "", "-"))
        else:
            extra = f" + {opts.status_map.name}" if opts.status_map else ""
            said.append(("status_map", "", f"built-in ({len(DEFAULT_STATUS_MAP)}){extra}"))
        if opts.category_map:
            said.append(("category_map", "", opts.category_map.name))
    return said


def _check_frame_declared(kind: str, table: Table, cols: dict[str, str], opts: Options) -> None:
    """Refuse before connecting when the coordinates' frame is unknown (a CSV without --crs)."""
    if kind == "units" and table.geoms is None and "geometry" not in cols:
        raise LoadError(Message("load.err.units_need_polygons", name=table.name))
    if table.geoms is not None:
        checks.resolve_crs(opts.crs, table.crs, table.name)
    elif opts.crs or "geometry" not in cols:  # a WKT/EWKB column may carry its SRID; checked when read
        checks.resolve_crs(opts.crs, None, table.name)
