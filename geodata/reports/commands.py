"""`gridops report`: make and keep the assessment reports of a closed period (geodata/reports/).

Commands::

    gridops report --period 2026-11                       # every subject
    gridops report --period 2026-11 --subject 410171001   # a unit (by code) or a department (by code)
    gridops report --period 2026-11 --subject department:CGJ --out DIR   # and write the files to DIR
"""

from __future__ import annotations

from pathlib import Path

import click

from geodata.assessment import periods
from geodata.db import Database
from geodata.reports import store, subjects
from geodata.reports.subjects import Subject

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


def _admin(action) -> None:
    """cli._admin (imported when run: cli.py imports this module while it loads)."""
    from cli import _admin as admin

    admin(action)


def pick(db: Database, text: str) -> Subject:
    """The subject a text names: 'unit:CODE', 'department:CODE', or a bare code (a unit's first,
    then a department's); a ValueError naming the forms and a few known codes otherwise."""
    kind, _, code = text.partition(":") if ":" in text else ("", "", text)
    found = subjects.all_subjects(db)
    for s in found:
        if s.key == code.strip() and (not kind or s.kind == kind.strip()):
            return s
    known = ", ".join(f"{s.kind}:{s.key}" for s in found[:8])
    raise ValueError(
        f"no report subject {text!r}: name a unit of the levels down to the street, or a department, "
        f"as unit:CODE, department:CODE or CODE (e.g. {known}{', …' if len(found) > 8 else ''})"
    )


@click.command(context_settings=CONTEXT)
@click.option("--period", required=True, help=f"已关闭的考核周期 / a closed period: {periods.FORMS}")
@click.option(
    "--subject",
    "picked",
    multiple=True,
    help="对象：unit:编码、department:编码或编码，可多次；默认全部 / unit:CODE, department:CODE or CODE (default: all)",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="另存文件的目录 / also write the files to this folder",
)
def report(period: str, picked: tuple[str, ...], out: Path | None) -> None:
    """生成并保存考核报告（Excel 与 PDF）· make and keep a closed period's assessment reports."""

    def act(db: Database) -> None:
        label = periods.parse(period).label
        chosen = [pick(db, p) for p in picked] or None
        for subject, sizes in store.generate_all(db, label, "cli", chosen):
            line = ", ".join(f"{fmt} {size / 1024:.0f} KB" for fmt, size in sizes.items())
            click.echo(f"{label} {subject.name} ({subject.kind}:{subject.key}): {line}")
            if out is not None:
                out.mkdir(parents=True, exist_ok=True)
                for fmt in sizes:
                    found = store.fetch(db, label, subject.kind, subject.key, fmt)
                    if found is not None:
                        (out / store.ascii_name(label, subject, fmt)).write_bytes(found[0])

    _admin(act)
