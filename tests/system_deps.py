"""Install what the tests and benches need from Debian (as root): PostGIS, pg_auto_failover,
Chromium, chromedriver, a CJK font, wrk and poppler-utils.

python -m tests.system_deps
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from geodata.ops import cluster

NEEDS = {
    "chromium": lambda: Path("/usr/bin/chromium").exists(),
    "chromium-driver": lambda: Path("/usr/bin/chromedriver").exists(),
    "fonts-noto-cjk": lambda: bool(list(Path("/usr/share/fonts").glob("**/NotoSansCJK*"))),
    "wrk": lambda: shutil.which("wrk") is not None,  # the load tool of make bench
    # pdftotext and pdftoppm: the assessment report's tests read and render its PDF (tests/test_reports.py)
    "poppler-utils": lambda: shutil.which("pdftotext") is not None and shutil.which("pdftoppm") is not None,
}


def missing() -> list[str]:
    """Debian packages still to install."""
    out = [pkg for pkg, present in NEEDS.items() if not present()]
    bindir = cluster.find_bindir()
    if bindir is None:
        out += ["postgresql", "postgis"]
    elif not cluster.has_postgis(bindir):
        out.append(f"postgresql-{bindir.parent.name}-postgis-3")
    if shutil.which("pg_autoctl") is None:  # make ha and tests/test_failover.py: pg_auto_failover
        out.append(f"postgresql-{bindir.parent.name if bindir else 15}-auto-failover")
    return out


def main() -> int:
    """Install anything missing, or say exactly what to install."""
    packages = missing()
    if not packages:
        return 0
    command = ["apt-get", "install", "-y", "-q", *packages]
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"error: missing system packages: run 'sudo {' '.join(command)}'", file=sys.stderr)
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"installing {' '.join(packages)} …", flush=True)
    subprocess.run(["apt-get", "update", "-q"], env=env, check=False, stdout=subprocess.DEVNULL)
    proc = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)
    if proc.returncode != 0 or missing():
        print(f"error: '{' '.join(command)}' did not install {', '.join(missing())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
