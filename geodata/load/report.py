"""The load report: counts, one reason per rejected row, repairs and notes; CSV and a summary."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadReport:
    """What one load read, wrote and refused. Row numbers count data rows from 1 (the header is 0)."""

    kind: str
    path: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    bulk: bool = False  # cases written in bulk mode (the table locked, indexes rebuilt)
    rejected: dict[int, str] = field(default_factory=dict)
    repaired: dict[int, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # What the loader understood of the file, said before the counts, as (what, field, value): the
    # column it took for each field ("column", "external_id", "'Unique Key'"), the coordinates'
    # frame, the time zone and the status and category maps ("frame", "", "EPSG:4326").
    understood: list[tuple[str, str, str]] = field(default_factory=list)
    topology: list[tuple[str, str, str, float]] = field(default_factory=list)

    def reject(self, rows, reason: str) -> None:
        """Refuse rows (an iterable of row numbers) with one reason; the first reason per row stays."""
        for row in rows:
            self.rejected.setdefault(int(row), reason)

    def repair(self, rows, what: str) -> None:
        """Record geometry repairs."""
        for row in rows:
            self.repaired[int(row)] = what

    def note(self, text: str) -> None:
        """A remark for the terminal (defaults taken, columns chosen)."""
        self.notes.append(text)

    def write_csv(self, path: Path) -> None:
        """One line per rejected or repaired row, after the counts."""
        with open(path, "w", newline="", encoding="utf-8") as out:
            w = csv.writer(out)
            w.writerow(["row", "outcome", "reason"])
            for key, value in self.counts().items():
                w.writerow(["", key, value])
            for row in sorted(self.rejected):
                w.writerow([row, "rejected", self.rejected[row]])
            for row in sorted(self.repaired):
                w.writerow([row, "repaired", self.repaired[row]])

    def write_topology(self, path: Path) -> None:
        """The grids' topology findings: overlaps between grids of one kind, gaps against a parent."""
        with open(path, "w", newline="", encoding="utf-8") as out:
            w = csv.writer(out)
            w.writerow(["problem", "unit", "other", "area_m2"])
            for problem, unit, other, area in self.topology:
                w.writerow([problem, unit, other, f"{area:.1f}"])

    def counts(self) -> dict[str, int]:
        """rows read, loaded (inserted), updated, unchanged, rejected, repaired."""
        return {
            "read": self.read,
            "loaded": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "repaired": len(self.repaired),
        }

    def summary(self, limit: int = 10) -> str:
        """The terminal summary: counts, the first rejections grouped by reason, notes."""
        c = self.counts()
        head = "dry run, nothing written: " if self.dry_run else ""
        lines = [
            f"understood: {' '.join(filter(None, (what.replace('_', ' '), name)))}: {value}"
            for what, name, value in self.understood
        ]
        lines += [
            f"{head}{self.kind} from {self.path}: {c['read']} read, {c['loaded']} loaded, {c['updated']} updated, "
            f"{c['unchanged']} unchanged, {c['rejected']} rejected"
            + (f", {c['repaired']} repaired" if c["repaired"] else "")
        ]
        by_reason: dict[str, list[int]] = {}
        for row, reason in sorted(self.rejected.items()):
            by_reason.setdefault(reason, []).append(row)
        for reason, rows in sorted(by_reason.items(), key=lambda kv: -len(kv[1]))[:limit]:
            shown = ", ".join(map(str, rows[:5])) + (" …" if len(rows) > 5 else "")
            lines.append(f"  rejected {len(rows)}: {reason} (rows {shown})")
        if len(by_reason) > limit:
            lines.append(f"  … {len(by_reason) - limit} more reasons in the report")
        if self.topology:
            lines.append(f"  topology: {len(self.topology)} findings (overlaps and gaps)")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)
