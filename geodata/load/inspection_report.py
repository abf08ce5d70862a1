"""The report of an inspections load (geodata/load/inspections.py): counts, the refused rows with
their reasons, what was understood of the file; the terminal summary says each sentence in Chinese
first, then in English."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from i18n import Message, say


@dataclass
class InspectionReport:
    """What one load read, recorded and refused. Row numbers count data rows from 1 (the header is 0)."""

    path: str
    layout: str = ""
    read: int = 0
    dry_run: bool = False
    recorded: int = 0  # inspections recorded now
    repeats: int = 0  # inspections recorded before, under the same external id
    elements: int = 0  # element results the file gave in the recorded inspections
    failures: int = 0  # of which failed
    opened: int = 0  # rectification cases opened by those failures
    joined: int = 0  # failures that joined a rectification case still open
    rejected: dict[int, str] = field(default_factory=dict)
    understood: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reject(self, row: int, reason: str) -> None:
        """Refuse a row; its first reason stays."""
        self.rejected.setdefault(int(row), reason)

    def counts(self) -> dict[str, int]:
        """rows read, inspections recorded, repeats, elements, failures, cases opened and joined, rows refused."""
        return {
            "read": self.read,
            "recorded": self.recorded,
            "repeats": self.repeats,
            "elements": self.elements,
            "failures": self.failures,
            "opened": self.opened,
            "joined": self.joined,
            "refused": len(self.rejected),
        }

    def headline(self) -> Message:
        """The counts as one sentence."""
        layout = Message(f"load.insp.layout.{self.layout}") if self.layout else Message("load.insp.layout.none")
        return Message("load.insp.summary", file=self.path, layout=layout, **self.counts())

    def summary(self, limit: int = 50) -> str:
        """The terminal summary, each sentence in Chinese first, then in English."""
        lines = [
            f"understood: {' '.join(filter(None, (what.replace('_', ' '), name)))}: {value}"
            for what, name, value in self.understood
        ]
        head = [Message("load.insp.dry_run")] if self.dry_run else []
        if self.rejected:
            head = [Message("load.insp.refused", count=len(self.rejected))]
        for lang in ("zh", "en"):
            lines.append("".join(say(m, lang) for m in [*head, self.headline()]))
        for row, reason in sorted(self.rejected.items())[:limit]:
            where = say(Message("load.insp.row", row=row), "zh")
            lines.append(f"  {where} / row {row}: {say(reason, 'zh')} / {reason}")
        if len(self.rejected) > limit:
            lines.append(f"  … {len(self.rejected) - limit} more rows in the report (--report)")
        lines.extend(f"  note: {say(n, 'zh')} / {n}" for n in self.notes)
        return "\n".join(lines)

    def write_csv(self, path: Path) -> None:
        """The counts, then one line per refused row with its reason in both languages."""
        with open(path, "w", newline="", encoding="utf-8-sig") as out:
            w = csv.writer(out)
            w.writerow(["row", "outcome", "原因", "reason"])
            for key, value in self.counts().items():
                w.writerow(["", key, value, ""])
            for row, reason in sorted(self.rejected.items()):
                w.writerow([row, "refused", say(reason, "zh"), str(reason)])
