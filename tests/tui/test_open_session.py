"""`zhuoyue --session NAME [--db PATH]` opens that session in the app: imported, merged, or held elsewhere.

The command line runs as the user runs it (main() with the real store, importer and
merge); only the app's terminal is headless, and a probe looks at the screen and leaves.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.cli import main
from tests.conftest import run_cli
from tests.tui.test_picker import held_by_another_process
from tui.app import ZhuoyueApp
from tui.picker import SessionPicker
from tui.widgets import AnswerInput

DRAFT = """# 华东精工 卓越绩效自评报告(初稿)

## 4.3.3.2.3 顾客投诉处理

投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。

## 4.3.3.3 顾客满意的测量

每年委托第三方开展顾客满意度测评,覆盖全部客户群,测评结果用于改进。
"""


@pytest.fixture
def headless(monkeypatch):
    """Run the app without a terminal; record what it shows once a session is open, then leave."""
    seen: dict[str, Any] = {}
    original = ZhuoyueApp.run

    def run(self: ZhuoyueApp, *args: object, **kwargs: object) -> None:
        async def probe(pilot) -> None:
            await pilot.pause()
            await pilot.pause()
            app = pilot.app
            iv = app.interview
            seen.update(screen=app.screen, sub_title=app.sub_title, interview=iv)
            if iv is not None:
                seen.update(
                    name=iv.session.name, read_only=iv.read_only, coverage=iv.coverage(),
                    assessor_scores=iv.store.assessor_scores(iv.session.id),
                    answer_box_disabled=app.query_one(AnswerInput).disabled,
                )  # fmt: skip
            app.exit()

        return original(self, headless=True, size=(140, 42), auto_pilot=probe)

    monkeypatch.setattr(ZhuoyueApp, "run", run)
    return seen


@pytest.fixture
def db_with_a_draft(tmp_path):
    """A store holding a session imported by `zhuoyue import` from a small Markdown draft, and another one."""
    db = tmp_path / "store.sqlite3"
    draft = tmp_path / "自评报告初稿.md"
    draft.write_text(DRAFT, encoding="utf-8")
    imported = run_cli("import", str(draft), "--session", "华东精工-初稿", "--db", str(db))
    assert imported.returncode == 0, imported.stderr
    other = run_cli("import", str(draft), "--session", "华东精工-复核", "--db", str(db))
    assert other.returncode == 0, other.stderr
    return db


def test_session_option_opens_an_imported_session_with_its_evidence(db_with_a_draft, headless):
    code = main(["--db", str(db_with_a_draft), "--session", "华东精工-初稿"])
    assert code == 0
    assert headless["name"] == "华东精工-初稿"
    assert not isinstance(headless["screen"], SessionPicker)  # straight in, although there are two sessions
    assert not headless["read_only"] and headless["sub_title"] == "华东精工-初稿"
    assert headless["coverage"]["4.3.3.2.3"].status != "uncovered"  # the draft's paragraph is its evidence
    assert not headless["answer_box_disabled"]


def test_session_option_opens_a_merged_session(db_with_a_draft, headless):
    merged = run_cli("merge", "华东精工-初稿", "华东精工-复核", "--into", "共识", "--db", str(db_with_a_draft))
    assert merged.returncode == 0, merged.stderr
    assert main(["--session", "共识", "--db", str(db_with_a_draft)]) == 0
    assert headless["name"] == "共识" and not headless["read_only"]
    assert headless["coverage"]["4.3.3.2.3"].status != "uncovered"


def test_session_option_opens_a_session_another_zhuoyue_holds_read_only_and_says_so(db_with_a_draft, headless):
    with held_by_another_process(db_with_a_draft, "华东精工-初稿") as pid:
        assert main(["--db", str(db_with_a_draft), "--session", "华东精工-初稿", "--lang", "en"]) == 0
    assert headless["name"] == "华东精工-初稿" and headless["read_only"]
    assert "read-only" in headless["sub_title"] and f"pid {pid}" in headless["sub_title"]
    assert headless["answer_box_disabled"]


def test_an_unknown_session_name_is_one_line_with_close_names_and_exit_2(db_with_a_draft):
    result = run_cli("--db", str(db_with_a_draft), "--session", "华东精工-出稿")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: 没有名为 '华东精工-出稿' 的会话")
    assert "'华东精工-初稿'" in result.stderr  # the name it is closest to
    english = run_cli("--session", "nothing-like-it", "--db", str(db_with_a_draft), "--lang", "en")
    assert english.returncode == 2 and "Traceback" not in english.stderr
    assert english.stderr.strip() == "error: no session named 'nothing-like-it'; zhuoyue sessions lists them all"


def test_session_option_before_a_command_is_refused_in_one_line(db_with_a_draft):
    result = run_cli("--session", "华东精工-初稿", "report", "华东精工-初稿", "--db", str(db_with_a_draft))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "takes no command" in result.stderr
