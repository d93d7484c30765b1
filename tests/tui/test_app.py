"""Pilot tests of the Textual app's main flows."""

from __future__ import annotations

import pytest

from assistant.services import Services
from assistant.storage import Store
from tui.app import build_app
from tui.gaps import GapList
from tui.scores import ScorePanel
from tui.widgets import AnswerInput, ChatLog, ClauseTree

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
SIZE = (140, 42)


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "tui.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


def leaf_label(app, leaf_id: str) -> str:
    tree = app.query_one(ClauseTree)
    return str(tree._by_clause[leaf_id].label)


async def settle(pilot) -> None:
    """Until the engine's thread has run every call queued (and any their results queued) and the screen shows it."""
    await pilot.pause()
    await pilot.app.wait_for_engine()
    await pilot.pause()


async def start_new(pilot, company: str = "华东精工", *, profile: bool = False) -> None:
    """Create a session from the start screen; unless asked for, skip the 组织概述 it opens with."""
    await settle(pilot)
    await pilot.click("#company")
    for ch in company:
        await pilot.press(ch)
    await pilot.press("enter")
    await settle(pilot)
    if not profile:
        app = pilot.app
        app.query_one(AnswerInput).insert("/profile skip")
        await pilot.press("enter")
        await settle(pilot)


async def answer(pilot, app, text: str) -> None:
    app.query_one(AnswerInput).insert(text)
    await pilot.press("enter")
    await settle(pilot)


async def test_new_session_starts_with_the_profile_then_an_items_opening(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot, profile=True)
        assert app.interview.session.name == "华东精工"
        assert (app.interview.current_question().target, app.interview.current_question().role) == ("B.1", "opening")
        await answer(pilot, app, "我们是做汽车零部件的,两个工厂,员工1800人。")
        assert app.interview.profile() == {"B.1": ["我们是做汽车零部件的,两个工厂,员工1800人。"]}
        assert app.interview.store.evidence(app.interview.session.id) == []
        app.query_one(AnswerInput).insert("/profile skip")
        await pilot.press("enter")
        await settle(pilot)
        assert app.interview.current_question().role == "opening"
        assert app.query_one(ChatLog).query(".question")


async def test_answer_updates_the_tree_and_shrinks_the_gap_list(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        gaps_before = app.query_one(GapList).option_count
        assert leaf_label(app, "4.3.3.2.3").startswith("○")
        await answer(pilot, app, COMPLAINTS)
        assert leaf_label(app, "4.3.3.2.3")[0] in "●◐"
        assert app.query_one(GapList).option_count < gaps_before
        assert app.query_one(ChatLog).query(".chip")


async def test_choosing_a_gap_asks_its_question(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("f2")
        gap_list = app.query_one(GapList)
        gap_list.focus()
        first = gap_list.get_option_at_index(0).id
        await pilot.press("enter")
        await settle(pilot)
        question = app.interview.current_question()
        assert question.target == first
        heads = [str(w.render()) for w in app.query(".question-head")]
        assert first in heads[-1]


async def test_setting_a_score_changes_the_total(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("f3")
        app.ask_score("4.3.3")
        await settle(pilot)
        await pilot.press("backspace", "backspace", "4", "0", "enter")
        await settle(pilot)
        assert app.interview.total_points() == 20.0
        total = str(app.query_one("#score-total").render())
        assert "20 / 1000" in total


async def test_export_dialog_writes_a_file(services, tmp_path):
    app = build_app(services)
    target = tmp_path / "gaps.md"
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("f8")
        await settle(pilot)
        field = app.screen.query_one("#value")
        field.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    assert target.exists() and "差距清单" in target.read_text(encoding="utf-8")


async def test_resuming_restores_the_screen(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot, "ACME")
        await answer(pilot, app, COMPLAINTS)
        status = app.interview.coverage()["4.3.3.2.3"].status
    again = build_app(services)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the start screen focuses "resume"
        await settle(pilot)
        assert again.interview.session.name == "ACME"
        assert again.interview.coverage()["4.3.3.2.3"].status == status
        assert leaf_label(again, "4.3.3.2.3")[0] in "●◐"
        answers = [str(w.render()) for w in again.query(".answer")]
        assert any("投诉" in a for a in answers)


async def test_slash_commands_and_language_switch(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, app, "/goto 4.3.3.2c")
        assert app.interview.current_question().target == "4.3.3.2.3"
        await answer(pilot, app, "/nope")
        notes = [str(w.render()) for w in app.query(".note.error")]
        assert notes and "/nope" in notes[-1]
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.interview.lang == "en"
        assert "Complaint" in leaf_label(app, "4.3.3.2.3") or "omplaint" in leaf_label(app, "4.3.3.2.3")


async def test_theme_toggles_between_light_and_dark(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        before = app.theme
        await pilot.press("ctrl+t")
        assert app.theme != before


async def test_coverage_mode_is_read_only(services):
    from assistant.interview import Interview

    iv = Interview.open(
        services.store, "class", services.kb, services.dialogues, services.matcher, create=True
    )
    iv.skip_profile()
    iv.answer(COMPLAINTS)
    iv.close()
    app = build_app(services, mode="coverage", session="class")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query(AnswerInput)
        assert app.interview.read_only
        assert leaf_label(app, "4.3.3.2.3")[0] in "●◐"
        assert app.query_one(ScorePanel)


async def test_command_palette_reaches_clause_commands(services):
    """/na needs a reason: the palette entry asks for it in a dialog."""
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for command in (
            "/next",
            "/gaps",
            "/undo",
            "/goto 4.3.3.2.3",
            "/assign 4.3.3.2.3",
            "/detach 4.3.3.2.3",
            "/na 4.3.3.2.3",
        ):
            assert any(t.startswith(command) for t in titles), command
        app.ask_na("4.3.2.2.2")
        await settle(pilot)
        for ch in "单一客户":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(pilot)
        assert app.interview.coverage()["4.3.2.2.2"].status == "na"
        assert str(app.query_one(ClauseTree)._by_clause["4.3.2.2.2"].label).startswith("–")


async def test_a_command_that_meets_a_full_or_busy_database_is_one_line_and_the_app_goes_on(services, monkeypatch):
    from assistant.storage import StorageError

    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)

        def full(*args: object, **kwargs: object) -> None:
            raise StorageError("the disk holding x is full; this step was not saved, everything before it is")

        monkeypatch.setattr(app.interview, "skip", full)
        await pilot.press("ctrl+n")
        await settle(pilot)
        notes = [str(n.render()) for n in app.query_one(ChatLog).query(".error")]
        assert any("disk" in n and "full" in n for n in notes)
        assert app.is_running
