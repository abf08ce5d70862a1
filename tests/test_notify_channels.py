"""The notification channels: each kind sends one message in its own format to a real receiver on
127.0.0.1, and says whether it arrived, certainly did not (may be sent again), or may have."""

from __future__ import annotations

import subprocess
import time as _time
from datetime import datetime, time
from zoneinfo import ZoneInfo

import psycopg2
import pytest

from geodata.clock import TZ
from geodata.db import Database
from geodata.notify import channels
from geodata.notify.channels import Channel, quiet, send
from tests.conftest import GRIDOPS, ROOT
from tests.receivers import (
    HttpReceiver,
    SmtpReceiver,
    closed_url,
    dingtalk_signature_ok,
    feishu_signature_ok,
    webhook_signature_ok,
)

SECRET = "SEC0123456789abcdef-test-secret"
PHONE = "13800138000"
TITLE = "【网格治理】催办通知"
TEXT = "案件 A2026-0001（占道经营）已超过办理时限，请尽快处理。"
LINK = "http://gridops.example.gov.cn/case/1"


@pytest.fixture
def rx():
    with HttpReceiver() as receiver:
        yield receiver


# ---- each kind's format ----------------------------------------------------------------------------
def test_dingtalk_signs_and_mentions_in_markdown(rx):
    ch = Channel("d", "dingtalk", rx.url + "/robot/send?access_token=tok123", SECRET)
    sent = send(ch, PHONE, TITLE, TEXT, LINK)
    assert sent == channels.Sent(True, False, "HTTP 200 errcode 0")
    (got,) = rx.wait_for(1)
    assert got.method == "POST" and got.path == "/robot/send" and got.query["access_token"] == "tok123"
    assert dingtalk_signature_ok(got.query, SECRET)
    assert not dingtalk_signature_ok(got.query, SECRET + "x")
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.json["msgtype"] == "markdown" and got.json["markdown"]["title"] == TITLE
    text = got.json["markdown"]["text"]
    assert TITLE in text and TEXT in text and f"[查看详情]({LINK})" in text and f"@{PHONE}" in text
    assert got.json["at"] == {"atMobiles": [PHONE], "isAtAll": False}


def test_dingtalk_without_a_secret_or_a_mobile(rx):
    ch = Channel("d", "dingtalk", rx.url + "/robot/send?access_token=tok123")
    assert send(ch, "", TITLE, TEXT, None).ok
    (got,) = rx.wait_for(1)
    assert set(got.query) == {"access_token"} and got.json["at"]["atMobiles"] == []
    assert "查看详情" not in got.json["markdown"]["text"]


def test_dingtalk_signature_is_the_documented_one():
    # base64(HMAC-SHA256(key=secret, msg="timestamp\nsecret")), as DingTalk's documentation computes it
    signed = channels.dingtalk_sign("secret", 1700000000000)
    assert signed == {"timestamp": "1700000000000", "sign": "OuzzJR5+xZ4/EYwqtNt6sMYZQMTa/HEGvc9miJe7XzY="}
    assert not dingtalk_signature_ok(signed, "secret")  # more than an hour ago
    assert dingtalk_signature_ok(signed, "secret", now=1700000000.0 + 60)


def test_wecom_markdown_and_a_mention_by_mobile(rx):
    ch = Channel("w", "wecom", rx.url + "/cgi-bin/webhook/send?key=k-1")
    assert send(ch, "", TITLE, TEXT, LINK).detail == "HTTP 200 errcode 0"
    assert send(ch, PHONE, TITLE, TEXT, LINK).ok
    plain, mention = rx.wait_for(2)
    assert plain.query == {"key": "k-1"} and plain.json["msgtype"] == "markdown"
    content = plain.json["markdown"]["content"]
    assert f"**{TITLE}**" in content and TEXT in content and f"[查看详情]({LINK})" in content
    assert mention.json == {
        "msgtype": "text",
        "text": {"content": f"{TITLE}\n{TEXT}\n{LINK}", "mentioned_mobile_list": [PHONE]},
    }


def test_feishu_signs_in_the_body(rx):
    ch = Channel("f", "feishu", rx.url + "/open-apis/bot/v2/hook/abc", SECRET)
    assert send(ch, "", TITLE, TEXT, LINK).detail == "HTTP 200 code 0"
    (got,) = rx.wait_for(1)
    assert got.json["msg_type"] == "text" and got.json["content"] == {"text": f"{TITLE}\n{TEXT}\n{LINK}"}
    assert feishu_signature_ok(got.json, SECRET) and not feishu_signature_ok(got.json, "other")
    unsigned = Channel("f", "feishu", rx.url + "/open-apis/bot/v2/hook/abc")
    assert send(unsigned, "", TITLE, TEXT, None).ok
    assert set(rx.wait_for(2)[1].json) == {"msg_type", "content"}


def test_feishu_answers_of_both_versions(rx):
    ch = Channel("f", "feishu", rx.url + "/hook")
    rx.answer(json={"StatusCode": 0, "StatusMessage": "success"}, times=1)
    assert send(ch, "", TITLE, TEXT, None) == channels.Sent(True, False, "HTTP 200 StatusCode 0")
    rx.answer(json={"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}, times=1)
    refused = send(ch, "", TITLE, TEXT, None)
    assert not refused.ok and refused.retry and "19021" in refused.detail


def test_webhook_posts_the_generic_json_signed(rx):
    ch = Channel("hook", "webhook", rx.url + "/in", SECRET)
    assert send(ch, "", TITLE, TEXT, LINK) == channels.Sent(True, False, "HTTP 200")
    (got,) = rx.wait_for(1)
    assert {k: got.json[k] for k in ("title", "text", "link", "channel")} == {
        "title": TITLE,
        "text": TEXT,
        "link": LINK,
        "channel": "hook",
    }
    sent_at = datetime.fromisoformat(got.json["sent_at"])
    assert sent_at.tzinfo is not None and abs(sent_at.timestamp() - got.at) < 60
    assert webhook_signature_ok(got.body, got.headers["X-GridOps-Signature"], SECRET)
    assert not webhook_signature_ok(got.body + b" ", got.headers["X-GridOps-Signature"], SECRET)
    assert send(Channel("hook", "webhook", rx.url + "/in"), "", TITLE, TEXT, None).ok
    assert rx.wait_for(2)[1].headers["X-GridOps-Signature"] is None


def test_sms_gateway_default_shape_and_bearer(rx):
    ch = Channel("s", "sms", rx.url + "/sms/send", SECRET, options={"sign": "某某区城运中心"})
    assert send(ch, PHONE, "", TEXT, None).ok
    (got,) = rx.wait_for(1)
    assert got.json == {"phone": PHONE, "text": TEXT, "sign": "某某区城运中心"}
    assert got.headers["Authorization"] == f"Bearer {SECRET}"


def test_sms_gateway_template_and_its_refusals(rx):
    template = '{"mobile": "{phone}", "content": "【{sign}】{text}", "extra": ["{phone}", 1]}'
    ch = Channel("s", "sms", rx.url + "/gw", options={"sign": "城运", "template": template})
    assert send(ch, PHONE, "", 'say "hi" {x}', None).ok
    got = rx.wait_for(1)[0]
    assert got.json == {"mobile": PHONE, "content": '【城运】say "hi" {x}', "extra": [PHONE, 1]}
    assert got.headers["Authorization"] is None
    rx.answer(json={"code": 1001, "message": "余额不足"}, times=1)
    assert send(ch, PHONE, "", TEXT, None) == channels.Sent(False, True, "HTTP 200 code 1001 余额不足")
    rx.answer(json={"ok": False, "msg": "blocked"}, times=1)
    assert send(ch, PHONE, "", TEXT, None).retry
    rx.answer(json={"code": "OK"}, times=1)
    assert send(ch, PHONE, "", TEXT, None).ok
    missing = send(ch, "", "", TEXT, None)
    assert not missing.ok and missing.retry and len(rx.requests) == 4  # nothing sent without a number


# ---- e-mail --------------------------------------------------------------------------------------------
def test_email_arrives_with_a_chinese_subject_and_body():
    with SmtpReceiver() as mx:
        ch = Channel("m", "email", mx.endpoint + "?from=noreply@example.gov.cn")
        sent = send(ch, "duty@example.gov.cn", TITLE, TEXT, LINK)
        assert sent.ok and not sent.retry and sent.detail.startswith("SMTP 250")
        (mail,) = mx.wait_for(1)
    assert mail.mail_from == "noreply@example.gov.cn" and mail.rcpt_tos == ["duty@example.gov.cn"]
    assert b"Subject: =?utf-8?" in mail.data  # encoded as RFC 2047 on the wire, decoded here
    assert mail.subject == TITLE and mail.text == f"{TEXT}\n{LINK}\n"
    assert mail.message["To"] == "duty@example.gov.cn" and mail.message["Message-ID"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_email_signs_in_with_the_channel_secret_as_password():
    with SmtpReceiver(login=("gridops", "p@ss w0rd")) as mx:
        host = mx.endpoint.removeprefix("smtp://")
        with_secret = Channel("m", "email", f"smtp://gridops@{host}", "p@ss w0rd", options={"from": "a@example.gov.cn"})
        assert send(with_secret, "duty@example.gov.cn", TITLE, TEXT, None).ok
        in_url = Channel("m", "email", f"smtp://gridops:p%40ss%20w0rd@{host}?from=b@example.gov.cn")
        assert send(in_url, "duty@example.gov.cn", TITLE, TEXT, None).ok
        wrong = send(Channel("m", "email", f"smtp://gridops@{host}", "nope"), "duty@example.gov.cn", TITLE, TEXT, None)
        assert not wrong.ok and wrong.retry and "535" in wrong.detail
        first, second = mx.wait_for(2)
    assert (first.login, first.mail_from, second.mail_from) == ("gridops", "a@example.gov.cn", "b@example.gov.cn")
    assert len(mx.messages) == 2


def test_email_refused_rejected_and_cut_off():
    refused = send(Channel("m", "email", "smtp" + closed_url().removeprefix("http")), "a@b.cn", TITLE, TEXT, None)
    assert refused == channels.Sent(False, True, "连接被拒绝")
    for reply in ("550 5.7.1 rejected by policy", "451 4.3.0 try again later"):
        with SmtpReceiver(reply=reply) as mx:
            rejected = send(Channel("m", "email", mx.endpoint), "a@b.cn", TITLE, TEXT, None)
        assert rejected == channels.Sent(False, True, f"SMTP {reply}")
    with SmtpReceiver(hold=5) as mx:
        started = _time.monotonic()
        cut = send(Channel("m", "email", mx.endpoint), "a@b.cn", TITLE, TEXT, None, timeout=0.5)
        assert _time.monotonic() - started < 3
        assert len(mx.wait_for(1)) == 1  # the server had the message: it may well arrive
    assert not cut.ok and not cut.retry
    assert send(Channel("m", "email", "smtp://127.0.0.1:1"), "", TITLE, TEXT, None).retry  # no recipient


# ---- what a failure means ------------------------------------------------------------------------------
def test_a_refused_connection_may_be_sent_again():
    for kind in ("dingtalk", "wecom", "feishu", "webhook", "sms"):
        sent = send(Channel("x", kind, closed_url("/robot/send?access_token=t"), SECRET), PHONE, TITLE, TEXT, None)
        assert sent == channels.Sent(False, True, "连接被拒绝"), kind


def test_an_http_error_or_a_robots_error_code_may_be_sent_again(rx):
    ch = Channel("d", "dingtalk", rx.url + "/robot/send?access_token=t", SECRET)
    rx.answer(status=500, json={"errmsg": "relay down"}, times=1)
    assert send(ch, "", TITLE, TEXT, None) == channels.Sent(False, True, "HTTP 500 relay down")
    rx.answer(status=403, body=b"<html>forbidden</html>", times=1)
    assert send(ch, "", TITLE, TEXT, None) == channels.Sent(False, True, "HTTP 403 Forbidden")
    rx.answer(json={"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com]"}, times=1)
    signed = send(ch, "", TITLE, TEXT, None)
    assert not signed.ok and signed.retry and signed.detail.startswith("HTTP 200 errcode 310000 sign not match")
    rx.answer(json={"errcode": 93000, "errmsg": "invalid webhook url " + "x" * 500}, times=1)
    long = send(Channel("w", "wecom", rx.url + "/send?key=k"), "", TITLE, TEXT, None)
    assert long.retry and len(long.detail) <= channels.DETAIL_MAX and "93000" in long.detail
    assert SECRET not in signed.detail + long.detail and rx.url not in signed.detail + long.detail
    rx.answer(status=302, times=1)
    moved = send(ch, "", TITLE, TEXT, None)
    assert not moved.ok and not moved.retry  # the relay said something else: not known to be refused
    assert send(ch, "", TITLE, TEXT, None).ok  # the rules given once are used up


def test_an_answer_held_past_the_timeout_may_have_arrived(rx):
    rx.answer("/robot/send", hold=10)
    ch = Channel("d", "dingtalk", rx.url + "/robot/send?access_token=t", SECRET)
    started = _time.monotonic()
    sent = send(ch, PHONE, TITLE, TEXT, LINK, timeout=0.5)
    assert _time.monotonic() - started < 3
    assert not sent.ok and not sent.retry and "超时" in sent.detail
    (got,) = rx.wait_for(1)  # recorded on arrival, before the (never read) answer
    assert dingtalk_signature_ok(got.query, SECRET)


def test_an_unknown_kind_sends_nothing():
    assert send(Channel("x", "pager", "http://127.0.0.1:1/"), "", TITLE, TEXT, None).retry


# ---- quiet hours -----------------------------------------------------------------------------------------
def test_quiet_hours_across_midnight():
    ch = Channel("q", "webhook", "http://relay/", quiet_from=time(22, 0), quiet_to=time(7, 0))
    assert quiet(ch, datetime(2026, 11, 20, 23, 30, tzinfo=TZ)) == datetime(2026, 11, 21, 7, 0, tzinfo=TZ)
    assert quiet(ch, datetime(2026, 11, 20, 22, 0, tzinfo=TZ)) == datetime(2026, 11, 21, 7, 0, tzinfo=TZ)
    assert quiet(ch, datetime(2026, 11, 21, 6, 59, tzinfo=TZ)) == datetime(2026, 11, 21, 7, 0, tzinfo=TZ)
    assert quiet(ch, datetime(2026, 11, 21, 7, 0, tzinfo=TZ)) is None
    assert quiet(ch, datetime(2026, 11, 21, 12, 0, tzinfo=TZ)) is None
    assert quiet(ch, datetime(2026, 11, 21, 21, 59, 59, tzinfo=TZ)) is None
    # compared in Beijing time whatever the zone given: 15:30 UTC is 23:30 in Beijing
    utc = quiet(ch, datetime(2026, 12, 31, 15, 30, tzinfo=ZoneInfo("UTC")))
    assert utc == datetime(2027, 1, 1, 7, 0, tzinfo=TZ) and utc.utcoffset().total_seconds() == 8 * 3600


def test_quiet_hours_within_a_day_and_none():
    noon = Channel("q", "webhook", "http://relay/", quiet_from=time(12, 0), quiet_to=time(14, 30))
    assert quiet(noon, datetime(2026, 11, 20, 13, 0, tzinfo=TZ)) == datetime(2026, 11, 20, 14, 30, tzinfo=TZ)
    assert quiet(noon, datetime(2026, 11, 20, 11, 59, tzinfo=TZ)) is None
    assert quiet(noon, datetime(2026, 11, 20, 14, 30, tzinfo=TZ)) is None
    assert quiet(Channel("q", "webhook", "http://relay/"), datetime(2026, 11, 20, 3, 0, tzinfo=TZ)) is None
    with pytest.raises(ValueError):
        quiet(noon, datetime(2026, 11, 20, 13, 0))


# ---- the table and the command line -----------------------------------------------------------------
@pytest.fixture
def admin(admin_dsn_):
    database = Database(admin_dsn_)
    yield database
    with database.transaction() as cur:
        cur.execute("DELETE FROM notify_channels WHERE name LIKE 'chtest-%%'")
    database.close()


def test_channels_are_saved_loaded_and_listed(admin, db):
    ch = Channel(
        "chtest-ding",
        "dingtalk",
        "https://relay.example.gov.cn/robot/send?access_token=abc",
        SECRET,
        {"note": "值班群"},
        time(22, 0),
        time(7, 0),
        5,
        True,
    )
    assert channels.save(admin, ch) is True
    assert channels.load(db, "chtest-ding") == ch  # the app's pool reads it as it was written
    assert channels.save(admin, Channel("chtest-ding", "webhook", "http://relay/in")) is False
    assert channels.load(db, "chtest-ding") == Channel("chtest-ding", "webhook", "http://relay/in")
    assert "chtest-ding" in [c.name for c in channels.listed(db)]
    assert channels.load(db, "chtest-none") is None
    for bad, says in [
        (Channel("Bad Name", "webhook", "http://relay/"), "channel name"),
        (Channel("chtest-x", "pager", "http://relay/"), "dingtalk, wecom"),
        (Channel("chtest-x", "email", "http://relay/"), "smtp"),
        (Channel("chtest-x", "wecom", "smtp://relay/"), "http"),
        (Channel("chtest-x", "sms", "http://relay/", options={"template": "[1"}), "JSON object"),
        (Channel("chtest-x", "webhook", "http://relay/", quiet_from=time(1)), "both ends"),
    ]:
        with pytest.raises(ValueError, match=says):
            channels.save(admin, bad)
    assert channels.remove(admin, "chtest-ding") and not channels.remove(admin, "chtest-ding")
    with psycopg2.connect(admin.dsn) as conn, conn.cursor() as cur:
        cur.execute(
            "SELECT detail->>'op', detail->>'secret' FROM audit_log WHERE action = 'notify_admin'"
            " AND detail->>'channel' = 'chtest-ding' ORDER BY id DESC LIMIT 3"
        )
        assert cur.fetchall() == [("remove", None), ("replace", "false"), ("add", "true")]
    conn.close()


def _gridops(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [GRIDOPS, "notify", *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_line(admin, rx):
    added = _gridops(
        "channel",
        "add",
        "chtest-cli",
        "--kind",
        "dingtalk",
        "--endpoint",
        rx.url + "/robot/send?access_token=tok-abcdef",
        "--quiet",
        "22:00-07:00",
        "--digest-minutes",
        "15",
        "--option",
        "note=值班群",
        "--option",
        'template={"a": "{text}"}',
        env={"GRIDOPS_NOTIFY_SECRET": SECRET},
    )
    assert added.returncode == 0 and added.stdout.strip() == "added channel chtest-cli (dingtalk)", added.stderr
    ch = channels.load(admin, "chtest-cli")
    assert (ch.secret, ch.quiet_from, ch.quiet_to, ch.digest_minutes) == (SECRET, time(22), time(7), 15)
    assert ch.options == {"note": "值班群", "template": {"a": "{text}"}}

    listed = _gridops("channel", "list")
    line = next(x for x in listed.stdout.splitlines() if x.startswith("chtest-cli "))
    assert "已设置" in line and "22:00-07:00" in line and "access_token=tok-…" in line
    assert SECRET not in listed.stdout and "tok-abcdef" not in listed.stdout

    tested = _gridops("test", "--channel", "chtest-cli", "--to", PHONE)  # in its quiet hours or not
    assert tested.returncode == 0 and tested.stdout.strip() == "sent through chtest-cli: HTTP 200 errcode 0"
    (got,) = rx.wait_for(1)
    assert dingtalk_signature_ok(got.query, SECRET)
    assert "【网格治理】测试消息：渠道 chtest-cli 已连通。" in got.json["markdown"]["text"]

    rx.answer(json={"errcode": 300001, "errmsg": "token is not exist"})
    failed = _gridops("test", "--channel", "chtest-cli")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.strip() == (
        "error: not sent through chtest-cli: HTTP 200 errcode 300001 token is not exist (it did not arrive)"
    )

    assert (
        _gridops("channel", "add", "chtest-mail", "--kind", "email", "--endpoint", "smtp://127.0.0.1:1").returncode == 0
    )
    no_to = _gridops("test", "--channel", "chtest-mail")
    assert no_to.returncode == 1 and "needs --to" in no_to.stderr

    assert _gridops("channel", "remove", "chtest-cli").stdout.strip() == "removed channel chtest-cli"
    assert channels.load(admin, "chtest-cli") is None


def test_the_command_lines_errors_name_the_fix(admin):
    for args in (["test", "--channel", "chtest-nope"], ["channel", "remove", "chtest-nope"]):
        done = _gridops(*args)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert done.stderr.strip() == "error: no channel 'chtest-nope' (see: gridops notify channel list)"
    add = ["channel", "add", "chtest-bad", "--endpoint", "http://relay/"]
    kind = _gridops(*add, "--kind", "pager")
    assert kind.returncode == 2 and all(k in kind.stderr for k in channels.KINDS)
    bad_quiet = _gridops(*add, "--kind", "webhook", "--quiet", "10pm-7am")
    assert bad_quiet.returncode == 2 and "HH:MM-HH:MM, e.g. 22:00-07:00" in bad_quiet.stderr
    bad_option = _gridops(*add, "--kind", "webhook", "--option", "novalue")
    assert bad_option.returncode == 2 and "key=value" in bad_option.stderr
    bad_endpoint = _gridops("channel", "add", "chtest-bad", "--kind", "email", "--endpoint", "mail.example.gov.cn")
    assert bad_endpoint.returncode == 1 and bad_endpoint.stderr.startswith(
        "error: a channel of kind email: the endpoint is a smtp://… or smtps://… URL"
    )
    bad_name = _gridops("channel", "add", "Bad Name", "--kind", "webhook", "--endpoint", "http://relay/")
    assert bad_name.returncode == 1 and "channel name 'Bad Name'" in bad_name.stderr
    assert channels.load(admin, "chtest-bad") is None
    help_text = _gridops("--help").stdout
    assert "channel" in help_text and "test" in help_text and "通知" in help_text
