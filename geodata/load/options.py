"""What a load is told (Options) and the vocabulary of the files it reads: kinds, levels, unit and
camera kinds, and the size from which cases load in bulk mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from geodata.units import LEVELS, PARENT_LEVEL, ROOT_LEVELS  # noqa: F401 (the loader's vocabulary)

KINDS = ("units", "cameras", "checkpoints", "cases")
UNIT_KINDS = {  # the unit kinds allowed per level, and the words that name them
    "city": {"city": "city", "市": "city", "地级市": "city"},
    "district": {"district": "district", "区": "district", "县": "district"},
    "street": {"street": "street", "town": "town", "街道": "street", "办事处": "street", "镇": "town", "乡": "town"},
    "community": {"community": "community", "village": "village", "社区": "community", "村": "village"},
    "grid": {
        "community": "community",
        "micro": "micro",
        "rural": "rural",
        "exclusive": "exclusive",
        "社区网格": "community",
        "微网格": "micro",
        "农村网格": "rural",
        "专属网格": "exclusive",
    },
    "micro": {"micro": "micro", "微网格": "micro"},
}
CAMERA_KINDS = {
    "bullet": "bullet",
    "dome": "dome",
    "ai": "ai",
    "panorama": "panorama",
    "枪机": "bullet",
    "球机": "dome",
    "半球": "dome",
    "智能": "ai",
    "全景": "panorama",
}
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,40}$"
DEFAULT_CATEGORY = "99"  # 其他, migration 0014
OPEN_STATUSES = ("reported", "dispatched", "accepted", "returned")
# A cases load runs in bulk mode (load_write.write_cases) when it has at least this many rows and
# at least as many as the table holds: a city's first import, not next week's export.
BULK_MIN_ROWS = 10_000


@dataclass
class Options:
    """How to read and load one file."""

    crs: str | None = None
    level: str | None = None
    unit_kind: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    source: str = "import"
    encoding: str | None = None
    tz: str | None = None  # None: the territory's (settings.territory_tz)
    status_map: Path | None = None
    category_map: Path | None = None  # their category → our code (CSV source,target or JSON)
    category: str = DEFAULT_CATEGORY
    repair: bool = False
    dry_run: bool = False
    bulk: bool | None = None  # cases: bulk mode; None decides by size (see BULK_MIN_ROWS)
    allow_backward: bool = False  # cases: apply status changes the case loop cannot make (closed → reported)
    actor: str | None = None  # who loads, for the audit log (default: the operating-system user)
