"""The fixed vocabularies of kinds that the schema checks (migrations 0002 and 0003)."""

from __future__ import annotations

CAMERA_KINDS = ("bullet", "dome", "ai", "panorama")
GRID_KINDS = ("community", "micro", "rural", "exclusive")
