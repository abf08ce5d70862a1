"""Words for people: Chinese first, English available (``?lang=en`` or ``GRIDOPS_LANG``).

One mechanism. Every sentence a person reads lives in the catalogue (``i18n.catalogue``) under a
key, in both languages. Domain code says *what* it means, as a key or as a ``Message`` (a key and
its values); the edge (a page, the command line, a report) says it in a language with ``t``.
Names that are data (a category's or a department's name, stored with a ``*_en`` column beside
it) are read with ``named``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from i18n.catalogue import CATALOGUE

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Message(str):
    """A sentence kept as its catalogue key and values.

    Read as a plain string it is the English text, so logs, API answers, the command line and
    CSV files see English; ``t(message, lang)`` says it in either language. A value that is itself
    a ``Message`` is said in the same language as the sentence around it.
    """

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, **values: Any) -> Message:
        text = super().__new__(cls, _say(key, "en", values))
        text.key, text.values = key, values
        return text


def t(key: str, lang: str = "zh", **values: Any) -> str:
    """``key`` (a catalogue key, or a ``Message``) in ``lang``, its ``{fields}`` filled from ``values``."""
    if isinstance(key, Message):
        return _say(key.key, lang, key.values)
    return _say(key, lang, values)


def say(text: str, lang: str = "zh") -> str:
    """Text for a person in ``lang``: a ``Message`` said in it, any other text (a library's) as it is."""
    return t(text, lang) if isinstance(text, Message) else str(text)


def named(row: Mapping[str, Any], key: str, lang: str) -> Any:
    """A name that is data: ``row[key]``, or in English its ``<key>_en`` column when that has a value
    (None when the row has neither)."""
    return row.get(name_column(key, lang)) or row.get(key)


def name_column(key: str, lang: str) -> str:
    """The column that holds the name ``key`` in ``lang``: ``<key>_en`` in English, ``key`` itself in Chinese."""
    return f"{key}_en" if lang == "en" else key


def lang_query(lang: str, sep: str = "?") -> str:
    """The query-string part that keeps ``lang`` on a link (nothing for Chinese, the default)."""
    return f"{sep}lang=en" if lang == "en" else ""


def pick(lang: str | None) -> Lang:
    """A supported language; anything else (none asked for) is GRIDOPS_LANG's, Chinese by default."""
    if lang == "zh" or lang == "en":
        return lang
    from settings import get_settings

    return get_settings().lang


def _say(key: str, lang: str, values: Mapping[str, Any]) -> str:
    zh, en = CATALOGUE[key]
    text = en if lang == "en" else zh
    if not values:
        return text
    return text.format(**{k: t(v, lang) if isinstance(v, Message) else v for k, v in values.items()})
