"""Snapshot tests of the main screens (fixed terminal size; pinned Textual).

Update after an intended visual change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs in tests/tui/__snapshots__/ before committing them.
"""

from __future__ import annotations

import pytest

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from dialogues.demos import load_demo
from tui.app import build_app

SIZE = (140, 42)


def still(app):
    """Animations off, so the tab underline and scrolling are captured at rest."""
    app.animation_level = "none"
    return app


async def settle(pilot) -> None:
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
    """Look for: the tree on the left with 4.3.3.2.3 marked ●/◐ in colour, the opening
    question and its follow-up in the chat, the answer box, and the detail tab on the right."""
    app = still(build_app(services, session="华东精工"))
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_gap_list(snap_compare, services):
    """Look for: the gap tab open, 80-point results items first, each gap with symbol,
    item, points and the reason it is a gap."""
    app = still(build_app(services, session="华东精工"))

    async def open_gaps(pilot) -> None:
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_gaps)


def test_demo_mode_after_three_turns(snap_compare, services):
    """Look for: the demo bar (turn 3 of N), three questions and answers in the chat,
    and the first three leaves of 4.1 marked in the tree."""
    demo = load_demo("manufacturer", services.kb)
    app = still(build_app(services, mode="demo", demo=demo))

    async def three_turns(pilot) -> None:
        await pilot.press("right", "right", "right")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=three_turns)
