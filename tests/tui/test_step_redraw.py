"""What keeps one step's redraw short however long the interview: the chat log keeps only its
latest turns mounted, the detail pane rewrites its lines in place, and the footer is rebuilt
only when the data key comes or goes (bench/tui_step.py times it)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Button
from textual.widgets._footer import FooterKey

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from tests.tui.test_app import SIZE, answer, start_new
from tui.app import build_app
from tui.engine import read_detail
from tui.widgets import ChatLog, DetailPanel, ProseStatic

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
MORE_COMPLAINTS = "投诉处理结果每月通报各部门,客户回访满意度纳入客服人员考核,每年修订一次投诉处理流程。"


class _Log(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog()


def answers_shown(log: ChatLog) -> list[str]:
    return [str(widget.render()) for widget in log.query(".answer").results(ProseStatic)]


async def fill(log: ChatLog, turns: int) -> None:
    for n in range(1, turns + 1):
        log.add_answer(f"回答 {n}")
        log.add_note(f"记录 {n}")


async def test_the_chat_log_mounts_only_its_latest_turns_under_a_line_for_the_earlier_ones():
    app = _Log()
    async with app.run_test(size=(60, 30)) as pilot:
        log = app.query_one(ChatLog)
        await fill(log, 40)
        await pilot.pause()
        assert answers_shown(log) == [f"回答 {n}" for n in range(41 - ChatLog.WINDOW, 41)]
        earlier = log.query_one(".earlier", Button)
        assert log.children[0] is earlier
        assert f"{40 - ChatLog.WINDOW} 轮" in str(earlier.label)
        assert len(log.children) == 1 + 2 * ChatLog.WINDOW  # nothing of the earlier turns is mounted


async def test_pressing_the_earlier_line_brings_back_the_turns_before_in_order():
    app = _Log()
    async with app.run_test(size=(60, 30)) as pilot:
        log = app.query_one(ChatLog)
        await fill(log, 40)
        await pilot.pause()
        log.query_one(".earlier", Button).press()
        await pilot.pause()
        first = 41 - ChatLog.WINDOW - ChatLog.MORE
        assert answers_shown(log) == [f"回答 {n}" for n in range(first, 41)]
        assert f"{first - 1} 轮" in str(log.query_one(".earlier", Button).label)
        while log.query(".earlier"):
            log.query_one(".earlier", Button).press()
            await pilot.pause()
        assert answers_shown(log) == [f"回答 {n}" for n in range(1, 41)]
        # the notes came back with their answers, each after its own
        lines = [str(widget.render()) for widget in log.query(ProseStatic)]
        assert lines[:4] == ["回答 1", "记录 1", "回答 2", "记录 2"]


async def test_the_next_turn_after_loading_earlier_ones_trims_the_log_back_to_its_window():
    app = _Log()
    async with app.run_test(size=(60, 30)) as pilot:
        log = app.query_one(ChatLog)
        await fill(log, 40)
        log.query_one(".earlier", Button).press()
        await pilot.pause()
        log.add_answer("回答 41")
        await pilot.pause()
        assert answers_shown(log) == [f"回答 {n}" for n in range(42 - ChatLog.WINDOW, 42)]


async def test_clearing_the_chat_log_forgets_the_earlier_turns_too():
    app = _Log()
    async with app.run_test(size=(60, 30)) as pilot:
        log = app.query_one(ChatLog)
        await fill(log, 40)
        await pilot.pause()
        await log.remove_children()
        log.add_answer("新的回答")
        await pilot.pause()
        assert not log.query(".earlier")
        assert answers_shown(log) == ["新的回答"]


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "redraw.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


class _Detail(App[None]):
    def compose(self) -> ComposeResult:
        yield DetailPanel()


async def test_the_detail_pane_rewrites_its_lines_in_place_when_the_clause_gains_evidence(services):
    s = services
    iv = Interview.open(s.store, "detail", s.kb, s.dialogues, s.matcher, create=True, scope="4.3")
    iv.goto("4.3.3.2.3")
    iv.answer(COMPLAINTS)
    before = read_detail(iv, "4.3.3.2.3")
    iv.goto("4.3.3.2.3")
    iv.answer(MORE_COMPLAINTS)
    after = read_detail(iv, "4.3.3.2.3")
    iv.close()
    assert len(after.evidence) == len(before.evidence) + 1
    app = _Detail()
    async with app.run_test(size=SIZE) as pilot:
        pane = app.query_one(DetailPanel)
        pane.show(s.kb, before)
        await pilot.pause()
        lines_before = list(pane.children)
        pane.show(s.kb, after)
        await pilot.pause()
        lines_after = list(pane.children)
        assert lines_after[:3] == lines_before[:3]  # the chain, the title and the clause text stay mounted
        assert len(lines_after) == len(lines_before) + 1
        shown = [str(line.render()) for line in lines_after]
        assert any(MORE_COMPLAINTS[:20] in line for line in shown)
        assert sum("[回答]" in line for line in shown) == len(after.evidence)


def footer_actions(app) -> set[str]:
    return {key.action for key in app.query(FooterKey)}


async def test_the_footer_is_rebuilt_only_when_the_data_key_comes_or_goes(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        rebuilt: list[object] = []
        app.screen.bindings_updated_signal.subscribe(app, rebuilt.append)
        await answer(pilot, app, COMPLAINTS)  # a process clause before and after: the same keys
        assert rebuilt == []
        await answer(pilot, app, "/goto 4.7.3.1")  # a results point: the data key comes
        assert len(rebuilt) == 1
        assert "enter_data" in footer_actions(app)
        await answer(pilot, app, "/goto 4.3.3.2.3")  # and goes
        assert len(rebuilt) == 2
        assert "enter_data" not in footer_actions(app)
