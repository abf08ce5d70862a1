"""Bad set-up input gets one line that says what is wrong and what to do, never a traceback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2
from psycopg2 import sql

from geodata.ops.cluster import Cluster, find_bindir
from geodata.roles import OWNER_ROLE, SUPERUSER
from tests.conftest import GRIDOPS
from tests.server import ROOT, free_port


def _setup(env_extra: dict[str, str], tmp_path=None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(env_extra)
    return subprocess.run(
        [GRIDOPS, "setup", "--no-demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_unreachable_database_url():
    line = _one_line_error(_setup({"DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"}))
    assert "DATABASE_URL is unreachable" in line and "check host, port and password" in line


def test_port_already_in_use():
    # A folder the postgres system user can reach (pytest's tmp_path is private to root).
    base = Path(tempfile.mkdtemp(prefix="gridops-port-test-", dir="/var/tmp"))
    base.chmod(0o755)
    var = base / "var"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        line = _one_line_error(_setup({"GRIDOPS_VAR_DIR": str(var), "GRIDOPS_PG_PORT": str(port)}))
    assert f"port {port}" in line and "GRIDOPS_PG_PORT" in line
    shutil.rmtree(base, ignore_errors=True)


def test_database_without_postgis_and_no_right_to_create_it(loaded, settings):
    cluster = Cluster(settings)
    conn = psycopg2.connect(cluster.dsn(SUPERUSER, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS gridops_nopostgis")
        cur.execute(sql.SQL("CREATE DATABASE gridops_nopostgis OWNER {}").format(sql.Identifier(OWNER_ROLE)))
    try:
        url = cluster.dsn(OWNER_ROLE, "gridops_nopostgis")
        line = _one_line_error(_setup({"DATABASE_URL": url}))
        assert "no postgis extension" in line and "CREATE EXTENSION postgis" in line
    finally:
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS gridops_nopostgis WITH (FORCE)")
        conn.close()


def test_postgresql_without_postgis_and_no_way_to_install_it(tmp_path):
    """A real PostgreSQL (a relocated copy of the installed binaries) whose share directory has no PostGIS."""
    system = find_bindir()
    assert system is not None, "no PostgreSQL installed: run 'make system'"
    bindir = tmp_path / "lib" / "postgresql" / system.parent.name / "bin"
    shutil.copytree(system, bindir, symlinks=True)
    # PostgreSQL finds its share directory relative to its binaries, so this copy has its own.
    share = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True, text=True, check=True)
    extension = Path(share.stdout.strip()) / "extension"
    assert tmp_path in extension.parents, f"the copied pg_config still reports {extension}"
    extension.mkdir(parents=True)
    var = tmp_path / "var"
    line = _one_line_error(
        _setup({"GRIDOPS_PG_BINDIR": str(bindir), "GRIDOPS_VAR_DIR": str(var), "GRIDOPS_PG_PORT": str(free_port())})
    )
    assert f"PostGIS is not installed for the PostgreSQL in {bindir}" in line
    assert "GRIDOPS_PG_BINDIR" in line and "DATABASE_URL" in line
    assert not (var / "pgdata").exists()


def test_bindir_without_postgresql(tmp_path):
    line = _one_line_error(_setup({"GRIDOPS_PG_BINDIR": str(tmp_path)}))
    assert f"GRIDOPS_PG_BINDIR={tmp_path.resolve()} holds no pg_ctl" in line


def test_a_server_without_the_scope_roles_gets_the_sql_to_run_and_no_schema(loaded, settings):
    """DATABASE_URL as a user the scope roles are not granted to: set-up stops before the first
    migration with the statements to run, and leaves the database as it found it."""
    cluster = Cluster(settings)
    conn = psycopg2.connect(cluster.dsn(SUPERUSER, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("DROP DATABASE IF EXISTS gridops_noroles")
        cur.execute(sql.SQL("CREATE DATABASE gridops_noroles OWNER {}").format(sql.Identifier(OWNER_ROLE)))
    db = psycopg2.connect(cluster.dsn(SUPERUSER, "gridops_noroles"))
    db.autocommit = True
    with db.cursor() as cur:
        cur.execute("CREATE EXTENSION postgis")
    try:
        line = _one_line_error(_setup({"DATABASE_URL": cluster.dsn(OWNER_ROLE, "gridops_noroles")}))
        assert "roles of row-level security are missing or not granted to gridops_owner" in line
        assert "GRANT gridops_scope_all TO gridops_owner;" in line and "then run gridops setup again" in line
        with db.cursor() as cur:
            cur.execute("SELECT to_regclass('schema_migrations') IS NULL AND to_regclass('units') IS NULL")
            assert cur.fetchone()[0]
    finally:
        db.close()
        with conn.cursor() as cur:
            cur.execute("DROP DATABASE IF EXISTS gridops_noroles WITH (FORCE)")
        conn.close()
