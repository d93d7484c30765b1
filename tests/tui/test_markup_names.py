"""Session and company names are text, never Rich markup, wherever the TUI shows them."""

from __future__ import annotations

import pytest

from assistant.services import Services
from assistant.storage import Store
from tui.app import build_app
from tui.screens import PromptDialog
from tui.widgets import AnswerInput

SIZE = (140, 42)
MARKUP_NAMES = ["[/b]x", "[/]", "[bold]y", "[link=x]z[/link"]


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "tui.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


@pytest.mark.parametrize("name", MARKUP_NAMES)
async def test_a_session_named_with_markup_resumes_from_the_start_screen(services, name):
    services.store.create_session(name, framework="GB/T 19580-2012", company=name)
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#resume")
        await pilot.pause()
        assert app.interview is not None and app.interview.session.name == name
        assert app.sub_title == name
        await pilot.press("f8")  # the export dialog shows the name in its default path
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("escape")


async def test_a_company_typed_with_markup_starts_a_session(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#company")
        for ch in "[/b]华东":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.pause()
        assert app.interview is not None and app.interview.session.company == "[/b]华东"
        assert app.query_one(AnswerInput).has_focus


async def test_the_coverage_view_opens_a_session_named_with_markup(services):
    services.store.create_session("[/b]x", framework="GB/T 19580-2012")
    app = build_app(services, mode="coverage", session="[/b]x")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.interview is not None and app.interview.session.name == "[/b]x"


async def test_a_missing_session_named_with_markup_exits_with_a_plain_message(services):
    from rich.text import Text

    app = build_app(services, session="[/b]nope\x1b]0;x\x07")
    messages = []
    exit_app = app.exit
    app.exit = lambda *args, message=None, **kwargs: (messages.append(message), exit_app(*args, **kwargs))  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert isinstance(messages[0], Text)  # a Text is printed as it is, never parsed as markup
    assert "[/b]nope" in messages[0].plain and "\x1b" not in messages[0].plain
