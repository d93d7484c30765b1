"""Settings for the TUI tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # pytest-textual-snapshot writes its failure report into the working folder, which is
    # the repository root; unless a path was asked for, it goes to the temporary folder
    if config.getoption("--snapshot-report", default=None) == "snapshot_report.html":
        config.option.snapshot_report = str(Path(tempfile.gettempdir()) / "zhuoyue-snapshot-report.html")
