"""Content hashes of data files, kept free of YAML and pydantic so the matcher's
warm start can check its cache without loading the knowledge base."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def yaml_files(path: Path) -> list[Path]:
    """The YAML files of a file or folder, in sorted (stable) order."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]


def content_hash(paths: Iterable[Path]) -> str:
    """A hash of the files' names and bytes, used to key caches."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
