"""Writing to the terminal from the CLI (the core engine never prints)."""

from __future__ import annotations

import sys


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    sys.stderr.write(text + "\n")
