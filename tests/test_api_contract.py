"""A schemathesis run against /api/v1/openapi.json on the served app: generated requests, valid
and invalid, must never get a 500, an undocumented status, or an answer that breaks the schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ARTIFACTS

CHECKS = "all"
# Schema-valid requests may still be refused for reasons a schema cannot express (a place outside
# the territory, an unknown category code, a case id that does not exist), so that check is off.
EXCLUDED = "positive_data_acceptance"


def test_schemathesis_finds_no_server_error_or_schema_violation(server, api_key, db):
    with db.transaction() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM cases")
        last_before = cur.fetchone()[0]
    try:
        _run(server, api_key)
    finally:  # the cases it made would change what later tests count
        with db.transaction() as cur:
            cur.execute("DELETE FROM cases WHERE id > %s AND external_id NOT LIKE 'T-%%'", (last_before,))


def _run(server: str, api_key: str) -> None:
    cli = Path(sys.executable).with_name("schemathesis")
    report = ARTIFACTS / "schemathesis.txt"
    proc = subprocess.run(
        [
            str(cli),
            "--no-color",
            "run",
            f"{server}/api/v1/openapi.json",
            "-H",
            f"X-API-Key: {api_key}",
            # One worker: in threads, Python 3.11's ast module can raise a spurious "AST constructor
            # recursion depth mismatch" (CPython gh-106905) inside hypothesis and fail the run.
            "--checks",
            CHECKS,
            "--exclude-checks",
            EXCLUDED,
            "--max-examples",
            "40",
            "--workers",
            "1",
            # Valid and invalid data both, strings with NUL bytes among them (security round 2).
            "--mode",
            "all",
            "--generation-allow-x00",
            "true",
            "--generation-codec",
            "utf-8",
            "--seed",
            "20261122",
            "--request-timeout",
            "30",
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    report.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    tail = "\n".join(proc.stdout.splitlines()[-40:])
    assert proc.returncode == 0, f"schemathesis failed (full output: {report}):\n{tail}"
    assert " passed" in proc.stdout and "generated" in proc.stdout
