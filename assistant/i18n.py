"""The one helper for Chinese-first, English-alongside strings."""

from __future__ import annotations


def pick(lang: str, zh: str, en: str) -> str:
    """The Chinese text unless the language is English."""
    return en if lang == "en" else zh


def ordinal(number: int | str) -> int:
    """The 1-based number a user typed for a listed entry ("3", " 3 ", "#3"); 0 when it is not one."""
    try:
        return int(str(number).strip().lstrip("#"))
    except ValueError:
        return 0
