"""Pilot tests of the side panels: the gap list and its filters, the score table at 100 columns,
the score dialog from it, the answer history with its undo, and Ctrl+L relabelling every panel."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Button, DataTable, OptionList, Static, TabbedContent, TextArea

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from tui.app import TITLES, build_app
from tui.findings import ScoreDialog
from tui.gaps import GapList
from tui.history import AnswerDialog, HistoryScreen
from tui.widgets import DetailPanel

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部12家分公司都执行。"
SEGMENTS = "我们按行业把客户分为汽车、家电和电子三大类,并识别出重点客户,由大客户部负责维护。"
GAP = "市场细分这块目前是空白"
PLAN = "打算明年三月前由市场部牵头把细分做起来"
TODO = "这个我得回去问问市场部"
SIZE = (140, 42)
NAME = "华东精工"


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "panels.sqlite3")
    yield store
    store.close()


@pytest.fixture
def services(kb, dialogues, matcher, store):
    return Services(kb, dialogues, matcher, store)


@pytest.fixture
def session(kb, dialogues, matcher, store):
    """A session past its 组织概述, for each test to say its own answers in."""
    iv = Interview.open(store, NAME, kb, dialogues, matcher, create=True)
    iv.skip_profile()
    yield iv
    iv.close()


def planned(iv: Interview) -> None:
    """An admitted gap with a plan, an owner and a due date on 4.3.2.2.1, a to-do with its owner on 4.3.3.2.3."""
    iv.goto("4.3.2.2.1")
    iv.say(GAP)
    iv.say(PLAN)
    iv.goto("4.3.3.2.3")
    iv.say(TODO)
    iv.set_owner("4.3.2.2.1", "张三")
    iv.set_due("4.3.2.2.1", "2026-03-31")


async def settle(pilot) -> None:
    await pilot.app.wait_for_engine()
    await pilot.pause()


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def screen_lines(app) -> list[str]:
    """The cells of the screen as drawn, one string per row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def option_texts(options: OptionList) -> dict[str, str]:
    return {str(o.id): str(o.prompt) for o in (options.get_option_at_index(i) for i in range(options.option_count))}


async def test_the_gap_list_shows_title_reason_priority_notes_todos_and_plan_and_filters_them(services, session):
    planned(session)
    session.close()
    gaps = len(session.gaps())
    app = build_app(services, session=NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        gap_list = app.query_one(GapList)
        assert gap_list.has_focus
        texts = option_texts(gap_list)
        segments = texts["4.3.2.2.1"]
        for words in ("4.3.2.2.1 目标顾客群与细分市场的界定", "未覆盖", "优先级 高", f"已确认的不足:{GAP}",
                      f"改进计划:{PLAN}", "负责人 张三", "完成日期 2026-03-31"):  # fmt: skip
            assert words in segments, words
        assert f"待核实(市场部):{TODO}" in texts["4.3.3.2.3"]
        assert "负责人 市场部(待核实的负责人)" in texts["4.3.3.2.3"]
        assert str(app.query_one("#view-todos", Button).label) == "待核实 1"
        await press(pilot, "f")  # the gaps only
        assert gap_list.option_count == gaps
        await press(pilot, "f")  # the to-dos
        assert list(option_texts(gap_list)) == ["4.3.3.2.3"]
        await pilot.click("#view-all")
        await settle(pilot)
        assert gap_list.option_count == gaps


async def test_the_score_table_shows_every_column_whole_at_100_columns(services, session):
    session.set_score("4.3.3", 100)  # high on little evidence: the ⚠ mark
    suggested = session.suggested_band("4.3.3").range
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        for lang, header in (("zh", ("评分项", "名称", "分值", "覆盖", "评分", "得分", "评分档", "建议档")),
                             ("en", ("Item", "Title", "Pts", "Cov.", "Score", "Earned", "Band", "Sugg."))):  # fmt: skip
            lines = screen_lines(app)
            head = next(line for line in lines if header[0] in line and header[-1] in line)
            assert all(name in head for name in header), head
            row = next(line for line in lines if " 4.3.3 " in line)
            for cell in ("100% ⚠", "50", "90–100", suggested):
                assert cell in row, (cell, row)
            table = app.query_one("#score-table", DataTable)
            assert table.virtual_size.width <= table.scrollable_content_region.width  # no column off to the right
            if lang == "zh":
                await press(pilot, "ctrl+l")
        band = str(app.query_one("#score-band", Static).render())
        assert "Band:" in band and "Suggested:" in band
        await press(pilot, "f4")  # the clause tree comes back with the detail tab
        assert app.query_one("#tree-pane").display


async def test_enter_on_the_score_table_opens_the_score_dialog_with_its_rubric_and_suggestion(services, session):
    session.goto("4.3.3.2.3")
    session.say(COMPLAINTS)
    suggested = session.suggested_band("4.3.3").range
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        table = app.query_one("#score-table", DataTable)
        assert table.has_focus
        table.move_cursor(row=table.get_row_index("4.3.3"))
        await press(pilot, "enter")
        assert isinstance(app.screen, ScoreDialog)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "▶" in shown and f"{suggested}%" in shown
        await press(pilot, "backspace", "backspace", "backspace", "4", "0", "enter")
        assert app.interview.store.scores(app.interview.session.id) == {"4.3.3": 40}


async def test_the_history_edits_deletes_and_undoes_an_answer_and_a_link(services, session):
    session.goto("4.3.3.2.3")
    session.say(COMPLAINTS)
    session.say(SEGMENTS)
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        listed = history.query_one(OptionList)
        assert list(option_texts(listed)) == ["2", "1"]  # the newest first
        assert "4.3.3.2.3 顾客投诉处理" in option_texts(listed)["1"]

        listed.highlighted = 1
        await press(pilot, "enter")  # opens answer 1
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        dialog.query_one("#answer-text", TextArea).text = COMPLAINTS.replace("12家", "十二家")
        await pilot.click("#save")
        await settle(pilot)
        assert app.screen is history
        assert app.interview.answers()[0].text == COMPLAINTS.replace("12家", "十二家")
        assert "已修改第 1 段回答" in str(history.query_one("#history-status", Static).render())

        listed.highlighted = 1
        await press(pilot, "enter")
        links = app.screen.query_one("#answer-links", OptionList)
        links.highlighted = list(option_texts(links)).index("4.3.3.2.3")
        await pilot.click("#unlink")
        await settle(pilot)
        first = app.interview.answers()[0].id
        assert "4.3.3.2.3" not in {e.leaf_id for e in app.interview.store.evidence(app.interview.session.id) if e.answer_id == first}
        await press(pilot, "f5")
        assert "4.3.3.2.3" in {e.leaf_id for e in app.interview.store.evidence(app.interview.session.id) if e.answer_id == first}

        listed.highlighted = 0
        await press(pilot, "delete")  # answer 2
        assert [a.text for a in app.interview.answers()] == [COMPLAINTS.replace("12家", "十二家")]
        assert list(option_texts(listed)) == ["1"]
        await press(pilot, "f5")
        assert list(option_texts(listed)) == ["2", "1"]
        assert app.interview.answers()[1].text == SEGMENTS
        await press(pilot, "f5")  # the edit
        assert app.interview.answers()[0].text == COMPLAINTS
        await press(pilot, "f5", "f5", "f5", "f5", "f5")  # each answer, the move, the profile skipped, then nothing
        assert list(option_texts(listed)) == []
        assert "没有可以撤销的操作" in str(history.query_one("#history-status", Static).render())
        await press(pilot, "escape")
        assert app.screen is app.screen_stack[0]


async def test_ctrl_s_over_the_history_does_nothing_so_its_keys_never_reach_another_session(services, session):
    session.goto("4.3.3.2.3")
    session.say(COMPLAINTS)
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await press(pilot, "ctrl+s")  # the picker would swap the session behind the history
        assert app.screen is history and app.interview.session.name == NAME


async def test_a_dialog_closed_before_its_command_returns_closes_nothing_else(services, session):
    session.goto("4.3.3.2.3")
    session.say(COMPLAINTS)
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f10")
        history = app.screen
        await press(pilot, "enter")
        dialog = app.screen
        assert isinstance(dialog, AnswerDialog)
        dialog.query_one("#answer-text", TextArea).text = COMPLAINTS.replace("12家", "十二家")
        app.engine_call(time.sleep, 0.5)  # the engine is busy: the edit waits behind this
        await pilot.click("#save")
        await pilot.press("escape")  # before the engine has answered
        assert app.screen is history
        await settle(pilot)
        assert app.screen is history  # the history stays open, and nothing raised
        assert app.interview.answers()[0].text == COMPLAINTS.replace("12家", "十二家")
        assert "1" in option_texts(history.query_one(OptionList))


async def test_ctrl_l_turns_the_title_tabs_detail_pane_and_gap_list_english(services, session):
    planned(session)
    session.close()
    app = build_app(services, session=NAME)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == TITLES[0]
        app.show_detail("4.3.2.2.1")
        await settle(pilot)
        assert "目标顾客群与细分市场的界定" in detail_text(app)
        await press(pilot, "ctrl+l")
        assert app.title == TITLES[1]
        tabs = app.query_one(TabbedContent)
        labels = [str(tabs.get_tab(pane).label) for pane in ("detail", "gaps", "scores")]
        assert labels[0] == "Detail" and labels[1].startswith("Gaps ") and labels[2].startswith("Scores ")
        text = detail_text(app)
        assert "Identifying customers, customer groups and market segments" in text and "Evidence (0)" in text
        assert "目标顾客群" not in text
        gap = option_texts(app.query_one(GapList))["4.3.2.2.1"]
        assert f"Admitted gap: {GAP}" in gap and "priority High" in gap and "owner 张三" in gap and "due 2026-03-31" in gap
        assert str(app.query_one("#view-all", Button).label).startswith("All ")
        assert str(app.query_one("#score-table", DataTable).columns["id"].label) == "Item"
        await press(pilot, "ctrl+l")
        assert app.title == TITLES[0] and "目标顾客群与细分市场的界定" in detail_text(app)


async def test_lang_en_opens_with_an_english_title_and_tabs(services, session):
    session.close()
    app = build_app(services, session=NAME, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.title == TITLES[1]
        tabs = app.query_one(TabbedContent)
        assert str(tabs.get_tab("detail").label) == "Detail"
        assert TITLES[1] in screen_lines(app)[0]  # the header as drawn


def detail_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.query_one(DetailPanel).query(Static))
