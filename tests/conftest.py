"""Shared fixtures: every test's cache and data paths point into tmp folders."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # One cache for the whole run: the index is built once, and the user's
    # real cache folder is never touched.
    os.environ["ZHUOYUE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    os.environ["ZHUOYUE_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="session")
def kb():
    from knowledge.loader import load_knowledge_base

    return load_knowledge_base()


@pytest.fixture(scope="session")
def matcher():
    from assistant.matching import load_matcher

    return load_matcher()


def run_cli(
    *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m assistant ...` as a user would, in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        input=input,
        env=full_env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="session")
def dialogues(kb):
    from dialogues.loader import load_dialogues

    return load_dialogues(kb)


@pytest.fixture
def store(tmp_path):
    from assistant.storage import Store

    s = Store(tmp_path / "sessions.sqlite3")
    yield s
    s.close()


@pytest.fixture
def interview(kb, dialogues, matcher, store):
    """A fresh session scoped to 4.3, in standard order."""
    from assistant.interview import Interview

    iv = Interview.open(store, "test", kb, dialogues, matcher, create=True, scope="4.3")
    yield iv
    iv.close()
