"""Loads started from the web page (/import): each run's report and its rejected rows, kept on disk
under <var>/imports/<token>/ for the user who ran it, so the page can show them and offer the
rejected rows (the file's own columns plus the reason, in Chinese and English) as a download.

The loading itself is geodata.load's, unchanged: one transaction, idempotent, audited.
"""

from __future__ import annotations

import csv
import json
import re
import secrets
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from geodata.errors import LoadError, SetupError
from geodata.load import loader
from geodata.load.options import Options
from geodata.load.read import open_input, read_table
from geodata.load.report import LoadReport
from i18n import LANGS, Message, say
from settings import Settings, get_settings

SUFFIXES = (".zip", ".geojson", ".json", ".gpkg", ".csv", ".txt")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
KEEP_SECONDS = 7 * 24 * 3600  # reports older than a week are removed when the next load runs


def _root(settings: Settings) -> Path:
    root = settings.state_dir / "imports"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _prune(root: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for run in root.iterdir():
        if run.is_dir() and run.stat().st_mtime < cutoff:
            shutil.rmtree(run, ignore_errors=True)


def run(kind: str, filename: str, data, opts: Options, user: str, settings: Settings | None = None) -> str:
    """Load an uploaded file (``data``: a readable binary stream); return the run's token. A problem
    with the file as a whole is kept as the run's error (nothing was written)."""
    settings = settings or get_settings()
    suffix = Path(filename or "").suffix.lower()
    root = _root(settings)
    _prune(root)
    token = secrets.token_urlsafe(24)
    folder = root / token
    folder.mkdir()
    summary: dict[str, Any] = {
        "token": token,
        "user": user,
        "kind": kind,
        "file": Path(filename or "").name[:200],
        "dry_run": opts.dry_run,
        "at": time.time(),
    }
    with tempfile.TemporaryDirectory(prefix="gridops-upload-") as tmp:
        upload = Path(tmp) / f"upload{suffix}"
        try:
            if suffix not in SUFFIXES:
                raise LoadError(
                    Message(
                        "load.err.unsupported_upload",
                        suffix=suffix or Message("load.err.none"),
                        suffixes=", ".join(SUFFIXES),
                    )
                )
            _save(data, upload, settings.import_max_bytes)
            report = loader.load(kind, upload, opts, settings=settings)
            report.path = summary["file"]
            summary.update(_report(report))
            _rejected_rows(upload, report, opts, folder / "rejected.csv", settings)
        except (LoadError, SetupError) as exc:
            summary["error"] = _error(exc)
    (folder / "report.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    return token


def _error(exc: LoadError | SetupError) -> dict[str, str]:
    """Why a load was refused, in both languages (the page shows the reader's): a LoadError holds an
    ``i18n.Message``; any other text (a SetupError's) is shown as it is in both."""
    text = exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)
    return {lang: say(text, lang) for lang in LANGS}


def _save(data, path: Path, limit: int) -> None:
    size = 0
    with path.open("wb") as out:
        while block := data.read(1 << 20):
            size += len(block)
            if size > limit:
                raise LoadError(Message("load.err.upload_too_large", limit=limit))
            out.write(block)


def _report(report: LoadReport) -> dict[str, Any]:
    return {
        "understood": [list(u) for u in report.understood],
        # What the load decided on its own, in both languages (the page shows the reader's).
        "notes": [{lang: say(n, lang) for lang in LANGS} for n in report.notes],
        "counts": report.counts(),
        "summary": report.summary(limit=20),
        # Each reason in both languages: the page shows the reader's.
        "rejected": [[row, say(r, "zh"), say(r, "en")] for row, r in sorted(report.rejected.items())[:1000]],
        "repaired": [[row, say(r, "zh"), say(r, "en")] for row, r in sorted(report.repaired.items())[:1000]],
        "bulk": report.bulk,
        "topology": [list(t) for t in report.topology[:500]],
    }


def _rejected_rows(upload: Path, report: LoadReport, opts: Options, out: Path, settings: Settings) -> None:
    """The file's rejected rows, its own columns first, then the row number and the reason."""
    if not report.rejected:
        return
    with tempfile.TemporaryDirectory(prefix="gridops-rejected-") as tmp:
        frame = read_table(open_input(upload, settings, Path(tmp)), opts.encoding).frame
    frame = frame.drop(columns=[c for c in frame.columns if c == "geometry"], errors="ignore")
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([*map(str, frame.columns), "行号 row", "拒绝原因", "reason"])
        for row, reason in sorted(report.rejected.items()):
            values = frame.iloc[row - 1].tolist() if 0 < row <= len(frame) else []
            writer.writerow(
                [*("" if v is None else _safe(v) for v in values), row, say(reason, "zh"), say(reason, "en")]
            )


def _safe(value: Any) -> Any:
    text = str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def get(token: str | None, user: str, settings: Settings | None = None) -> dict[str, Any] | None:
    """A run's summary, for the user who ran it only; None otherwise."""
    if not token or not TOKEN.match(token):
        return None
    path = _root(settings or get_settings()) / token / "report.json"
    if not path.is_file():
        return None
    summary = json.loads(path.read_text(encoding="utf-8"))
    return summary if summary.get("user") == user else None


def rejected_file(token: str, user: str, settings: Settings | None = None) -> Path | None:
    """The rejected rows' CSV of a run of ``user``'s, if it has any."""
    if get(token, user, settings) is None:
        return None
    path = _root(settings or get_settings()) / token / "rejected.csv"
    return path if path.is_file() else None
