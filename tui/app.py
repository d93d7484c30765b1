"""The Textual app: guided interview, trainer demo and read-only coverage view.

Widgets only render what the engine returns. Every engine call goes through
`engine_call`, which runs it on the one thread that owns the engine
(tui/engine.py): typing never waits on matching, and keys pressed meanwhile are
queued and run in order once the answer is saved.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Literal, TypeVar

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane, Tree

from assistant import commands
from assistant.console import safe
from assistant.demo_play import Exchange, play_turn, undo_turn
from assistant.history import HistoryEntry
from assistant.i18n import pick
from assistant.interview import Interview, Question
from assistant.measures import Measure
from assistant.scoring import bands
from assistant.services import Services
from assistant.sessionlist import open_interview
from dialogues.demos import Demo, Turn
from tui.engine import ClauseDetail, EngineThread, Outcome, Views, outcome, read_detail, read_views
from tui.findings import FeedbackDialog, ScoreDialog
from tui.gaps import GapList, GapPanel
from tui.help import HelpScreen
from tui.history import HistoryCommand, HistoryScreen
from tui.picker import open_picker, show_access
from tui.scores import ScorePanel
from tui.screens import MeasureDialog, PromptDialog, StartScreen
from tui.widgets import AnswerInput, ChatLog, Chip, ClauseTree, DetailPanel

Mode = Literal["interview", "demo", "coverage"]
T = TypeVar("T")

#: How long a call may run before the screen says the engine is busy (quick reads never flicker it).
BUSY_AFTER = 0.15
#: The actions that act on the main screen: off while any other screen is open over it (a dialog,
#: the answer history), so that a key pressed there does not open a second one, or change the
#: session or the screen behind it (Ctrl+S over the history would leave it showing the old session).
MAIN_SCREEN_ACTIONS = frozenset({
    "next", "undo", "score_current", "feedback_current", "enter_data", "export", "move", "switch_lang",
    "show_tab", "focus_answer", "help", "history", "sessions", "present",
})  # fmt: skip
#: The window title in each language (Ctrl+L and /lang switch it with the rest).
TITLES = ("卓越绩效自评助手", "zhuoyue · Performance Excellence self-assessment")
#: Side tabs that take the clause tree's room (app.tcss: #body.wide-side), so every column shows whole.
WIDE_TABS = ("scores",)


class ZhuoyueApp(App[None]):
    """One app for the three uses; `mode` decides which parts are live."""

    CSS_PATH = "app.tcss"
    TITLE = "卓越绩效自评助手"

    BINDINGS = [
        # first, so the trainer demo's footer shows it; only in demo mode (check_action)
        Binding("ctrl+g", "present", "课堂 Present"),  # classroom presentation of the demo (tui/present.py)
        # F-keys, because the answer box (a TextArea) owns the usual ctrl+z/ctrl+e editing keys
        Binding("ctrl+n", "next", "下一题 Next"),
        # early, so that the footer shows it at 140 columns: the session picker (tui/picker.py)
        Binding("ctrl+s", "sessions", "会话 Sessions"),
        Binding("f1", "help", "帮助 Help"),
        # Textual's own ctrl+q, shown: a new user looks for the way out in the footer
        Binding("ctrl+q", "quit", "退出 Quit", priority=True),
        Binding("f2", "show_tab('gaps')", "差距 Gaps"),
        Binding("f3", "show_tab('scores')", "评分 Scores"),
        Binding("f4", "show_tab('detail')", "详情 Detail"),
        Binding("f5", "undo", "撤销 Undo"),
        Binding("f6", "score_current", "打分 Score"),  # the answer box binds it too (tui/widgets.py)
        Binding("ctrl+o", "feedback_current", "优势/改进 Findings"),
        # shown only while the clause asked (or highlighted) is a 4.7 results point: see check_action
        Binding("ctrl+r", "enter_data", "数据 Data"),
        Binding("f8", "export", "导出 Export"),  # f7 is the TextArea's select-all
        Binding("f9", "move", "移到更像的条款 Move"),
        Binding("f10", "history", "记录 History"),  # the answers: edit, delete, one link off (tui/history.py)
        Binding("ctrl+l", "switch_lang", "中/EN"),
        Binding("ctrl+t", "toggle_theme", "主题 Theme"),
        # priority, so the tree's own arrow keys do not swallow them; check_action lets
        # the keys through to the widgets outside demo mode
        Binding("right,space", "demo_forward", "前进 →", show=False, priority=True),
        Binding("left", "demo_back", "后退 ←", show=False, priority=True),
        # from a list or the tree back to typing; a dialog's own escape (cancel) comes first
        Binding("escape", "focus_answer", "回到输入框 Answer box", show=False),
    ]

    def __init__(
        self,
        services: Services,
        *,
        lang: str = "zh",
        mode: Mode = "interview",
        session: str | None = None,
        demo: Demo | None = None,
        ask_start: bool = True,
    ) -> None:
        super().__init__()
        self.services = services
        self.lang = lang
        self.mode: Mode = mode
        self.session_name = session
        self.demo = demo
        self.demo_step = 0
        self.ask_start = ask_start
        self.interview: Interview | None = None
        self._engine = EngineThread()
        self._pending = 0  # engine calls made and not yet shown
        self._tail: asyncio.Future[None] | None = None  # done when the last call made has been shown
        self._busy_timer: Any = None
        self._busy_mark = ""  # what the subtitle carries while the engine is busy
        self._detail_for: str | None = None  # the clause the detail pane shows or is about to
        self._data_key_shown: bool | None = None  # whether the footer last drew the data key (check_action)
        self._demo_dir: tempfile.TemporaryDirectory[str] | None = None

    # --- the engine's thread ------------------------------------------------------------------------

    @property
    def _busy(self) -> bool:
        """True while an engine call is queued or running."""
        return self._pending > 0

    def engine_call(
        self,
        fn: Callable[..., T],
        *args: Any,
        then: Callable[[T], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
    ) -> asyncio.Future[None]:
        """Run `fn(*args)` on the engine's thread after every call made before it.

        `then(result)` runs on the UI thread, in the order the calls were made. A
        failure goes to `failed`, or else is one line in the chat (a bad command, a
        busy or full database): the app and what was saved before it go on. /quit
        ends the app. Returns a future that is done once `then` or `failed` has run.
        """
        future = self._engine.submit(fn, *args)
        self._pending += 1
        if self._pending == 1:
            self._busy_timer = self.set_timer(BUSY_AFTER, self._show_busy)
        before, shown = self._tail, asyncio.get_running_loop().create_future()
        self._tail = shown
        # an error in `then` is a bug in the screen: it ends the app with its traceback, as any would
        self.run_worker(self._deliver(future, before, shown, then, failed), group="engine")
        return shown

    async def _deliver(
        self,
        future: Future[T],
        before: asyncio.Future[None] | None,
        shown: asyncio.Future[None],
        then: Callable[[T], None] | None,
        failed: Callable[[Exception], None] | None,
    ) -> None:
        try:
            try:
                result = await asyncio.wrap_future(future)
            except Exception as exc:
                result, error = None, exc
            else:
                error = None
            if before is not None:
                await asyncio.shield(before)  # shown in the order made, even if a callback was slow
            self._pending -= 1
            if self._pending == 0:
                self._hide_busy()
            if error is None:
                if then is not None:
                    then(result)  # type: ignore[arg-type]
            elif failed is not None:
                failed(error)
            else:
                self._say_error(error)
        finally:
            if not shown.done():
                shown.set_result(None)

    def _say_error(self, error: Exception) -> None:
        if isinstance(error, commands.QuitRequested):
            self.exit()
            return
        # a UserError is the engine's one line for the user; anything else (a full disk, a lost
        # database) is said as plainly, and the app keeps what was saved before it
        logs = self.query(ChatLog)
        if logs:
            logs.first().add_note(f"! {error}", "error")
        else:  # coverage mode has no chat
            self.notify(str(error), severity="error")

    async def wait_for_engine(self) -> None:
        """Until every engine call made so far, and any its callbacks made, has been shown."""
        while self._tail is not None and not self._tail.done():
            await asyncio.shield(self._tail)

    def _show_busy(self) -> None:
        if not self._busy:
            return
        self._busy_mark = pick(self.lang, " · 处理中…(按键会依次执行)", " · working… (keys wait their turn)")
        self.sub_title = f"{self.sub_title}{self._busy_mark}"
        if self.mode == "interview":
            box = self.query_one(AnswerInput)
            box.add_class("busy")
            box.border_subtitle = pick(self.lang, "处理中…", "working…")

    def _hide_busy(self) -> None:
        if self._busy_timer is not None:
            self._busy_timer.stop()
            self._busy_timer = None
        if self._busy_mark and self.sub_title.endswith(self._busy_mark):
            self.sub_title = self.sub_title[: -len(self._busy_mark)]
        self._busy_mark = ""
        if self.mode == "interview":
            box = self.query_one(AnswerInput)
            box.remove_class("busy")
            box.border_subtitle = ""

    # --- layout -------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        kb = self.services.kb
        yield Header(show_clock=False)
        if self.mode == "demo":
            yield Static("", id="demo-bar")
        with Horizontal(id="body"):
            with Vertical(id="tree-pane"):
                yield ClauseTree(kb, self.lang, id="tree")
            if self.mode != "coverage":
                with Vertical(id="chat-pane"):
                    yield ChatLog(id="chat")
                    if self.mode == "interview":
                        yield AnswerInput(id="answer", soft_wrap=True, show_line_numbers=False)
            with TabbedContent(id="side-pane", initial="gaps" if self.mode == "coverage" else "detail"):
                with TabPane(pick(self.lang, "详情", "Detail"), id="detail"):
                    yield DetailPanel(id="detail-panel")
                with TabPane(pick(self.lang, "差距", "Gaps"), id="gaps"):
                    yield GapPanel(id="gap-panel")
                with TabPane(pick(self.lang, "评分", "Scores"), id="scores"):
                    yield ScorePanel(id="score-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.title = pick(self.lang, *TITLES)
        if self.mode == "demo":
            self._open_demo()
        elif self.session_name is not None:
            self._open_session(self.session_name, create=False)
        elif self.ask_start:
            self.engine_call(self._start_facts, then=self._ask_start)

    def _start_facts(self) -> tuple[int, str | None]:
        """On the engine's thread: how many sessions there are, and the latest one's name."""
        store = self.services.store
        last = store.latest_session()
        return len(store.sessions()), last.name if last else None

    def _ask_start(self, facts: tuple[int, str | None]) -> None:
        count, last = facts
        if count > 1:
            open_picker(self, at_start=True)  # imported, merged, another company's: the user chooses
        else:
            self.push_screen(StartScreen(self.lang, last), self._started)

    def _started(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            self.exit()
            return
        action, name = choice
        if action == "resume":
            self._open_session(name, create=False)
        else:
            self._open_session(name, create=True, company=name, rename_if_taken=True)

    def _free_name(self, company: str) -> str:
        taken = {s.name for s in self.services.store.sessions()}
        name, n = company, 2
        while name in taken:
            name, n = f"{company} ({n})", n + 1
        return name

    def _open_session(self, name: str, *, create: bool, company: str = "", rename_if_taken: bool = False) -> None:
        """Open (or create) a session on the engine's thread, then show it; a failure ends the app with one line."""
        self.engine_call(self._opening, name, create, company, rename_if_taken, then=self._opened, failed=self._open_failed)

    def _opening(
        self, name: str, create: bool, company: str, rename_if_taken: bool
    ) -> tuple[Interview, list[str], Question | None, Views]:
        """On the engine's thread: the open interview, the latest answers and question to restore, the views."""
        s = self.services
        if rename_if_taken:
            name = self._free_name(name)
        # a session another live zhuoyue holds opens read-only (show_access says so)
        iv = open_interview(
            s.store, name, s.kb, s.dialogues, s.matcher, create=create, lang=self.lang,  # type: ignore[arg-type]
            company=company, read_only=self.mode == "coverage",
        )  # fmt: skip
        if self.mode != "interview":
            return iv, [], None, read_views(iv)
        answers = [answer.text for answer in iv.answers()[-6:]]  # resuming restores the latest turns
        return iv, answers, iv.current_question(), read_views(iv)

    def _open_failed(self, error: Exception) -> None:
        # a missing or damaged session: say so and leave; a Text, so that a session name is
        # neither markup nor a terminal escape
        self.exit(message=Text(safe(f"error: {error}")))

    def _opened(self, opened: tuple[Interview, list[str], Question | None, Views]) -> None:
        self.interview, answers, question, views = opened
        self.sub_title = self.interview.session.name
        if self.mode == "interview":
            chat = self.query_one(ChatLog)
            for text in answers:
                chat.add_answer(text)
            chat.add_question(question, self.lang)
            self.query_one(AnswerInput).focus()
        else:
            self.query_one(ClauseTree).focus()
        self._show_views(views)
        show_access(self)

    def _open_demo(self) -> None:
        assert self.demo is not None
        self.sub_title = self.demo.name(self.lang)
        self.query_one(ChatLog).add_note(
            pick(self.lang, f"演示:{self.demo.name_zh}。{self.demo.summary_zh}\n空格或 → 前进,← 后退。",
               f"Demo: {self.demo.name_en}. {self.demo.summary_en}\nSpace or → to go forward, ← to go back.")
        )  # fmt: skip
        self.query_one(ClauseTree).focus()
        self._demo_bar()
        self.engine_call(self._demo_opening, self.demo, then=self._show_views)

    def _demo_opening(self, demo: Demo) -> Views:
        """On the engine's thread: the demo's session, in a database of its own that goes with the app.

        Set here rather than when shown, so that the turns queued behind it find it.
        """
        from assistant.storage import Store

        s = self.services
        self._demo_dir = tempfile.TemporaryDirectory(prefix="zhuoyue-demo-")
        store = Store(Path(self._demo_dir.name) / "demo.sqlite3")
        self.interview = Interview.open(
            store, demo.id, s.kb, s.dialogues, s.matcher, create=True, lang=self.lang,  # type: ignore[arg-type]
            company=demo.name(self.lang),
        )  # fmt: skip
        return read_views(self.interview)

    def on_unmount(self) -> None:
        # the interview is closed on the engine's thread, after whatever was queued before it
        self._engine.submit(self._close_interview).result()
        self._engine.shutdown()

    def _close_interview(self) -> None:
        if self.interview is not None:
            self.interview.close()
            if self.mode == "demo":
                self.interview.store.close()
        if self._demo_dir is not None:
            self._demo_dir.cleanup()

    # --- rendering ----------------------------------------------------------------------------------

    def _show_views(self, views: Views) -> None:
        lang = self.lang
        self.query_one(ClauseTree).show(views.coverage, views.items)
        self.query_one(GapPanel).show(views.work, lang)
        self.query_one(ScorePanel).show(views.items, views.total, views.overall, lang, views.suggested)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("gaps").label = pick(lang, f"差距 {len(views.gaps)}", f"Gaps {len(views.gaps)}")  # type: ignore[assignment]
        tabs.get_tab("scores").label = pick(lang, f"评分 {views.total:g}", f"Scores {views.total:g}")  # type: ignore[assignment]
        tabs.get_tab("detail").label = pick(lang, "详情", "Detail")  # type: ignore[assignment]

    def _show_detail(self, detail: ClauseDetail | None) -> None:
        if detail is not None and detail.node_id == self._detail_for:  # a later request has not taken its place
            self.query_one(DetailPanel).show(self.services.kb, detail)

    def show_detail(self, node_id: str) -> None:
        """Show a clause in the detail pane, read on the engine's thread."""
        iv = self.interview
        if iv is None:
            return
        self._detail_for = node_id

        def read() -> ClauseDetail | None:
            # holding ↓ in the tree asks for every clause passed; only the latest is worth reading
            return read_detail(iv, node_id) if node_id == self._detail_for else None

        self.engine_call(read, then=self._show_detail)

    def show_reply(self, done: Outcome) -> None:
        """Show one step: the reply and the next question in the chat, then the screen as it now stands."""
        reply = done.reply
        if done.views.lang != self.lang:  # /lang switched it
            self._set_lang(done.views.lang)
        chat = self.query_one(ChatLog)
        chat.add_reply(reply, self.lang)
        chat.add_question(reply.question, self.lang)
        if done.detail is not None:
            self._detail_for = done.detail.node_id
            self.query_one(ClauseTree).focus_clause(done.detail.node_id)
            self.query_one(DetailPanel).show(self.services.kb, done.detail)
        self._show_views(done.views)
        self._refresh_data_key()  # the clause asked may now be a results point

    def _refresh_data_key(self) -> None:
        """Redraw the footer only when the data key comes or goes: a redraw rebuilds every key in it."""
        if (self._data_leaf() is not None) != self._data_key_shown:
            self.refresh_bindings()

    # --- answering ----------------------------------------------------------------------------------

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        text = event.text
        if self.interview is None or not text.strip():
            return
        # while an earlier answer or command is still running, this one waits its turn behind it
        if text.strip().startswith("/"):
            self._run_command(text.strip())
            return
        self.query_one(ChatLog).add_answer(text)
        self.engine_call(self._say, text, then=self.show_reply, failed=lambda exc: self._failed(exc, text))

    def _say(self, text: str) -> Outcome:
        assert self.interview is not None
        return outcome(self.interview, self.interview.say(text))

    def _failed(self, error: Exception, text: str) -> None:
        # a full disk, a locked database: say so, keep the app and what was saved before it
        self.query_one(AnswerInput).insert(text)  # give the unsaved answer back to the user
        self.query_one(ChatLog).add_note(f"! {error}", "error")

    def _run_command(self, line: str) -> None:
        """A slash command, run on the engine's thread after whatever was queued before it."""
        self.engine_call(self._command, line, then=self.show_reply)

    def _command(self, line: str) -> Outcome:
        assert self.interview is not None
        return outcome(self.interview, commands.run(self.interview, line))

    # --- messages from widgets ----------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if self.interview is not None and event.node.data:
            if event.node.data != self._detail_for:  # a reply may have shown it already
                self.show_detail(event.node.data)
            self._refresh_data_key()

    def on_chip_opened(self, event: Chip.Opened) -> None:
        clause = event.clause
        if self.interview is not None:
            self.show_detail(clause)
            self.query_one(ClauseTree).focus_clause(clause)
            self.query_one(TabbedContent).active = "detail"

    def on_gap_list_chosen(self, event: GapList.Chosen) -> None:
        if self.interview is None or self.mode != "interview":
            return
        self._run_command(f"/goto {event.leaf_id}")
        self.query_one(AnswerInput).focus()

    def on_score_panel_chosen(self, event: ScorePanel.Chosen) -> None:
        self.ask_score(event.item_id)

    # --- actions ------------------------------------------------------------------------------------

    def ask_score(self, item_id: str) -> None:
        iv = self.interview
        node = self.services.kb.get(item_id)
        if iv is None or node is None or self.mode == "coverage":
            return

        def done(value: str | None) -> None:
            if value is not None:
                self._run_command(f"/score {item_id} {value}")
                self.query_one(TabbedContent).active = "scores"

        def ask(facts: tuple[int | None, Any]) -> None:
            current, suggested = facts
            title = f"{item_id} {node.title.get(self.lang)}"  # type: ignore[arg-type]
            rubric = bands()["results" if node.kind == "results" else "process"]
            self.push_screen(ScoreDialog(self.lang, title, rubric, suggested, current), done)

        self.engine_call(self._score_facts, iv, item_id, then=ask)

    @staticmethod
    def _score_facts(iv: Interview, item_id: str) -> tuple[int | None, Any]:
        """On the engine's thread: the item's score so far and the band its evidence suggests."""
        return iv.store.scores(iv.session.id).get(item_id), iv.suggested_band(item_id)

    def ask_feedback(self, item_id: str) -> None:
        """The item's strengths and opportunities, to add to, edit and drop."""
        iv = self.interview
        node = self.services.kb.get(item_id)
        if iv is None or node is None or self.mode == "coverage":
            return
        title = node.title.get(self.lang)  # type: ignore[arg-type]

        def ask(found: Any) -> None:
            self.push_screen(FeedbackDialog(self.lang, item_id, title, found.strengths, found.opportunities))

        self.engine_call(iv.item_findings, item_id, then=ask)

    def _dialog_command(
        self,
        view: Screen[Any],
        line: str,
        refetch: Callable[[Interview], T],
        shown: Callable[[T, Outcome], None],
        failed: Callable[[str], None],
    ) -> None:
        """Run a slash command a dialog or screen sent, show the reply, and give it its data afresh.

        A bad number or a busy database is said on the screen that asked, which stays open. A
        screen closed while the command ran is left alone: its widgets are gone, and dismissing
        it again would close whatever screen is on top now.
        """
        iv = self.interview
        if iv is None:
            return

        def step(text: str) -> tuple[Outcome, T]:
            return outcome(iv, commands.run(iv, text)), refetch(iv)

        def then(result: tuple[Outcome, T]) -> None:
            done, data = result
            self.show_reply(done)
            if view in self.screen_stack:
                shown(data, done)

        def fail(exc: Exception) -> None:
            if view in self.screen_stack:
                failed(str(exc))
            else:
                self._say_error(exc)

        self.engine_call(step, line, then=then, failed=fail)

    def on_feedback_dialog_command(self, event: FeedbackDialog.Command) -> None:
        dialog = event.dialog
        self._dialog_command(
            dialog, event.line, lambda iv: iv.item_findings(dialog.item_id),
            lambda found, _: dialog.show(found.strengths, found.opportunities), dialog.show_error,
        )  # fmt: skip

    def action_feedback_current(self) -> None:
        """The strengths and opportunities of the item being asked (or highlighted in the tree)."""
        self._with_current_item(self.ask_feedback)

    def _with_current_item(self, then: Callable[[str], None]) -> None:
        """`then(item id)` for the clause highlighted in the tree, else the one being asked."""
        iv = self.interview
        if iv is None:
            return
        tree = self.query_one(ClauseTree)
        node_id = tree.cursor_node.data if tree.cursor_node is not None and tree.has_focus else None

        def item_of(node_id: str | None) -> str | None:  # on the engine's thread: the question may move
            if not node_id:
                question = iv.current_question()
                node_id = question.target if question else None
            item = self.services.kb.item_of(node_id) if node_id else None
            return item.id if item is not None else None

        self.engine_call(item_of, node_id, then=lambda item: then(item) if item is not None else None)

    def ask_na(self, leaf_id: str) -> None:
        """Mark a clause not applicable after asking for the reason."""

        def done(reason: str | None) -> None:
            if reason:
                self._run_command(f"/na {leaf_id} {reason}")

        label = pick(self.lang, "不适用的理由:", "Why it does not apply:")
        self.push_screen(PromptDialog(self.lang, f"/na {leaf_id}", label), done)

    def action_score_current(self) -> None:
        """Score the item of the clause being asked (or highlighted in the tree)."""
        self._with_current_item(self.ask_score)

    def _data_leaf(self) -> str | None:
        """The results point the data key enters a measure for: highlighted in the tree, else the one asked."""
        iv = self.interview
        if iv is None or self.mode != "interview":
            return None
        tree = self.query_one(ClauseTree)
        node_id = tree.cursor_node.data if tree.cursor_node is not None and tree.has_focus else None
        # the cursor in memory, not current_question(): this runs on every refresh of the footer,
        # on the UI thread, and must not touch the database the engine's thread owns
        node_id = node_id or iv.cursor.target
        node = self.services.kb.get(node_id) if node_id else None
        return node.id if node is not None and node.is_leaf and node.kind == "results" else None

    def action_enter_data(self) -> None:
        """Enter or edit one measure table of the results point being asked (Esc cancels)."""
        leaf_id = self._data_leaf()
        if leaf_id is not None:
            self.ask_data(leaf_id)

    def ask_data(self, leaf_id: str) -> None:
        iv = self.interview
        node = self.services.kb.get(leaf_id)
        if iv is None or node is None or self.mode != "interview":
            return

        async def save(measure: Measure) -> str | None:
            problems: list[str] = []
            # read-only, a busy or full database: shown in the dialog, which stays open
            await self.engine_call(lambda: outcome(iv, iv.put_measure(leaf_id, measure)), then=self.show_reply,
                                   failed=lambda exc: problems.append(str(exc)))  # fmt: skip
            return problems[0] if problems else None

        def ask(existing: list[Measure]) -> None:
            title = pick(self.lang, f"结果数据 · {leaf_id} {node.title.zh}", f"Results data · {leaf_id} {node.title.en}")
            self.push_screen(MeasureDialog(self.lang, title, existing, save))

        self.engine_call(iv.measures, leaf_id, then=ask)

    def action_next(self) -> None:
        if self.mode == "interview":
            self._run_command("/next")

    def action_undo(self) -> None:
        if self.mode == "interview":
            self._run_command("/undo")

    def action_move(self) -> None:
        """The last answer reads more like another clause: move its evidence there (undo with F5)."""
        if self.mode == "interview":
            self._run_command("/move")

    def action_show_tab(self, tab: str) -> None:
        """Show a side tab and put the keyboard in it: the gap list, the score table, the detail text."""
        self.query_one(TabbedContent).active = tab
        target = {"gaps": "#gap-list", "scores": "#score-table", "detail": "#detail-panel"}[tab]
        # after the refresh that shows the tab: a hidden widget cannot take focus
        self.call_after_refresh(self.query_one(target).focus)

    def action_focus_answer(self) -> None:
        """Esc: back to the answer box (in the demo and the coverage view, to the tree)."""
        if self.mode == "interview":
            self.query_one(AnswerInput).focus()
        else:
            self.query_one(ClauseTree).focus()

    def action_help(self) -> None:
        """F1: the keys and the chat commands, in the language chosen."""
        keys = [b for b in self.BINDINGS if isinstance(b, Binding) and b.show]  # the footer's keys
        self.push_screen(HelpScreen(self.lang, self.mode, keys))

    def action_export(self) -> None:
        iv = self.interview
        if iv is None:
            return
        default = Path.cwd() / f"{iv.session.name}-gaps.xlsx"

        def written(path: Path) -> None:
            self.notify(pick(self.lang, f"已导出到 {path}", f"Exported to {path}"), markup=False)

        def done(value: str | None) -> None:
            if value is None:
                return
            self.engine_call(commands.export, iv, Path(value).expanduser(), then=written,
                             failed=lambda exc: self.notify(str(exc), severity="error", markup=False))  # fmt: skip

        label = pick(self.lang, f"文件路径(格式由扩展名决定:{commands.EXPORT_FORMATS}):",
                   f"File path (the suffix picks the format: {commands.EXPORT_FORMATS}):")  # fmt: skip
        self.push_screen(
            PromptDialog(self.lang, pick(self.lang, "导出", "Export"), label, str(default)), done
        )

    def _set_lang(self, lang: str) -> None:
        """Relabel the screen's own words; the views drawn next carry the engine's in that language."""
        self.lang = lang
        self.query_one(ClauseTree).lang = lang
        self.title = pick(lang, *TITLES)
        if self.demo is not None:
            self.sub_title = self.demo.name(lang)
            self._demo_bar()
        shown, self._detail_for = self._detail_for, None
        if shown:
            self.show_detail(shown)  # read again, in the new language

    def action_switch_lang(self) -> None:
        new = "en" if self.lang == "zh" else "zh"
        iv = self.interview
        if iv is None:
            self._set_lang(new)
            return

        def switch() -> tuple[Views, Question | None]:
            iv.set_lang(new)  # type: ignore[arg-type]
            return read_views(iv), iv.current_question() if self.mode == "interview" else None

        def switched(result: tuple[Views, Question | None]) -> None:
            views, question = result
            self._set_lang(new)
            self._show_views(views)
            if self.mode == "interview":
                self.query_one(ChatLog).add_question(question, self.lang)

        self.engine_call(switch, then=switched)

    # --- the answer history (tui/history.py) --------------------------------------------------------

    def action_history(self) -> None:
        """F10: the session's answers, newest first, to edit, delete or take off a clause (F5 there undoes)."""
        iv = self.interview
        if iv is not None and self.mode == "interview":
            self.engine_call(iv.history, then=lambda entries: self.push_screen(HistoryScreen(self.lang, entries)))

    def on_history_command(self, event: HistoryCommand) -> None:
        view = event.view

        def shown(entries: list[HistoryEntry], done: Outcome) -> None:
            for screen in self.screen_stack:
                if isinstance(screen, HistoryScreen):
                    screen.show(entries, self.lang)
            view.done(done.reply.message)

        self._dialog_command(view, event.line, lambda iv: iv.history(), shown, view.failed)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.query_one("#body").set_class(event.pane.id in WIDE_TABS, "wide-side")

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_sessions(self) -> None:
        """The session picker: open another session, start, rename or delete one (Esc comes back)."""
        open_picker(self)

    def action_present(self) -> None:
        """Switch to the classroom presentation: the demo being played, at its turn (q comes back)."""
        from tui.present import present_from  # the presentation's screens load when first asked for

        present_from(self)

    # --- trainer demo -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and self.screen is not self.screen_stack[0]:
            return False
        if action in ("demo_forward", "demo_back"):
            return self.mode == "demo" and isinstance(self.screen, Screen) and not self.screen.is_modal
        if action == "enter_data":
            self._data_key_shown = self._data_leaf() is not None  # the footer asks when it redraws
            return self._data_key_shown
        if action == "present":
            return self.mode == "demo"
        if action == "sessions":
            return self.mode == "interview"
        return True

    def _demo_bar(self) -> None:
        if self.demo is None:
            return
        total = len(self.demo.turns)
        text = pick(self.lang, f"演示 {self.demo.name_zh} · 第 {self.demo_step}/{total} 轮 · 空格/→ 前进 · ← 后退",
                  f"Demo {self.demo.name_en} · turn {self.demo_step}/{total} · space/→ forward · ← back")  # fmt: skip
        self.query_one("#demo-bar", Static).update(text)

    def action_demo_forward(self) -> None:
        if self.mode != "demo" or self.demo is None:
            return
        if self.demo_step >= len(self.demo.turns):
            self.notify(pick(self.lang, "演示已结束", "End of the demo"))
            return
        turn = self.demo.turns[self.demo_step]
        self.demo_step += 1
        self._demo_bar()
        self.engine_call(self._demo_playing, turn, then=self._demo_played)

    def _demo_playing(self, turn: Turn) -> tuple[tuple[Exchange, ...], Views, ClauseDetail | None]:
        """On the engine's thread: the turn's answer, then the company's answers to the engine's follow-ups."""
        iv = self.interview
        assert iv is not None  # opened by the call queued before any key could reach here
        exchanges = play_turn(iv, turn)
        attached = [e.reply.attached[0] for e in exchanges if e.reply.attached]
        return exchanges, read_views(iv), read_detail(iv, attached[-1]) if attached else None

    def _demo_played(self, played: tuple[tuple[Exchange, ...], Views, ClauseDetail | None]) -> None:
        exchanges, views, detail = played
        chat = self.query_one(ChatLog)
        for exchange in exchanges:
            if not exchange.followup:
                chat.add_question(exchange.question, self.lang)
            chat.add_answer(exchange.text)
            chat.add_reply(exchange.reply, self.lang)
            chat.add_question(exchange.reply.question, self.lang)
        if detail is not None:
            self._detail_for = detail.node_id
            self.query_one(ClauseTree).focus_clause(detail.node_id)
            self.query_one(DetailPanel).show(self.services.kb, detail)
        self._show_views(views)

    def action_demo_back(self) -> None:
        if self.mode != "demo" or self.demo is None or self.demo_step == 0:
            return
        turn = self.demo.turns[self.demo_step - 1]
        self.demo_step -= 1
        chat = self.query_one(ChatLog)
        chat.add_note(pick(self.lang, f"← 回到第 {self.demo_step} 轮", f"← back to turn {self.demo_step}"))
        self._demo_bar()

        def back() -> Views:
            assert self.interview is not None
            undo_turn(self.interview, turn)  # its answers and the move to it
            return read_views(self.interview)

        self.engine_call(back, then=self._show_views)

    # --- command palette ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        lang = self.lang
        if self.mode == "interview":
            for command in commands.COMMANDS:
                if command.takes_clause or command.name in ("export", "quit"):
                    continue
                yield SystemCommand(f"/{command.name}", command.zh if lang == "zh" else command.en,
                                    lambda name=command.name: self._run_command(f"/{name}"))  # fmt: skip
            for leaf in self.services.kb.leaves():
                title = f"{leaf.id} {leaf.title.get(lang)}"  # type: ignore[arg-type]
                yield SystemCommand(
                    f"/goto {title}",
                    pick(lang, "转到该条款提问", "ask about this clause"),
                    lambda leaf_id=leaf.id: self._run_command(f"/goto {leaf_id}"),
                    discover=False,
                )
                yield SystemCommand(
                    f"/assign {title}",
                    pick(lang, "把上一段回答记为该条款的证据", "attach the last answer here"),
                    lambda leaf_id=leaf.id: self._run_command(f"/assign {leaf_id}"),
                    discover=False,
                )
                yield SystemCommand(
                    f"/detach {title}",
                    pick(lang, "把上一段回答从该条款移除", "detach the last answer from here"),
                    lambda leaf_id=leaf.id: self._run_command(f"/detach {leaf_id}"),
                    discover=False,
                )
                yield SystemCommand(f"/na {title}", pick(lang, "标记不适用(会询问理由)", "mark not applicable (asks why)"),
                                    lambda leaf_id=leaf.id: self.ask_na(leaf_id), discover=False)  # fmt: skip
                if leaf.kind == "results":
                    yield SystemCommand(f"/data {title}", pick(lang, "录入或修改该条款的结果数据", "enter or edit this point's results data"),
                                        lambda leaf_id=leaf.id: self.ask_data(leaf_id), discover=False)  # fmt: skip
            for item in self.services.kb.items():
                yield SystemCommand(f"/score {item.id} {item.title.get(lang)}", pick(lang, "为该评分项打分", "score this item"),  # type: ignore[arg-type]
                                    lambda item_id=item.id: self.ask_score(item_id), discover=False)  # fmt: skip
                yield SystemCommand(f"/strength /ofi {item.id} {item.title.get(lang)}",  # type: ignore[arg-type]
                                    pick(lang, "该评分项的优势与改进机会", "this item's strengths and opportunities"),
                                    lambda item_id=item.id: self.ask_feedback(item_id), discover=False)  # fmt: skip
        yield SystemCommand(
            pick(lang, "导出", "Export"),
            pick(lang, "导出差距清单或会话", "export the gap list or session"),
            self.action_export,
        )
        yield SystemCommand(
            pick(lang, "切换中文/英文", "Switch language"), "中文 / English", self.action_switch_lang
        )
        if self.mode == "interview":
            yield SystemCommand(pick(lang, "回答记录", "Answer history"),
                                pick(lang, "修改或删除一段回答,或去掉它与某条款的关联(F10)",
                                     "edit or delete an answer, or take it off a clause (F10)"), self.action_history)  # fmt: skip
        yield SystemCommand(
            pick(lang, "切换明暗主题", "Toggle light/dark"),
            "textual-light / textual-dark",
            self.action_toggle_theme,
        )


def build_app(
    services: Services, *, lang: str = "zh", mode: Mode = "interview", session: str | None = None,
    demo: Demo | None = None, ask_start: bool = True,
) -> ZhuoyueApp:  # fmt: skip
    """The one factory the CLI and every test use."""
    return ZhuoyueApp(services, lang=lang, mode=mode, session=session, demo=demo, ask_start=ask_start)


def spare_the_steps() -> None:
    """Keep the garbage collector's full passes out of the steps of a running app.

    Textual keeps thousands of cached lines alive and makes new ones on every frame, so with
    Python's default thresholds a full pass (100-250 ms over that heap) came every second
    answer. What start-up loaded lives as long as the app and is frozen out of the passes, and
    the youngest generation is collected every 50 000 allocations instead of every 700, which
    leaves full passes many answers apart. bench/tui_step.py measures the app after this too.
    """
    import gc  # only the running app needs it

    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


def run_app(
    *, kb_path: Path | None = None, db_path: Path | None = None, lang: str = "zh", mode: Mode = "interview",
    session: str | None = None, demo_name: str | None = None,
) -> int:  # fmt: skip
    from assistant.services import build_services

    services = build_services(kb_path, db_path)
    demo = None
    if mode == "demo":
        from dialogues.demos import demo_names, load_demo

        demo = load_demo(demo_name or demo_names()[0], services.kb)
    app = build_app(services, lang=lang, mode=mode, session=session, demo=demo)
    spare_the_steps()
    try:
        app.run()
    finally:
        services.store.close()
    return app.return_code or 0
