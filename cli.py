"""`gridops`: the one command line (click). Every subcommand's help is in Chinese and English.

    gridops setup [--no-demo] [--reset] [--stop]
    gridops demo --scale demo|city [--seed N] [--replace]
    gridops load KIND PATH [options]          (gridops load --help lists them)
    gridops users create|passwd|disable|enable|rescope|list|sessions|end-sessions|audit
    gridops apikeys create|list|revoke
    gridops walltokens create|list|revoke
    gridops cameras sweep [--at TIME]

Errors are one line on stderr (``error: …``) and exit 1; nothing prints a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime

import click
import psycopg2

from geodata.accounts import apikeys, audit, sessions, users, walltokens
from geodata.db import Database
from geodata.errors import SetupError
from settings import get_settings

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}


class Failure(click.ClickException):
    """A refusal the user can act on: one line ``error: …`` on stderr, exit 1."""

    def show(self, file=None) -> None:
        click.echo(f"error: {self.format_message()}", err=True, file=file)


def _admin(action: Callable[[Database], None]) -> None:
    """Run ``action`` with a pool on the owner role; a ValueError or database error is one line."""
    db = None
    try:
        db = Database(get_settings().admin_dsn())
        action(db)
    except (ValueError, SetupError, RuntimeError) as exc:
        raise Failure(str(exc)) from None
    except psycopg2.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Failure(first) from None
    finally:
        if db is not None:
            db.close()


def _password() -> str:
    return os.environ.get("GRIDOPS_NEW_PASSWORD") or click.prompt("新密码 new password", hide_input=True)


@click.group(context_settings=CONTEXT)
def gridops() -> None:
    """网格治理一张图的命令行 · GridOps command line.

    \b
    数据库、演示数据、数据导入、用户与令牌 / the database, the demo city, loading files, users and tokens.
    """


# ---- the database --------------------------------------------------------------------------------
@gridops.command(context_settings=CONTEXT)
@click.option("--no-demo", is_flag=True, help="空库不载入演示城市 / do not load the demo city into an empty database")
@click.option("--reset", is_flag=True, help="先删除并重建内置数据库 / drop and recreate the embedded database first")
@click.option("--stop", is_flag=True, help="停止内置数据库后退出 / stop the embedded cluster and exit")
def setup(no_demo: bool, reset: bool, stop: bool) -> None:
    """启动内置 PostGIS、执行迁移、首次载入演示城市 · start the embedded PostGIS, migrate, load the demo city."""
    from geodata.ops.cluster import Cluster
    from geodata.ops.setup import ensure_database

    settings = get_settings()
    try:
        if stop:
            if settings.database_url:
                click.echo("DATABASE_URL is set: there is no embedded cluster to stop")
            else:
                click.echo("stopped" if Cluster(settings).stop() else "the embedded cluster was not running")
            return
        ensure_database(settings, load_demo=not no_demo, reset=reset)
    except SetupError as exc:
        raise Failure(str(exc)) from None


@gridops.command(context_settings=CONTEXT)
@click.option(
    "--scale",
    type=click.Choice(["demo", "city"]),
    default="demo",
    show_default=True,
    help="demo：经开区；city：7 万网格、1000 万案件 / demo: one district; city: 70k grids, 10M cases",
)
@click.option("--seed", type=int, default=None, help="随机种子（同种子同数据）/ seed (the same seed, the same city)")
@click.option(
    "--replace", is_flag=True, help="先清空现有单元、点位和案件 / wipe existing units, points and cases first"
)
@click.option(
    "--anchor",
    type=datetime.fromisoformat,
    default=None,
    help="生成数据的“现在”（ISO 时间）/ 'now' of the generated data (ISO time)",
)
def demo(scale: str, seed: int | None, replace: bool, anchor: datetime | None) -> None:
    """生成确定性的演示城市 · generate the deterministic demo city."""
    from geodata.demo import city
    from geodata.ops.setup import ensure_database

    settings = get_settings()
    try:
        ensure_database(settings, load_demo=False)
        city.load(settings.admin_dsn(), scale, city.DEFAULT_SEED if seed is None else seed, anchor, replace=replace)
    except SetupError as exc:
        raise Failure(str(exc)) from None


@gridops.command(
    context_settings={**CONTEXT, "ignore_unknown_options": True, "help_option_names": []}, add_help_option=False
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def load(args: tuple[str, ...]) -> None:
    """载入单元、摄像头、创文点位或案件文件 · load units, cameras, checkpoints or cases from a file.

    \b
    gridops load --help 列出全部选项 / lists every option.
    """
    from geodata.load.cli import main

    sys.exit(main(list(args), prog="gridops load"))


# ---- users ---------------------------------------------------------------------------------------
@gridops.group("users", context_settings=CONTEXT)
def users_group() -> None:
    """用户、角色与辖区（分级授权）· users, roles and scopes.

    \b
    密码从 GRIDOPS_NEW_PASSWORD 读取，否则提示输入 / the password is read from GRIDOPS_NEW_PASSWORD or asked for.
    """


ROLE = click.Choice(list(users.ROLES))


@users_group.command("create", context_settings=CONTEXT)
@click.option("--username", required=True, help="登录名 / sign-in name")
@click.option("--role", required=True, type=ROLE, help="角色 / role")
@click.option("--scope", required=True, help="辖区单元编码 / unit code of the user's area")
@click.option("--name", default="", help="显示名，如 明湖办事处值班员 / display name")
@click.option("--department", default=None, help="部门编码（部门承办人）/ department code, for a department user")
def users_create(username: str, role: str, scope: str, name: str, department: str | None) -> None:
    """新建用户 · add a user."""

    def act(db: Database) -> None:
        user = users.create(db, username, _password(), role, scope, name, department=department)
        more = f", department {user.department_code}" if user.department_code else ""
        click.echo(f"created {user.username} ({user.role}, scope {user.scope_code}{more})")

    _admin(act)


@users_group.command("passwd", context_settings=CONTEXT)
@click.argument("username")
def users_passwd(username: str) -> None:
    """修改密码（其所有会话随即结束）· set a new password (every session of the user ends)."""
    _admin(lambda db: users.set_password(db, username, _password()))


@users_group.command("disable", context_settings=CONTEXT)
@click.argument("username")
def users_disable(username: str) -> None:
    """停用用户（其所有会话随即结束）· disable a user (every session ends)."""
    _admin(lambda db: users.disable(db, username))


@users_group.command("enable", context_settings=CONTEXT)
@click.argument("username")
def users_enable(username: str) -> None:
    """重新启用用户 · let a disabled user sign in again."""
    _admin(lambda db: users.enable(db, username))


@users_group.command("rescope", context_settings=CONTEXT)
@click.argument("username")
@click.option("--role", required=True, type=ROLE, help="新角色 / new role")
@click.option("--scope", required=True, help="新辖区单元编码 / new scope unit code")
@click.option("--department", default=None, help="部门编码（部门承办人）/ department code, for a department user")
def users_rescope(username: str, role: str, scope: str, department: str | None) -> None:
    """更换角色与辖区（其所有会话随即结束）· give a user another role and scope (every session ends)."""
    _admin(lambda db: users.rescope(db, username, role, scope, department=department))


@users_group.command("list", context_settings=CONTEXT)
def users_list() -> None:
    """列出用户 · list users."""

    def act(db: Database) -> None:
        for username, name, role, scope, created, disabled in users.listing(db):
            state = f"disabled {disabled:%Y-%m-%d}" if disabled else "active"
            click.echo(f"{username:20s} {role:10s} {scope:15s} {name}  ({state}, since {created:%Y-%m-%d})")

    _admin(act)


@users_group.command("sessions", context_settings=CONTEXT)
@click.argument("username")
def users_sessions(username: str) -> None:
    """列出用户的在线会话 · a user's live sessions."""

    def act(db: Database) -> None:
        for one in sessions.of_user(db, username):
            since, seen = f"{one['created_at']:%Y-%m-%d %H:%M}", f"{one['seen_at']:%Y-%m-%d %H:%M}"
            click.echo(f"{one['id']:>8}  since {since}  seen {seen}  {one['ip'] or '-':15s} {one['user_agent'] or ''}")

    _admin(act)


@users_group.command("end-sessions", context_settings=CONTEXT)
@click.argument("username")
def users_end_sessions(username: str) -> None:
    """结束用户的全部会话（各处登出）· end every session of a user (signed out everywhere)."""
    _admin(lambda db: click.echo(f"ended {users.end_sessions(db, username)} session(s) of {username}"))


@users_group.command("audit", context_settings=CONTEXT)
@click.option("--action", type=click.Choice(audit.ACTIONS), help="只看此类操作 / only this action")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="条数 / entries")
def users_audit(action: str | None, limit: int) -> None:
    """最新的审计日志 · the newest audit entries."""

    def act(db: Database) -> None:
        with db.transaction() as cur:
            for e in audit.recent(cur, limit, action):
                detail = json.dumps(e["detail"], ensure_ascii=False)
                click.echo(
                    f"{e['at']:%Y-%m-%d %H:%M:%S}  {e['action']:16s} {e['actor']:20s} {e['ip'] or '-':15s} {detail}"
                )

    _admin(act)


# ---- API keys and wall tokens --------------------------------------------------------------------
@gridops.group("apikeys", context_settings=CONTEXT)
def apikeys_group() -> None:
    """接口密钥（只存 SHA-256）· API keys for the intake API (only a SHA-256 is stored)."""


@apikeys_group.command("create", context_settings=CONTEXT)
@click.option("--name", required=True, help="使用方，如 12345热线 / who uses the key")
@click.option(
    "--source", "sources", multiple=True, required=True, help="可写入的案件来源（可重复）/ case source (repeatable)"
)
@click.option(
    "--right",
    "rights",
    multiple=True,
    type=click.Choice(apikeys.RIGHTS),
    help="transitions：可流转任何案件；devices：上报摄像头状态；inspections：录入点位排查 / transitions: move any "
    "case through the loop; devices: report camera statuses; inspections: record checkpoint inspections",
)
def apikeys_create(name: str, sources: tuple[str, ...], rights: tuple[str, ...]) -> None:
    """新建密钥并只显示这一次 · make a key and print it once."""
    _admin(lambda db: click.echo(apikeys.create(db, name, list(sources), list(rights))))


@apikeys_group.command("list", context_settings=CONTEXT)
def apikeys_list() -> None:
    """列出密钥（从不显示密钥本身）· list keys (never the keys themselves)."""

    def act(db: Database) -> None:
        for prefix, name, sources, rights, created, revoked in apikeys.listing(db):
            state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "live"
            may = ",".join(rights) or "-"
            click.echo(f"{prefix}  {name}  {','.join(sources)}  {may}  {created:%Y-%m-%d %H:%M}  {state}")

    _admin(act)


@apikeys_group.command("revoke", context_settings=CONTEXT)
@click.argument("prefix")
def apikeys_revoke(prefix: str) -> None:
    """按前缀吊销密钥（各进程立即生效）· revoke a key by its prefix (at once in every worker)."""

    def act(db: Database) -> None:
        if not apikeys.revoke(db, prefix):
            raise ValueError(f"no live key {prefix!r} (see: gridops apikeys list)")

    _admin(act)


@gridops.group("walltokens", context_settings=CONTEXT)
def walltokens_group() -> None:
    """大屏只读令牌 · read-only tokens of wall displays (/wall?token=gw_…)."""


@walltokens_group.command("create", context_settings=CONTEXT)
@click.option("--name", required=True, help="哪块屏，如 城运中心大屏1 / which screen")
@click.option("--scope", required=True, help="大屏显示的单元编码 / unit code the wall shows")
def walltokens_create(name: str, scope: str) -> None:
    """新建令牌并只显示这一次 · make a token and print it once."""
    _admin(lambda db: click.echo(walltokens.create(db, name, scope)))


@walltokens_group.command("list", context_settings=CONTEXT)
def walltokens_list() -> None:
    """列出令牌（从不显示令牌本身）· list tokens (never the tokens themselves)."""

    def act(db: Database) -> None:
        for prefix, name, scope, created, revoked in walltokens.listing(db):
            state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "live"
            click.echo(f"{prefix}  {name}  {scope}  {created:%Y-%m-%d %H:%M}  {state}")

    _admin(act)


@walltokens_group.command("revoke", context_settings=CONTEXT)
@click.argument("prefix")
def walltokens_revoke(prefix: str) -> None:
    """按前缀吊销令牌（其大屏会话随即结束）· revoke a token by its prefix (its walls' sessions end)."""

    def act(db: Database) -> None:
        if not walltokens.revoke(db, prefix):
            raise ValueError(f"no live token {prefix!r} (see: gridops walltokens list)")

    _admin(act)


# ---- cameras -------------------------------------------------------------------------------------
@gridops.group("cameras", context_settings=CONTEXT)
def cameras_group() -> None:
    """摄像头状态（视频平台上报，POST /api/v1/cameras/status）· camera statuses (reported by a video platform)."""


def _aware(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise Failure(f"--at {value!r} is no ISO 8601 time, e.g. 2026-11-20T15:30:00+08:00") from None
    if at.utcoffset() is None:
        raise Failure(f"--at {value!r} needs a zone, e.g. 2026-11-20T15:30:00+08:00")
    return at


@cameras_group.command("sweep", context_settings=CONTEXT)
@click.option(
    "--at",
    "at",
    default=None,
    help="按此时刻判断（ISO 时间，带时区；默认现在）/ judge as of this time (ISO, with a zone; default: now)",
)
def cameras_sweep(at: str | None) -> None:
    """久未上报的在线摄像头置为离线，并重判附近点位 · turn cameras not heard from offline and re-judge checkpoints.

    \b
    超过 GRIDOPS_CAMERA_STALE_MINUTES 未上报即离线 / silent longer than GRIDOPS_CAMERA_STALE_MINUTES: offline.
    """
    from geodata.cameras import status

    now = _aware(at)

    def act(db: Database) -> None:
        done = status.sweep(db, now)
        click.echo(f"{done['swept']} camera(s) now offline; {done['checkpoints_changed']} checkpoint(s) re-judged")

    _admin(act)


# ---- the months of cases (geodata/cases/partitions.py) -------------------------------------------
@gridops.group("cases", context_settings=CONTEXT)
def cases_group() -> None:
    """案件分区（按上报月份）· the months cases are partitioned by (docs/scaling.md)."""


@cases_group.command("months", context_settings=CONTEXT)
def cases_months() -> None:
    """列出各月分区及行数 · list the monthly partitions and their rows (estimated)."""
    from geodata.cases import partitions

    def act(db: Database) -> None:
        for m in partitions.months(db):
            span = f"{m.start:%Y-%m-%d %H:%M%z} – {m.end:%Y-%m-%d %H:%M%z}" if m.start else "(其余 / the rest)"
            click.echo(f"{m.name:<16} {span:<40} {m.rows:>12,}")

    _admin(act)


@cases_group.command("ahead", context_settings=CONTEXT)
@click.option("--months", default=3, show_default=True, type=click.IntRange(0, 120), help="提前几个月 / months ahead")
def cases_ahead(months: int) -> None:
    """提前建好未来月份的分区（任务队列每天执行）· make the coming months' partitions (the job worker does daily)."""
    from geodata.cases import partitions

    _admin(lambda db: click.echo(f"{partitions.ahead(db, datetime.now().astimezone(), months)} partition(s) made"))


@cases_group.command("archive", context_settings=CONTEXT)
@click.option(
    "--before", "before", required=True, help="此月之前的月份分离出去（YYYY-MM）/ detach the months before this one"
)
def cases_archive(before: str) -> None:
    """把早于某月的分区分离为独立表，供导出归档 · detach the months before one, as tables to dump and drop.

    \b
    分离后应用不再读取；表名 cases_yYYYYmMM，用 pg_dump -t 导出后可删除。
    Detached months are no longer read; dump each (pg_dump -t cases_yYYYYmMM), then drop it.
    """
    from geodata.cases import partitions

    try:
        month = datetime.strptime(before, "%Y-%m").date()
    except ValueError:
        raise Failure(f"--before {before!r} is no month: give it as YYYY-MM, e.g. 2020-01") from None

    def act(db: Database) -> None:
        gone = partitions.archive(db, month)
        click.echo(f"detached {len(gone)} month(s): {', '.join(gone) or 'none before ' + before}")

    _admin(act)


# ---- the push stream -----------------------------------------------------------------------------
@gridops.command(context_settings=CONTEXT)
def events() -> None:
    """运行推送服务：数据一变，打开的页面随即刷新 · serve the push stream: open screens refresh as soon as data changes.

    \b
    监听 GRIDOPS_HOST:GRIDOPS_EVENTS_PORT（默认 8051）/ listens on GRIDOPS_HOST:GRIDOPS_EVENTS_PORT (default 8051).
    """
    from push.server import main as serve_events

    serve_events()


# ---- processes -----------------------------------------------------------------------------------
@gridops.command(context_settings=CONTEXT)
def worker() -> None:
    """运行任务队列（提醒、催办、升级、发送、摄像头巡检）· run the job queue worker (reminders, sends, sweeps)."""
    from jobs.queue import run_worker

    run_worker()


@gridops.command(context_settings=CONTEXT)
def run() -> None:
    """启动网页、推送服务和任务队列（Ctrl-C 全部停止）· serve the app, the push stream and the job worker together."""
    from geodata.ops.processes import run_all

    sys.exit(run_all())


# ---- high availability (geodata/ops/ha.py) -------------------------------------------------------
@gridops.group("cluster", context_settings=CONTEXT)
def cluster_group() -> None:
    """数据库集群 · the database cluster beyond one server (docs/scaling.md)."""


@cluster_group.command("ha", context_settings=CONTEXT)
@click.option("--no-demo", is_flag=True, help="空库不载入演示城市 / do not load the demo city into an empty database")
@click.option("--no-serve", is_flag=True, help="只启动集群，不启动应用 / start the cluster only, not the app")
def cluster_ha(no_demo: bool, no_serve: bool) -> None:
    """主库、同步备库与自动故障转移（本机回环端口），并在其上运行应用 · a primary, a synchronous standby
    and automatic failover (pg_auto_failover) on loopback ports, and the app served against them."""
    import signal
    import time

    from geodata.ops.ha import HaCluster
    from geodata.ops.processes import run_all

    ha = HaCluster(get_settings())
    try:
        ha.start()
        ha.ensure_database(load_demo=not no_demo)
        primary = ha.primary()
        click.echo(
            f"HA cluster ready: monitor 127.0.0.1:{ha.monitor.port}, primary {primary.name} 127.0.0.1:{primary.port}, "
            f"nodes on {', '.join(str(n.port) for n in ha.nodes)}; logs in {ha.base / 'log'}"
        )
        if no_serve:
            signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as Ctrl-C does
            click.echo("Ctrl-C stops the cluster")
            while True:
                time.sleep(3600)
        os.environ.update(ha.environment())
        status = run_all()
    except SetupError as exc:
        raise Failure(str(exc)) from None
    except psycopg2.Error as exc:
        raise Failure(f"the HA cluster does not answer: {str(exc).strip().splitlines()[0]}") from None
    except KeyboardInterrupt:
        status = 0
    finally:
        ha.stop()
    sys.exit(status)


# ---- notifications (geodata/notify/commands.py) --------------------------------------------------
from geodata.notify.commands import notify as _notify_group  # noqa: E402

gridops.add_command(_notify_group, "notify")


# ---- assessment (geodata/assessment/commands.py) -------------------------------------------------
from geodata.assessment.commands import assess as _assess_group  # noqa: E402

gridops.add_command(_assess_group, "assess")

# ---- assessment reports (geodata/reports/commands.py) --------------------------------------------
from geodata.reports.commands import report as _report_command  # noqa: E402

gridops.add_command(_report_command, "report")


def main() -> None:
    """The console script's entry point."""
    gridops(prog_name="gridops")


if __name__ == "__main__":
    main()
