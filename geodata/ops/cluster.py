"""The embedded PostgreSQL + PostGIS cluster under ``var/`` (docs/architecture.md).

When run as root, the cluster belongs to the ``postgres`` system user, because initdb and the
server refuse to run as root. The superuser and the two GridOps roles get random passwords,
kept in ``var/secrets.json`` (mode 600); the app connects over TCP on 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
from pathlib import Path

from geodata.errors import SetupError
from geodata.roles import APP_ROLE, OWNER_ROLE, SUPERUSER
from settings import DATABASE_FILE, ROOT, Settings

# A query over cases locks each month it reads and each of that month's indexes: ten years of
# months and about 30 indexes each is 3,600 locks in one transaction, beyond the default lock table
# (64 per connection). Given at start, so that a cluster made before partitioning gets it too.
MAX_LOCKS_PER_TRANSACTION = 1024
SERVER_CONF = """
# Written by GridOps (geodata/ops/cluster.py). Port, host and socket directory are given at start.
max_wal_size = 4GB
shared_buffers = 1GB
work_mem = 32MB
maintenance_work_mem = 512MB
jit = off
log_min_duration_statement = 2000
"""


def give_to_postgres(paths: list[Path], probe: Path, shown: Path, setting: str, example: str) -> None:
    """Hand ``paths`` to the postgres system user (clusters run as it: initdb refuses root) and check
    it can write ``probe``; a private parent folder is refused with the setting that moves ``shown``."""
    pg = pwd.getpwnam(SUPERUSER)
    for path in paths:
        os.chown(path, pg.pw_uid, pg.pw_gid)
    if subprocess.run(["runuser", "-u", SUPERUSER, "--", "test", "-w", str(probe)]).returncode != 0:
        raise SetupError(
            f"the postgres system user cannot reach {shown} (a parent folder is private); "
            f"set {setting} to a folder it can reach, e.g. /var/tmp/{example}"
        )


class Cluster:
    """Paths and lifecycle of the embedded cluster for one set of settings."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.var = resolve_var_dir(settings)
        self.pgdata = self.var / "pgdata"
        self.sockets = self.var / "run"
        self.logfile = self.var / "log" / "postgres.log"
        self.secrets_file = self.var / "secrets.json"
        self.as_root = os.geteuid() == 0

    # ---- binaries -------------------------------------------------------------------------
    def bindir(self) -> Path:
        """The PostgreSQL bin directory: GRIDOPS_PG_BINDIR, or the newest installed one, installing
        PostgreSQL and PostGIS with apt-get when root."""
        configured = self._configured_bindir()
        if configured is not None:
            if not has_postgis(configured):
                # apt-get installs PostGIS for the system PostgreSQL only, never into a chosen one.
                raise SetupError(
                    f"PostGIS is not installed for the PostgreSQL in {configured} (no postgis.control in "
                    f"{sharedir(configured) / 'extension'}): install PostGIS for it, unset GRIDOPS_PG_BINDIR "
                    "to use the system PostgreSQL, or set DATABASE_URL to an existing PostGIS"
                )
            return configured
        found = find_bindir()
        if found is None or not has_postgis(found):
            version = found.parent.name if found else None
            package = f"postgresql-{version}-postgis-3" if version else "postgresql postgis"
            _install_or_explain(package.split())
            found = find_bindir()
            if found is None or not has_postgis(found):
                raise SetupError(
                    f"PostGIS is not installed for {f'PostgreSQL {version}' if version else 'any PostgreSQL'}: "
                    f"run 'apt-get install {package}' or set DATABASE_URL to an existing PostGIS"
                )
        return found

    def _configured_bindir(self) -> Path | None:
        """GRIDOPS_PG_BINDIR when set; it must hold pg_ctl."""
        if self.settings.pg_bindir is None:
            return None
        configured = Path(self.settings.pg_bindir).resolve()
        if not (configured / "pg_ctl").is_file():
            raise SetupError(
                f"GRIDOPS_PG_BINDIR={configured} holds no pg_ctl: point it at a PostgreSQL bin directory, "
                "or unset it to use the newest installed PostgreSQL"
            )
        return configured

    # ---- running commands as the cluster's owner ------------------------------------------
    def _run(self, args: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = ["runuser", "-u", SUPERUSER, "--", *args] if self.as_root else args
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd="/")
        if check and proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise SetupError(f"{Path(args[0]).name} failed: {detail[-1] if detail else proc.returncode}")
        return proc

    def _prepare_dirs(self) -> None:
        for path in (self.var, self.sockets, self.logfile.parent):
            path.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            give_to_postgres([self.sockets, self.logfile.parent], self.sockets, self.var, "GRIDOPS_VAR_DIR", "gridops")

    # ---- lifecycle --------------------------------------------------------------------------
    def initialised(self) -> bool:
        """True once initdb has run in var/pgdata."""
        return (self.pgdata / "PG_VERSION").exists()

    def init(self) -> None:
        """Run initdb once, with scram passwords and a random superuser password."""
        bindir = self.bindir()
        self._prepare_dirs()
        if self.initialised():
            return
        pw = {SUPERUSER: _password(), OWNER_ROLE: _password(), APP_ROLE: _password()}
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        pwfile = self.sockets / ".pwfile"
        pwfile.write_text(pw[SUPERUSER] + "\n")
        if self.as_root:
            pg = pwd.getpwnam(SUPERUSER)
            os.chown(self.pgdata, pg.pw_uid, pg.pw_gid)
            os.chown(pwfile, pg.pw_uid, pg.pw_gid)
        pwfile.chmod(0o600)
        try:
            self._run(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(self.pgdata),
                    "-U",
                    SUPERUSER,
                    f"--pwfile={pwfile}",
                    "--auth-local=peer",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        with open(self.pgdata / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(SERVER_CONF)
        self.secrets_file.write_text(json.dumps(pw))
        self.secrets_file.chmod(0o600)

    def running(self) -> bool:
        """True when our postmaster answers pg_ctl status."""
        if not self.initialised():
            return False
        bindir = self._configured_bindir() or find_bindir()
        return (
            bindir is not None
            and self._run([str(bindir / "pg_ctl"), "-D", str(self.pgdata), "status"], check=False).returncode == 0
        )

    def start(self) -> None:
        """Initialise if needed, then start the server unless it already runs."""
        self.init()
        self._publish_connection()
        if self.running():
            return
        host, port = self.settings.pg_host, self.settings.pg_port
        if _port_in_use(host, port):
            raise SetupError(
                f"port {port} on {host} is already in use by another program: stop it, "
                f"or set GRIDOPS_PG_PORT to a free port (e.g. {port + 1})"
            )
        opts = f"-p {port} -h {host} -k {self.sockets} -c max_locks_per_transaction={MAX_LOCKS_PER_TRANSACTION}"
        proc = self._run(
            [
                str(self.bindir() / "pg_ctl"),
                "-D",
                str(self.pgdata),
                "-l",
                str(self.logfile),
                "-w",
                "-t",
                "60",
                "-o",
                opts,
                "start",
            ],
            check=False,
        )
        if proc.returncode != 0:
            tail = _tail(self.logfile)
            raise SetupError(f"the embedded PostgreSQL did not start ({tail}); see {self.logfile}")

    def stop(self) -> bool:
        """Stop the server if it runs; True when it was running."""
        if not self.running():
            return False
        self._run([str(self.bindir() / "pg_ctl"), "-D", str(self.pgdata), "-m", "fast", "-w", "stop"])
        return True

    # ---- connection strings -----------------------------------------------------------------
    def _publish_connection(self) -> None:
        """Write the app's and the owner's passwords where settings read them (settings.role_dsn)."""
        target = self.settings.state_dir / DATABASE_FILE
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({role: self.password(role) for role in (OWNER_ROLE, APP_ROLE)}, out)

    def password(self, role: str) -> str:
        """The stored password of one of the cluster's roles."""
        try:
            return json.loads(self.secrets_file.read_text())[role]
        except FileNotFoundError as exc:
            raise SetupError(f"{self.secrets_file} is missing: run 'make run' to create the cluster") from exc

    def dsn(self, role: str, dbname: str | None = None) -> str:
        """A libpq connection string for a role of the embedded cluster."""
        db = dbname or self.settings.db_name
        return (
            f"host={self.settings.pg_host} port={self.settings.pg_port} dbname={db} "
            f"user={role} password={self.password(role)} application_name=gridops"
        )


def resolve_var_dir(settings: Settings) -> Path:
    """GRIDOPS_VAR_DIR if set; else ./var, or a /var/tmp folder when the postgres user cannot reach ./var."""
    if settings.var_dir is not None:
        return Path(settings.var_dir).resolve()
    default = ROOT / "var"
    if os.geteuid() != 0 or _postgres_can_reach(ROOT):
        return default
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    return Path("/var/tmp") / f"gridops-{digest}"


def _postgres_can_reach(path: Path) -> bool:
    return subprocess.run(["runuser", "-u", SUPERUSER, "--", "test", "-x", str(path)]).returncode == 0


def find_bindir() -> Path | None:
    """The newest PostgreSQL bin directory, preferring one with PostGIS."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: _version(p.parent.parent.name))
    with_postgis = [c.parent for c in candidates if has_postgis(c.parent)]
    if with_postgis:
        return with_postgis[-1]
    if candidates:
        return candidates[-1].parent
    which = shutil.which("pg_ctl")
    return Path(which).resolve().parent if which else None


def _version(name: str) -> float:
    try:
        return float(name)
    except ValueError:
        return 0.0


def sharedir(bindir: Path) -> Path:
    """The share directory of the PostgreSQL in ``bindir``: pg_config's answer, else the Debian layout."""
    pg_config = bindir / "pg_config"
    if pg_config.is_file():
        proc = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True)
        if proc.returncode == 0 and proc.stdout.strip():
            return Path(proc.stdout.strip())
    return Path("/usr/share/postgresql") / bindir.parent.name


def has_postgis(bindir: Path) -> bool:
    """True when PostGIS is installed for that PostgreSQL."""
    return (sharedir(bindir) / "extension" / "postgis.control").exists()


def _install_or_explain(packages: list[str]) -> None:
    command = "apt-get install -y " + " ".join(packages)
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SetupError(
            f"PostgreSQL with PostGIS is not installed: run 'sudo {command}' "
            "(or set DATABASE_URL to an existing PostGIS)"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(packages)} with apt-get …", flush=True)
    if subprocess.run(command.split(), env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        proc = subprocess.run(command.split(), env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            detail = (proc.stderr or proc.stdout).strip().splitlines()
            raise SetupError(
                f"'{command}' failed ({detail[-1] if detail else proc.returncode}): install PostgreSQL with "
                "PostGIS yourself (or set GRIDOPS_PG_BINDIR to one that has it), or set DATABASE_URL to an "
                "existing PostGIS"
            )


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _password() -> str:
    return secrets.token_urlsafe(24)


def _tail(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1] if lines else "empty log"
