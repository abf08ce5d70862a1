"""GRIDOPS_LANG sets the language of a page that asks for none; ?lang= still wins."""

from __future__ import annotations

import requests

from tests import signin
from tests.conftest import TEST_SECRET
from tests.server import serve


def test_gridops_lang_sets_the_default_and_the_url_overrides_it(loaded):
    proc, url = serve({"GRIDOPS_LANG": "en", "GRIDOPS_SECRET_KEY": TEST_SECRET})
    try:
        admin = signin.session(url, "admin")
        assert "Data import" in admin.get(f"{url}/import", timeout=20).text
        assert "数据导入" in admin.get(f"{url}/import?lang=zh", timeout=20).text
        assert requests.get(f"{url}/healthz", timeout=20).ok
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_catalogue_says_every_key_in_both_languages_with_the_same_fields():
    import string

    from i18n.catalogue import CATALOGUE

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key, (zh, en) in CATALOGUE.items():
        assert zh.strip() and en.strip(), key
        assert fields(zh) == fields(en), key
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), key


def test_code_names_only_keys_the_catalogue_has_and_chooses_no_language_itself():
    """Every literal key given to t() or Message() exists, and outside i18n/ no module decides
    between Chinese and English by hand (the one mechanism is the catalogue)."""
    import pathlib
    import re

    from i18n.catalogue import CATALOGUE

    root = pathlib.Path(__file__).resolve().parent.parent
    sources = [
        p
        for d in ("access", "api", "callbacks", "geodata", "layers", "pages", "routes")
        for p in (root / d).rglob("*.py")
    ] + [root / "app.py", root / "cli.py"]
    literal = re.compile(r"""\b(?:t|Message)\(\s*["']([a-z][\w.]*\w)["']\s*[,)]""")
    by_hand = re.compile(r"""lang\s*==\s*["']en["']|if en else|_en["']\s+if\b""")
    unknown, chosen = [], []
    for path in sources:
        text = path.read_text(encoding="utf-8")
        unknown += [f"{path.name}: {k}" for k in literal.findall(text) if k not in CATALOGUE]
        chosen += [
            f"{path.relative_to(root)}:{n}" for n, line in enumerate(text.splitlines(), 1) if by_hand.search(line)
        ]
    assert unknown == []
    assert chosen == []


def test_a_message_reads_as_english_and_says_its_values_in_the_sentences_language():
    from geodata.load.reasons import Reason
    from i18n import Message, named, t

    reason = Reason("no_parent", above="street")
    assert str(reason).startswith("no street contains this unit")
    assert t(reason, "zh") == "没有街道办事处包含此单元：请先导入街道办事处，或提供上级编码列"
    assert t(Message("legend.open_cases", range="1–9"), "zh") == "在办 1–9"
    assert named({"name": "城市管理", "name_en": None}, "name", "en") == "城市管理"
    assert named({"name": "城市管理", "name_en": "City management"}, "name", "en") == "City management"


def test_every_field_the_loader_knows_has_a_name_in_the_catalogue():
    from geodata.load.fields import FIELDS
    from i18n.catalogue import CATALOGUE

    named = {f for kind in FIELDS.values() for f in kind}
    assert sorted(f for f in named if f"load.field.{f}" not in CATALOGUE) == []
