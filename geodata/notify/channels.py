"""Notification channels: one message through one configured channel (DESIGN §14, migration 0034).

A channel is a row of ``notify_channels``. In government networks every channel goes through an
intranet relay, so every endpoint is configured in full:

- ``dingtalk`` (钉钉 / 政务钉钉 robot): the robot URL with its ``access_token`` (it may carry a
  query string). A ``markdown`` message; the address, a mobile number, is @-mentioned (``at`` and
  ``@138…`` in the text, as DingTalk asks). With a secret: DingTalk's signature, ``timestamp``
  (ms) and ``sign`` = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))) added as
  query parameters. The answer's ``errcode`` must be 0.
- ``wecom`` (企业微信 / 政务微信 robot): the robot URL with its ``key``. A ``markdown`` message; with
  an address (a mobile number) a ``text`` message with ``mentioned_mobile_list`` instead (WeCom's
  markdown cannot mention by mobile). The answer's ``errcode`` must be 0.
- ``feishu`` (飞书 robot): the hook URL. A ``text`` message; the address is not used. With a
  secret: Feishu's signature in the body, ``timestamp`` (s) and ``sign`` =
  base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")). The answer's ``code`` (older
  versions: ``StatusCode``) must be 0.
- ``webhook``: any JSON receiver. ``{"title", "text", "link", "channel", "sent_at"}``; with a
  secret, the header ``X-GridOps-Signature: sha256=<hex HMAC-SHA256 of the body>``. Any 2xx is ok.
- ``email``: an SMTP server. The endpoint is ``smtp://[user[:password]@]host[:port][?from=…]``
  (plain SMTP, port 25; ``&starttls=1`` upgrades the connection) or ``smtps://…`` (TLS from the
  first byte, port 465). The password may be the channel's secret instead (the endpoint is shown
  by ``gridops notify channel list``; the secret never is). The sender is ``from=``, else the
  option ``from``, else the user when it is a mail address, else ``gridops@<host>``. The address
  is the recipient; the title is the subject.
- ``sms``: an HTTP SMS gateway. ``{"phone", "text", "sign"}`` (``sign``: the option ``sign``, the
  短信签名), the secret as ``Authorization: Bearer …``. The option ``template`` (a JSON object, or
  its text) gives another shape: its strings' ``{phone}``, ``{text}``, ``{title}`` and ``{sign}``
  are filled in. Any 2xx is ok unless the answer says ``"code"`` non-zero or ``"ok": false``.

The robots' and the gateway's text is the title, the text and the link (a markdown link for
DingTalk and WeCom's markdown, a line of its own otherwise).

``send`` sends once and never again: its result says whether the message arrived (``ok``) and, when
not, whether it certainly did not (``retry``: the connection was refused, the answer was an HTTP
error or a robot's error code, the mail server refused it). A timeout or a cut connection after
the message went out may have delivered it: ``ok=False, retry=False``, and the caller must not send
it again (at most once). Nothing here logs, and no result names an endpoint or a secret.

Why not apprise (the notification library considered first), read in apprise 2.3.0's plugins:

- its DingTalk, WeCom and Feishu plugins post to the public hosts only, never to a relay:
  ``notify_url = "https://oapi.dingtalk.com/robot/send?access_token={token}"`` (dingtalk.py),
  ``notify_url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={key}"`` (wecombot.py),
  ``notify_url = "https://open.feishu.cn/open-apis/bot/v2/hook/{token}/"`` (feishu.py); the
  DingTalk and WeCom plugins also judge by the HTTP status alone (``if r.status_code !=
  requests.codes.ok``), never by ``errcode``, and the Feishu plugin cannot sign (no secret);
- its e-mail plugin can reach a plain SMTP server (``mailto://host:port?mode=insecure``), but it
  reports one yes or no for the whole send: ``AppriseSMTPController.sendmail`` returns False for any
  of ``(OSError, smtplib.SMTPException, RuntimeError)`` (email/smtp.py) and ``NotifyEmail.send``
  turns a refused connection into the same failure (email/base.py). A refused connection (never
  arrived: may be sent again) and a timeout after the message was handed over (may have arrived:
  must not be sent again) cannot be told apart without reading its log lines. So mail goes out
  through smtplib, step by step, knowing whether the message had been handed over when it failed.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import re
import smtplib
import socket
import ssl
import time as _time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import requests
from psycopg2.extras import Json
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from geodata.clock import TZ
from geodata.db import Database
from geodata.queries import fetch_rows, sql_text

KINDS = ("dingtalk", "wecom", "feishu", "webhook", "email", "sms")
NAME_CHARS = "a-z 0-9 _ -"  # the table's CHECK: ^[a-z0-9_-]{1,40}$
DETAIL_MAX = 200
LINK_LABEL = "查看详情"
SIGNATURE_HEADER = "X-GridOps-Signature"
_COLUMNS = ("name", "kind", "endpoint", "secret", "options", "quiet_from", "quiet_to", "digest_minutes", "enabled")


@dataclass(frozen=True)
class Channel:
    """A row of ``notify_channels``."""

    name: str
    kind: str
    endpoint: str
    secret: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    quiet_from: time | None = None
    quiet_to: time | None = None
    digest_minutes: int = 10
    enabled: bool = True


@dataclass(frozen=True)
class Sent:
    """What became of one send. ``retry``: it certainly did not arrive (it may be sent again);
    ``ok=False, retry=False``: it may have arrived. ``detail``: short, for the message's result."""

    ok: bool
    retry: bool
    detail: str


# ---- the table ------------------------------------------------------------------------------------
def _channel(row: tuple) -> Channel:
    values = dict(zip(_COLUMNS, row))
    values["options"] = dict(values["options"] or {})
    return Channel(**values)


def load(db: Database, name: str) -> Channel | None:
    """The channel of that name, or None."""
    rows = fetch_rows("notify_channel_one", {"name": name}, db)
    return _channel(rows[0]) if rows else None


def load_in(cur, name: str) -> Channel | None:
    """The channel of that name read in the caller's transaction, or None."""
    cur.execute(sql_text("notify_channel_one"), {"name": name})
    row = cur.fetchone()
    return _channel(row) if row else None


def listed(db: Database) -> list[Channel]:
    """Every channel, by name."""
    return [_channel(row) for row in fetch_rows("notify_channel_list", None, db)]


def check(channel: Channel) -> None:
    """ValueError naming what is wrong with a channel's definition (before it is saved)."""
    if not re.fullmatch(r"[a-z0-9_-]{1,40}", channel.name or ""):
        raise ValueError(f"channel name {channel.name!r}: 1 to 40 of {NAME_CHARS}")
    if channel.kind not in KINDS:
        raise ValueError(f"channel kind {channel.kind!r}: one of {', '.join(KINDS)}")
    if not 1 <= len(channel.endpoint or "") <= 500:
        raise ValueError("the endpoint is 1 to 500 characters")
    parts = urlsplit(channel.endpoint)
    schemes = ("smtp", "smtps") if channel.kind == "email" else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname:
        example = (
            "smtp://user@mail.example.gov.cn:25?from=noreply@example.gov.cn"
            if channel.kind == "email"
            else ("http://relay.example.gov.cn/robot/send?access_token=…")
        )
        urls = " or ".join(f"{scheme}://…" for scheme in schemes)
        raise ValueError(f"a channel of kind {channel.kind}: the endpoint is a {urls} URL, e.g. {example}")
    if channel.secret is not None and len(channel.secret) > 500:
        raise ValueError("the secret is at most 500 characters")
    if (channel.quiet_from is None) != (channel.quiet_to is None):
        raise ValueError("quiet hours need both ends, e.g. 22:00-07:00")
    if not 0 <= channel.digest_minutes <= 1440:
        raise ValueError("digest minutes are 0 to 1440")
    if channel.kind == "sms" and "template" in channel.options:
        _template(channel.options["template"])


def save(db: Database, channel: Channel, by: str = "cli") -> bool:
    """Add the channel or replace the whole definition of the one of its name (True: added). An
    audit entry ``notify_admin`` goes with it, naming whether a secret is set, never the secret."""
    check(channel)
    params = {k: getattr(channel, k) for k in _COLUMNS}
    params["options"] = Json(channel.options)
    with db.transaction() as cur:
        cur.execute(sql_text("notify_channel_upsert"), params)
        created = bool(cur.fetchone()[0])
        _audit(
            cur,
            by,
            op="add" if created else "replace",
            channel=channel.name,
            kind=channel.kind,
            secret=channel.secret is not None,
        )
    return created


def remove(db: Database, name: str, by: str = "cli") -> bool:
    """Remove a channel (its routes and messages go with it); False when there is none."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_channel_delete"), {"name": name})
        row = cur.fetchone()
        if row is not None:
            _audit(cur, by, op="remove", channel=name, kind=row[0])
    return row is not None


def _audit(cur, actor: str, **detail: Any) -> None:
    """One ``notify_admin`` entry (migration 0034's action), written by the audit log's own statement."""
    cur.execute(
        sql_text("audit_insert"),
        {"actor": actor[:200], "action": "notify_admin", "ip": None, "detail": Json(detail)},
    )


# ---- quiet hours ----------------------------------------------------------------------------------
def quiet(channel: Channel, at: datetime) -> datetime | None:
    """When ``at`` falls in the channel's quiet hours (Beijing time; they may run past midnight, e.g.
    22:00–07:00), the time they end; else None. Equal ends: no quiet hours."""
    if at.tzinfo is None:
        raise ValueError("quiet() needs an aware time")
    start, end = channel.quiet_from, channel.quiet_to
    if start is None or end is None or start == end:
        return None
    local = at.astimezone(TZ)
    now, day = local.timetz().replace(tzinfo=None), local.date()
    if start < end:
        inside, end_day = start <= now < end, day
    elif now >= start:
        inside, end_day = True, day + timedelta(days=1)
    else:
        inside, end_day = now < end, day
    return datetime.combine(end_day, end, tzinfo=TZ) if inside else None


# ---- sending --------------------------------------------------------------------------------------
def send(channel: Channel, address: str, title: str, text: str, link: str | None, *, timeout: float = 10.0) -> Sent:
    """Send one message through the channel now (its quiet hours and its switch are the caller's).

    ``address``: dingtalk and wecom a mobile number to @ (or ""), email the recipient, sms the phone
    number; feishu and webhook do not use it. ``timeout``: seconds to connect, and to wait for the
    answer."""
    sender = SENDERS.get(channel.kind)
    if sender is None:
        return Sent(False, True, f"未知渠道类型 {channel.kind!r}")
    return sender(channel, (address or "").strip(), title or "", text or "", link or None, timeout)


def _plain(title: str, text: str, link: str | None) -> str:
    """Title, text and link, one under the other."""
    return "\n".join(part for part in (title, text, link) if part)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= DETAIL_MAX else text[: DETAIL_MAX - 1] + "…"


def _with_query(url: str, params: dict[str, str]) -> str:
    """The URL with parameters added to whatever query it already has."""
    base, _, fragment = url.partition("#")
    joined = base + ("&" if urlsplit(base).query else "?") + urlencode(params)
    return joined + ("#" + fragment if fragment else "")


def _post(url: str, body: Any, timeout: float, headers: dict[str, str] | None = None) -> requests.Response | Sent:
    """POST the JSON body once; the answer, or a Sent saying why there is none (no resend, no
    redirect followed). The body's bytes are what is signed, so it is encoded here, once."""
    data = body if isinstance(body, bytes) else _json_bytes(body)
    sent_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    try:
        with requests.Session() as session:
            return session.post(url, data=data, headers=sent_headers, timeout=(timeout, timeout), allow_redirects=False)
    except requests.exceptions.ConnectTimeout:
        return Sent(False, True, "连接超时（未发出）")
    except requests.exceptions.SSLError:
        return Sent(False, True, "TLS 握手失败（未发出）")
    except requests.exceptions.ReadTimeout:
        return Sent(False, False, f"等待应答超时（{timeout:g} 秒），可能已送达")
    except requests.exceptions.ConnectionError as exc:
        reason = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else None
        if isinstance(reason, NameResolutionError):
            return Sent(False, True, "域名解析失败（未发出）")
        if isinstance(reason, NewConnectionError):
            refused = isinstance(reason.__cause__, ConnectionRefusedError)
            return Sent(False, True, "连接被拒绝" if refused else "无法连接（未发出）")
        return Sent(False, False, "连接中断，可能已送达")
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema):
        return Sent(False, True, "渠道地址无效")
    except requests.RequestException as exc:
        return Sent(False, False, f"发送出错（{type(exc).__name__}），可能已送达")


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _zero(code: Any) -> bool:
    """A success code: 0, or the words some gateways use for it."""
    if isinstance(code, bool):
        return False
    if isinstance(code, int | float):
        return code == 0
    return str(code).strip().lower() in ("0", "ok", "success")


def _answer(response: requests.Response, codes: tuple[str, ...] = ()) -> Sent:
    """Judge an HTTP answer: a 2xx whose first code of ``codes`` present in its JSON (if any) is 0."""
    head = f"HTTP {response.status_code}"
    try:
        data = response.json()
    except ValueError:
        data = None
    if not isinstance(data, dict):
        data = {}
    message = next((data[k] for k in ("errmsg", "msg", "message", "StatusMessage") if data.get(k)), "")
    if response.status_code >= 400:
        return Sent(False, True, _short(f"{head} {message or response.reason or ''}"))
    if not 200 <= response.status_code < 300:
        return Sent(False, False, _short(f"{head}（未跟随跳转）"))
    if data.get("ok") is False:
        return Sent(False, True, _short(f"{head} ok false {message}"))
    for key in codes:
        if key in data:
            if _zero(data[key]):
                return Sent(True, False, _short(f"{head} {key} {data[key]}"))
            return Sent(False, True, _short(f"{head} {key} {data[key]} {message}"))
    return Sent(True, False, head)


def _dingtalk(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    lines = [
        f"#### {title}" if title else "",
        text,
        f"[{LINK_LABEL}]({link})" if link else "",
        f"@{address}" if address else "",
    ]
    body = {
        "msgtype": "markdown",
        "markdown": {"title": title or text[:20], "text": "\n\n".join(line for line in lines if line)},
        "at": {"atMobiles": [address] if address else [], "isAtAll": False},
    }
    url = ch.endpoint
    if ch.secret:
        url = _with_query(url, dingtalk_sign(ch.secret))
    answer = _post(url, body, timeout)
    return answer if isinstance(answer, Sent) else _answer(answer, ("errcode",))


def dingtalk_sign(secret: str, timestamp_ms: int | None = None) -> dict[str, str]:
    """DingTalk's signature parameters: ``timestamp`` (ms) and ``sign`` (base64 of the HMAC-SHA256 of
    "timestamp\\nsecret" keyed by the secret; urlencoded when added to the URL)."""
    stamp = str(timestamp_ms if timestamp_ms is not None else round(_time.time() * 1000))
    digest = hmac.new(secret.encode("utf-8"), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    return {"timestamp": stamp, "sign": base64.b64encode(digest).decode("ascii")}


def _wecom(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    if address:
        body = {"msgtype": "text", "text": {"content": _plain(title, text, link), "mentioned_mobile_list": [address]}}
    else:
        lines = [f"**{title}**" if title else "", text, f"[{LINK_LABEL}]({link})" if link else ""]
        body = {"msgtype": "markdown", "markdown": {"content": "\n".join(line for line in lines if line)}}
    answer = _post(ch.endpoint, body, timeout)
    return answer if isinstance(answer, Sent) else _answer(answer, ("errcode",))


def _feishu(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": _plain(title, text, link)}}
    if ch.secret:
        body = {**feishu_sign(ch.secret), **body}
    answer = _post(ch.endpoint, body, timeout)
    return answer if isinstance(answer, Sent) else _answer(answer, ("code", "StatusCode"))


def feishu_sign(secret: str, timestamp_s: int | None = None) -> dict[str, str]:
    """Feishu's signature fields: ``timestamp`` (s) and ``sign`` (base64 of the HMAC-SHA256 of
    nothing, keyed by "timestamp\\nsecret")."""
    stamp = str(timestamp_s if timestamp_s is not None else int(_time.time()))
    digest = hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return {"timestamp": stamp, "sign": base64.b64encode(digest).decode("ascii")}


def _webhook(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    body = {"title": title, "text": text, "link": link, "channel": ch.name, "sent_at": datetime.now(TZ).isoformat()}
    data = _json_bytes(body)
    headers = {}
    if ch.secret:
        headers[SIGNATURE_HEADER] = "sha256=" + hmac.new(ch.secret.encode("utf-8"), data, hashlib.sha256).hexdigest()
    answer = _post(ch.endpoint, data, timeout, headers)
    return answer if isinstance(answer, Sent) else _answer(answer)


def _template(template: Any) -> dict:
    """The SMS template as a JSON object; ValueError when it is not one."""
    if isinstance(template, str):
        try:
            template = json.loads(template)
        except ValueError:
            raise ValueError(
                'the sms template is a JSON object, e.g. {"mobile": "{phone}", "content": "{text}"}'
            ) from None
    if not isinstance(template, dict):
        raise ValueError('the sms template is a JSON object, e.g. {"mobile": "{phone}", "content": "{text}"}')
    return template


def _fill(value: Any, words: dict[str, str]) -> Any:
    """The template with its strings' {placeholders} filled (the words are not read as JSON or format)."""
    if isinstance(value, str):
        for key, word in words.items():
            value = value.replace("{" + key + "}", word)
        return value
    if isinstance(value, dict):
        return {k: _fill(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, words) for v in value]
    return value


def _sms(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    if not address:
        return Sent(False, True, "缺少手机号码（未发出）")
    sign = str(ch.options.get("sign", ""))
    message = _plain(title, text, link)
    if "template" in ch.options:
        try:
            template = _template(ch.options["template"])
        except ValueError:
            return Sent(False, True, "短信模板不是 JSON 对象（未发出）")
        body: Any = _fill(template, {"phone": address, "text": message, "title": title, "sign": sign})
    else:
        body = {"phone": address, "text": message, "sign": sign}
    headers = {"Authorization": f"Bearer {ch.secret}"} if ch.secret else None
    answer = _post(ch.endpoint, body, timeout, headers)
    return answer if isinstance(answer, Sent) else _answer(answer, ("code",))


@dataclass(frozen=True)
class _Smtp:
    host: str
    port: int
    tls: bool  # TLS from the first byte (smtps://)
    starttls: bool
    user: str | None
    password: str | None
    sender: str


def _smtp(ch: Channel) -> _Smtp:
    """The SMTP server of an email channel; ValueError when its endpoint is not one."""
    parts = urlsplit(ch.endpoint)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("邮件渠道地址应为 smtp://host:port 或 smtps://host:port")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise ValueError("邮件渠道端口无效") from None
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else ch.secret
    sender = (
        query.get("from") or ch.options.get("from") or (user if user and "@" in user else f"gridops@{parts.hostname}")
    )
    starttls = query.get("starttls", "").lower() in ("1", "true", "yes", "on")
    return _Smtp(parts.hostname, port, parts.scheme == "smtps", starttls, user, password, str(sender))


def _email(ch: Channel, address: str, title: str, text: str, link: str | None, timeout: float) -> Sent:
    if not address:
        return Sent(False, True, "缺少收件地址（未发出）")
    try:
        server = _smtp(ch)
    except ValueError as exc:
        return Sent(False, True, str(exc))
    mail = EmailMessage(policy=SMTP_POLICY)
    mail["Subject"] = " ".join((title or text[:60]).split())
    mail["From"] = server.sender
    mail["To"] = address
    mail["Date"] = format_datetime(datetime.now(TZ))
    mail["Message-ID"] = make_msgid(domain=server.host)
    mail.set_content(_plain("", text, link) + "\n", charset="utf-8", cte="base64")
    # Up to the DATA command nothing of the message has left: a failure there is "not sent".
    try:
        if server.tls:
            smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=timeout)
    except ConnectionRefusedError:
        return Sent(False, True, "连接被拒绝")
    except socket.gaierror:
        return Sent(False, True, "域名解析失败（未发出）")
    except TimeoutError:
        return Sent(False, True, "连接超时（未发出）")
    except smtplib.SMTPResponseException as exc:
        return Sent(False, True, _smtp_refusal(exc))
    except (OSError, smtplib.SMTPException) as exc:
        return Sent(False, True, f"无法连接（{type(exc).__name__}，未发出）")
    try:
        try:
            smtp.ehlo()
            if server.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if server.user and server.password:
                smtp.login(server.user, server.password)
            code, reply = smtp.mail(server.sender)
            if code != 250:
                return Sent(False, True, _short(f"SMTP {code} {_text(reply)}（发件人被拒）"))
            code, reply = smtp.rcpt(address)
            if code not in (250, 251):
                return Sent(False, True, _short(f"SMTP {code} {_text(reply)}（收件人被拒）"))
        except smtplib.SMTPResponseException as exc:
            return Sent(False, True, _smtp_refusal(exc))
        except (OSError, smtplib.SMTPException) as exc:
            return Sent(False, True, f"SMTP 会话失败（{type(exc).__name__}，未发出）")
        try:
            code, reply = smtp.data(mail.as_bytes())
        except smtplib.SMTPDataError as exc:
            return Sent(False, True, _smtp_refusal(exc))
        except (OSError, smtplib.SMTPException):
            return Sent(False, False, f"等待邮件服务器应答超时或中断（{timeout:g} 秒），可能已送达")
        if code != 250:  # the server answered the message itself with a refusal
            return Sent(False, True, _short(f"SMTP {code} {_text(reply)}"))
        return Sent(True, False, _short(f"SMTP {code} {_text(reply)}"))
    finally:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()
        smtp.close()


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _smtp_refusal(exc: smtplib.SMTPResponseException) -> str:
    return _short(f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}")


Sender = Callable[[Channel, str, str, str, str | None, float], Sent]
SENDERS: dict[str, Sender] = {
    "dingtalk": _dingtalk,
    "wecom": _wecom,
    "feishu": _feishu,
    "webhook": _webhook,
    "email": _email,
    "sms": _sms,
}
