"""Writing user-facing output files: atomically, and never over a file by accident."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from knowledge.errors import UserError


class OutputError(UserError):
    """The file could not be written; nothing was left behind."""


def check_output(path: Path, *, force: bool = False) -> None:
    """Refuse a missing folder, or an existing file unless `force`."""
    if not path.parent.is_dir():
        raise OutputError(f"no such folder: {path.parent}")
    if path.exists() and not force:
        raise OutputError(f"{path} exists; use --force to overwrite it")


def write_output(path: Path, data: bytes, *, force: bool = False) -> Path:
    """Write `data` to `path` through a temporary file renamed into place.

    A missing folder, or an existing file without `force`, is refused before
    anything is written, so a failure never leaves half a file.
    """
    check_output(path, force=force)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def read_jsonl(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON Lines file; ValueError names the line."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc.msg})") from exc
