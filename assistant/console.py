"""Writing to the terminal from the CLI (the core engine never prints).

Every line goes through `safe`, because what is printed can hold text from outside:
a session or company name, an imported file, a mistyped command echoed back. An
escape sequence in it could retitle the window, write the clipboard (OSC 52) or
clear the screen; a bidi override could make a line read differently from what it says.
"""

from __future__ import annotations

import re
import sys

# C0 and C1 controls except tab and newline (and a carriage return that ends a CRLF line),
# bidi marks, embeddings, overrides and isolates, and lone surrogates (which would also
# fail to encode). ESC is among the controls, so no CSI, OSC or DCS sequence survives.
_UNSAFE = re.compile(
    r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    # \uXXXX rather than \xXX: a JSON line printed through here stays valid JSON
    return f"\\u{code:04x}"


def safe(text: str) -> str:
    """`text` made inert for a terminal: each unsafe character is shown as a visible \\uXXXX."""
    return _UNSAFE.sub(_shown, text)


def out(text: str = "") -> None:
    sys.stdout.write(safe(text) + "\n")


def err(text: str) -> None:
    sys.stderr.write(safe(text) + "\n")
