"""``gridops cluster ha`` (make ha): a primary, one synchronous standby and the failover manager
(pg_auto_failover: a monitor and a keeper per node) on this machine, on loopback ports, and the
app served against them (docs/scaling.md; README, "High availability").

    monitor   127.0.0.1:<ha_port>       the pg_auto_failover monitor (its own small PostgreSQL)
    node1     127.0.0.1:<ha_port + 1>   PostgreSQL + PostGIS, with its keeper (pg_autoctl run)
    node2     127.0.0.1:<ha_port + 2>   the same, streaming from node1 synchronously

The monitor promotes the standby when the primary stops answering. The app connects with a
multi-host connection string (``host=127.0.0.1,127.0.0.1 port=a,b target_session_attrs=read-write``):
a new connection finds whichever node is the primary now. Reads that may lag (the screens) go to
the standby (GRIDOPS_REPLICA_URLS, ``target_session_attrs=standby``).

Every server runs as the ``postgres`` system user when started by root (initdb refuses root). The
keepers' own connections (the monitor's health checks, replication) are trusted on 127.0.0.1 only;
GridOps's roles sign in with scram passwords kept in ``<ha dir>/secrets.json`` (mode 600). On real
hosts use ``--auth scram-sha-256`` and TLS instead (README).
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import psycopg2

from geodata.errors import SetupError
from geodata.ops.cluster import MAX_LOCKS_PER_TRANSACTION, Cluster, give_to_postgres, resolve_var_dir
from geodata.roles import APP_ROLE, OWNER_ROLE, SUPERUSER
from settings import Settings

HOST = "127.0.0.1"
NODES = ("node1", "node2")
# Failure detection in seconds, not the defaults' half a minute (monitor settings, milliseconds).
MONITOR_CONF = """
# Written by GridOps (geodata/ops/ha.py): detect a dead primary within a few seconds.
shared_buffers = 64MB
pgautofailover.health_check_period = 1000
pgautofailover.health_check_timeout = 1000
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = 500
pgautofailover.node_considered_unhealthy_timeout = 3000
# A primary that stops answering has this long to demote itself (its keeper does so after
# timeout.network_partition_timeout, KEEPER_CONF: shorter) before its standby is promoted.
pgautofailover.primary_demote_timeout = 5000
"""
NODE_CONF = f"""
# Written by GridOps (geodata/ops/ha.py). A standby needs at least the primary's lock table.
max_locks_per_transaction = {MAX_LOCKS_PER_TRANSACTION}
shared_buffers = 256MB
max_wal_size = 2GB
work_mem = 32MB
maintenance_work_mem = 256MB
jit = off
wal_receiver_status_interval = 1s
log_min_duration_statement = 2000
"""
# The keepers' settings (pg_autoctl config set): give up on the dead primary's WAL stream at once.
KEEPER_CONF = {
    "timeout.prepare_promotion_walreceiver": "1",
    "timeout.prepare_promotion_catchup": "10",
    # a primary cut off from the monitor and its standby demotes itself after this (seconds): before
    # the monitor's primary_demote_timeout lets the standby take over, so two primaries never write
    "timeout.network_partition_timeout": "3",
}


@dataclass
class Node:
    name: str
    port: int
    pgdata: Path


class HaCluster:
    """The monitor and two nodes under one folder; started and stopped by the PIDs it keeps."""

    def __init__(self, settings: Settings, base: Path | None = None, port: int | None = None) -> None:
        self.settings = settings
        self.base = Path(base or settings.ha_dir or resolve_var_dir(settings) / "ha").resolve()
        self.port = port or settings.ha_port
        self.monitor = Node("monitor", self.port, self.base / "monitor")
        self.nodes = [Node(name, self.port + 1 + i, self.base / name) for i, name in enumerate(NODES)]
        self.secrets_file = self.base / "secrets.json"
        self.as_root = os.geteuid() == 0
        self.procs: dict[str, subprocess.Popen] = {}
        self._bindir: Path | None = None

    # ---- running as the postgres system user ------------------------------------------------
    @property
    def bindir(self) -> Path:
        if self._bindir is None:
            self._bindir = Cluster(self.settings).bindir()
        return self._bindir

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PG", "XDG_"))}
        env.update(
            XDG_CONFIG_HOME=str(self.base / "config"),
            XDG_DATA_HOME=str(self.base / "data"),
            PG_CONFIG=str(self.bindir / "pg_config"),
            PATH=f"{self.bindir}:{env.get('PATH', '/usr/bin:/bin')}",
        )
        if self.as_root:
            env["HOME"] = pwd.getpwnam(SUPERUSER).pw_dir
        return env

    def _as_owner(self) -> dict:
        return {"user": SUPERUSER, "group": SUPERUSER, "extra_groups": []} if self.as_root else {}

    def _autoctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [_pg_autoctl(), *args], env=self._env(), cwd=self.base, capture_output=True, text=True, **self._as_owner()
        )
        if check and proc.returncode != 0:
            lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if "ERROR" in ln or "FATAL" in ln]
            detail = lines[-1] if lines else (proc.stderr or proc.stdout).strip()[-300:]
            raise SetupError(f"pg_autoctl {args[0]} {args[1] if len(args) > 1 else ''} failed: {detail}")
        return proc

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        """A long-running pg_autoctl in its own process group (the group is its keeper and server)."""
        log = open(self.base / "log" / f"{name}.log", "a")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            [_pg_autoctl(), *args],
            env=self._env(),
            cwd=self.base,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **self._as_owner(),
        )
        self.procs[name] = proc
        return proc

    def _prepare(self) -> None:
        for path in (self.base, self.base / "log", self.base / "config", self.base / "data"):
            path.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            owned = [self.base, self.base / "log", self.base / "config", self.base / "data"]
            give_to_postgres(owned, self.base, self.base, "GRIDOPS_HA_DIR", "gridops-ha")
        if not self.secrets_file.exists():
            pw = {SUPERUSER: _password(), OWNER_ROLE: _password(), APP_ROLE: _password()}
            fd = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(pw, out)

    # ---- lifecycle --------------------------------------------------------------------------
    def start(self, timeout_s: float = 120.0) -> None:
        """Create what does not exist yet, start the monitor and both keepers, and wait until one
        node is the primary and the other its synchronous standby."""
        self._prepare()
        monitor = self.monitor
        if not (monitor.pgdata / "PG_VERSION").exists():
            self._autoctl(
                "create", "monitor", "--pgctl", str(self.bindir / "pg_ctl"), "--pgdata", str(monitor.pgdata),
                "--pgport", str(monitor.port), "--hostname", HOST, "--auth", "trust", "--no-ssl",
            )  # fmt: skip
            self._autoctl("config", "set", "--pgdata", str(monitor.pgdata), "postgresql.listen_addresses", HOST)
            self._append_conf(monitor.pgdata, MONITOR_CONF)
            # the monitor's own listener signs in as autoctl_node on the socket
            self._local_hba(monitor.pgdata, ["local pg_auto_failover autoctl_node trust"])
        self._spawn("monitor", "run", "--pgdata", str(monitor.pgdata))
        _wait_for(lambda: _answers(self.monitor_dsn()), timeout_s, "the pg_auto_failover monitor did not start")
        for i, node in enumerate(self.nodes):
            if (node.pgdata / "PG_VERSION").exists():  # made before: whichever role it has now
                self._spawn(node.name, "run", "--pgdata", str(node.pgdata))
                continue
            self._create_node(node, first=i == 0, timeout_s=timeout_s)
            if i == 0:
                self._wait_state({node.name: {"single", "primary", "wait_primary"}}, timeout_s)
                keeper = f"host={HOST} port={node.port} dbname=postgres user={SUPERUSER}"
                _wait_for(
                    lambda d=keeper: _answers(d), timeout_s, f"{node.name} did not start; see {self.base / 'log'}"
                )
                self._bootstrap_superuser()
        self.wait_healthy(timeout_s)
        # the monitor may still hold the last run's reports: wait for the primary itself
        primary = self.primary()
        keeper = f"host={HOST} port={primary.port} dbname=postgres user={SUPERUSER}"
        _wait_for(lambda: _answers(keeper), timeout_s, f"{primary.name} did not start; see {self.base / 'log'}")

    def _create_node(self, node: Node, first: bool, timeout_s: float) -> None:
        self._autoctl(
            "create", "postgres", "--pgctl", str(self.bindir / "pg_ctl"), "--pgdata", str(node.pgdata),
            "--pgport", str(node.port), "--listen", HOST, "--hostname", HOST, "--name", node.name,
            "--monitor", self.monitor_uri(), "--auth", "trust", "--no-ssl",
        )  # fmt: skip
        for key, value in KEEPER_CONF.items():
            self._autoctl("config", "set", "--pgdata", str(node.pgdata), key, value)
        if first:  # the standby's copy (pg_basebackup) carries these files over
            self._append_conf(node.pgdata, NODE_CONF)
            self._local_hba(node.pgdata, [f"host all {OWNER_ROLE},{APP_ROLE},{SUPERUSER} {HOST}/32 scram-sha-256"])
        self._spawn(node.name, "run", "--pgdata", str(node.pgdata))

    def _append_conf(self, pgdata: Path, text: str) -> None:
        self._write_as_owner(pgdata / "postgresql.conf", (pgdata / "postgresql.conf").read_text() + text)

    def _local_hba(self, pgdata: Path, extra: list[str]) -> None:
        """initdb's pg_hba.conf trusts every local and loopback connection: keep the keepers' own
        lines (pg_auto_failover's), let the postgres system user in by peer on the socket, and
        GridOps's roles by password only."""
        hba = pgdata / "pg_hba.conf"
        kept = [ln for ln in hba.read_text().splitlines() if "pg_auto_failover" in ln]
        lines = [
            "# Written by GridOps (geodata/ops/ha.py)",
            f"local all {SUPERUSER} peer",
            f"local replication {SUPERUSER} peer",
        ]
        self._write_as_owner(hba, "\n".join([*lines, *kept, *extra]) + "\n")

    def _write_as_owner(self, path: Path, text: str) -> None:
        path.write_text(text)
        if self.as_root:
            pg = pwd.getpwnam(SUPERUSER)
            os.chown(path, pg.pw_uid, pg.pw_gid)

    def _bootstrap_superuser(self) -> None:
        """The superuser's password (the keepers reach their own server as postgres on database
        postgres, trusted on loopback; GridOps's setup signs in with this password elsewhere)."""
        conn = psycopg2.connect(
            host=HOST, port=self.primary().port, dbname="postgres", user=SUPERUSER, connect_timeout=5
        )
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute("SET password_encryption = 'scram-sha-256'")
                cur.execute(f"ALTER ROLE {SUPERUSER} PASSWORD %s", (self.password(SUPERUSER),))
        finally:
            conn.close()

    def state(self) -> dict[str, tuple[str, str]]:
        """Each node's (reported state, goal state) as the monitor sees them."""
        conn = psycopg2.connect(self.monitor_dsn(), connect_timeout=3)
        try:
            with conn.cursor() as cur:
                cur.execute(
                    "SELECT nodename, current_group_state, assigned_group_state "
                    "FROM pgautofailover.current_state('default')"
                )
                return {name: (reported, goal) for name, reported, goal in cur.fetchall()}
        finally:
            conn.close()

    def _wait_state(self, wanted: dict[str, set[str]], timeout_s: float) -> None:
        def reached() -> bool:
            try:
                now = self.state()
            except psycopg2.Error:
                return False
            return all(
                now.get(name, ("", ""))[0] in states and now[name][0] == now[name][1] for name, states in wanted.items()
            )

        _wait_for(reached, timeout_s, f"the nodes did not reach {wanted}; see {self.base / 'log'}")

    def wait_healthy(self, timeout_s: float = 120.0) -> None:
        """Until one node is the primary and the other its standby, both settled."""

        def settled() -> bool:
            try:
                states = sorted(reported for reported, goal in self.state().values() if reported == goal)
            except psycopg2.Error:
                return False
            return states == ["primary", "secondary"]

        _wait_for(settled, timeout_s, f"the HA pair did not settle (primary + secondary); see {self.base / 'log'}")

    def primary(self) -> Node:
        """The node that is the primary now (by the monitor; the first node before it knows)."""
        try:
            states = self.state()
        except psycopg2.Error:
            return self.nodes[0]
        for node in self.nodes:  # by the goal the monitor gave: a dead primary's last report stays "primary"
            if states.get(node.name, ("", ""))[1] in ("single", "primary", "wait_primary"):
                return node
        return self.nodes[0]

    def postmaster_pid(self, node: Node) -> int | None:
        try:
            return int((node.pgdata / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def kill(self, node: Node) -> None:
        """SIGKILL a node as a machine dies: its keeper (with its process group) and its server."""
        proc = self.procs.get(node.name)
        pid = self.postmaster_pid(node)
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop the monitor first (so that stopping the primary does not promote its standby), then
        the keepers, each stopping its server: by the PIDs started here."""
        for name in ["monitor"] + [n.name for n in self.nodes]:
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)

    # ---- connection strings -----------------------------------------------------------------
    def password(self, role: str) -> str:
        try:
            return json.loads(self.secrets_file.read_text())[role]
        except FileNotFoundError as exc:
            raise SetupError(f"{self.secrets_file} is missing: run 'gridops cluster ha' to create the cluster") from exc

    def monitor_uri(self) -> str:
        return f"postgres://autoctl_node@{HOST}:{self.monitor.port}/pg_auto_failover?sslmode=disable"

    def monitor_dsn(self) -> str:
        return f"host={HOST} port={self.monitor.port} dbname=pg_auto_failover user=autoctl_node"

    def dsn(self, role: str, dbname: str | None = None, attrs: str = "read-write") -> str:
        """A multi-host connection string: whichever node is the primary (``read-write``), or a
        standby (``standby``)."""
        hosts = ",".join(HOST for _ in self.nodes)
        ports = ",".join(str(node.port) for node in self.nodes)
        return (
            f"host={hosts} port={ports} dbname={dbname or self.settings.db_name} user={role} "
            f"password={self.password(role)} target_session_attrs={attrs} application_name=gridops"
        )

    def app_settings(self) -> Settings:
        """The settings of an app served against this cluster: writes on the primary, reads that
        may lag on the standby."""
        return self.settings.model_copy(
            update={
                "database_url": self.dsn(APP_ROLE),
                "admin_database_url": self.dsn(OWNER_ROLE),
                "replica_urls": self.dsn(APP_ROLE, attrs="standby"),
            }
        )

    def environment(self) -> dict[str, str]:
        """The same as environment variables, for the app's processes."""
        s = self.app_settings()
        return {
            "DATABASE_URL": s.database_url or "",
            "GRIDOPS_ADMIN_DATABASE_URL": s.admin_database_url or "",
            "GRIDOPS_REPLICA_URLS": s.replica_urls or "",
            "GRIDOPS_DB_NAME": s.db_name,
        }

    def ensure_database(self, load_demo: bool = True, reset: bool = False) -> Settings:
        """Roles, database, PostGIS, migrations and (when empty) the demo city on the primary, as
        ``gridops setup`` makes them on the embedded cluster; the standby streams them."""
        from geodata.ops import setup

        primary = self.primary()
        owner = SimpleNamespace(
            settings=self.settings,
            password=self.password,
            dsn=lambda role, dbname=None: (
                f"host={HOST} port={primary.port} dbname={dbname or self.settings.db_name} user={role} "
                f"password={self.password(role)}"
            ),
        )
        setup._ensure_roles_and_database(owner, reset)
        settings = self.app_settings()
        setup.ensure_database(settings, load_demo=load_demo)
        setup._grant_app_role(settings.admin_dsn())
        return settings


def _pg_autoctl() -> str:
    found = shutil.which("pg_autoctl")
    if found is None:
        raise SetupError(
            "pg_autoctl is not installed: run 'make system' (as root) or 'apt-get install postgresql-15-auto-failover'"
        )
    return found


def _answers(dsn: str) -> bool:
    try:
        psycopg2.connect(dsn, connect_timeout=2).close()
        return True
    except psycopg2.Error:
        return False


def _wait_for(condition, timeout_s: float, message: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise SetupError(message)


def _password() -> str:
    return secrets.token_urlsafe(24)
