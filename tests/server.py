"""Serve the real app in a subprocess (tests, soak): ``python app.py`` on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(env_extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    """Start ``python app.py`` with extra settings; return the process and its base URL."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "GRIDOPS_PORT": str(port), "GRIDOPS_HOST": "127.0.0.1", **env_extra}
    log = open(ARTIFACTS / f"server-{port}.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}; see {log.name}")
        try:
            requests.get(url + "/healthz", timeout=2)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("app did not start within 60 s")
