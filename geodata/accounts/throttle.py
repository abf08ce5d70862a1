"""How long a sign-in attempt must wait: delays that grow with wrong passwords, never a lock-out
that a stranger can cause.

Failures are read from the audit log (every process and worker sees the same counts) and counted
three ways, each with a few free tries, then a wait that doubles with each further wrong
password, up to ``CAP`` after the last one:

- a **known device** (a browser holding a signed device cookie from an earlier sign-in of that
  name) counts only its own failures. Whatever strangers try against a name, its owner still
  signs in from their own browser at once;
- from any other browser, the **name and address pair** counts: an attacker slows down only
  their own guesses at that name from their address; the owner elsewhere is not held up;
- and the **address** as a whole, more freely (password spraying over many names).

An attempt that must still wait is refused before the password is checked.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from geodata.queries import sql_text

WINDOW = timedelta(minutes=15)  # failures older than this are forgotten
CAP = timedelta(minutes=15)  # the longest wait after a last failure
BASE = timedelta(seconds=1)  # the first wait, doubled with each failure past the free ones
FREE = {"device": 5, "pair": 5, "address": 30}  # wrong passwords without any wait


def wait_after(failures: int, free: int) -> timedelta:
    """The wait after the last of ``failures`` wrong passwords (zero within the free ones)."""
    if failures < free:
        return timedelta(0)
    return min(CAP, BASE * 2 ** min(failures - free, 20))


def retry_after(cur, name: str, ip: str | None, device: str | None) -> int:
    """Seconds this attempt must still wait (0: check the password)."""
    cur.execute(sql_text("signin_failures"), {"name": name, "ip": ip, "device": device, "window": WINDOW})
    row = dict(zip([d.name for d in cur.description], cur.fetchone()))
    now: datetime = row["now"]
    counted = ("device",) if device else ("pair", "address")
    waits = [
        row[f"{key}_last"] + wait_after(row[f"{key}_n"], FREE[key]) - now
        for key in counted
        if row[f"{key}_last"] is not None
    ]
    longest = max(waits, default=timedelta(0))
    return max(0, int(-(-longest.total_seconds() // 1)))  # whole seconds, rounded up
