"""Pilot tests of the results-data dialog (Ctrl+R on a 4.7 point) and the sparklines in the detail pane."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Sparkline

from assistant.measures import parse_measure
from assistant.services import Services
from assistant.storage import Store
from tests.tui.test_app import SIZE, answer, start_new
from tui.app import build_app
from tui.screens import MeasureDialog
from tui.widgets import DetailPanel


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "data.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


def footer_keys(app) -> set[str]:
    return {binding.action for _, binding, enabled, _ in app.screen.active_bindings.values() if enabled}


async def open_dialog(pilot, app) -> MeasureDialog:
    await answer(pilot, app, "/goto 4.7.3.1")
    await pilot.press("ctrl+r")
    await pilot.pause()
    assert isinstance(app.screen, MeasureDialog)
    return app.screen


async def fill(pilot, dialog: MeasureDialog, name: str, unit: str, values: str) -> None:
    dialog.query_one("#measure-name", Input).value = name
    dialog.query_one("#measure-unit", Input).value = unit
    values_input = dialog.query_one("#measure-values", Input)
    values_input.value = values
    values_input.focus()
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_a_measure_entered_in_the_dialog_is_saved_and_drawn(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        dialog = await open_dialog(pilot, app)
        await fill(pilot, dialog, "顾客满意度", "%", "2021=88.2 2022=90.1 2023=92.4 行业平均=86")
        assert not isinstance(app.screen, MeasureDialog)
        assert app.interview.measures("4.7.3.1") == [parse_measure("顾客满意度 % 2021=88.2 2022=90.1 2023=92.4 行业平均=86")]
        sparks = app.query_one(DetailPanel).query(Sparkline)
        assert [list(s.data) for s in sparks] == [[88.2, 90.1, 92.4]]


async def test_a_bad_value_is_shown_in_the_dialog_which_stays_open(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        dialog = await open_dialog(pilot, app)
        await fill(pilot, dialog, "顾客满意度", "%", "2021=很高")
        assert app.screen is dialog
        assert "不是数值" in str(dialog.query_one("#measure-error").render())
        assert app.interview.measures("4.7.3.1") == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, MeasureDialog)
        assert app.interview.measures("4.7.3.1") == []


async def test_typing_a_known_measure_fills_in_its_values_for_editing(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        await answer(pilot, app, "/data 4.7.3.1 顾客满意度 % 2022=90.1 2023=92.4")
        dialog = await open_dialog(pilot, app)
        dialog.query_one("#measure-name", Input).value = "顾客满意度"
        await pilot.pause()
        values = dialog.query_one("#measure-values", Input)
        assert dialog.query_one("#measure-unit", Input).value == "%"
        assert values.value == "2022=90.1 2023=92.4"
        values.value += " 2024=93"
        values.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.interview.measures("4.7.3.1")[0].periods[-1] == ("2024", 93.0)


async def test_the_data_key_shows_only_on_a_results_point(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        assert "enter_data" not in footer_keys(app)  # the first question is a process clause
        await answer(pilot, app, "/goto 4.7.3.1")
        assert "enter_data" in footer_keys(app)
