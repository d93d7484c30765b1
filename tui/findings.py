"""Dialogs for the assessor's findings: scoring an item against its band rubric, and its strengths and opportunities.

Both only show what the engine computed and say what the user asked for; the app
runs it through the engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from assistant.feedback import Feedback, SuggestedBand, source_name
from assistant.i18n import pick
from assistant.scoring import Band
from tui.screens import PromptDialog


class ScoreDialog(PromptDialog):
    """An item's percentage, entered beside its band rubric and the band the evidence suggests.

    ▶ marks the suggested band, ● the band of the score already set; the reason
    under the rubric says what drives the suggestion. Dismisses with the text typed.
    """

    def __init__(
        self, lang: str, title: str, rubric: Sequence[Band], suggested: SuggestedBand | None, current: int | None
    ) -> None:
        label = pick(lang, "评分百分比(0–100,步长 5):", "Score percentage (0–100 in steps of 5):")
        super().__init__(lang, title, label, "" if current is None else str(current), input_type="integer")
        self.rubric = tuple(rubric)
        self.suggested = suggested
        self.current = current

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="score-dialog"):
            yield Static(Content(self.heading), classes="dialog-title")
            for band in self.rubric:
                suggested = self.suggested is not None and self.suggested.range == f"{band.low}–{band.high}"
                current = self.current is not None and band.low <= self.current <= band.high
                marks = ("▶" if suggested else " ") + ("●" if current else " ")
                with Horizontal(classes="band" + (" suggested" if suggested else "") + (" current" if current else "")):
                    yield Static(Content(f"{marks} {band.label()}"), classes="band-range")
                    yield Static(Content(band.text(lang)), classes="band-text")
            yield Static(
                Content(pick(lang, "▶ 依据证据建议的评分档  ● 当前评分", "▶ the band the evidence suggests  ● the score set")),
                classes="dim",
            )
            if self.suggested is not None:
                text = pick(lang, f"建议:{self.suggested.range}%(仅供参考,以你的判断为准)\n{self.suggested.reason}",
                            f"Suggested: {self.suggested.range}% (a second opinion; your judgement decides)\n{self.suggested.reason}")  # fmt: skip
            else:
                text = pick(lang, "没有建议:该评分项没有适用的条款。", "No suggestion: no clause of this item applies.")
            yield Static(Content(text), id="suggested")
            yield Label(Content(self.label))
            yield Input(value=self.value, id="value", type="integer")
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button(pick(lang, "取消", "Cancel"), id="cancel")


class FeedbackDialog(ModalScreen[None]):
    """Add, edit and drop an item's strengths (优势) and opportunities (改进机会).

    Enter (or a click) on an entry puts its text in the box to edit. Each button
    posts a `Command` with the slash command it stands for; the app runs it and
    calls `show` with the new lists, or `show_error`.
    """

    BINDINGS = [Binding("escape", "close", "Close")]

    class Command(Message):
        def __init__(self, dialog: FeedbackDialog, line: str) -> None:
            super().__init__()
            self.dialog = dialog
            self.line = line

    def __init__(
        self, lang: str, item_id: str, title: str, strengths: Sequence[Feedback], opportunities: Sequence[Feedback]
    ) -> None:
        super().__init__()
        self.lang = lang
        self.item_id = item_id
        self.heading = title
        self.entries = {"strength": tuple(strengths), "ofi": tuple(opportunities)}
        self.chosen: tuple[str, int] | None = None  # ("strength" | "ofi", number)

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="feedback-dialog"):
            yield Static(Content(f"{self.item_id} {self.heading} · " + pick(lang, "优势与改进机会", "strengths and opportunities")),
                         classes="dialog-title")  # fmt: skip
            yield Static(pick(lang, "优势", "Strengths"), classes="feedback-head")
            yield OptionList(id="strength", classes="feedback-list")
            yield Static(pick(lang, "改进机会", "Opportunities for improvement"), classes="feedback-head")
            yield OptionList(id="ofi", classes="feedback-list")
            yield Input(id="text", placeholder=pick(lang, "新的一条;或在上面选中一条(回车)来修改", "A new entry; or pick one above (Enter) to edit it"))
            yield Static("", id="feedback-error")
            with Horizontal(classes="buttons"):
                yield Button(pick(lang, "加为优势", "Add strength"), id="add-strength")
                yield Button(pick(lang, "加为改进机会", "Add opportunity"), id="add-ofi")
                yield Button(pick(lang, "保存修改", "Save edit"), id="edit", variant="primary")
                yield Button(pick(lang, "删除", "Drop"), id="drop", variant="error")
                yield Button(pick(lang, "关闭", "Close"), id="close")

    def on_mount(self) -> None:
        self.show(self.entries["strength"], self.entries["ofi"])
        self.query_one("#text", Input).focus()

    def show(self, strengths: Sequence[Feedback], opportunities: Sequence[Feedback]) -> None:
        """Refill both lists from the engine's values and clear the box."""
        self.entries = {"strength": tuple(strengths), "ofi": tuple(opportunities)}
        for key, entries in self.entries.items():
            options = self.query_one(f"#{key}", OptionList)
            options.clear_options()
            options.add_options(
                Option(Content(f"{n}. {e.text}  [{source_name(e.source, self.lang)}]"), id=str(n))
                for n, e in enumerate(entries, start=1)
            )
        self.chosen = None
        self.query_one("#text", Input).value = ""
        self.query_one("#feedback-error", Static).update("")

    def show_error(self, message: str) -> None:
        self.query_one("#feedback-error", Static).update(Content(f"! {message}"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option_list.id or ""
        number = int(event.option.id or 0)
        self.chosen = (key, number)
        field = self.query_one("#text", Input)
        field.value = self.entries[key][number - 1].text
        field.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        text = " ".join(self.query_one("#text", Input).value.split())
        button = event.button.id
        if button == "close":
            self.dismiss(None)
        elif button in ("add-strength", "add-ofi"):
            if not text:
                self.show_error(pick(self.lang, "先在框里写下内容", "Write the entry in the box first"))
                return
            command = "/strength" if button == "add-strength" else "/ofi"
            self.post_message(self.Command(self, f"{command} {self.item_id} {text}"))
        elif button in ("edit", "drop"):
            if self.chosen is None:
                self.show_error(pick(self.lang, "先在上面选中一条(回车)", "Pick an entry above first (Enter)"))
                return
            key, number = self.chosen
            command = "/strength" if key == "strength" else "/ofi"
            if button == "drop":
                self.post_message(self.Command(self, f"{command} {self.item_id} drop {number}"))
            elif text:
                self.post_message(self.Command(self, f"{command} {self.item_id} edit {number} {text}"))

    def action_close(self) -> None:
        self.dismiss(None)
