"""The one helper for Chinese-first, English-alongside strings."""

from __future__ import annotations


def pick(lang: str, zh: str, en: str) -> str:
    """The Chinese text unless the language is English."""
    return en if lang == "en" else zh
