"""environment.yml (conda-forge) must list the same stack, at the same versions, as the pip lock."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# pip name → conda-forge name where they differ
CONDA_NAME = {
    "psycopg2-binary": "psycopg2",
    "pydantic-settings": "pydantic-settings",
    "pyuwsgi": "uwsgi",
    "psycopg-binary": "psycopg",
}


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", line.strip())
        if m:
            pins[m[1].lower()] = m[2]
    return pins


def test_environment_yml_matches_the_pip_lock():
    lock = _pins(ROOT / "requirements.lock")
    direct = [
        ln.strip().lower()
        for ln in (ROOT / "requirements.in").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str):
            name, _, version = dep.partition("=")
            conda[name.strip().lower()] = version.strip("=")
    assert "postgis" in conda and "postgresql" in conda and "python" in conda
    problems = []
    for name in direct:
        want = lock.get(name)
        got = conda.get(CONDA_NAME.get(name, name))
        if want is None:
            problems.append(f"{name} is in requirements.in but not pinned in requirements.lock")
        elif got != want:
            problems.append(f"{name}: lock has {want}, environment.yml has {got}")
    assert not problems, "; ".join(problems)
