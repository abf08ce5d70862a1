"""The real app served for a benchmark: gunicorn on a free loopback port, against the bench database."""

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


def gunicorn(port: int) -> subprocess.Popen:
    """``app:server`` under gunicorn (2 workers × 8 threads) with this process's settings, once /healthz answers.

    --reuse-port: each worker listens on a socket of its own and the kernel spreads connections
    over them. Without it the workers race for one socket, and one worker can take every
    connection a load tool opens at once while the other idles (half the machine unused)."""
    cmd = [sys.executable, "-m", "gunicorn", "app:server", "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread",
           "--threads", "8", "--reuse-port", "--log-level", "warning"]  # fmt: skip
    log = tempfile.TemporaryFile()  # noqa: SIM115 - a file, not a pipe: a chatty server must never block on it
    proc = subprocess.Popen(cmd, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"gunicorn exited: {log.read().decode(errors='replace')[-500:]}")
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
                return proc
            except requests.RequestException:
                time.sleep(0.5)
    except BaseException:
        proc.kill()  # never leave a server behind
        raise
    proc.kill()
    raise RuntimeError("gunicorn did not start within 90 s")
