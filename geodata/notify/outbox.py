"""Sending the messages that are due, each at most once.

A message is taken (locked, skipped by any other sender), its text composed from the steps it
tells, and marked ``sending`` in a transaction of its own before the channel is called: from then
on nothing sends it again, so a sender stopped mid-send (a killed worker) never sends a step
twice. Its answer decides the rest: sent; refused (the channel certainly did not take it: a
refused connection, an error status or code) → it waits and is tried again, the waits growing,
up to GRIDOPS_NOTIFY_ATTEMPTS; cut off after it went out → unknown (it may have arrived). A
message left ``sending`` by a stopped sender becomes ``unknown`` at the next run. During the
channel's quiet hours a message waits for their end.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geodata.db import Database
from geodata.notify import channels, messages
from geodata.queries import sql_text
from settings import get_settings

STALE_SENDING = timedelta(minutes=2)  # longer than any channel's timeout
RETRY_BASE = timedelta(minutes=2)  # the first wait before trying a refused message again


def base_url() -> str:
    settings = get_settings()
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def settle_stale(db: Database, now: datetime) -> int:
    """Messages a stopped sender left ``sending`` become ``unknown``; how many."""
    with db.transaction() as cur:
        cur.execute(sql_text("notify_message_stale"), {"before": now - STALE_SENDING})
        return cur.rowcount


def _take(db: Database, now: datetime) -> tuple | None:
    """Take the next due message: (id, channel, address, title, text, link, attempts), or None."""
    with db.transaction() as cur:
        while True:
            cur.execute(sql_text("notify_message_next"), {"now": now})
            row = cur.fetchone()
            if row is None:
                return None
            message, channel_name, address, attempts = row
            channel = channels.load_in(cur, channel_name)
            quiet_end = channels.quiet(channel, now) if channel is not None else None
            if quiet_end is not None:
                cur.execute(sql_text("notify_message_delay"), {"message": message, "send_after": quiet_end})
                continue
            cur.execute(sql_text("notify_message_items"), {"message": message})
            items = cur.fetchall()
            title, text, link = messages.compose(items, base_url()) if items else ("", "", None)
            cur.execute(sql_text("notify_message_hand"), {"message": message, "body": text, "now": now})
            return message, channel, address, title, text, link, attempts + 1


def send_due(db: Database, now: datetime, limit: int = 200) -> list[tuple[int, str]]:
    """Send up to ``limit`` due messages as of ``now``; each message's id and final state."""
    done = []
    attempts_allowed = get_settings().notify_attempts
    for _ in range(limit):
        taken = _take(db, now)
        if taken is None:
            break
        message, channel, address, title, text, link, attempts = taken
        refused_here = None
        if channel is None or not channel.enabled:
            refused_here = "渠道不存在或已停用"
        elif not text:
            refused_here = "无待发内容"
        result = channels.send(channel, address, title, text, link) if refused_here is None else None
        with db.transaction() as cur:
            if result is None:
                state, detail = "failed", refused_here
            elif result.ok:
                state, detail = "sent", result.detail
            elif result.retry and attempts < attempts_allowed:
                wait = RETRY_BASE * 2 ** (attempts - 1)
                cur.execute(
                    sql_text("notify_message_retry"),
                    {"message": message, "result": result.detail, "send_after": now + wait},
                )
                done.append((message, "pending"))
                continue
            else:  # refused too often, or cut off after it went out (it may have arrived)
                state, detail = ("failed" if result.retry else "unknown"), result.detail
            cur.execute(
                sql_text("notify_message_done"), {"message": message, "state": state, "result": detail, "now": now}
            )
        done.append((message, state))
    return done
