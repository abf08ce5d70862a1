"""The real app served for a benchmark: the production server (uWSGI with uwsgi.ini) on a free loopback
port, against the bench database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log_path(port: int) -> Path:
    """Where the server on ``port`` writes its errors."""
    return Path(tempfile.gettempdir()) / f"gridops-bench-server-{port}.log"


def app_server(port: int) -> subprocess.Popen:
    """``app:server`` under uWSGI as uwsgi.ini configures it (2 processes × 8 threads), with this
    process's settings, once /healthz answers."""
    uwsgi = Path(sys.executable).with_name("uwsgi")
    cmd = [str(uwsgi), "--ini", str(ROOT / "uwsgi.ini"), "--http11-socket", f"127.0.0.1:{port}"]
    # A file, not a pipe (a chatty server must never block on it), kept for reading what went wrong.
    log = open(log_path(port), "w+b")  # noqa: SIM115 - the server process writes it until it ends
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"uWSGI exited: {log.read().decode(errors='replace')[-500:]}")
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                return proc
            except requests.RequestException:
                time.sleep(0.5)
    except BaseException:
        proc.kill()  # never leave a server behind
        raise
    proc.kill()
    raise RuntimeError("uWSGI did not start within 90 s")
