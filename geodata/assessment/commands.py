"""`gridops assess`: an assessment ranking from the command line (geodata/assessment/schemes.py).

Commands::

    gridops assess --period 2026-11 --by street [--scheme CODE]
    gridops assess scheme list
    gridops assess scheme use LEVEL CODE
"""

from __future__ import annotations

import click

from geodata import units
from geodata.assessment import periods, schemes
from geodata.assessment.indicators import BY_KEY, GROUPINGS, shown
from geodata.db import Database
from geodata.queries import fetch_rows

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}
SHOWN = ("due", "closed", "on_time_rate", "closure_rate", "rework_rate", "satisfaction_rate")  # area columns
SHOWN_POST = ("reports", "valid_report_rate", "verify_on_time_rate")
FLAGS = {"red": "红旗", "black": "黑旗", "": ""}


def _admin(action) -> None:
    """cli._admin (imported when run: cli.py imports this module while it loads)."""
    from cli import _admin as admin

    admin(action)


def _names(db: Database, by: str, keys: list) -> dict:
    if by == "post":
        return {k: k for k in keys}
    if by == "department":
        return {i: f"{c} {n}" for i, c, n in fetch_rows("assessment_department_names", {"ids": list(keys)}, db)}
    return {i: f"{c} {n}" for i, (c, n, _lv) in units.names(db, list(keys)).items()}


@click.group(context_settings=CONTEXT, invoke_without_command=True)
@click.option("--period", help=f"考核周期 / the period: {periods.FORMS}")
@click.option(
    "--by", type=click.Choice(GROUPINGS), default="street", show_default=True, help="排名对象 / what is ranked"
)
@click.option(
    "--scheme", "code", default=None, help="考核方案代码，默认为当前启用方案 / scheme code (default: the active one)"
)
@click.pass_context
def assess(ctx: click.Context, period: str | None, by: str, code: str | None) -> None:
    """考核排名与考核方案 · assessment rankings and schemes.

    \b
    gridops assess --period 2026-11 --by street [--scheme szcg]
    gridops assess scheme list | use LEVEL CODE
    """
    if ctx.invoked_subcommand is not None:
        return
    if period is None:
        raise click.UsageError("--period is required (e.g. --period 2026-11), or a subcommand: scheme")

    def act(db: Database) -> None:
        p = periods.parse(period)
        scheme, figures, placed = schemes.ranking(db, by, p.start, p.end, code)
        click.echo(f"{scheme.name} · {scheme.name_en} ({scheme.code}), {by}, {p.label}")
        if not placed:
            click.echo("no unit has a case in the period")
            return
        names = _names(db, by, [r.key for r in placed])
        cols = SHOWN_POST if by == "post" else SHOWN
        click.echo("\t".join(["名次 rank", "单位 unit", "得分 score", "旗 flag", *(BY_KEY[c].name for c in cols)]))
        for r in placed:
            f = figures[r.key]
            score = "—" if r.score is None else f"{r.score:.2f}"
            values = [shown(f.value(c)) for c in cols]
            click.echo("\t".join([str(r.rank), str(names.get(r.key, r.key)), score, FLAGS[r.flag], *values]))

    _admin(act)


@assess.group("scheme", context_settings=CONTEXT)
def scheme_group() -> None:
    """考核方案 · assessment schemes."""


@scheme_group.command("list", context_settings=CONTEXT)
def scheme_list() -> None:
    """列出考核方案及各级启用情况 · list the schemes and where each is active."""

    def act(db: Database) -> None:
        using = {g: schemes.active(db, g) for g in GROUPINGS}
        for s in schemes.load_all(db).values():
            where = ", ".join(g for g, c in using.items() if c == s.code) or "-"
            click.echo(f"{s.code:12s} {s.applies_to:10s} {s.name} · {s.name_en}  active: {where}")

    _admin(act)


@scheme_group.command("use", context_settings=CONTEXT)
@click.argument("level", type=click.Choice(GROUPINGS))
@click.argument("code")
def scheme_use(level: str, code: str) -> None:
    """设定某一级的启用方案（记入审计日志）· make a scheme the active one of a level (audited)."""

    def act(db: Database) -> None:
        previous = schemes.set_active(db, level, code)
        click.echo(f"{level}: {previous or '-'} → {code}")

    _admin(act)
