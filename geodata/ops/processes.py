"""``gridops run``: the three processes of a running GridOps, started and stopped together.

- the web app (``python app.py``; production serves ``app:server`` with uWSGI, README);
- the push stream (``gridops events``): long-lived event streams on their own asyncio server, so
  they never hold a request worker;
- the job worker (``gridops worker``): reminders, escalations, sends and sweeps on the job queue.

Ctrl-C or SIGTERM stops all three; if one of them exits, the others are stopped too and its exit
status is returned, so a supervisor (systemd, a container runtime) sees the failure.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GRIDOPS = [sys.executable, "-m", "cli"]


def commands() -> dict[str, list[str]]:
    return {
        "app": [sys.executable, "app.py"],
        "events": [*GRIDOPS, "events"],
        "worker": [*GRIDOPS, "worker"],
    }


def run_all() -> int:
    procs = {name: subprocess.Popen(cmd, cwd=ROOT) for name, cmd in commands().items()}
    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    try:
        while not stopping:
            ended = {n: p.returncode for n, p in procs.items() if p.poll() is not None}
            if ended:
                name, status = next(iter(ended.items()))
                print(f"gridops run: {name} exited with status {status}; stopping the others", flush=True)
                break
            time.sleep(0.5)
    finally:
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        deadline = time.monotonic() + 15
        for p in procs.values():
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
    return status or 0
