"""Pilot tests of the session picker: listing, opening, starting, renaming and deleting sessions."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from textual.widgets import DataTable

from assistant.interview import Interview
from assistant.services import Services
from assistant.storage import Store
from tests.conftest import ROOT
from tui.app import build_app
from tui.picker import NEW_ROW, ConfirmDialog, NewSessionDialog, SessionPicker
from tui.screens import PromptDialog, StartScreen
from tui.widgets import AnswerInput, ChatLog

SIZE = (140, 42)
COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"
SURVEY = "每年委托第三方开展顾客满意度测评,覆盖全部客户群,测评结果用于改进。"


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "picker.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


def make_session(services: Services, name: str, company: str, answers: list[str]) -> float:
    """A session with these answers; returns its coverage as the engine computes it."""
    s = services
    iv = Interview.open(s.store, name, s.kb, s.dialogues, s.matcher, create=True, company=company)
    iv.skip_profile()
    for text in answers:
        iv.answer(text)
    coverage = iv.overall_coverage()
    iv.close()
    return coverage


@pytest.fixture
def two_companies(services):
    """华东精工 with two answers, then 南方物流 with none (so 南方物流 is the newer one and listed first)."""
    first = make_session(services, "华东精工-自评", "华东精工机械有限公司", [COMPLAINTS, SURVEY])
    second = make_session(services, "南方物流", "南方物流集团", [])
    return {"华东精工-自评": first, "南方物流": second}


def cells(app, name: str) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(cell) for cell in table.get_row(name)]


async def settle(pilot) -> None:
    """Until the engine's thread has done what was queued and the screen shows it."""
    for _ in range(3):
        await pilot.pause()
        await pilot.app.wait_for_engine()
    await pilot.pause()


async def test_with_several_sessions_the_picker_lists_each_with_its_company_coverage_and_answers(
    services, two_companies
):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionPicker)
        name, company, updated, coverage, answers, status = cells(app, "华东精工-自评")
        assert (name, company, answers) == ("华东精工-自评", "华东精工机械有限公司", "2")
        assert coverage == f"{two_companies['华东精工-自评']:.0%}" and coverage != "0%"
        assert updated.startswith("今天 ")  # the local time, said the way people say it
        assert status == ""
        assert cells(app, "南方物流")[1:5:3] == ["南方物流集团", "0"]
        table = app.screen.query_one(DataTable)
        assert [key.value for key in table.rows] == ["南方物流", "华东精工-自评", NEW_ROW]


async def test_one_session_still_gets_the_start_screen(services):
    make_session(services, "only", "独家公司", [])
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, StartScreen)


async def test_enter_opens_the_session_under_the_cursor(services, two_companies):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, SessionPicker)
        assert app.interview is not None and app.interview.session.name == "华东精工-自评"
        assert not app.interview.read_only and app.sub_title == "华东精工-自评"
        shown = [str(w.render()) for w in app.query(".answer")]
        assert any("投诉" in text for text in shown)  # its answers are restored
        assert app.query_one(AnswerInput).has_focus


async def test_escape_at_start_leaves_the_app(services, two_companies):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.interview is None
    assert app.return_code == 0


async def test_ctrl_s_switches_sessions_and_gives_the_first_ones_lock_back(services, two_companies):
    app = build_app(services, session="南方物流")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert services.store.lock_holder("南方物流") is not None
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionPicker)
        assert cells(app, "南方物流")[5] == "当前"
        app.screen.query_one(DataTable).move_cursor(row=1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.interview.session.name == "华东精工-自评"
        assert services.store.lock_holder("南方物流") is None
        assert services.store.lock_holder("华东精工-自评") is not None
        assert any("投诉" in str(w.render()) for w in app.query_one(ChatLog).query(".answer"))


async def test_the_picker_key_is_in_the_footer_and_escape_comes_back(services, two_companies):
    app = build_app(services, session="南方物流")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        keys = {key.action: key for key in app.query("FooterKey")}
        sessions = keys["app.sessions"] if "app.sessions" in keys else keys["sessions"]
        assert "会话" in sessions.description and sessions.key == "ctrl+s"
        assert 0 < sessions.region.right <= SIZE[0]  # on screen, not cut off the end
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and app.interview.session.name == "南方物流"


async def test_the_new_session_row_asks_for_company_and_name(services, two_companies):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(DataTable).move_cursor(row=2)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewSessionDialog)
        dialog.query_one("#new-company").value = "西部能源"
        dialog.query_one("#new-name").value = "南方物流"  # taken: said in the dialog, which stays open
        await pilot.click("#ok")
        await settle(pilot)
        assert app.screen is dialog
        assert "已有名为 '南方物流' 的会话" in str(dialog.query_one("#new-error").render())
        dialog.query_one("#new-name").value = "西部能源-2025"
        dialog.query_one("#new-name").focus()
        await pilot.press("enter")  # Enter in the name field starts it too
        await settle(pilot)
        assert app.interview.session.name == "西部能源-2025"
        assert app.interview.session.company == "西部能源"
        assert app.interview.current_question().target == "B.1"  # a new session starts with the 组织概述


async def test_rename_goes_through_the_store_and_a_taken_name_is_one_line(services, two_companies):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("#value").value = "南方物流"
        await pilot.press("enter")
        await settle(pilot)
        error = str(app.screen.query_one("#picker-error").render())
        assert "已有名为 '南方物流' 的会话" in error and "\n" not in error
        assert {s.name for s in services.store.sessions()} == {"华东精工-自评", "南方物流"}
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#value").value = "华东精工-2025"
        await pilot.press("enter")
        await settle(pilot)
        assert {s.name for s in services.store.sessions()} == {"华东精工-2025", "南方物流"}
        assert cells(app, "华东精工-2025")[4] == "2"  # the same session under its new name
        assert str(app.screen.query_one("#picker-error").render()) == ""
        table = app.screen.query_one(DataTable)
        on = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value
        assert on == "华东精工-2025"  # the cursor stays on it (now first: renaming counts as a change)


async def test_delete_asks_first_and_only_yes_deletes(services, two_companies):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "华东精工-自评" in str(app.screen.query_one("Label").render())
        await pilot.press("enter")  # the focus is on Cancel
        await settle(pilot)
        assert isinstance(app.screen, SessionPicker)
        assert len(services.store.sessions()) == 2
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert [s.name for s in services.store.sessions()] == ["南方物流"]
        table = app.screen.query_one(DataTable)
        assert [key.value for key in table.rows] == ["南方物流", NEW_ROW]


async def test_the_session_open_here_cannot_be_deleted_from_under_the_app(services, two_companies):
    app = build_app(services, session="南方物流")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("d", "y")
        await settle(pilot)
        assert "当前打开的会话" in str(app.screen.query_one("#picker-error").render())
        assert len(services.store.sessions()) == 2


@contextmanager
def held_by_another_process(db: Path, name: str):
    """Another zhuoyue process holding the session's lock until the block ends."""
    code = (
        "import sys\nfrom pathlib import Path\nfrom assistant.storage import Store\n"
        f"store = Store(Path({str(db)!r}))\nstore.acquire(store.session({name!r}).id)\n"
        "print('held', flush=True)\nsys.stdin.readline()\nstore.close()\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert proc.stdout.readline().strip() == "held"
        yield proc.pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


async def test_a_session_another_zhuoyue_holds_is_marked_and_opens_read_only(services, two_companies):
    with held_by_another_process(services.store.path, "华东精工-自评") as pid:
        app = build_app(services)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert cells(app, "华东精工-自评")[5] == f"只读(pid {pid} 正在使用)"
            await pilot.press("down", "r")  # renaming it is refused: that process still shows the name
            await settle(pilot)
            app.screen.query_one("#value").value = "改名"
            await pilot.press("enter")
            await settle(pilot)
            assert f"pid {pid}" in str(app.screen.query_one("#picker-error").render())
            await pilot.press("enter")
            await settle(pilot)
            assert app.interview.session.name == "华东精工-自评" and app.interview.read_only
            assert "只读" in app.sub_title and str(pid) in app.sub_title
            assert app.query_one(AnswerInput).disabled
        assert {s.name for s in services.store.sessions()} == {"华东精工-自评", "南方物流"}


async def test_the_picker_speaks_english_with_lang_en(services, two_companies):
    app = build_app(services, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()] == [
            "Session", "Company", "Updated", "Coverage", "Answers", "Status"
        ]  # fmt: skip
        assert cells(app, "华东精工-自评")[2].startswith("today ")
        assert "Enter open" in str(app.screen.query_one("#picker-keys").render())


async def test_a_session_named_with_markup_is_text_in_the_picker(services):
    make_session(services, "[/b]x", "[bold]y", [])
    make_session(services, "plain", "plain", [])
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert cells(app, "[/b]x")[:2] == ["[/b]x", "[bold]y"]
        await pilot.press("down", "d")
        await settle(pilot)
        assert "[/b]x" in str(app.screen.query_one("Label").render())
