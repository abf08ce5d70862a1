"""`gridops assess`: an assessment ranking from the command line (geodata/assessment/schemes.py).

Commands::

    gridops assess --period 2026-11 --by street [--scheme CODE]
    gridops assess scheme list
    gridops assess scheme use LEVEL CODE
    gridops assess close --period 2026-11 [--recompute --why TEXT]
    gridops assess history --by street --key CODE_OR_ID [--months 12]
"""

from __future__ import annotations

import click

from geodata import units
from geodata.assessment import history, periods, schemes
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
    gridops assess close --period 2026-11 [--recompute --why TEXT]
    gridops assess history --by street --key CODE_OR_ID
    """
    if ctx.invoked_subcommand is not None:
        return
    if period is None:
        raise click.UsageError("--period is required (e.g. --period 2026-11), or a subcommand: scheme, close, history")

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


@assess.command("close", context_settings=CONTEXT)
@click.option("--period", required=True, help=f"结束的考核周期 / the ended period: {periods.FORMS}")
@click.option("--recompute", is_flag=True, help="重新计算已关闭的周期（需 --why）/ compute a closed period again")
@click.option("--why", default=None, help="重新计算的原因（记入审计日志）/ the reason of a recomputation (audited)")
def close_command(period: str, recompute: bool, why: str | None) -> None:
    """关闭考核周期并存档结果 · close a period and keep its results (rankings and flags)."""

    def act(db: Database) -> None:
        n = history.close(db, period, "cli", recompute=recompute, why=why)
        click.echo(f"{periods.parse(period).label}: {'recomputed' if recompute else 'closed'}, {n} results kept")

    _admin(act)


def _key(db: Database, by: str, key: str) -> str:
    """A unit's or department's id from its code (unit codes are often digits) or its id; a post's
    username as it is."""
    if by == "post":
        return key
    if by == "department":
        rows = fetch_rows("assessment_department_by_code", {"code": key}, db)
        if rows:
            return str(rows[0][0])
        if key.isdigit():
            return key
        raise ValueError(f"no department {key!r}")
    unit = units.by_code(db, key)
    if unit is not None:
        return str(unit.id)
    if key.isdigit():
        return key
    raise ValueError(f"no unit {key!r}")


@assess.command("history", context_settings=CONTEXT)
@click.option("--by", type=click.Choice(GROUPINGS), default="street", show_default=True, help="对象类别 / the grouping")
@click.option(
    "--key", required=True, help="单位或部门的代码或编号，岗位为用户名 / unit or department code or id, username"
)
@click.option("--months", type=int, default=12, show_default=True, help="最近几个已关闭的月 / closed months shown")
def history_command(by: str, key: str, months: int) -> None:
    """已关闭各月的得分、名次与旗 · score, rank and flag over the closed months."""

    def act(db: Database) -> None:
        rows = history.history(db, by, _key(db, by, key), months)
        click.echo("\t".join(["月份 month", "得分 score", "名次 rank", "旗 flag"]))
        for m in rows:
            score = "—" if m.score is None else f"{m.score:.2f}"
            click.echo("\t".join([m.label, score, "—" if m.rank is None else str(m.rank), FLAGS[m.flag or ""]]))
        note = history.warning(history.black_run([(m.label, m.flag) for m in rows]))
        if note:
            click.echo(note)

    _admin(act)
