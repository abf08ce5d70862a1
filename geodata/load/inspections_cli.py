"""`gridops load inspections`: checkpoint inspection results from a spreadsheet (geodata/load/inspections.py).

    gridops load inspections PATH [--map OUR_FIELD=THEIR_COLUMN ...] [--encoding ENC] [--tz ZONE]
        [--actor NAME] [--dry-run] [--report REPORT.csv]

All or nothing: one bad row refuses the file and nothing is written. Loading the same file again
records nothing new (its inspections are repeats).

Exit status: 0 recorded (or every inspection a repeat); 2 refused, nothing written (the rows and why
are printed and written to --report); 130 interrupted, nothing written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import psycopg2

from geodata.errors import LoadError, SetupError
from geodata.load.fields import parse_map_args
from geodata.load.inspections import load
from geodata.load.options import Options
from i18n import say


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line."""

    def error(self, message: str):
        """Print one line and exit 2."""
        self.exit(2, f"error: {message}; see gridops load inspections --help\n")


def _parser(prog: str) -> _Parser:
    parser = _Parser(
        prog=prog,
        description="载入点位排查结果表格（长表：每行一个要素；宽表：每行一次排查），全部通过检查才写入 · "
        "load checkpoint inspection results from a spreadsheet (long: a row per element; wide: a row per "
        "inspection), all or nothing",
    )
    parser.add_argument("path", type=Path, help="文件（.xlsx、CSV）/ the file (.xlsx, CSV)")
    parser.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OUR_FIELD=THEIR_COLUMN",
        help="字段对应（可重复）/ use this column for this field (checkpoint, element, result, inspected_at, "
        "inspector, note; repeatable)",
    )
    parser.add_argument("--encoding", help="CSV 文本编码（默认自动识别）/ text encoding of a CSV (default: detected)")
    parser.add_argument(
        "--tz", help="无时区时间的时区 / time zone of times without one (default: GRIDOPS_TERRITORY_TZ, Asia/Shanghai)"
    )
    parser.add_argument("--actor", help="导入人（默认“表格导入”）/ who loads, recorded with the file name")
    parser.add_argument(
        "--dry-run", action="store_true", help="仅检查，不写入 / check and count everything, then write nothing"
    )
    parser.add_argument("--report", type=Path, help="逐行报告（CSV）/ write the counts and refused rows as CSV here")
    return parser


def _both(exc: BaseException) -> str:
    text = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    zh, en = say(text, "zh"), str(text)
    return en if zh == en else f"{zh} / {en}"


def main(argv: list[str] | None = None, prog: str = "gridops load inspections") -> int:
    """Command-line entry point: the summary on stdout, a refusal of the file as one line on stderr."""
    args = _parser(prog).parse_args(argv)
    try:
        opts = Options(
            mapping=parse_map_args(args.map),
            encoding=args.encoding,
            tz=args.tz,
            dry_run=args.dry_run,
            actor=args.actor,
        )
        report = load(args.path, opts)
    except (LoadError, SetupError) as exc:
        print(f"error: {_both(exc)}", file=sys.stderr)
        return 2
    except psycopg2.Error as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        print(f"error: the database refused the load ({detail}); nothing was written", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; nothing was written", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback: one line, and the transaction was rolled back
        print(
            f"error: the load failed ({type(exc).__name__}: {str(exc).strip()[:200]}); nothing was written; "
            "run with --dry-run and check the file",
            file=sys.stderr,
        )
        return 2
    print(report.summary())
    if args.report:
        report.write_csv(args.report)
        print(f"  report: {args.report}")
    return 2 if report.rejected else 0


if __name__ == "__main__":
    sys.exit(main())
