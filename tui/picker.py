"""The session picker: choose, start, rename or delete a session.

Shown at start when there is more than one session (imported drafts, merged
consensus sessions, another company), and from the main screen with Ctrl+S. The
table lists each session's company, last change, coverage, answers and whether
another zhuoyue holds it (it then opens read-only, and the subtitle says so).

The picker renders and asks; the store work is done by the coroutines in
`PickerActions`, which `open_picker` builds to run on the app's engine thread
(tui/engine.py, the one thread that uses the store), each giving None or the one
line to show when it could not be done.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, Static

from assistant.i18n import pick
from assistant.interview import Interview
from assistant.sessionlist import (
    SessionSummary,
    delete_session,
    name_problem,
    not_found,
    rename_session,
    summaries,
    when,
)
from assistant.storage import Store
from assistant.textnorm import clean
from knowledge.errors import UserError
from tui.screens import PromptDialog
from tui.widgets import AnswerInput, ChatLog, DetailPanel

if TYPE_CHECKING:
    from tui.app import ZhuoyueApp

T = TypeVar("T")

#: The row key of the "new session" row; a stored name never holds a control character.
NEW_ROW = "\x00new"


@dataclass(frozen=True)
class Choice:
    """What the picker was closed with: open a session, or create one (name, company)."""

    action: str  # "open" | "new"
    name: str
    company: str = ""


@dataclass(frozen=True)
class PickerActions:
    """The picker's access to the sessions; rename, delete and check_new give None or the error line."""

    sessions: Callable[[], Awaitable[list[SessionSummary]]]
    rename: Callable[[str, str], Awaitable[str | None]]
    delete: Callable[[str], Awaitable[str | None]]
    check_new: Callable[[str], Awaitable[str | None]]
    #: the name of the session open in this app (None at start): it cannot be deleted from under the app
    current: Callable[[], str | None] = lambda: None


def status_text(row: SessionSummary, lang: str, current: str | None) -> str:
    """The picker's status cell: read-only while held elsewhere, open here, merged."""
    parts = []
    if row.held_by is not None:
        pid, host = row.held_by
        parts.append(pick(lang, f"只读(pid {pid} 正在使用)", f"read-only (open in pid {pid} on {host})"))
    if row.name == current:
        parts.append(pick(lang, "当前", "open here"))
    if row.merged:
        parts.append(pick(lang, "合并", "merged"))
    return " · ".join(parts)


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; the safe answer (No) has the focus. Dismisses with True only on Yes."""

    BINDINGS = [Binding("escape,n", "no", "No"), Binding("y", "yes", "Yes")]

    def __init__(self, lang: str, title: str, question: str, yes: str) -> None:
        super().__init__()
        self.lang, self.heading, self.question, self.yes_label = lang, title, question, yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-dialog"):
            yield Static(Content(self.heading), classes="dialog-title")
            yield Label(Content(self.question))
            with Horizontal(classes="buttons"):
                yield Button(Content(self.yes_label), id="yes", variant="error")
                yield Button(pick(self.lang, "取消", "Cancel"), id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


class NewSessionDialog(ModalScreen[Choice | None]):
    """Ask for a new session's name and company; a blank name takes the company's.

    `check(name)` returns why the name cannot be used (blank, taken), which is shown
    in the dialog, which stays open.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, lang: str, check: Callable[[str], Awaitable[str | None]]) -> None:
        super().__init__()
        self.lang, self.check = lang, check

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="new-session-dialog"):
            yield Static(pick(lang, "新建会话", "New session"), classes="dialog-title")
            yield Label(pick(lang, "公司名称:", "Company:"))
            yield Input(placeholder=pick(lang, "例如:华东精工机械有限公司", "e.g. East China Precision Machinery"),
                        id="new-company")  # fmt: skip
            yield Label(
                pick(lang, "会话名称(空着则用公司名称):", "Session name (blank: the company's name):")
            )
            yield Input(
                placeholder=pick(lang, "例如:华东精工-2025自评", "e.g. ECPM 2025 self-assessment"),
                id="new-name",
            )
            yield Static("", id="new-error", classes="dialog-error")
            with Horizontal(classes="buttons"):
                yield Button(pick(lang, "开始", "Start"), id="ok", variant="primary")
                yield Button(pick(lang, "取消", "Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#new-company", Input).focus()

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "new-company":
            self.query_one("#new-name", Input).focus()
        else:
            await self._ok()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            await self._ok()
        else:
            self.dismiss(None)

    async def _ok(self) -> None:
        company = self.query_one("#new-company", Input).value.strip()
        name = self.query_one("#new-name", Input).value.strip() or company
        if not company:
            company = name
        if not name:
            self._error(
                pick(self.lang, "请输入公司名称或会话名称", "Enter the company's name or a session name")
            )
            return
        problem = await self.check(name)
        if problem:
            self._error(problem)
            return
        self.dismiss(Choice("new", name, company))

    def _error(self, line: str) -> None:
        self.query_one("#new-error", Static).update(Content(line))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SessionPicker(ModalScreen[Choice | None]):
    """Every session in a table; Enter opens the one under the cursor, or starts a new one on the last row."""

    BINDINGS = [
        Binding("escape", "leave", "返回 Back"),
        Binding("n", "new", "新建 New"),
        Binding("r", "rename", "重命名 Rename"),
        Binding("d", "delete", "删除 Delete"),
    ]

    def __init__(self, lang: str, actions: PickerActions, *, at_start: bool = False) -> None:
        super().__init__()
        self.lang, self.actions, self.at_start = lang, actions, at_start
        self.rows: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(classes="dialog", id="picker"):
            yield Static(pick(lang, "会话", "Sessions"), classes="dialog-title")
            yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            yield Static("", id="picker-error", classes="dialog-error")
            leave = pick(lang, "退出", "quit") if self.at_start else pick(lang, "返回", "back")
            yield Static(
                pick(lang, f"Enter 打开 · n 新建 · r 重命名 · d 删除 · Esc {leave}",
                     f"Enter open · n new · r rename · d delete · Esc {leave}"),
                classes="dim", id="picker-keys",
            )  # fmt: skip

    async def on_mount(self) -> None:
        lang = self.lang
        table = self.query_one(DataTable)
        for label, key in (
            (pick(lang, "会话", "Session"), "name"),
            (pick(lang, "公司", "Company"), "company"),
            (pick(lang, "更新于", "Updated"), "updated"),
            (pick(lang, "覆盖率", "Coverage"), "coverage"),
            (pick(lang, "回答", "Answers"), "answers"),
            (pick(lang, "状态", "Status"), "status"),
        ):
            table.add_column(label, key=key)
        table.focus()
        await self.reload(self.actions.current())

    async def reload(self, keep: str | None = None) -> None:
        """Read the sessions afresh and put the cursor on `keep` (else the first row)."""
        try:
            rows = await self.actions.sessions()
        except UserError as exc:  # a busy or damaged database: one line, and the list as it was
            self.show_error(str(exc))
            return
        table = self.query_one(DataTable)
        table.clear()
        self.rows = rows
        lang = self.lang
        for row in self.rows:
            table.add_row(
                Text(row.name), Text(row.company), when(row.updated, lang), Text(f"{row.coverage:.0%}", justify="right"),
                Text(str(row.answers), justify="right"), status_text(row, lang, self.actions.current()),
                key=row.name,
            )  # fmt: skip
        table.add_row(
            Text(pick(lang, "+ 新建会话……", "+ New session…"), style="bold"), "", "", "", "", "", key=NEW_ROW
        )
        names = [row.name for row in self.rows]
        table.move_cursor(row=names.index(keep) if keep in names else 0)

    def selected(self) -> SessionSummary | None:
        """The session under the cursor; None on the new-session row."""
        index = self.query_one(DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def show_error(self, line: str | None) -> None:
        self.query_one("#picker-error", Static).update(Content(line or ""))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value == NEW_ROW:
            self.action_new()
        elif event.row_key.value is not None:
            self.dismiss(Choice("open", event.row_key.value))

    def action_new(self) -> None:
        def done(choice: Choice | None) -> None:
            if choice is not None:
                self.dismiss(choice)

        self.app.push_screen(NewSessionDialog(self.lang, self.actions.check_new), done)

    def action_rename(self) -> None:
        row = self.selected()
        if row is None:
            return

        async def done(new: str | None) -> None:
            if new is None:
                return
            problem = await self.actions.rename(row.name, new)
            self.show_error(problem)
            if problem is None:
                await self.reload(clean(new).strip())

        title = pick(self.lang, f"重命名会话 {row.name}", f"Rename session {row.name}")
        label = pick(self.lang, "新名称:", "New name:")
        self.app.push_screen(PromptDialog(self.lang, title, label, row.name), done)

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return

        async def done(yes: bool | None) -> None:
            if not yes:
                return
            problem = await self.actions.delete(row.name)
            self.show_error(problem)
            if problem is None:
                await self.reload(self.actions.current())

        lang = self.lang
        question = pick(lang, f"删除会话“{row.name}”({row.company})及其全部 {row.answers} 条回答、证据和评分?删除后不能撤销。",
                        f"Delete the session “{row.name}” ({row.company}) with all its {row.answers} answers, "
                        "evidence and scores? This cannot be undone.")  # fmt: skip
        self.app.push_screen(
            ConfirmDialog(
                lang, pick(lang, "删除会话", "Delete session"), question, pick(lang, "删除", "Delete")
            ),
            done,
        )

    def action_leave(self) -> None:
        self.dismiss(None)


# --- the app's side ----------------------------------------------------------------------------------


async def on_engine(app: ZhuoyueApp, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` run on the app's engine thread, after every call queued before it; its error is raised here."""
    results: list[T] = []
    errors: list[Exception] = []
    await app.engine_call(fn, *args, then=results.append, failed=errors.append)
    if errors:
        raise errors[0]
    return results[0]


def picker_actions(app: ZhuoyueApp) -> PickerActions:
    """The picker's store work, each step queued on the engine's thread like any other."""
    s, lang = app.services, app.lang

    def current() -> str | None:
        return app.interview.session.name if app.interview is not None else None

    def renaming(old: str, new: str) -> str:  # on the engine's thread
        stored = rename_session(s.store, old, new, lang)
        iv = app.interview
        if iv is not None and iv.session.name == old:  # the session open here: its row is read again
            iv.session = s.store.session(stored)
        return stored

    async def rename(old: str, new: str) -> str | None:
        open_here = old == current()
        try:
            stored = await on_engine(app, renaming, old, new)
        except UserError as exc:  # taken, locked, gone, a busy database
            return str(exc)
        if open_here:
            app.sub_title = stored
        return None

    async def delete(name: str) -> str | None:
        if name == current():
            return pick(lang, f"{name!r} 是当前打开的会话;请先打开另一个会话再删除它",
                        f"{name!r} is the session open here; open another one before deleting it")  # fmt: skip
        try:
            await on_engine(app, delete_session, s.store, name, lang)
        except UserError as exc:
            return str(exc)
        return None

    async def listed() -> list[SessionSummary]:
        return await on_engine(app, summaries, s.store, s.kb, s.dialogues, s.matcher)

    async def check_new(name: str) -> str | None:
        return await on_engine(app, name_problem, s.store, name, lang)

    return PickerActions(sessions=listed, rename=rename, delete=delete, check_new=check_new, current=current)


def open_picker(app: ZhuoyueApp, *, at_start: bool = False) -> None:
    """Show the picker; at start, leaving it leaves the app."""
    if app.mode != "interview" or (not at_start and app.screen.is_modal):
        return

    async def chosen(choice: Choice | None) -> None:
        if choice is None:
            if app.interview is None:  # nothing open yet: Esc at start quits, as on the start screen
                app.exit()
            return
        await switch_to(app, choice)

    app.push_screen(SessionPicker(app.lang, picker_actions(app), at_start=at_start), chosen)


def _leaving(store: Store, current: Interview | None, choice: Choice, lang: str) -> str | None:
    """On the engine's thread: check the chosen session is still there, then give back the open one's lock."""
    if choice.action == "open":
        names = [row.name for row in store.sessions()]
        if choice.name not in names:  # deleted by another zhuoyue since the list was read
            return not_found(choice.name, names, lang)
    if current is not None:
        current.close()
    return None


async def switch_to(app: ZhuoyueApp, choice: Choice) -> None:
    """Open the chosen session in place of the one open."""
    current = app.interview
    if choice.action == "open" and current is not None and current.session.name == choice.name:
        return
    problem = await on_engine(app, _leaving, app.services.store, current, choice, app.lang)
    if problem:
        app.notify(problem, severity="error", markup=False)
        return
    if current is not None:
        app.interview = None
        app.query_one(ChatLog).remove_children()
        app.query_one(DetailPanel).remove_children()
    if choice.action == "new":
        app._open_session(choice.name, create=True, company=choice.company)
    else:
        app._open_session(choice.name, create=False)


def show_access(app: ZhuoyueApp) -> None:
    """After a session opens: a read-only one (another zhuoyue holds it) says so and takes no answers."""
    iv = app.interview
    if iv is None or app.mode != "interview":
        return
    app.query_one(AnswerInput).disabled = iv.read_only
    if iv.read_only:
        app.engine_call(
            iv.store.held_elsewhere, iv.session.id, then=lambda holder: _say_read_only(app, iv, holder)
        )


def _say_read_only(app: ZhuoyueApp, iv: Interview, holder: tuple[int, str] | None) -> None:
    if app.interview is not iv:  # another session was opened meanwhile
        return
    who = f"pid {holder[0]}, {holder[1]}" if holder else "?"
    app.sub_title = pick(app.lang, f"{iv.session.name} · 只读(另一个 zhuoyue 正在使用:{who})",
                         f"{iv.session.name} · read-only (open in another zhuoyue: {who})")  # fmt: skip
    app.query_one(ChatLog).add_note(
        pick(app.lang, "此会话正在另一个 zhuoyue 中打开,这里只能查看,不能回答或修改;在那里关闭后再打开即可编辑。",
             "This session is open in another zhuoyue, so here you can look but not answer or change it; "
             "close it there and open it again to work in it.")
    )  # fmt: skip
