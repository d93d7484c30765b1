"""Keys and focus on the main screen: where the keyboard is shows, F-keys work while typing, Esc comes back."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, TabbedContent
from textual.widgets._footer import FooterKey

from assistant.services import Services
from assistant.storage import Store
from tests.tui.test_app import COMPLAINTS, SIZE, answer, settle, start_new
from tui.app import ZhuoyueApp, build_app
from tui.findings import ScoreDialog
from tui.help import KEY_HELP, HelpScreen
from tui.screens import PromptDialog
from tui.widgets import AnswerInput, ChatLog, Chip, ClauseTree, DetailPanel


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "keys.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


def border_colour(widget, edge: str = "top") -> str:
    return str(getattr(widget.styles, f"border_{edge}")[1])


def gap_list(app):
    return app.query_one("#gap-list")


async def test_the_answer_box_looks_focused_only_while_it_has_the_keyboard(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        box, tree = app.query_one(AnswerInput), app.query_one(ClauseTree)
        assert app.focused is box
        focused = border_colour(box)
        tree.focus()
        await pilot.pause()
        assert border_colour(box) != focused
        assert border_colour(tree, "left") == focused  # the accent bar moves to the tree
        box.focus()
        await pilot.pause()
        assert border_colour(box) == focused and border_colour(tree, "left") != focused


async def test_f2_and_f3_show_their_tab_and_put_the_keyboard_in_its_list_and_esc_comes_back(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        box = app.query_one(AnswerInput)
        box.insert("半句回答")
        await pilot.press("f2")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "gaps"
        assert app.focused is gap_list(app)
        await pilot.press("escape")
        assert app.focused is box and box.text == "半句回答"
        await pilot.press("f3")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "scores"
        assert isinstance(app.focused, DataTable) and app.focused.id == "score-table"
        await pilot.press("escape")
        await pilot.press("f4")
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "detail"
        assert isinstance(app.focused, DetailPanel)
        app.query_one(ClauseTree).focus()
        await pilot.press("escape")
        assert app.focused is box


async def test_f_keys_work_while_typing_in_the_answer_box(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, app, COMPLAINTS)
        box = app.query_one(AnswerInput)
        box.insert("还没写完的一句")
        assert app.focused is box
        # F6 is the TextArea's select-line; in the answer box it must score the item instead
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ScoreDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is box and box.text == "还没写完的一句" and not box.selected_text
        await pilot.press("f9")  # the last answer moved to the clause it reads more like, or said why not
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        notes = [str(w.render()) for w in app.query_one(ChatLog).query(".note")]
        assert any("撤销" in n for n in notes)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("escape")
        await settle(pilot)
        app.query_one(AnswerInput).focus()
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.query_one(AnswerInput).text == "还没写完的一句"


async def test_a_key_pressed_in_a_dialog_does_not_open_a_second_one(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("f6")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ScoreDialog)
        await pilot.press("f6", "f1", "ctrl+n")
        await settle(pilot)
        assert app.screen is dialog and len(app.screen_stack) == 2


async def test_match_chips_are_not_tab_stops(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, app, COMPLAINTS)
        assert app.query(Chip)
        assert not [w for w in app.screen.focus_chain if isinstance(w, Chip)]
        seen = set()
        for _ in range(len(app.screen.focus_chain) + 1):
            await pilot.press("tab")
            seen.add(type(app.focused))
        assert Chip not in seen


async def test_ctrl_q_and_f1_are_in_the_footer(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        shown = {key.key: key for key in app.query(FooterKey)}
        for key in ("ctrl+q", "f1"):
            assert key in shown, key
            region = shown[key].region
            assert region.width > 0 and region.right <= SIZE[0]  # drawn, not scrolled off the edge
        assert "Quit" in shown["ctrl+q"].description


def help_text(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query("Static"))


async def test_f1_shows_the_keys_and_the_chat_commands_in_the_language_chosen(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        text = help_text(app)
        for expected in ("Ctrl+N", "F6", "Ctrl+Q", "Esc", "先跳过这个条款", "/goto ID", "转到某个条款", "对话命令"):
            assert expected in text, expected
        await pilot.press("f1")  # F1 closes it too
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = help_text(app)
        for expected in ("Skip this clause for now", "go to a clause", "Chat commands", "Back to the answer box"):
            assert expected in text, expected
        assert "先跳过" not in text


def test_every_key_in_the_footer_is_explained_in_the_help():
    shown = [b.action for b in ZhuoyueApp.BINDINGS if getattr(b, "show", False)]
    assert shown and [a for a in shown if a not in KEY_HELP] == []
