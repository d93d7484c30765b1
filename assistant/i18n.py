"""The one helper for Chinese-first, English-alongside strings."""

from __future__ import annotations

from collections.abc import Mapping


def pick(lang: str, zh: str, en: str) -> str:
    """The Chinese text unless the language is English."""
    return en if lang == "en" else zh


def label(names: Mapping[str, tuple[str, str]], key: str, lang: str) -> str:
    """A code's name from a (zh, en) table in the chosen language; the code itself when unnamed."""
    pair = names.get(key)
    return pick(lang, *pair) if pair else key


def ordinal(number: int | str) -> int:
    """The 1-based number a user typed for a listed entry ("3", " 3 ", "#3"); 0 when it is not one."""
    try:
        return int(str(number).strip().lstrip("#"))
    except ValueError:
        return 0
