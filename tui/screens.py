"""Modal screens: starting or resuming a session, setting a score, exporting."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from assistant.i18n import pick


class StartScreen(ModalScreen[tuple[str, str] | None]):
    """Resume the last session or start a new one named after the company.

    Dismisses with ("resume", name) or ("new", company name).
    """

    BINDINGS = [Binding("escape", "quit_app", "Quit")]

    def __init__(self, lang: str, last: str | None) -> None:
        super().__init__()
        self.lang = lang
        self.last = last

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="start", classes="dialog"):
            yield Static(
                pick(lang, "卓越绩效自评助手", "zhuoyue · Performance Excellence self-assessment"),
                classes="dialog-title",
            )
            yield Static(
                pick(lang, "GB/T 19580-2012 卓越绩效评价准则", "GB/T 19580-2012 criteria"), classes="dim"
            )
            if self.last:
                # Content, not a str: a session name such as "[/b]x" is text, not markup
                yield Button(
                    Content(pick(lang, f"继续上次的会话:{self.last}", f"Resume “{self.last}”")),
                    id="resume",
                    variant="primary",
                )
            yield Label(
                pick(lang, "或开始新的自评(输入公司名称):", "Or start a new self-assessment (company name):")
            )
            yield Input(
                placeholder=pick(lang, "例如:华东精工机械有限公司", "e.g. East China Precision Machinery"),
                id="company",
            )
            yield Button(pick(lang, "开始", "Start"), id="new")

    def on_mount(self) -> None:
        if self.last:
            self.query_one("#resume", Button).focus()
        else:
            self.query_one("#company", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "resume" and self.last:
            self.dismiss(("resume", self.last))
        elif event.button.id == "new":
            self._new()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._new()

    def _new(self) -> None:
        name = self.query_one("#company", Input).value.strip()
        if not name:
            self.notify(
                pick(self.lang, "请输入公司名称", "Please enter the company's name"), severity="warning"
            )
            return
        self.dismiss(("new", name))

    def action_quit_app(self) -> None:
        self.dismiss(None)


class PromptDialog(ModalScreen[str | None]):
    """Ask for one value (a score, a file path, a reason); dismisses with the text or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, lang: str, title: str, label: str, value: str = "", *, input_type: str = "text"
    ) -> None:
        super().__init__()
        self.lang, self.heading, self.label, self.value, self.input_type = (
            lang,
            title,
            label,
            value,
            input_type,
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # titles and labels can carry a session name or a file path: text, never markup
            yield Static(Content(self.heading), classes="dialog-title")
            yield Label(Content(self.label))
            yield Input(value=self.value, id="value", type=self.input_type)  # type: ignore[arg-type]
            with Horizontal(classes="buttons"):
                yield Button("OK", id="ok", variant="primary")
                yield Button(pick(self.lang, "取消", "Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self) -> None:
        self._ok()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._ok()
        else:
            self.dismiss(None)

    def _ok(self) -> None:
        value = self.query_one(Input).value.strip()
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
