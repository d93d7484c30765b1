"""The core never imports a UI toolkit: each core module is imported alone in a subprocess."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import assistant
import dialogues
import knowledge
from tests.conftest import ROOT

CORE = sorted(
    f"{pkg.__name__}.{m.name}"
    for pkg in (assistant, knowledge, dialogues)
    for m in pkgutil.iter_modules(pkg.__path__)
    if m.name != "__main__"  # running it runs the CLI
)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui(module):
    code = (
        f"import sys, {module}\n"
        "bad = [m for m in ('textual', 'prompt_toolkit', 'rich') if m in sys.modules]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
