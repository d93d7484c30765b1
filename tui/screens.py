"""Modal screens: starting or resuming a session, setting a score, exporting, entering a measure."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from assistant.i18n import pick
from assistant.measures import Measure, MeasureError, parse_fields


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


class MeasureDialog(ModalScreen[Measure | None]):
    """Enter or edit one measure table of a results clause: its name, unit and LABEL=VALUE pairs.

    `save` stores the measure and returns (or, run on the app's engine thread, comes
    back with) None, or the one-line reason it could not;
    a value that does not parse, or a save that fails, is shown in the dialog, which
    stays open. Typing the name of a measure the clause already has fills in its
    unit and values for editing. Dismisses with the saved measure, or None on Esc.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, lang: str, title: str, existing: list[Measure], save: Callable[[Measure], str | Awaitable[str | None] | None]
    ) -> None:
        super().__init__()
        self.lang, self.heading, self.existing, self.save = lang, title, existing, save

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="measure-dialog"):
            yield Static(Content(self.heading), classes="dialog-title")
            if self.existing:
                names = "、".join(m.measure for m in self.existing)
                yield Static(Content(pick(lang, f"已有指标:{names}(输入其名称即可修改)",
                                          f"Measures so far: {names} (type a name to edit it)")), classes="dim")  # fmt: skip
            yield Label(pick(lang, "指标名称:", "Measure:"))
            yield Input(placeholder=pick(lang, "例如:顾客满意度", "e.g. customer satisfaction"), id="measure-name")
            yield Label(pick(lang, "单位(可空):", "Unit (optional):"))
            yield Input(placeholder="%", id="measure-unit")
            yield Label(pick(lang, "各期数值和对比值(期间=数值 对比名称=数值):",
                             "Values by period and comparisons (PERIOD=VALUE NAME=VALUE):"))  # fmt: skip
            yield Input(placeholder=pick(lang, "2021=88.2 2022=90.1 2023=92.4 行业平均=86",
                                         "2021=88.2 2022=90.1 2023=92.4 industry=86"), id="measure-values")  # fmt: skip
            yield Static("", id="measure-error", classes="dialog-error")
            with Horizontal(classes="buttons"):
                yield Button(pick(lang, "保存", "Save"), id="ok", variant="primary")
                yield Button(pick(lang, "取消", "Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#measure-name", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "measure-name":
            return
        known = next((m for m in self.existing if m.measure == event.value.strip()), None)
        unit, values = self.query_one("#measure-unit", Input), self.query_one("#measure-values", Input)
        if known is not None and not unit.value and not values.value:
            unit.value = known.unit
            values.value = known.values_text()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "measure-values":
            await self._ok()
        else:
            self.focus_next()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self._ok()
        else:
            self.dismiss(None)

    async def _ok(self) -> None:
        error = self.query_one("#measure-error", Static)
        try:
            measure = parse_fields(
                self.query_one("#measure-name", Input).value,
                self.query_one("#measure-unit", Input).value,
                self.query_one("#measure-values", Input).value,
                self.lang,
            )
        except MeasureError as exc:
            error.update(Content(str(exc)))
            return
        problem = self.save(measure)
        if inspect.isawaitable(problem):
            problem = await problem
        if problem:
            error.update(Content(problem))
            return
        self.dismiss(measure)

    def action_cancel(self) -> None:
        self.dismiss(None)
