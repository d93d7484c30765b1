"""The answer history: the session's answers, newest first, with the clauses each was recorded for.

Enter on an answer opens it: its text to edit (saving records it again through the
engine), the clauses it is evidence for, one of which can be taken off, and a button
that deletes it. Delete deletes the highlighted answer; F5 undoes the last step.
Both screens only say what the user asked for, as the slash command that does it
(`/edit N TEXT`, `/delete N [ID]`, `/undo`), in a `HistoryCommand` message; the app
runs it on the engine and calls `done` or `failed` on the screen that asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from assistant.coverage import SYMBOL
from assistant.history import HistoryEntry, note_name, source_name, when
from assistant.i18n import pick
from tui.widgets import STATUS_STYLE

#: How much of an answer the list shows; the dialog shows it whole.
PREVIEW_CHARS = 240


class HistoryCommand(Message):
    """A change to the history, as the slash command that makes it; `view` hears how it went."""

    def __init__(self, view: HistoryScreen | AnswerDialog, line: str) -> None:
        super().__init__()
        self.view = view
        self.line = line


def entry_label(entry: HistoryEntry, lang: str) -> Text:
    """One answer as the list draws it: number, time and clause asked, the text, then what it was recorded for."""
    label = Text(f"#{entry.number}", style="bold")
    label.append(f" · {when(entry.created)}", style="dim")
    if entry.asked:
        label.append(pick(lang, f" · 问 {entry.asked}", f" · asked {entry.asked}"), style="dim")
    if entry.author:
        label.append(f" · {entry.author}", style="dim")
    text = " ".join(entry.text.split())
    label.append("\n  " + (text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"))
    for link in entry.links:
        label.append(f"\n  {SYMBOL.get(link.status, '?')} {link.leaf_id} {link.title}", style=STATUS_STYLE.get(link.status, ""))
        label.append(f" [{source_name(link.source, lang)}]", style="dim")
    for note in entry.notes:
        who = f" ({note.owner})" if note.owner else ""
        label.append(f"\n  · {note_name(note.kind, lang)}{who}: {note.leaf_id} {note.title}", style="magenta")
    if not entry.links and not entry.notes:
        label.append(pick(lang, "\n  (没有记为证据)", "\n  (not recorded as evidence)"), style="dim italic")
    return label


class HistoryScreen(Screen[None]):
    """The answers, newest first; the app refills it after every step (`show`)."""

    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("escape", "close", "返回 Back"),
        Binding("delete", "delete_answer", "删除回答 Delete"),
        Binding("f5", "undo", "撤销 Undo"),
    ]

    def __init__(self, lang: str, entries: Sequence[HistoryEntry]) -> None:
        super().__init__()
        self.lang = lang
        self.entries: tuple[HistoryEntry, ...] = tuple(entries)

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="history"):
            yield Static(id="history-head")
            yield OptionList(id="history-list")
            yield Static(id="history-status")
        yield Footer()

    def on_mount(self) -> None:
        self.show(self.entries, self.lang)
        self.query_one(OptionList).focus()

    def show(self, entries: Sequence[HistoryEntry], lang: str) -> None:
        """Refill the list from the engine's values, keeping the highlight on the same place."""
        self.entries, self.lang = tuple(entries), lang
        head = pick(lang, f"回答记录 · 共 {len(entries)} 段,最新在前 · 回车 查看或修改 · Delete 删除 · F5 撤销 · Esc 返回",
                    f"Answers · {len(entries)}, newest first · Enter opens or edits · Delete deletes · F5 undoes · Esc goes back")  # fmt: skip
        self.query_one("#history-head", Static).update(Text(head, style="bold"))
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options(Option(entry_label(e, lang), id=str(e.number)) for e in entries)
        if entries:
            options.highlighted = min(keep or 0, len(entries) - 1)

    def highlighted_entry(self) -> HistoryEntry | None:
        options = self.query_one(OptionList)
        index = options.highlighted
        return self.entries[index] if index is not None and 0 <= index < len(self.entries) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entry = next((e for e in self.entries if str(e.number) == event.option.id), None)
        if entry is not None:
            self.app.push_screen(AnswerDialog(self.lang, entry, self))

    def action_delete_answer(self) -> None:
        entry = self.highlighted_entry()
        if entry is not None:
            self.post_message(HistoryCommand(self, f"/delete {entry.number}"))

    def action_undo(self) -> None:
        self.post_message(HistoryCommand(self, "/undo"))

    def action_close(self) -> None:
        self.dismiss(None)

    def done(self, message: str) -> None:
        self.say(message)

    def failed(self, message: str) -> None:
        self.say(f"! {message}", error=True)

    def say(self, message: str, *, error: bool = False) -> None:
        status = self.query_one("#history-status", Static)
        status.set_class(error, "error")
        status.update(Content(message))


class AnswerDialog(ModalScreen[None]):
    """One answer: edit its text, take it off one of its clauses, or delete it."""

    CSS_PATH = "history.tcss"
    BINDINGS = [Binding("escape", "close", "Close")]

    def __init__(self, lang: str, entry: HistoryEntry, owner: HistoryScreen) -> None:
        super().__init__()
        self.lang = lang
        self.entry = entry
        self.owner = owner

    def compose(self) -> ComposeResult:
        lang, e = self.lang, self.entry
        with Vertical(classes="dialog", id="answer-dialog"):
            asked = pick(lang, f" · 问 {e.asked}", f" · asked {e.asked}") if e.asked else ""
            yield Static(Content(pick(lang, f"第 {e.number} 段回答", f"Answer {e.number}") + f" · {when(e.created)}{asked}"),
                         classes="dialog-title")  # fmt: skip
            yield TextArea(e.text, id="answer-text", soft_wrap=True, show_line_numbers=False)
            if e.links:
                yield Static(pick(lang, "记入的条款(选中一条可去掉关联)", "Recorded for (pick one to take it off)"), classes="dim")
                links = OptionList(id="answer-links")
                for link in e.links:
                    shown = f"{SYMBOL.get(link.status, '?')} {link.leaf_id} {link.title} [{source_name(link.source, lang)}]"
                    links.add_option(Option(Text(shown, style=STATUS_STYLE.get(link.status, "")), id=link.leaf_id))
                yield links
            elif not e.notes:
                yield Static(pick(lang, "没有记为证据", "Not recorded as evidence"), classes="dim")
            for note in e.notes:
                who = f" ({note.owner})" if note.owner else ""
                yield Static(Content(f"· {note_name(note.kind, lang)}{who}: {note.leaf_id} {note.title}"), classes="answer-note")
            yield Static("", id="answer-error", classes="dialog-error")
            with Horizontal(classes="buttons"):
                yield Button(pick(lang, "保存修改", "Save edit"), id="save", variant="primary")
                yield Button(pick(lang, "去掉所选关联", "Take off clause"), id="unlink", disabled=not e.links)
                yield Button(pick(lang, "删除回答", "Delete answer"), id="delete", variant="error")
                yield Button(pick(lang, "关闭", "Close"), id="close")

    def on_mount(self) -> None:
        self.query_one("#answer-text", TextArea).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        number = self.entry.number
        button = event.button.id
        if button == "close":
            self.dismiss(None)
        elif button == "delete":
            self.post_message(HistoryCommand(self, f"/delete {number}"))
        elif button == "save":
            text = self.query_one("#answer-text", TextArea).text.strip()
            if not text:
                self.failed(pick(self.lang, "内容是空的;要删除这段回答请按“删除回答”", "The text is empty; to remove the answer, press Delete answer"))
            elif text == self.entry.text:
                self.failed(pick(self.lang, "内容没有变化", "The text is unchanged"))
            else:
                self.post_message(HistoryCommand(self, f"/edit {number} {text}"))
        elif button == "unlink":
            index = self.query_one("#answer-links", OptionList).highlighted if self.entry.links else None
            if index is None or not 0 <= index < len(self.entry.links):
                self.failed(pick(self.lang, "先在上面选中一个条款", "Pick a clause above first"))
                return
            self.post_message(HistoryCommand(self, f"/delete {number} {self.entry.links[index].leaf_id}"))

    def done(self, message: str) -> None:
        self.dismiss(None)
        self.owner.say(message)

    def failed(self, message: str) -> None:
        self.query_one("#answer-error", Static).update(Content(f"! {message}"))

    def action_close(self) -> None:
        self.dismiss(None)
