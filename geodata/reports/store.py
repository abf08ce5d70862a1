"""Making, keeping and handing out reports (table assessment_reports, migration 0038).

Reports are kept in PostgreSQL beside the results they are drawn from: a subject's two files are
written in one transaction (a reader gets the old pair or the new one, never half of a report), a
period's reports go when the period does (ON DELETE CASCADE), backups carry them, and row-level
security decides who reads which, as for the cases. A report is tens of kilobytes, so the database
is no burden here; the photo store (geodata/storage.py) is for the large, many files.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from psycopg2 import Binary

from geodata.accounts import audit
from geodata.db import Database
from geodata.queries import fetch_rows, sql_text
from geodata.reports import content, document, subjects, workbook
from geodata.reports.subjects import Subject

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Kept:
    """One kept file of a report (no bytes)."""

    period: str
    kind: str
    key: str
    format: str
    size: int
    generated_at: datetime
    generated_by: str


def make(db: Database, label: str, subject: Subject) -> dict[str, bytes]:
    """The report's files (format → bytes) of a closed period, drawn from its stored results."""
    report = content.gather(db, label, subject)
    return {"xlsx": workbook.build(report), "pdf": document.build(report)}


def generate(db: Database, label: str, subject: Subject, by: str) -> dict[str, int]:
    """Make a subject's report and keep it, replacing the one kept (both files in one
    transaction, audited as assessment_report); format → size in bytes."""
    t0 = time.perf_counter()
    files = make(db, label, subject)
    took = int(1000 * (time.perf_counter() - t0))
    period = content.period_row(db, label)[0]
    with db.transaction() as cur:
        for fmt, body in files.items():
            cur.execute(
                sql_text("report_put"),
                {
                    "period": period,
                    "kind": subject.kind,
                    "key": subject.key,
                    "id": subject.id,
                    "city_id": subject.city_id,
                    "district_id": subject.district_id,
                    "street_id": subject.street_id,
                    "community_id": subject.community_id,
                    "format": fmt,
                    "body": Binary(body),
                    "by": by,
                    "took_ms": took,
                },
            )
        audit.record(cur, by, "assessment_report", period=period, subject=f"{subject.kind}/{subject.key}", ms=took)
    return {fmt: len(body) for fmt, body in files.items()}


def generate_all(db: Database, label: str, by: str, only: list[Subject] | None = None) -> list[tuple[Subject, dict]]:
    """Every subject's report of a closed period (or those of ``only``), each kept as it is made."""
    content.period_row(db, label)  # refuse an unclosed period before anything is made
    return [(s, generate(db, label, s, by)) for s in (only if only is not None else subjects.all_subjects(db))]


def generate_unmade(db: Database, label: str, by: str) -> int:
    """The reports of a closed period not made yet (a subject without both files), made and kept;
    how many subjects. The monthly job runs it right after the close, and again is harmless."""
    made: dict[tuple[str, str], set[str]] = {}
    for k in kept(db, content.period_row(db, label)[0]):
        made.setdefault((k.kind, k.key), set()).add(k.format)
    todo = [s for s in subjects.all_subjects(db) if made.get((s.kind, s.key), set()) != set(FORMATS)]
    return len(generate_all(db, label, by, todo)) if todo else 0


def kept(db: Database, period: str | None = None) -> list[Kept]:
    """The reports kept that the pool's scope may see (row-level security), newest period first."""
    return [Kept(*row) for row in fetch_rows("report_list", {"period": period}, db)]


def fetch(db: Database, period: str, kind: str, key: str, fmt: str) -> tuple[bytes, datetime] | None:
    """A kept file and when it was made; None when there is none the pool's scope may see."""
    rows = fetch_rows("report_get", {"period": period, "kind": kind, "key": key, "format": fmt}, db)
    return (bytes(rows[0][0]), rows[0][1]) if rows else None


def file_name(period: str, subject: Subject, fmt: str) -> str:
    """The download's name: 考核报告-2026-11-明湖办事处.pdf (ASCII kept for the header's fallback)."""
    return f"考核报告-{period}-{subject.name}.{fmt}"


def ascii_name(period: str, subject: Subject, fmt: str) -> str:
    """An ASCII file name for clients that do not read RFC 5987 names."""
    return f"gridops-report-{period}-{subject.kind}-{subject.key}.{fmt}"
