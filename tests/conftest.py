"""Test harness: a real PostGIS (the embedded cluster, database ``gridops_test``), the real app
served in a subprocess, and headless Chromium. A skipped test fails the run."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import psycopg2
import psycopg2.extensions
import psycopg2.sql
import pytest

from geodata.clock import TZ

# Tests own their database: never the user's DATABASE_URL, never the demo database.
os.environ.pop("DATABASE_URL", None)
os.environ.pop("GRIDOPS_REPLICA_URLS", None)  # nor the user's read replicas (tests/test_failover.py makes its own)
os.environ["GRIDOPS_DB_NAME"] = "gridops_test"
if os.environ.get("GRIDOPS_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["GRIDOPS_TEST_DATABASE_URL"]

ROOT = Path(__file__).resolve().parent.parent
GRIDOPS = str(Path(sys.executable).with_name("gridops"))  # the console script make installs
ARTIFACTS = ROOT / "tests" / "artifacts"
ANCHOR = datetime(2026, 11, 20, 15, 30, tzinfo=TZ)
SEED = 7
TEST_SECRET = "test-only-secret-key-0123456789abcdefghij"
PHOTOS = ARTIFACTS / "photos"  # the photo store of the run (the served app's and the tests' own)
os.environ["GRIDOPS_PHOTO_DIR"] = str(PHOTOS)

from geodata.db import Database  # noqa: E402
from geodata.demo import city as demo  # noqa: E402
from geodata.ops.setup import ensure_database  # noqa: E402
from settings import Settings, get_settings  # noqa: E402
from tests.server import serve  # noqa: E402

SUMMARY: list[str] = []  # lines a test wants in the run's closing summary (the security matrix's size)


def pytest_terminal_summary(terminalreporter) -> None:
    """Print what tests asked to be printed, whatever the capture mode."""
    for line in SUMMARY:
        terminalreporter.write_line(line)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A skipped database or browser test must never pass silently."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(scope="session")
def settings():
    """Settings of the test run."""
    return get_settings()


@pytest.fixture(scope="session")
def loaded(settings) -> dict[str, int]:
    """A fresh test database with the demo city at a fixed anchor time."""
    ensure_database(settings, load_demo=False, reset=not settings.database_url)
    return demo.load(settings.admin_dsn(), "demo", SEED, ANCHOR, replace=True, log=lambda *_: None)


@pytest.fixture(scope="session")
def db(loaded, settings) -> Iterator[Database]:
    """A pool on the app role, as the app uses it."""
    database = Database(settings.app_dsn(), scoped=True, default_scope=("all", 0))  # the whole territory
    yield database
    database.close()


@pytest.fixture(scope="session")
def admin_dsn_(loaded, settings) -> str:
    """The owner role's connection string."""
    return settings.admin_dsn()


@pytest.fixture(scope="session")
def server(loaded) -> Iterator[str]:
    """The real app, refreshing every second, against the test database."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    proc, url = serve({"GRIDOPS_REFRESH_SECONDS": "1", "GRIDOPS_SECRET_KEY": TEST_SECRET})
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def anon_browser():
    """A fresh headless Chromium at wall size, signed in as nobody."""
    from tests.browser import chrome

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver = chrome()
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    )
    yield driver
    driver.quit()


@pytest.fixture
def browser(anon_browser, server):
    """A headless Chromium signed in as the district's demo user."""
    from tests import signin

    signin.browser(anon_browser, server)
    return anon_browser


@pytest.fixture(scope="session")
def http(server):
    """A requests session signed in as the district's demo user."""
    from tests import signin

    return signin.session(server)


@pytest.fixture(scope="session")
def api_key(admin_dsn_) -> str:
    """A live API key that writes as the 12345 hotline."""
    from geodata.accounts.apikeys import create

    database = Database(admin_dsn_)
    try:
        return create(database, "12345热线", ["hotline"])
    finally:
        database.close()


@pytest.fixture(scope="session", autouse=True)
def whole_territory():
    """Tests call the app's functions directly, outside any request: they read as the district
    does. (Row-level security itself is tested in test_rls.py, scope by scope.)"""
    from geodata.db import SCOPE

    token = SCOPE.set(("all", 0))
    yield
    SCOPE.reset(token)


# The loader's own database (tests/test_load.py and the cities loaded from their own files).
LOAD_TABLES = (
    "camera_events, case_photos, rating_links, case_events, user_notices, notify_deliveries, notify_messages, "
    "notify_steps, notify_routes, cases, case_keys, round_checkpoints, inspection_rounds, inspection_results, "
    "inspections, checkpoints, cameras, unit_category_stats, unit_stats, units"
)


@pytest.fixture(scope="session")
def load_settings() -> Settings:
    """Settings of a database of its own (these tests empty it), so the shared test database stays
    as it is: gridops_load_test on the embedded cluster, or <database>_load beside DATABASE_URL."""
    base = get_settings()
    if base.database_url:
        name = psycopg2.extensions.parse_dsn(base.database_url)["dbname"] + "_load"
        conn = psycopg2.connect(base.database_url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cur.fetchone() is None:
                cur.execute(psycopg2.sql.SQL("CREATE DATABASE {}").format(psycopg2.sql.Identifier(name)))
        conn.close()
        url = psycopg2.extensions.make_dsn(base.database_url, dbname=name)
        settings = base.model_copy(update={"database_url": url, "admin_database_url": None})
    else:
        settings = base.model_copy(update={"db_name": "gridops_load_test"})
    ensure_database(settings, load_demo=False, reset=not settings.database_url)
    return settings


@pytest.fixture
def empty(load_settings) -> Iterator[str]:
    """The loader's database with no units, points or cases; yields its owner DSN."""
    dsn = load_settings.admin_dsn()
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute(f"TRUNCATE {LOAD_TABLES} RESTART IDENTITY")
    conn.close()
    return dsn
