"""Chinese prose in the TUI is wrapped by assistant.linebreak, not split anywhere by Textual."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.selection import Selection

from assistant.linebreak import CLOSING, display_width
from tui.widgets import ChatLog, ProseStatic

TEXT = (
    "通过快速换模改善，换模时间由原来的一天缩短到1/4天；单位产品综合能耗由2020年的0.052吨"
    "降至2022年0.038吨标准煤，顾客满意度达到92.4%，全院职工3,400人全部参加了培训。"
)


class _One(App[None]):
    def compose(self) -> ComposeResult:
        yield ProseStatic(TEXT)


def _shown(widget: ProseStatic | ChatLog) -> list[str]:
    return [strip.text.rstrip() for strip in widget.render_lines(widget.size.region)]


async def test_a_paragraph_keeps_figures_whole_and_no_line_starts_with_punctuation_at_any_size():
    app = _One()
    async with app.run_test(size=(23, 20)) as pilot:
        for width in (23, 37, 52):
            await pilot.resize_terminal(width, 20)
            await pilot.pause()
            widget = app.query_one(ProseStatic)
            lines = [line for line in _shown(widget) if line]
            assert len(lines) == widget.size.height  # the height Textual gave it fits the lines exactly
            assert all(display_width(line) <= width for line in lines)
            assert all(line[0] not in CLOSING for line in lines), lines
            for figure in ("1/4天", "0.038吨", "92.4%", "3,400人"):
                assert any(figure in line for line in lines), (width, figure, lines)
            assert "".join(lines) == TEXT


async def test_a_selection_copies_the_lines_as_shown():
    app = _One()
    async with app.run_test(size=(23, 20)) as pilot:
        await pilot.pause()
        widget = app.query_one(ProseStatic)
        copied = widget.get_selection(Selection(None, None))
        assert copied is not None and copied[0].splitlines() == [line for line in _shown(widget) if line]
        assert str(widget.render()) == TEXT  # what the app's tests read is the text itself


class _Log(App[None]):
    def compose(self) -> ComposeResult:
        yield ChatLog()


async def test_the_chat_log_wraps_answers_and_notes_as_prose():
    app = _Log()
    async with app.run_test(size=(30, 30)) as pilot:
        log = app.query_one(ChatLog)
        log.add_answer(TEXT)
        log.add_note("[bold]不是标记[/bold]，" + TEXT)
        await pilot.pause()
        shown = [widget for widget in log.query(ProseStatic)]
        assert len(shown) == 2
        note = _shown(shown[1])
        assert note[0].strip().startswith("[bold]不是标记")  # shown as typed, never read as markup
        for widget in shown:
            assert all(line.strip()[:1] not in CLOSING for line in _shown(widget))
