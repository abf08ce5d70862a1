"""`gridops load`: the loader's command line (argparse; cli.py passes its arguments through).

Load real data into GridOps: units, cameras, checkpoints or cases from a file, in one transaction.

    gridops load {units,cameras,checkpoints,cases} PATH [--crs EPSG:NNNN|ESRI:NNNN|gcj02|bd09]
        [--level city|district|street|community|grid|micro] [--map OUR_FIELD=THEIR_COLUMN ...] [--source NAME]
        [--encoding ENC] [--tz ZONE] [--status-map FILE] [--category-map FILE] [--repair] [--dry-run]
        [--report REPORT.csv]

Rows that fail a check are rejected with a reason and the rest are loaded; a problem with the file
as a whole refuses the load and writes nothing. Loading the same file again changes nothing.

Exit status: 0 every row loaded (or unchanged); 1 loaded, but some rows were rejected (see the
summary and --report); 2 refused, nothing written; 130 interrupted, nothing written.

    gridops load inspections PATH ...   checkpoint inspection results from a spreadsheet, all or
                                        nothing (geodata/load/inspections_cli.py; --help lists its options)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psycopg2

from geodata.errors import LoadError, SetupError
from geodata.load.fields import (
    parse_map_args,
)
from geodata.load.loader import load
from geodata.load.options import BULK_MIN_ROWS, DEFAULT_CATEGORY, KINDS, LEVELS, Options

# ---- command line ---------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line."""

    def error(self, message: str):
        """Print one line and exit 2."""
        self.exit(2, f"error: {message}; see gridops load --help\n")


def _parser(prog: str) -> _Parser:
    """Every option of the loader, each help in Chinese and English."""
    parser = _Parser(
        prog=prog, description="载入单元、摄像头、创文点位或案件文件（一个事务）· " + __doc__.splitlines()[2]
    )
    parser.add_argument(
        "kind",
        choices=(*KINDS, "inspections"),
        help="数据类型 / what the file holds (inspections: gridops load inspections --help)",
    )
    parser.add_argument("path", type=Path, help="文件（shapefile、zip、GeoJSON、GeoPackage、CSV）/ the file")
    parser.add_argument(
        "--crs",
        help="坐标系，优先于文件自带 / the file's coordinate system: EPSG:NNNN, ESRI:NNNN, gcj02 or bd09 "
        "(wins over the file's own)",
    )
    parser.add_argument("--level", choices=LEVELS, help="单元层级 / units: the level of the units in the file")
    parser.add_argument(
        "--kind", dest="unit_kind", help="单元类型 / units: one kind for all (e.g. micro, exclusive, village)"
    )
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OUR_FIELD=THEIR_COLUMN",
        help="字段对应（可重复）/ use this column for this field (repeatable)",
    )
    parser.add_argument(
        "--source", default="import", help="案件来源编码 / cases: the source code (case_sources), default import"
    )
    parser.add_argument(
        "--category",
        default=DEFAULT_CATEGORY,
        help="未匹配类别归入（默认 99 其他）/ cases: the category for values matching none of ours",
    )
    parser.add_argument(
        "--encoding", help="文本编码（默认自动识别）/ text encoding of a CSV or DBF (default: detected)"
    )
    parser.add_argument(
        "--tz", help="无时区时间的时区 / time zone of times without one (default: GRIDOPS_TERRITORY_TZ, Asia/Shanghai)"
    )
    parser.add_argument(
        "--status-map", type=Path, help="状态对应表 / cases: CSV (source,target) or JSON adding to the status map"
    )
    parser.add_argument(
        "--category-map",
        type=Path,
        help="类别对应表 / cases: CSV (source,target) or JSON: their categories → our codes",
    )
    parser.add_argument(
        "--allow-backward",
        action="store_true",
        help="允许状态倒退（如已结案→已受理）/ cases: apply status changes the case loop cannot make (closed → "
        "reported); by default they are reported and the cases keep their status",
    )
    parser.add_argument(
        "--repair", action="store_true", help="修复无效几何而不拒绝 / repair invalid polygons instead of rejecting them"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="仅检查，不写入 / check and count everything, then write nothing"
    )
    parser.add_argument(
        "--bulk",
        action=argparse.BooleanOptionalAction,
        help=f"批量模式：锁表、暂撤索引与约束、结束时重建 / cases: lock the table, set its indexes and keys aside "
        f"and rebuild them at the end (default: when the file has at least {BULK_MIN_ROWS:,} rows and as many "
        "as the table)",
    )
    parser.add_argument("--report", type=Path, help="逐行报告（CSV）/ write the per-row report as CSV here")
    parser.add_argument(
        "--topology",
        type=Path,
        help="网格拓扑报告 / grids: the topology report (default: beside --report, or grids-topology.csv)",
    )
    return parser


def main(argv: list[str] | None = None, prog: str = "gridops load") -> int:
    """Command-line entry point: a summary on stdout, errors as one line on stderr."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "inspections":  # all or nothing, with options of its own
        from geodata.load import inspections_cli

        return inspections_cli.main(argv[1:], prog=f"{prog} inspections")
    args = _parser(prog).parse_args(argv)
    started = time.perf_counter()
    try:
        opts = Options(
            crs=args.crs,
            level=args.level,
            unit_kind=args.unit_kind,
            mapping=parse_map_args(args.map),
            source=args.source,
            encoding=args.encoding,
            tz=args.tz,
            status_map=args.status_map,
            category_map=args.category_map,
            category=args.category,
            repair=args.repair,
            dry_run=args.dry_run,
            bulk=args.bulk,
            allow_backward=args.allow_backward,
        )
        report = load(args.kind, args.path, opts)
    except (LoadError, SetupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except psycopg2.Error as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"error: the database refused the load ({detail}); nothing was written", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    except MemoryError:
        print("error: the file is too large to load in memory; split it", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback: one line, and the transaction was rolled back
        print(
            f"error: the load failed ({type(exc).__name__}: {str(exc).strip()[:200]}); nothing was written; "
            "run with a --dry-run and check the file",
            file=sys.stderr,
        )
        return 2
    print(report.summary())
    elapsed = time.perf_counter() - started
    print(f"  {report.read / elapsed:,.0f} rows/s ({elapsed:.2f} s)" if elapsed > 0 else "")
    if args.report:
        report.write_csv(args.report)
        print(f"  report: {args.report}")
    if args.kind == "units" and report.topology is not None and (opts.level == "grid" or report.topology):
        target = args.topology or (
            args.report.with_suffix(".topology.csv") if args.report else Path("grids-topology.csv")
        )
        report.write_topology(target)
        print(f"  topology report: {target}")
    return 1 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
