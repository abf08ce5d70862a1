"""The one command line: `gridops` lists its subcommands, and every help is in Chinese and English."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import GRIDOPS, ROOT

SUBCOMMANDS = [
    "setup",
    "demo",
    "load",
    "users",
    "apikeys",
    "walltokens",
    "cameras",
    "notify",
    "worker",
    "events",
    "run",
    "assess",
]
GROUPS = {
    "users": ["create", "passwd", "disable", "enable", "rescope", "list", "sessions", "end-sessions", "audit"],
    "apikeys": ["create", "list", "revoke"],
    "walltokens": ["create", "list", "revoke"],
    "cameras": ["sweep"],
    "notify": ["test", "channel", "rule", "route", "tick"],
    "assess": ["scheme", "close", "history"],
}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _help(*words: str) -> str:
    done = subprocess.run([GRIDOPS, *words, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_gridops_lists_every_subcommand():
    text = _help()
    for name in SUBCOMMANDS:
        assert re.search(rf"^\s+{name}\s", text, re.M), name


@pytest.mark.parametrize(
    "words",
    [[name] for name in SUBCOMMANDS] + [[group, sub] for group, subs in GROUPS.items() for sub in subs],
)
def test_every_help_is_in_chinese_and_english(words):
    text = _help(*words)
    assert HAN.search(text) and re.search(r"[a-z]{4,} [a-z]{3,}", text), text


def test_gridops_load_lists_the_loaders_options():
    text = _help("load")
    assert text.startswith("usage: gridops load") and "--crs" in text and "--dry-run" in text


def test_a_refusal_is_one_line_on_stderr():
    done = subprocess.run(
        [GRIDOPS, "apikeys", "revoke", "ffffffff"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and done.stderr.startswith("error: ") and "Traceback" not in done.stderr
