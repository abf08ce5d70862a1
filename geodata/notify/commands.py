"""`gridops notify`: the notification channels (geodata/notify/channels.py) from the command line.

    gridops notify channel add NAME --kind dingtalk|wecom|feishu|webhook|email|sms --endpoint URL
                               [--secret S] [--quiet 22:00-07:00] [--digest-minutes N]
                               [--option key=value ...] [--disabled]
    gridops notify channel list
    gridops notify channel remove NAME
    gridops notify test --channel NAME [--to ADDRESS]

``channel add`` replaces the whole definition of a channel of that name. The secret may come from
GRIDOPS_NOTIFY_SECRET instead of the command line (kept out of the shell's history); ``list`` never
prints it, nor the password or token an endpoint carries. Changes are written to the audit log
(``notify_admin``).
"""

from __future__ import annotations

import json
import re
from datetime import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import click

from geodata.db import Database
from geodata.notify import channels

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 110}
QUIET_FORM = "HH:MM-HH:MM, e.g. 22:00-07:00"
TEST_TEXT = "【网格治理】测试消息：渠道 {name} 已连通。"
# Query parameters of an endpoint that are credentials (robot tokens): shown cut short.
TOKENS = re.compile(r"(?i)((?:^|&)(?:access_token|key|token|secret|password|sign)=)([^&]{5,})")
NEEDS_ADDRESS = {"email": "the recipient's mail address", "sms": "the phone number"}


def _admin(action) -> None:
    """cli._admin (imported when run: cli.py imports this module while it loads)."""
    from cli import _admin as admin

    admin(action)


def _failure(message: str) -> Exception:
    from cli import Failure

    return Failure(message)


def _quiet(ctx, param, value: str | None) -> tuple[time, time] | None:
    """'22:00-07:00' → (22:00, 07:00)."""
    if value is None or not value.strip():
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected {QUIET_FORM}") from None
    if start == end:
        raise click.BadParameter(f"{value!r}: the quiet hours start and end at the same time; expected {QUIET_FORM}")
    return start, end


def _options(ctx, param, values: tuple[str, ...]) -> dict[str, Any]:
    """('from=noreply@x.gov.cn', 'template={"mobile": "{phone}"}') → a dict; a value starting with
    { or [ is read as JSON."""
    options: dict[str, Any] = {}
    for item in values:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise click.BadParameter(f"{item!r}: expected key=value, e.g. from=noreply@example.gov.cn")
        if value.lstrip().startswith(("{", "[")):
            try:
                options[key.strip()] = json.loads(value)
                continue
            except ValueError:
                raise click.BadParameter(f"{item!r}: the value starts like JSON but is not JSON") from None
        options[key.strip()] = value
    return options


def shown(endpoint: str) -> str:
    """The endpoint as ``list`` shows it: no password, robot tokens cut to their first 4 characters."""
    parts = urlsplit(endpoint)
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
    query = TOKENS.sub(lambda m: m.group(1) + m.group(2)[:4] + "…", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


@click.group(context_settings=CONTEXT)
def notify() -> None:
    """消息通知：渠道与测试 · notifications: channels and a test message.

    \b
    渠道：钉钉、企业微信、飞书机器人，JSON 回调，邮件，短信网关；地址均可指向内网中转
    channels: DingTalk, WeCom and Feishu robots, a JSON webhook, e-mail, an SMS gateway; every
    endpoint may point at an intranet relay.
    """


@notify.group("channel", context_settings=CONTEXT)
def channel_group() -> None:
    """通知渠道 · notification channels."""


@channel_group.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--kind", required=True, type=click.Choice(channels.KINDS), help="渠道类型 / channel kind")
@click.option(
    "--endpoint",
    required=True,
    help="完整地址：机器人 URL（含 access_token/key）、短信网关 URL、smtp://user@host:port?from=… / the full URL: "
    "the robot's (with its access_token or key), the SMS gateway's, or smtp[s]://user@host:port?from=…",
)
@click.option(
    "--secret",
    default=None,
    envvar="GRIDOPS_NOTIFY_SECRET",
    help="加签密钥、短信网关令牌或邮箱密码（也可用 GRIDOPS_NOTIFY_SECRET）/ signing secret, SMS gateway token or mail "
    "password (or GRIDOPS_NOTIFY_SECRET)",
)
@click.option(
    "--quiet", callback=_quiet, default=None, help=f"免打扰时段，北京时间 / quiet hours, Beijing time: {QUIET_FORM}"
)
@click.option(
    "--digest-minutes",
    type=click.IntRange(0, 1440),
    default=10,
    show_default=True,
    help="同一地址的消息合并间隔（分钟，0 不合并）/ minutes over which messages to one address are merged (0: none)",
)
@click.option(
    "--option",
    "options",
    multiple=True,
    callback=_options,
    help="附加设置 key=value（可重复），如 from=…、sign=…、template={…} / extra setting (repeatable)",
)
@click.option("--disabled", is_flag=True, help="先停用 / add it switched off")
def channel_add(
    name: str,
    kind: str,
    endpoint: str,
    secret: str | None,
    quiet: tuple[time, time] | None,
    digest_minutes: int,
    options: dict[str, Any],
    disabled: bool,
) -> None:
    """新建或替换渠道（整体替换）· add a channel, or replace the whole definition of one."""
    channel = channels.Channel(
        name=name,
        kind=kind,
        endpoint=endpoint.strip(),
        secret=secret or None,
        options=options,
        quiet_from=quiet[0] if quiet else None,
        quiet_to=quiet[1] if quiet else None,
        digest_minutes=digest_minutes,
        enabled=not disabled,
    )

    def act(db: Database) -> None:
        created = channels.save(db, channel)
        click.echo(f"{'added' if created else 'replaced'} channel {name} ({kind})")

    _admin(act)


@channel_group.command("list", context_settings=CONTEXT)
def channel_list() -> None:
    """列出渠道（从不显示密钥）· list channels (never their secrets)."""

    def act(db: Database) -> None:
        found = channels.listed(db)
        if not found:
            click.echo("no channels (add one: gridops notify channel add NAME --kind K --endpoint URL)")
        for ch in found:
            state = "enabled" if ch.enabled else "disabled"
            secret = "已设置" if ch.secret else "-"
            quiet = f"{ch.quiet_from:%H:%M}-{ch.quiet_to:%H:%M}" if ch.quiet_from and ch.quiet_to else "-"
            options = json.dumps(ch.options, ensure_ascii=False) if ch.options else "-"
            click.echo(
                f"{ch.name:20s} {ch.kind:9s} {state:8s} secret {secret:3s} quiet {quiet:11s} "
                f"digest {ch.digest_minutes:>4} min  {shown(ch.endpoint)}  {options}"
            )

    _admin(act)


@channel_group.command("remove", context_settings=CONTEXT)
@click.argument("name")
def channel_remove(name: str) -> None:
    """删除渠道（其路由与消息记录一并删除）· remove a channel (its routes and messages go with it)."""

    def act(db: Database) -> None:
        if not channels.remove(db, name):
            raise ValueError(f"no channel {name!r} (see: gridops notify channel list)")
        click.echo(f"removed channel {name}")

    _admin(act)


@notify.command("test", context_settings=CONTEXT)
@click.option("--channel", "name", required=True, help="渠道名 / channel name")
@click.option(
    "--to",
    "address",
    default="",
    help="邮件：收件地址；短信：手机号；钉钉/企业微信：要 @ 的手机号 / e-mail: the recipient; SMS: the phone; "
    "DingTalk and WeCom: a mobile to @",
)
@click.option(
    "--timeout", type=click.FloatRange(0.1, 120), default=10.0, show_default=True, help="秒 / seconds to wait"
)
def notify_test(name: str, address: str, timeout: float) -> None:
    """立即经渠道发送一条测试消息（不理会免打扰）· send a test message through a channel now (quiet hours
    ignored)."""

    def act(db: Database) -> None:
        channel = channels.load(db, name)
        if channel is None:
            raise ValueError(f"no channel {name!r} (see: gridops notify channel list)")
        if channel.kind in NEEDS_ADDRESS and not address.strip():
            raise ValueError(f"channel {name} ({channel.kind}) needs --to: {NEEDS_ADDRESS[channel.kind]}")
        if not channel.enabled:
            click.echo(f"channel {name} is disabled: only this test goes out")
        sent = channels.send(channel, address, "", TEST_TEXT.format(name=name), None, timeout=timeout)
        if not sent.ok:
            then = "it did not arrive" if sent.retry else "it may have arrived"
            raise _failure(f"not sent through {name}: {sent.detail} ({then})")
        click.echo(f"sent through {name}: {sent.detail}")

    _admin(act)


# ---- rules, routes and the tick ----------------------------------------------------------------------
@notify.group("rule", context_settings=CONTEXT)
def rule_group() -> None:
    """提醒、催办、升级规则（按类别/大类、按升级级别）· the reminder, urge and escalation rules."""


@rule_group.command("list", context_settings=CONTEXT)
def rule_list() -> None:
    """列出全部规则 · list every rule."""
    from geodata.notify import routing

    def act(db: Database) -> None:
        for rid, applies, level, step, hours, working, targets, enabled in routing.rules(db):
            lvl = "any" if level is None else str(level)
            unit = "working h" if working else "h"
            state = "" if enabled else "  (off)"
            click.echo(
                f"{rid:>4}  {step:<8}  {applies:<8}  escalation {lvl:<3}  {hours:g} {unit}  {','.join(targets)}{state}"
            )

    _admin(act)


@rule_group.command("set", context_settings=CONTEXT)
@click.option("--step", required=True, type=click.Choice(["remind", "urge", "escalate"]), help="步骤 / the step")
@click.option(
    "--hours",
    required=True,
    type=click.FloatRange(min=0),
    help="提醒：到期前；催办、升级：到期（或上次升级）后 / remind: before the deadline; urge, escalate: after",
)
@click.option("--working", is_flag=True, help="按工作时间计（节假日、调休）/ count working hours (holidays, 调休)")
@click.option(
    "--targets",
    required=True,
    help="通知对象，逗号分隔：department,responsible,dispatcher / who is told, comma-separated",
)
@click.option("--category", default=None, help="案件类别编码（默认：全部）/ a case category code (default: all)")
@click.option(
    "--group", default=None, help="类别大类（编码前两位）/ a category group (the code's first two characters)"
)
@click.option(
    "--escalation",
    type=click.IntRange(0, 2),
    default=None,
    help="案件升级级别：0 本级，1 已升至街道，2 已升至区 / the case's escalation: 0, 1 (street), 2 (district)",
)
@click.option("--disabled", is_flag=True, help="停用此规则 / switch the rule off")
def rule_set(
    step: str,
    hours: float,
    working: bool,
    targets: str,
    category: str | None,
    group: str | None,
    escalation: int | None,
    disabled: bool,
) -> None:
    """新建或替换一条规则 · add a rule, or replace the one for the same category, escalation and step."""
    from geodata.notify import routing

    def act(db: Database) -> None:
        rid, added = routing.set_rule(
            db,
            step=step,
            hours=hours,
            targets=[t.strip() for t in targets.split(",") if t.strip()],
            working=working,
            category=category,
            group=group,
            escalation=escalation,
            enabled=not disabled,
        )
        click.echo(f"{'added' if added else 'replaced'} rule {rid}")

    _admin(act)


@notify.group("route", context_settings=CONTEXT)
def route_group() -> None:
    """通知对象经哪个渠道收到 · through which channel each target is told."""


@route_group.command("add", context_settings=CONTEXT)
@click.option(
    "--target",
    required=True,
    type=click.Choice(["department", "responsible", "dispatcher"]),
    help="对象：承办部门、属地负责人、值班调度 / the department, the responsible unit, the dispatchers",
)
@click.option("--channel", required=True, help="渠道名 / channel name")
@click.option("--department", default=None, help="只对此部门（编码）/ only for this department (code)")
@click.option("--unit", default=None, help="只对此单元（编码）/ only for this unit (code)")
@click.option(
    "--to",
    "address",
    default=None,
    help="手机号或邮箱（属地负责人默认用单元电话）/ a phone or mail box (a unit: its phone by default)",
)
def route_add(target: str, channel: str, department: str | None, unit: str | None, address: str | None) -> None:
    """新增一条路由 · add a route."""
    from geodata.notify import routing

    def act(db: Database) -> None:
        rid = routing.add_route(db, target=target, channel=channel, department=department, unit=unit, address=address)
        click.echo(f"added route {rid}" if rid else "that route exists already")

    _admin(act)


@route_group.command("list", context_settings=CONTEXT)
def route_list() -> None:
    """列出全部路由 · list every route."""
    from geodata.notify import routing

    def act(db: Database) -> None:
        for rid, target, department, unit, channel, address in routing.routes(db):
            only = f"department {department}" if department else f"unit {unit}" if unit else "all"
            click.echo(f"{rid:>4}  {target:<12}  {only:<24}  → {channel}  {address or ''}")

    _admin(act)


@route_group.command("remove", context_settings=CONTEXT)
@click.argument("route_id", type=int)
def route_remove(route_id: int) -> None:
    """按编号删除路由 · remove a route by its id."""
    from geodata.notify import routing

    def act(db: Database) -> None:
        if not routing.remove_route(db, route_id):
            raise ValueError(f"no route {route_id} (see: gridops notify route list)")
        click.echo(f"removed route {route_id}")

    _admin(act)


@notify.command("tick", context_settings=CONTEXT)
@click.option(
    "--at",
    "at",
    default=None,
    help="按此时刻扫描并发送（ISO 时间，带时区；默认现在）/ scan and send as of this time (ISO, with a zone)",
)
def notify_tick(at: str | None) -> None:
    """立即扫描并发送到期的提醒、催办、升级 · scan and send now (the job worker does it every minute)."""
    from datetime import UTC, datetime

    from geodata.notify import outbox, scan

    when = datetime.now(UTC)
    if at is not None:
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            raise _failure(f"--at {at!r} is no ISO 8601 time, e.g. 2026-12-07T09:00:00+08:00") from None
        if when.utcoffset() is None:
            raise _failure(f"--at {at!r} needs a zone, e.g. 2026-12-07T09:00:00+08:00")

    def act(db: Database) -> None:
        counts = scan.run(db, when)
        sent = outbox.send_due(db, when)
        states = ", ".join(f"{s} {n}" for s, n in sorted(_count(state for _, state in sent).items())) or "none"
        click.echo(
            f"remind {counts['remind']}, urge {counts['urge']}, escalate {counts['escalate']}; messages: {states}"
        )

    _admin(act)


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out
