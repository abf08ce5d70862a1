"""The one catalogue: every key of every area, each said in Chinese and English."""

from __future__ import annotations

from i18n.analysis import ANALYSIS
from i18n.load import LOAD
from i18n.load_errors import LOAD_ERRORS
from i18n.load_inspections import LOAD_INSPECTIONS
from i18n.mobile import MOBILE
from i18n.names import NAMES
from i18n.notices import NOTICES
from i18n.reports import REPORTS
from i18n.ui import UI
from i18n.work import WORK


def _merge(*areas: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in areas:
        clash = merged.keys() & area.keys()
        if clash:
            raise RuntimeError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(area)
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _merge(
    UI, LOAD, LOAD_ERRORS, LOAD_INSPECTIONS, ANALYSIS, NAMES, WORK, MOBILE, NOTICES, REPORTS
)
