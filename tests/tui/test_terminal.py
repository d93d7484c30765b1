"""End to end in a real terminal: tmux runs `zhuoyue`, we type, and read the screen back."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def wait_for(session: str, predicate, timeout: float = 40.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-t", session, "-p")
        if predicate(screen):
            return screen
        time.sleep(0.3)
    raise AssertionError(f"screen never showed what was expected:\n{screen}")


def marked(screen: str, leaf: str) -> bool:
    return f"● {leaf}" in screen or f"◐ {leaf}" in screen


def test_an_answer_typed_in_a_real_terminal_marks_its_clause_on_screen(tmp_path: Path):
    """Start a session in the TUI, skip the 组织概述, type one answer about complaints, and read ◐/● for 4.3.3.2.3."""
    session = f"zy-{uuid.uuid4().hex[:8]}"
    exe = Path(sys.executable).with_name("zhuoyue")
    db = tmp_path / "e2e.sqlite3"
    command = f"{exe} --db {db}"
    env = {
        "ZHUOYUE_CACHE_DIR": os.environ["ZHUOYUE_CACHE_DIR"],
        "ZHUOYUE_DATA_DIR": str(tmp_path),
        "TERM": "xterm-256color",
    }
    env_args = [item for key, value in env.items() for item in ("-e", f"{key}={value}")]
    tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "45", *env_args, "-c", str(ROOT), command)
    try:
        wait_for(session, lambda s: "卓越绩效自评助手" in s and "开始" in s)
        tmux("send-keys", "-t", session, "-l", "华东精工")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, lambda s: "组织描述" in s and "开场" in s)  # a new session opens with the 组织概述
        tmux("send-keys", "-t", session, "-l", "/profile skip")
        tmux("send-keys", "-t", session, "Enter")
        wait_for(session, lambda s: "高层领导的作用" in s and "开场" in s)
        tmux(
            "send-keys",
            "-t",
            session,
            "-l",
            "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析,全部分公司执行。",
        )
        tmux("send-keys", "-t", session, "Enter")
        screen = wait_for(session, lambda s: "● 4.3.3.2.3" in s or "◐ 4.3.3.2.3" in s)
        assert "4.3.3.2.3" in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
