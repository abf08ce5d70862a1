"""The key that signs session cookies: required and checked in production, generated and kept in
the var folder during development (so ``make run`` needs no set-up, and no default key exists)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from geodata.errors import SetupError
from settings import Settings

MIN_LENGTH = 32
# Values seen in examples and tutorials: never acceptable as a real key.
KNOWN_DEFAULTS = {
    "",
    "change-me",
    "changeme",
    "secret",
    "dev",
    "development",
    "please-change-me",
    "your-secret-key",
    "gridops",
    "supersecret",
}


def resolve(settings: Settings) -> str:
    """The session key, or SetupError saying exactly what to set."""
    key = settings.secret_key
    if key is not None:
        if key.strip().lower() in KNOWN_DEFAULTS or len(key) < MIN_LENGTH:
            raise SetupError(
                f"GRIDOPS_SECRET_KEY is a default or shorter than {MIN_LENGTH} characters; set a random one: "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        return key
    if settings.production:
        raise SetupError(
            "production mode needs GRIDOPS_SECRET_KEY (32+ random characters): "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    return _development_key(settings.state_dir / "secret_key")


def _development_key(path: Path) -> str:
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key)
    return key


def refuse_demo_passwords() -> None:
    """Production must not start while a demo user still has the published demo password."""
    import psycopg2

    from geodata.accounts import users
    from geodata.db import get_db

    try:
        left = users.demo_passwords_left(get_db())
    except psycopg2.Error:
        return  # the database is away: the app starts and shows that; this check runs at the next start
    if left:
        raise SetupError(
            f"demo users {', '.join(left)} still have the published demo password; change it "
            "(gridops users passwd NAME) or disable them "
            "(gridops users disable NAME)"
        )
