"""The Textual app: guided interview, trainer demo and read-only coverage view.

Widgets only render what the engine returns; matching runs in a worker thread
so typing never waits on it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane, Tree

from assistant import commands
from assistant.console import safe
from assistant.demo_play import play_turn, undo_turn
from assistant.i18n import pick
from assistant.interview import Interview, InterviewError, Reply
from assistant.measures import Measure
from assistant.scoring import bands
from assistant.services import Services
from dialogues.demos import Demo
from knowledge.errors import UserError
from tui.findings import FeedbackDialog, ScoreDialog
from tui.screens import MeasureDialog, PromptDialog, StartScreen
from tui.widgets import AnswerInput, ChatLog, Chip, ClauseTree, DetailPanel, GapList, ScorePanel

Mode = Literal["interview", "demo", "coverage"]


class ZhuoyueApp(App[None]):
    """One app for the three uses; `mode` decides which parts are live."""

    CSS_PATH = "app.tcss"
    TITLE = "卓越绩效自评助手"

    BINDINGS = [
        # first, so the trainer demo's footer shows it; only in demo mode (check_action)
        Binding("ctrl+g", "present", "课堂 Present"),  # classroom presentation of the demo (tui/present.py)
        # F-keys, because the answer box (a TextArea) owns the usual ctrl+z/ctrl+e editing keys
        Binding("ctrl+n", "next", "下一题 Next"),
        Binding("f2", "show_tab('gaps')", "差距 Gaps"),
        Binding("f3", "show_tab('scores')", "评分 Scores"),
        Binding("f4", "show_tab('detail')", "详情 Detail"),
        Binding("f5", "undo", "撤销 Undo"),
        Binding("f6", "score_current", "打分 Score"),
        Binding("ctrl+o", "feedback_current", "优势/改进 Findings"),
        # shown only while the clause asked (or highlighted) is a 4.7 results point: see check_action
        Binding("ctrl+r", "enter_data", "数据 Data"),
        Binding("f8", "export", "导出 Export"),  # f7 is the TextArea's select-all
        Binding("f9", "move", "移到更像的条款 Move"),
        Binding("ctrl+l", "switch_lang", "中/EN"),
        Binding("ctrl+t", "toggle_theme", "主题 Theme"),
        # priority, so the tree's own arrow keys do not swallow them; check_action lets
        # the keys through to the widgets outside demo mode
        Binding("right,space", "demo_forward", "前进 →", show=False, priority=True),
        Binding("left", "demo_back", "后退 ←", show=False, priority=True),
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
        self._busy = False
        self._demo_dir: tempfile.TemporaryDirectory[str] | None = None

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
                    yield GapList(id="gap-list")
                with TabPane(pick(self.lang, "评分", "Scores"), id="scores"):
                    yield ScorePanel(id="score-panel")
        yield Footer()

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        if self.mode == "demo":
            self._open_demo()
        elif self.session_name is not None:
            self._open_session(self.session_name, create=False)
        elif self.ask_start:
            last = self.services.store.latest_session()
            self.push_screen(StartScreen(self.lang, last.name if last else None), self._started)

    def _started(self, choice: tuple[str, str] | None) -> None:
        if choice is None:
            self.exit()
            return
        action, name = choice
        if action == "resume":
            self._open_session(name, create=False)
        else:
            self._open_session(self._free_name(name), create=True, company=name)

    def _free_name(self, company: str) -> str:
        taken = {s.name for s in self.services.store.sessions()}
        name, n = company, 2
        while name in taken:
            name, n = f"{company} ({n})", n + 1
        return name

    def _open_session(self, name: str, *, create: bool, company: str = "") -> None:
        s = self.services
        try:
            self.interview = Interview.open(
                s.store, name, s.kb, s.dialogues, s.matcher, create=create, lang=self.lang,  # type: ignore[arg-type]
                company=company, read_only=self.mode == "coverage",
            )  # fmt: skip
        except UserError as exc:  # a locked or missing session: say so and leave
            # a Text, so that a session name is neither markup nor a terminal escape
            self.exit(message=Text(safe(f"error: {exc}")))
            return
        self.sub_title = self.interview.session.name
        if self.mode == "interview":
            chat = self.query_one(ChatLog)
            for answer in self.interview.answers()[-6:]:  # resuming restores the latest turns
                chat.add_answer(answer.text)
            chat.add_question(self.interview.current_question(), self.lang)
            self.query_one(AnswerInput).focus()
        else:
            self.query_one(ClauseTree).focus()
        self.refresh_views()

    def _open_demo(self) -> None:
        from assistant.storage import Store

        assert self.demo is not None
        s = self.services
        self._demo_dir = tempfile.TemporaryDirectory(prefix="zhuoyue-demo-")
        store = Store(Path(self._demo_dir.name) / "demo.sqlite3")
        self.interview = Interview.open(
            store, self.demo.id, s.kb, s.dialogues, s.matcher, create=True, lang=self.lang,  # type: ignore[arg-type]
            company=self.demo.name(self.lang),
        )  # fmt: skip
        self.sub_title = self.demo.name(self.lang)
        self.query_one(ChatLog).add_note(
            pick(self.lang, f"演示:{self.demo.name_zh}。{self.demo.summary_zh}\n空格或 → 前进,← 后退。",
               f"Demo: {self.demo.name_en}. {self.demo.summary_en}\nSpace or → to go forward, ← to go back.")
        )  # fmt: skip
        self.query_one(ClauseTree).focus()
        self._demo_bar()
        self.refresh_views()

    def on_unmount(self) -> None:
        if self.interview is not None:
            self.interview.close()
            if self.mode == "demo":
                self.interview.store.close()
        if self._demo_dir is not None:
            self._demo_dir.cleanup()

    # --- rendering ----------------------------------------------------------------------------------

    def refresh_views(self) -> None:
        iv = self.interview
        if iv is None:
            return
        cov = iv.coverage()
        items = iv.items(cov)
        gaps = iv.gaps(cov=cov)
        total = iv.total_points(items)
        self.query_one(ClauseTree).show(cov, items)
        self.query_one(GapList).show(gaps, self.lang)
        self.query_one(ScorePanel).show(items, total, iv.overall_coverage(items), self.lang)
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("gaps").label = pick(self.lang, f"差距 {len(gaps)}", f"Gaps {len(gaps)}")  # type: ignore[assignment]
        tabs.get_tab("scores").label = pick(self.lang, f"评分 {total:g}", f"Scores {total:g}")  # type: ignore[assignment]
        tabs.get_tab("detail").label = pick(self.lang, "详情", "Detail")  # type: ignore[assignment]

    def show_reply(self, reply: Reply) -> None:
        chat = self.query_one(ChatLog)
        chat.add_reply(reply, self.lang)
        chat.add_question(reply.question, self.lang)
        if reply.attached:
            self.query_one(ClauseTree).focus_clause(reply.attached[0])
            self.query_one(DetailPanel).show(self.interview, reply.attached[0])  # type: ignore[arg-type]
        self.refresh_views()
        self.refresh_bindings()  # the clause asked may now be a results point (the data key)

    # --- answering ----------------------------------------------------------------------------------

    def on_answer_input_submitted(self, event: AnswerInput.Submitted) -> None:
        text = event.text
        if self.interview is None or not text.strip():
            return
        if self._busy:
            # one answer at a time: the engine and its database connection are not shared across threads
            self.query_one(AnswerInput).insert(text)
            self.notify(pick(self.lang, "上一段回答还在匹配中……", "Still matching the last answer…"))
            return
        if text.strip().startswith("/"):
            self._run_command(text.strip())
            return
        self.query_one(ChatLog).add_answer(text)
        self.query_one(AnswerInput).add_class("busy")
        self._busy = True
        self._answer(text)

    @work(thread=True, exclusive=True, group="answer")
    def _answer(self, text: str) -> None:
        assert self.interview is not None
        try:
            reply = self.interview.say(text)
        except Exception as exc:  # a full disk, a locked database: say so, keep the app and what was saved
            self.call_from_thread(self._failed, str(exc), text)
            return
        self.call_from_thread(self._answered, reply)

    def _failed(self, message: str, text: str) -> None:
        self._busy = False
        self.query_one(AnswerInput).remove_class("busy")
        self.query_one(AnswerInput).insert(text)  # give the unsaved answer back to the user
        self.query_one(ChatLog).add_note(f"! {message}", "error")

    def _answered(self, reply: Reply) -> None:
        self._busy = False
        self.query_one(AnswerInput).remove_class("busy")
        self.show_reply(reply)

    def _run_command(self, line: str) -> None:
        assert self.interview is not None
        try:
            reply = commands.run(self.interview, line, on_lang=self._set_lang)
        except commands.QuitRequested:
            self.exit()
            return
        except UserError as exc:  # a bad command, a busy or full database: one line, the app goes on
            self.query_one(ChatLog).add_note(f"! {exc}", "error")
            return
        self.show_reply(reply)

    # --- messages from widgets ----------------------------------------------------------------------

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        if self.interview is not None and event.node.data:
            self.query_one(DetailPanel).show(self.interview, event.node.data)
            self.refresh_bindings()

    def on_chip_opened(self, event: Chip.Opened) -> None:
        clause = event.clause
        if self.interview is not None:
            self.query_one(ClauseTree).focus_clause(clause)
            self.query_one(DetailPanel).show(self.interview, clause)
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
        current = iv.store.scores(iv.session.id).get(item_id)

        def done(value: str | None) -> None:
            if value is not None:
                self._run_command(f"/score {item_id} {value}")
                self.query_one(TabbedContent).active = "scores"

        title = f"{item_id} {node.title.get(self.lang)}"  # type: ignore[arg-type]
        rubric = bands()["results" if node.kind == "results" else "process"]
        self.push_screen(ScoreDialog(self.lang, title, rubric, iv.suggested_band(item_id), current), done)

    def ask_feedback(self, item_id: str) -> None:
        """The item's strengths and opportunities, to add to, edit and drop."""
        iv = self.interview
        node = self.services.kb.get(item_id)
        if iv is None or node is None or self.mode == "coverage":
            return
        found = iv.item_findings(item_id)
        title = node.title.get(self.lang)  # type: ignore[arg-type]
        self.push_screen(FeedbackDialog(self.lang, item_id, title, found.strengths, found.opportunities))

    def on_feedback_dialog_command(self, event: FeedbackDialog.Command) -> None:
        iv = self.interview
        if iv is None:
            return
        try:
            reply = commands.run(iv, event.line)
        except UserError as exc:  # a bad number, a busy database: said in the dialog, which stays open
            event.dialog.show_error(str(exc))
            return
        self.show_reply(reply)
        found = iv.item_findings(event.dialog.item_id)
        event.dialog.show(found.strengths, found.opportunities)

    def action_feedback_current(self) -> None:
        """The strengths and opportunities of the item being asked (or highlighted in the tree)."""
        item = self._current_item()
        if item is not None:
            self.ask_feedback(item)

    def _current_item(self) -> str | None:
        if self.interview is None:
            return None
        tree = self.query_one(ClauseTree)
        node_id = tree.cursor_node.data if tree.cursor_node is not None and tree.has_focus else None
        if not node_id:
            question = self.interview.current_question()
            node_id = question.target if question else None
        item = self.services.kb.item_of(node_id) if node_id else None
        return item.id if item is not None else None

    def ask_na(self, leaf_id: str) -> None:
        """Mark a clause not applicable after asking for the reason."""

        def done(reason: str | None) -> None:
            if reason:
                self._run_command(f"/na {leaf_id} {reason}")

        label = pick(self.lang, "不适用的理由:", "Why it does not apply:")
        self.push_screen(PromptDialog(self.lang, f"/na {leaf_id}", label), done)

    def action_score_current(self) -> None:
        """Score the item of the clause being asked (or highlighted in the tree)."""
        item = self._current_item()
        if item is not None:
            self.ask_score(item)

    def _data_leaf(self) -> str | None:
        """The results point the data key enters a measure for: highlighted in the tree, else the one asked."""
        iv = self.interview
        if iv is None or self.mode != "interview":
            return None
        tree = self.query_one(ClauseTree)
        node_id = tree.cursor_node.data if tree.cursor_node is not None and tree.has_focus else None
        # the cursor, not current_question(): this runs on every refresh of the footer and must
        # neither write nor touch the database while an answer is being matched in the worker
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

        def save(measure: Measure) -> str | None:
            if self._busy:  # the engine is matching an answer in its worker: one step at a time
                return pick(self.lang, "上一段回答还在匹配中,请稍后再保存。", "Still matching the last answer; save again in a moment.")
            try:
                reply = iv.put_measure(leaf_id, measure)
            except UserError as exc:  # read-only, a busy or full database: shown in the dialog
                return str(exc)
            self.show_reply(reply)
            return None

        try:
            existing = iv.measures(leaf_id)
        except UserError as exc:
            self.query_one(ChatLog).add_note(f"! {exc}", "error")
            return
        title = pick(self.lang, f"结果数据 · {leaf_id} {node.title.zh}", f"Results data · {leaf_id} {node.title.en}")
        self.push_screen(MeasureDialog(self.lang, title, existing, save))

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
        self.query_one(TabbedContent).active = tab

    def action_export(self) -> None:
        iv = self.interview
        if iv is None:
            return
        default = Path.cwd() / f"{iv.session.name}-gaps.xlsx"

        def done(value: str | None) -> None:
            if value is None:
                return
            try:
                written = commands.export(iv, Path(value).expanduser())
            except (InterviewError, OSError) as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            self.notify(pick(self.lang, f"已导出到 {written}", f"Exported to {written}"), markup=False)

        label = pick(self.lang, f"文件路径(格式由扩展名决定:{commands.EXPORT_FORMATS}):",
                   f"File path (the suffix picks the format: {commands.EXPORT_FORMATS}):")  # fmt: skip
        self.push_screen(
            PromptDialog(self.lang, pick(self.lang, "导出", "Export"), label, str(default)), done
        )

    def _set_lang(self, lang: str) -> None:
        self.lang = lang
        tree = self.query_one(ClauseTree)
        tree.lang = lang
        self.refresh_views()

    def action_switch_lang(self) -> None:
        new = "en" if self.lang == "zh" else "zh"
        if self.interview is not None:
            self.interview.set_lang(new)  # type: ignore[arg-type]
        self._set_lang(new)
        if self.mode == "interview" and self.interview is not None:
            self.query_one(ChatLog).add_question(self.interview.current_question(), self.lang)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_present(self) -> None:
        """Switch to the classroom presentation: the demo being played, at its turn (q comes back)."""
        from tui.present import present_from  # the presentation's screens load when first asked for

        present_from(self)

    # --- trainer demo -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("demo_forward", "demo_back"):
            return self.mode == "demo" and isinstance(self.screen, Screen) and not self.screen.is_modal
        if action == "enter_data":
            return self._data_leaf() is not None
        if action == "present":
            return self.mode == "demo"
        return True

    def _demo_bar(self) -> None:
        if self.demo is None:
            return
        total = len(self.demo.turns)
        text = pick(self.lang, f"演示 {self.demo.name_zh} · 第 {self.demo_step}/{total} 轮 · 空格/→ 前进 · ← 后退",
                  f"Demo {self.demo.name_en} · turn {self.demo_step}/{total} · space/→ forward · ← back")  # fmt: skip
        self.query_one("#demo-bar", Static).update(text)

    def action_demo_forward(self) -> None:
        if self.mode != "demo" or self.demo is None or self.interview is None:
            return
        if self.demo_step >= len(self.demo.turns):
            self.notify(pick(self.lang, "演示已结束", "End of the demo"))
            return
        turn = self.demo.turns[self.demo_step]
        chat = self.query_one(ChatLog)
        self.demo_step += 1
        self._demo_bar()
        # the answer, then the company's answers to the engine's follow-ups (show_reply asks them)
        for exchange in play_turn(self.interview, turn):
            if not exchange.followup:
                chat.add_question(exchange.question, self.lang)
            chat.add_answer(exchange.text)
            self.show_reply(exchange.reply)

    def action_demo_back(self) -> None:
        if self.mode != "demo" or self.interview is None or self.demo_step == 0:
            return
        undo_turn(self.interview, self.demo.turns[self.demo_step - 1])  # its answers and the move to it
        self.demo_step -= 1
        chat = self.query_one(ChatLog)
        chat.add_note(pick(self.lang, f"← 回到第 {self.demo_step} 轮", f"← back to turn {self.demo_step}"))
        self._demo_bar()
        self.refresh_views()

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
    try:
        app.run()
    finally:
        services.store.close()
    return app.return_code or 0
