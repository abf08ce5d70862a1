"""Messages for people in English and Chinese.

A ``Said`` is its English text, so logs, API answers, the command line and anything that reads it
as a plain string see English; the pages, which are Chinese first, show ``say(message, lang)``.
"""

from __future__ import annotations


class Said(str):
    """An English message that also knows its Chinese."""

    zh: str

    def __new__(cls, zh: str, en: str) -> Said:
        text = super().__new__(cls, en)
        text.zh = zh
        return text


def say(text: str, lang: str = "zh") -> str:
    """``text`` in ``lang``: a ``Said``'s Chinese unless English is asked for; any other text as it is."""
    return text.zh if isinstance(text, Said) and lang != "en" else str(text)
