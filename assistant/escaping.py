"""Text made safe for each export medium, and measured as a reader will see it.

Every export writes whatever the session holds, so each medium gets its own escape on
the way out: characters XML cannot hold (C0 controls, lone surrogates), which would
make openpyxl or lxml refuse the file, are dropped from every format; every CSV and
XLSX cell, headers included, that a spreadsheet would read as a formula (=, +, -, @,
tab, carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML file cannot hold; a lone surrogate becomes U+FFFD."""
    return _NOT_XML.sub("", _SURROGATE.sub("\ufffd", text))


def safe_cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would evaluate as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sheet_cell(value: Any) -> Any:
    """A CSV or XLSX cell: numbers as they are, text writable and never a formula."""
    return safe_cell(xml_text(value)) if isinstance(value, str) else value


def plain(value: Any) -> str:
    """A table value as text: nothing for None, floats without trailing zeros, XML-safe."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return xml_text(str(value))


def utf8(text: str) -> bytes:
    return _SURROGATE.sub("\ufffd", text).encode()


def display_width(text: str) -> int:
    """Columns the longest line of `text` takes: wide and full-width (CJK) characters count two."""
    lines = text.split("\n")
    if text.isascii():
        return max(map(len, lines))
    return max(sum(map(_char_width, line)) for line in lines)


@cache  # a report repeats a few thousand characters at most; one look-up each
def _char_width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
