"""Why a load refused or repaired a row: a ``Reason`` is an ``i18n.Message`` whose sentence is one
of the catalogue's ``load.*`` entries (``i18n/load.py``).

Read as a plain string it is English (the command line, the report CSV, a script); the upload page
and the rejected-rows download also say it in Chinese with ``i18n.t``.
"""

from __future__ import annotations

from typing import Any

from i18n import Message
from i18n.catalogue import CATALOGUE

# Values that name a thing of the domain (what repeats, a unit level, a step of the loop) are said
# in the sentence's language: ``load.name.<value>`` (a value without one is shown as it is).
_NAMED = ("what", "level", "above", "step")


class Reason(Message):
    """One reason: ``load.<key>`` with its values."""

    def __new__(cls, key: str, **values: Any) -> Reason:
        for name in _NAMED:
            key_of_name = f"load.name.{str(values.get(name)).replace(' ', '_')}"
            if key_of_name in CATALOGUE:
                values[name] = Message(key_of_name)
        return super().__new__(cls, f"load.{key}", **values)
