"""Serve the real app in a subprocess (tests, soak): ``python app.py`` on a free port, and beside it
its events server (``python -m push``, the push stream) on another."""

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


class App(subprocess.Popen):
    """The app's process; stopping it stops its events server (``events``) too."""

    events: subprocess.Popen | None = None

    def terminate(self) -> None:
        super().terminate()
        if self.events is not None and self.events.poll() is None:
            self.events.terminate()

    def kill(self) -> None:
        super().kill()
        if self.events is not None and self.events.poll() is None:
            self.events.kill()

    def wait(self, timeout: float | None = None) -> int:
        code = super().wait(timeout)
        if self.events is not None:
            self.events.wait(timeout)
        return code


def serve(env_extra: dict[str, str]) -> tuple[App, str]:
    """Start ``python app.py`` and its events server with extra settings; return the app's process
    and its base URL (the events server's is GRIDOPS_EVENTS_PORT of both, a free port)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port, events_port = free_port(), free_port()
    env = {
        **os.environ,
        "GRIDOPS_PORT": str(port),
        "GRIDOPS_HOST": "127.0.0.1",
        "GRIDOPS_EVENTS_PORT": str(events_port),
        **env_extra,
    }
    log = open(ARTIFACTS / f"server-{port}.log", "w")  # noqa: SIM115 (closed with the process)
    proc = App([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    events_log = open(ARTIFACTS / f"events-{events_port}.log", "w")  # noqa: SIM115 (closed with the process)
    proc.events = subprocess.Popen(
        [sys.executable, "-m", "push"], cwd=ROOT, env=env, stdout=events_log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            proc.kill()
            raise RuntimeError(f"app exited with {proc.returncode}; see {log.name}")
        if proc.events.poll() is not None:
            proc.kill()
            raise RuntimeError(f"events server exited with {proc.events.returncode}; see {events_log.name}")
        try:
            requests.get(url + "/healthz", timeout=2)
            requests.get(f"http://127.0.0.1:{events_port}/events/health", timeout=2)
            return proc, url
        except requests.ConnectionError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("app or events server did not start within 60 s")
