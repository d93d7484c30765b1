"""Snapshot tests of the main screens.

Each picture is the same on every run: a fixed terminal size, taken once the engine's
thread has shown all it was asked for, animations off, the text cursors' blink off (a
blinking cursor is drawn or not depending on the moment the picture is taken), no clock
in the header, no NO_COLOR from the environment, and textual and pytest-textual-snapshot
pinned to exact versions in pyproject.toml.

Update after an intended visual change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/tui/__snapshots__/ before committing them. A failing run
writes its side-by-side report to the temporary folder (tests/tui/conftest.py).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from dialogues.demos import load_demo
from tui.app import build_app

SIZE = (140, 42)


@pytest.fixture(autouse=True)
def _colour_on(monkeypatch):
    """The app reads NO_COLOR when it is built and would draw the picture without colour."""
    monkeypatch.delenv("NO_COLOR", raising=False)


def still(app):
    """Animations off, so the tab underline and scrolling are captured at rest."""
    app.animation_level = "none"
    return app


def steady(app) -> None:
    """Every text cursor drawn without blinking; the header without its clock."""
    for screen in app.screen_stack:
        for box in [*screen.query(TextArea), *screen.query(Input)]:
            box.cursor_blink = False
        assert not screen.query("HeaderClock"), "a clock in the header changes every picture"


async def settle(pilot) -> None:
    """Until the engine's thread has shown every call made so far, and the screen is at rest."""
    await pilot.pause()
    await pilot.app.wait_for_engine()  # opening the session and playing the demo run on it
    steady(pilot.app)
    await pilot.pause()
    await pilot.wait_for_animation()
    await pilot.pause()


COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "snap.sqlite3")
    iv = Interview.open(store, "华东精工", kb, dialogues, matcher, create=True)
    iv.skip_profile()
    iv.answer(COMPLAINTS)
    iv.close()
    yield Services(kb, dialogues, matcher, store)
    store.close()


def test_main_screen_after_one_answer(snap_compare, services):
    """Session 华东精工 reopened after one answer given with the 组织概述 skipped: the clause
    tree from 4.1 down with a status symbol on every leaf and points and coverage on every
    item; the chat with that answer and the question asked next above the empty answer
    box and its cursor; the 详情 tab chosen and empty beside 差距 and 评分 with their counts;
    the keys along the bottom."""
    app = still(build_app(services, session="华东精工"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_gap_list(snap_compare, services):
    """The same session after F2: the 差距 tab chosen, its filter row with the counts, then
    the gaps starting with the 80-point results items, each with its symbol, clause, title,
    item and points, priority and the reason it is a gap, the first one highlighted; the
    tree and the chat as on the main screen."""
    app = still(build_app(services, session="华东精工"))

    async def open_gaps(pilot) -> None:
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_gaps)


def test_demo_mode_after_three_turns(snap_compare, services):
    """Trainer mode on the manufacturer demo after three steps forward: the demo bar at
    turn 3; the tree with the leaves those turns recorded marked ● or ◐ and the cursor on
    the last clause recorded; the chat ending with what was recorded, the matched clauses
    as chips and the next question; the 详情 tab showing that clause with its status,
    evidence and assessor guidance; the keys along the bottom, 课堂 Present among them."""
    demo = load_demo("manufacturer", services.kb)
    app = still(build_app(services, mode="demo", demo=demo))

    async def three_turns(pilot) -> None:
        await pilot.press("right", "right", "right")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=three_turns)
