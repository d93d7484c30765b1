"""Pilot tests of the score dialog (band rubric and suggested band) and the strengths/opportunities dialog."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from tui.app import build_app
from tui.findings import FeedbackDialog, ScoreDialog

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
SIZE = (140, 42)


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "findings.sqlite3")
    iv = Interview.open(store, "华东精工", kb, dialogues, matcher, create=True)
    iv.skip_profile()
    iv.goto("4.3.3.2.3")
    iv.answer(COMPLAINTS)
    iv.set_score("4.3.3", 40)
    iv.close()
    yield Services(kb, dialogues, matcher, store)
    store.close()


def text_of(widget: Static) -> str:
    return str(widget.render())


async def test_score_dialog_shows_the_rubric_and_the_suggested_band_beside_the_score(services):
    app = build_app(services, session="华东精工")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.ask_score("4.3.3")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ScoreDialog)
        ranges = [text_of(w) for w in dialog.query(".band .band-range")]
        assert [r.strip(" ▶●") for r in ranges] == ["0–5%", "10–25%", "30–45%", "50–65%", "70–85%", "90–100%"]
        assert len(dialog.query(".band .band-text")) == 6
        assert text_of(dialog.query_one(".band.suggested .band-range", Static)) == "▶  10–25%"
        assert text_of(dialog.query_one(".band.current .band-range", Static)) == " ● 30–45%"  # the 40 already set
        reason = text_of(dialog.query_one("#suggested", Static))
        assert "建议:10–25%" in reason and "只有少数条款有方法" in reason
        assert dialog.query_one(Input).value == "40"
        await pilot.press("backspace", "backspace", "2", "0", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, ScoreDialog)
        assert app.interview.store.scores(app.interview.session.id)["4.3.3"] == 20


async def test_feedback_dialog_adds_edits_and_drops_through_the_engine(services):
    app = build_app(services, session="华东精工")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.interview.goto("4.3.3.2.3")
        await pilot.press("ctrl+o")  # from the answer box, the footer's key
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FeedbackDialog) and dialog.item_id == "4.3.3"
        strengths = dialog.query_one("#strength", OptionList)
        assert strengths.option_count == 1
        dialog.query_one("#text", Input).value = "大客户经理制度健全"
        await pilot.click("#add-strength")
        await pilot.pause()
        assert strengths.option_count == 2
        assert app.interview.strengths("4.3.3")[-1].text == "大客户经理制度健全"
        strengths.focus()
        strengths.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert dialog.query_one("#text", Input).value == "大客户经理制度健全"
        dialog.query_one("#text", Input).value = "大客户经理制度健全,每季度回访"
        await pilot.click("#edit")
        await pilot.pause()
        assert app.interview.strengths("4.3.3")[-1].text == "大客户经理制度健全,每季度回访"
        await pilot.click("#drop")  # nothing picked after the refresh: said in the dialog, nothing dropped
        await pilot.pause()
        assert "先在上面选中一条" in text_of(dialog.query_one("#feedback-error", Static))
        assert len(app.interview.strengths("4.3.3")) == 2
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FeedbackDialog)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("/strength /ofi 4.3.3 ") for t in titles)
