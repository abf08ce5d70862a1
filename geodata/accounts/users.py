"""Users (分级授权): a role and a scope unit each; password sign-in, slowed down by
geodata/accounts/throttle.py (growing delays, never a lock-out a stranger can cause); the admin command line.

Passwords are hashed with werkzeug's scrypt. A password change, a disable or a rescope ends every
session of the user in the same transaction (geodata/accounts/sessions.py).

    gridops users create --username jiedao1 --role street --scope 410171002 --name 明湖办事处
    gridops users create --username cgj1 --role department --department CGJ --scope 410171 --name 城管局
    gridops users passwd|disable|enable USERNAME
    gridops users rescope USERNAME --role community --scope 410171002004
    gridops users list
    gridops users sessions USERNAME          # live sessions
    gridops users end-sessions USERNAME      # sign the user out everywhere
    gridops users audit [--action sign_in_failed] [--limit 50]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from psycopg2 import sql
from werkzeug.security import check_password_hash, generate_password_hash

from geodata import units
from geodata.accounts import audit, sessions, throttle
from geodata.db import Database
from geodata.queries import sql_text

# role → the level its scope unit must have (None: any unit). city (市级) and admin see the whole
# territory whatever their unit (access/principal.py); the others see their unit and below it.
ROLES = {
    "city": None,
    "district": "district",
    "street": "street",
    "community": "community",
    "analyst": None,
    "admin": None,
    # the working roles (DESIGN §12): a dispatcher works a city's or a district's centre; a
    # department's handler works its department's cases wherever they are (its scope unit only
    # bounds what it may look at); a grid worker one grid; a verifier one street office.
    "dispatcher": None,
    "department": None,
    "gridworker": "grid",
    "verifier": "street",
}
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,40}$")
MIN_PASSWORD = 10
# Compared against when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password of anyone")
MISMATCH = "用户名或密码错误，或账号已停用 (wrong name or password, or the account is disabled)"
WAIT = "登录失败次数过多，请 {s} 秒后再试 (too many failed sign-ins from here; try again in {s} s)"


@dataclass(frozen=True)
class User:
    """A signed-in user: who, in which role, over which unit."""

    id: int
    username: str
    display_name: str
    role: str
    scope_code: str
    department_code: str | None = None


class AuthError(Exception):
    """A sign-in that did not succeed; ``message`` is safe to show (it never says which part was wrong)."""

    def __init__(self, reason: str, message: str, retry_after: int = 0) -> None:
        super().__init__(message)
        self.reason, self.message, self.retry_after = reason, message, retry_after


def _check_fields(db: Database, username: str, role: str, scope_code: str, department: str | None = None) -> None:
    errors = []
    if role == "department" and not department:
        errors.append("department: a department user needs --department CODE (see: gridops load's departments)")
    elif role != "department" and department:
        errors.append(f"department: only a department user has one, not a {role} user")
    elif department:
        with db.transaction() as cur:
            cur.execute(sql_text("department_by_code"), {"code": department})
            if cur.fetchone() is None:
                errors.append(f"department: no department with code {department!r}")
    if not USERNAME.match(username or ""):
        errors.append("username: 2–40 letters, digits, '.', '_' or '-'")
    if role not in ROLES:
        errors.append(f"role: one of {', '.join(ROLES)}")
    unit = units.by_code(db, scope_code)
    if unit is None:
        errors.append(f"scope: no unit with code {scope_code!r}")
    elif ROLES.get(role) and unit.level != ROLES[role]:
        errors.append(f"scope: a {role} user needs a {ROLES[role]} unit, and {scope_code} is a {unit.level}")
    if errors:
        raise ValueError("; ".join(errors))


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValueError(f"the password needs at least {MIN_PASSWORD} characters")


def create(
    db: Database,
    username: str,
    password: str,
    role: str,
    scope_code: str,
    display_name: str,
    by: str = "cli",
    department: str | None = None,
) -> User:
    """Add a user; ValueError names what is wrong (taken name, bad role, scope or department, short
    password)."""
    _check_fields(db, username, role, scope_code, department)
    _check_password(password)
    with db.transaction() as cur:
        cur.execute(
            sql_text("user_insert"),
            {
                "username": username,
                "display_name": display_name or username,
                "role": role,
                "scope_code": scope_code,
                "department_code": department,
                "password_hash": generate_password_hash(password),
            },
        )
        row = cur.fetchone()
        if row is None:
            raise ValueError(f"username {username!r} is taken")
        audit.record(
            cur, by, "user_admin", op="create", username=username, role=role, scope=scope_code, department=department
        )
    return User(row[0], username, display_name or username, role, scope_code, department)


def _update(db: Database, username: str, op: str, sets: str, params: tuple, by: str, ends: str | None) -> None:
    """Change a user's row; ``ends`` names why their sessions end with it (None: they go on)."""
    with db.transaction() as cur:
        cur.execute(sql.SQL("UPDATE users SET {} WHERE username = %s").format(sql.SQL(sets)), (*params, username))
        if cur.rowcount != 1:
            raise ValueError(f"no user {username!r} (see: gridops users list)")
        ended = sessions.end_user(cur, username, ends) if ends else 0
        audit.record(cur, by, "user_admin", op=op, username=username, sessions_ended=ended)


def set_password(db: Database, username: str, password: str, by: str = "cli") -> None:
    """Give a user a new password; every session of theirs ends."""
    _check_password(password)
    _update(db, username, "passwd", "password_hash = %s", (generate_password_hash(password),), by, "password")


def disable(db: Database, username: str, by: str = "cli") -> None:
    """Stop a user from signing in; every session of theirs ends."""
    _update(db, username, "disable", "disabled_at = now()", (), by, "disabled")


def enable(db: Database, username: str, by: str = "cli") -> None:
    """Let a disabled user sign in again."""
    _update(db, username, "enable", "disabled_at = NULL", (), by, None)


def rescope(
    db: Database, username: str, role: str, scope_code: str, by: str = "cli", department: str | None = None
) -> None:
    """Give a user another role and scope (and department, for a department's handler); every
    session of theirs ends (they sign in anew)."""
    _check_fields(db, username, role, scope_code, department)
    _update(
        db,
        username,
        f"rescope {role} {scope_code}" + (f" {department}" if department else ""),
        "role = %s, scope_code = %s, department_code = %s",
        (role, scope_code, department),
        by,
        "rescope",
    )


def end_sessions(db: Database, username: str, by: str = "cli") -> int:
    """Sign a user out everywhere (an admin's choice); how many sessions ended."""
    with db.transaction() as cur:
        cur.execute(sql_text("user_exists"), {"username": username})
        if cur.fetchone() is None:
            raise ValueError(f"no user {username!r} (see: gridops users list)")
        ended = sessions.end_user(cur, username, "admin")
        audit.record(cur, by, "session_end", op="admin", username=username, sessions_ended=ended)
    return ended


def by_id(db: Database, user_id: int) -> User | None:
    """A live (not disabled) user, or None: sessions are checked against this on every request."""
    with db.transaction() as cur:
        cur.execute(sql_text("user_live"), {"id": user_id})
        row = cur.fetchone()
    return User(*row) if row else None


def authenticate(db: Database, username: str, password: str, ip: str | None, device: str | None = None) -> User:
    """The user, when the name and password match and the attempt need not wait; every attempt is
    logged (and the log is committed before a refusal is raised). Raises AuthError otherwise.

    ``device`` is the id of a known device of this name (access/signin.py's device cookie): its
    failures are counted apart, so strangers' guesses never hold its owner up (geodata/accounts/throttle.py).
    """
    name = (username or "").strip()[:40]
    refusal: AuthError | None = None
    seen = {"device": device} if device else {}
    with db.transaction() as cur:
        wait = throttle.retry_after(cur, name, ip, device)
        cur.execute(sql_text("user_sign_in"), {"username": name})
        row = cur.fetchone()
        if wait > 0:
            audit.record(cur, name or "-", "sign_in_failed", ip, reason="throttled", **seen)
            refusal = AuthError("throttled", WAIT.format(s=wait), wait)
        elif not check_password_hash(row[5] if row else _DUMMY_HASH, password or "") or not row:
            audit.record(cur, name or "-", "sign_in_failed", ip, reason="mismatch", **seen)
            refusal = AuthError("mismatch", MISMATCH)
        elif row[6] is not None:
            audit.record(cur, name, "sign_in_failed", ip, reason="disabled", **seen)
            refusal = AuthError("disabled", MISMATCH)
        else:
            audit.record(cur, name, "sign_in", ip, role=row[3], scope=row[4], **seen)
    if refusal is not None:
        raise refusal
    return User(*row[:5])


DEMO_PASSWORD = "gridops-demo-2026"


def seed_demo_if_empty(cur) -> bool:
    """One demo user per role (README) when there is no user at all and units are loaded: scoped to
    the district, its first street, that street's first community and that community's first
    grid. True when it seeded."""
    cur.execute(sql_text("users_any"))
    if cur.fetchone()[0]:
        return False
    cur.execute(sql_text("demo_user_scopes"))
    row = cur.fetchone()
    if row is None:
        return False
    _seed_demo(cur, *row)
    return True


# The department of the demo department's handler (城市管理局, the demo city's busiest).
DEMO_DEPARTMENT = "CGJ"


def _demo_users(district: str, street: str, community: str, grid: str | None) -> list[tuple]:
    """(username, display name, role, scope code, department code) of the demo users."""
    found = [
        ("district", "区城运中心", "district", district, None),
        ("street", "办事处值班员", "street", street, None),
        ("community", "社区网格长", "community", community, None),
        ("analyst", "数据分析员", "analyst", district, None),
        ("admin", "系统管理员", "admin", district, None),
        ("dispatcher", "城运中心值班员", "dispatcher", district, None),
        ("dept_cgj", "城市管理局承办人", "department", district, DEMO_DEPARTMENT),
        ("verifier", "街道党工委督查", "verifier", street, None),
    ]
    if grid is not None:
        found.append(("gridworker", "网格员", "gridworker", grid, None))
    return found


def _seed_demo(cur, district: str, street: str, community: str, grid: str | None) -> None:
    digest = generate_password_hash(DEMO_PASSWORD)
    for username, name, role, scope, department in _demo_users(district, street, community, grid):
        cur.execute(
            sql_text("user_insert"),
            {
                "username": username,
                "display_name": name,
                "password_hash": digest,
                "role": role,
                "scope_code": scope,
                "department_code": department,
            },
        )


def refresh_demo_users(cur) -> None:
    """After a generated city was loaded into a database that has users: the demo users it lacks
    (a role added since) are added, and those whose scope unit is gone get the new city's (other
    users are left as they are)."""
    cur.execute(sql_text("demo_user_scopes"))
    row = cur.fetchone()
    if row is None:
        return
    _seed_demo(cur, *row)  # a name that is taken is left alone
    for username, _, _, scope, _ in _demo_users(*row):
        cur.execute(sql_text("demo_user_rescope"), {"username": username, "scope_code": scope})


DEMO_USERS = ("district", "street", "community", "analyst", "admin", "dispatcher", "dept_cgj", "verifier", "gridworker")


def demo_passwords_left(db: Database) -> list[str]:
    """The demo users that still have the published demo password (production refuses to start)."""
    with db.transaction() as cur:
        cur.execute(sql_text("users_hashes"), {"usernames": list(DEMO_USERS)})
        rows = cur.fetchall()
    return [name for name, digest in rows if check_password_hash(digest, DEMO_PASSWORD)]


def listing(db: Database) -> list[tuple]:
    """(username, display name, role, scope, created, disabled) of every user."""
    with db.transaction() as cur:
        cur.execute(sql_text("users_list"))
        return cur.fetchall()
