"""Classroom mode: a demo company's interview presented one turn at a time, and a trainee exercise.

`PresentScreen` is a single wide column for a projector (it reads well at 100×30):
the clause asked with its full title, the question, the company's answer, the
engine's follow-ups with the company's answers to them, and for every clause an
answer was recorded for its ● ◐ ○ and why, in the engine's words. It plays the
demo through the real engine in a throwaway session (`assistant.demo_play`).
`ExerciseScreen` (key e) shows one of the demo's statements and four clauses to
choose from, then reveals the right one with its reasons.

Both screens only render what the engine returns; engine calls run in a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from assistant.coverage import DIM_NAME, SYMBOL
from assistant.demo_play import ClauseWhy, DemoRun, Exchange
from assistant.exercise import Exercise, ExerciseError, Verdict, build_exercise, judge
from assistant.i18n import pick
from assistant.services import Services
from dialogues.demos import Demo, Turn
from knowledge.models import Lang

if TYPE_CHECKING:
    from tui.app import ZhuoyueApp


def _text(text: str, classes: str) -> Static:
    # Content, not a str: the demo's words are shown as written, never read as markup
    return Static(Content(text), classes=classes)


def _row(label: str, body: Widget) -> Horizontal:
    return Horizontal(_text(label, "pr-label"), body, classes="pr-row")


def why_lines(why: ClauseWhy, lang: str, before: str | None = None) -> list[Static]:
    """One clause's verdict: symbol, id and full title; the engine's reason; what is not shown yet."""
    change = f"{SYMBOL[before]} → " if before is not None and before != why.status else ""
    lines = [_text(f"{change}{why.symbol} {why.leaf_id} {why.title(lang)}", f"pr-why-head {why.status}"),
             _text(why.reason(lang), "pr-why-line")]  # fmt: skip
    if why.missing:
        lines.append(
            _text(pick(lang, "尚未谈到:", "not shown yet: ") + why.missing_words(lang), "pr-why-line")
        )
    return lines


class PresentScreen(ModalScreen[None]):
    """A demo's turns for a class: → or space forward, ← back, e an exercise, q to leave.

    Modal, so that over the TUI the main screen's keys (next, undo, the trainer demo's
    arrows) do not reach the session hidden underneath; its CSS makes it opaque.
    """

    CSS_PATH = "present.tcss"
    BINDINGS = [
        # priority, so the scrolling column does not take the arrows for horizontal scrolling
        Binding("right,space", "forward", "下一轮 Next", priority=True),
        Binding("left", "back", "上一轮 Back", priority=True),
        Binding("e", "exercise", "练习 Exercise"),
        Binding("q,escape", "leave", "退出 Quit"),
    ]

    def __init__(self, services: Services, demo: Demo, lang: str, *, start: int = 0) -> None:
        super().__init__()
        self.services = services
        self.demo = demo
        self.lang: Lang = "en" if lang == "en" else "zh"
        self.start = max(0, min(start, len(demo.turns)))
        self.run: DemoRun | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(classes="pr-bar", id="present-bar")
        yield VerticalScroll(classes="pr-body", id="present-body")
        yield Footer()

    def on_mount(self) -> None:
        s = self.services
        self.run = DemoRun(s.kb, s.dialogues, s.matcher, self.demo, self.lang)
        self._bar()
        if self.start:
            self._play(self.start)
        else:
            self._intro()

    def on_unmount(self) -> None:
        if self.run is not None:
            self.run.close()

    # --- engine, in a worker ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="present")
    def _play(self, turns: int) -> None:
        """Play `turns` turns forward (negative: take them back), then show where the demo stands."""
        assert self.run is not None
        try:
            for _ in range(abs(turns)):
                if turns > 0:
                    self.run.forward()
                else:
                    self.run.back()
        except Exception as exc:  # a full disk, a broken temporary file: say so and keep the screen
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.call_from_thread(self._show_current)

    def _step(self, turns: int) -> None:
        if self.busy:
            return
        self.busy = True
        self._bar()
        self._play(turns)

    def _failed(self, message: str) -> None:
        self.busy = False
        self._bar()
        self.notify(message, severity="error", markup=False)

    # --- rendering ----------------------------------------------------------------------------------

    def _bar(self) -> None:
        step = self.run.step if self.run is not None else 0
        total = len(self.demo.turns)
        busy = " …" if self.busy else ""
        text = pick(self.lang, f"课堂演示 · {self.demo.name_zh} · 第 {step}/{total} 轮{busy}",
                    f"Classroom · {self.demo.name_en} · turn {step}/{total}{busy}")  # fmt: skip
        self.query_one("#present-bar", Static).update(Content(text))

    def _show(self, widgets: list[Widget]) -> None:
        body = self.query_one("#present-body", VerticalScroll)
        body.remove_children()
        body.mount_all(widgets)
        body.scroll_home(animate=False)

    def _intro(self) -> None:
        lang, demo = self.lang, self.demo
        self._show([
            _text(demo.name(lang), "pr-title"),
            _text(demo.summary_zh if lang == "zh" else demo.summary_en, "pr-intro"),
            _text(pick(lang, f"共 {len(demo.turns)} 轮:每一轮是评审员的提问、企业的回答、引擎的追问和判断。",
                       f"{len(demo.turns)} turns: each is the assessor's question, the company's answer, "
                       "the engine's follow-ups and its verdict."), "pr-intro"),
            _text(pick(lang, "→ 或空格开始 · ← 后退 · E 练习:这句话是哪个条款的证据? · Q 退出",
                       "→ or space to begin · ← back · E exercise: which clause is this evidence for? · Q quit"),
                  "pr-intro"),
        ])  # fmt: skip

    def _show_current(self) -> None:
        self.busy = False
        self._bar()
        run = self.run
        if run is None or not run.played:
            self._intro()
            return
        self._show(self.turn_widgets(self.demo.turns[run.step - 1], run.played[-1]))

    def turn_widgets(self, turn: Turn, exchanges: tuple[Exchange, ...]) -> list[Widget]:
        """The clause asked, then each question, the company's answer and the engine's verdict."""
        lang = self.lang
        kb = self.services.kb
        clause = turn.clause
        node = kb.get(clause)
        item = kb.item_of(clause)
        widgets: list[Widget] = [_text(f"{clause}  {node.title.get(lang) if node else ''}", "pr-title")]
        if item is not None:
            widgets.append(_text(f"{item.id} {item.title.get(lang)}", "pr-crumb"))
        for exchange in exchanges:
            q = exchange.question
            asked = q.text(lang) if q else ""
            if exchange.followup and q is not None and q.dimension:
                dimension = DIM_NAME[lang].get(q.dimension, q.dimension)
                asks = pick(lang, "追问", "Follow-up")
                asked = pick(lang, f"({dimension}){asked}", f"({dimension}) {asked}")
            else:
                asks = pick(lang, "提问", "Asks")
            widgets.append(_row(asks, _text(asked, "pr-text")))
            widgets.append(_row(pick(lang, "回答", "Answer"), _text(exchange.text, "pr-answer")))
            before = {c.leaf_id: c.before for c in exchange.reply.changes}
            if exchange.touched:
                lines: list[Widget] = []
                for why in exchange.touched:
                    lines.extend(why_lines(why, lang, before.get(why.leaf_id)))
                widgets.append(_row(pick(lang, "判断", "Verdict"), Vertical(*lines, classes="pr-why")))
            else:
                widgets.append(_row(pick(lang, "判断", "Verdict"),
                                    _text(pick(lang, "这段回答没有记为任何条款的证据。",
                                               "This answer was not recorded for any clause."), "pr-text")))  # fmt: skip
        return widgets

    # --- actions ------------------------------------------------------------------------------------

    def action_forward(self) -> None:
        if self.run is not None and self.run.done and not self.busy:
            self.notify(pick(self.lang, "演示已结束", "End of the demo"))
            return
        self._step(1)

    def action_back(self) -> None:
        if self.run is not None and self.run.step > 0:
            self._step(-1)

    def action_exercise(self) -> None:
        if self.busy or self.run is None:
            return
        # the statement of the turn the class has not seen yet, so the answer is not on the screen
        index = self.run.step % len(self.demo.turns)
        self.app.push_screen(ExerciseScreen(self.services, self.demo, self.lang, index=index))

    def action_leave(self) -> None:
        if not self.busy:
            self.dismiss(None)


class ExerciseScreen(ModalScreen[None]):
    """Which clause is this statement evidence for? Four choices, then the reveal with its reasons."""

    CSS_PATH = "present.tcss"
    BINDINGS = [
        Binding("escape", "leave", "返回 Back"),
        Binding("n,right", "next", "下一句 Next"),
    ]

    def __init__(self, services: Services, demo: Demo, lang: str, *, index: int = 0) -> None:
        super().__init__()
        self.services = services
        self.demo = demo
        self.lang: Lang = "en" if lang == "en" else "zh"
        self.index = index % len(demo.turns)
        self.exercise: Exercise | None = None
        self.verdict: Verdict | None = None

    def compose(self) -> ComposeResult:
        yield Static(classes="pr-bar", id="exercise-bar")
        yield VerticalScroll(classes="pr-body", id="exercise-body")
        yield Input(placeholder=pick(self.lang, "输入 1–4 或条款号,回车", "Type 1–4 or a clause id, then Enter"),
                    id="exercise-pick")  # fmt: skip
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        self.exercise, self.verdict = None, None
        total = len(self.demo.turns)
        self.query_one("#exercise-bar", Static).update(
            Content(pick(self.lang, f"练习 · 这句话是哪个条款的证据? · 第 {self.index + 1}/{total} 句 · Esc 返回",
                         f"Exercise · which clause is this evidence for? · statement {self.index + 1}/{total} · Esc back"))
        )  # fmt: skip
        field = self.query_one("#exercise-pick", Input)
        field.value, field.disabled = "", True
        self.refresh_bindings()
        self._build(self.index)

    @work(thread=True, exclusive=True, group="exercise")
    def _build(self, index: int) -> None:
        turn = self.demo.turns[index]
        s = self.services
        try:
            exercise = build_exercise(
                s.kb, s.matcher, turn.answer(self.lang), turn.clause, seed=f"{self.demo.id}:{index}"
            )
        except Exception as exc:  # the matcher's index could not be read: say so, keep the screen
            self.app.call_from_thread(self.notify, str(exc), severity="error", markup=False)
            return
        self.app.call_from_thread(self._ready, exercise)

    def _ready(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._draw()
        field = self.query_one("#exercise-pick", Input)
        field.disabled = False
        field.focus()

    def _draw(self) -> None:
        ex, lang, verdict = self.exercise, self.lang, self.verdict
        if ex is None:
            return
        widgets: list[Widget] = [_row(pick(lang, "陈述", "Statement"), _text(ex.statement, "pr-statement"))]
        choices: list[Widget] = []
        for number, choice in enumerate(ex.choices, 1):
            mark = ""
            if verdict is not None and choice.leaf_id == ex.answer:
                mark = "right"
            elif verdict is not None and choice.leaf_id == verdict.chosen.leaf_id:
                mark = "wrong"
            choices.append(_text(f"{number}  {choice.leaf_id} {choice.title(lang)}", f"pr-choice {mark}"))
        widgets.append(_row(pick(lang, "选项", "Choices"), Vertical(*choices, classes="pr-why")))
        if verdict is not None:
            widgets.extend(self._reveal(ex, verdict))
        body = self.query_one("#exercise-body", VerticalScroll)
        body.remove_children()
        body.mount_all(widgets)

    def _reveal(self, ex: Exercise, verdict: Verdict) -> list[Widget]:
        lang = self.lang
        right = ex.correct
        if verdict.right:
            head = pick(
                lang,
                f"✓ 答对了:{right.leaf_id} {right.title_zh}",
                f"✓ Right: {right.leaf_id} {right.title_en}",
            )
        else:
            head = pick(lang, f"✗ 你选了 {verdict.chosen.leaf_id},正确答案是 {ex.number} · {right.leaf_id} {right.title_zh}",
                        f"✗ You chose {verdict.chosen.leaf_id}; the answer is {ex.number} · {right.leaf_id} {right.title_en}")  # fmt: skip
        lines: list[Widget] = [
            _text(f"{SYMBOL[ex.status]} " + pick(lang, "这句话本身对该条款:", "this statement alone, on that clause: ")
                  + ex.reason(lang), f"pr-why-head {ex.status}"),
            _text(pick(lang, "匹配词:", "matched words: ")
                  + (("、" if lang == "zh" else ", ").join(right.terms) or pick(lang, "(匹配器没有找到该条款)", "(the matcher did not find this clause)")),
                  "pr-why-line"),
        ]  # fmt: skip
        if not verdict.right and verdict.chosen.terms:
            lines.append(
                _text(pick(lang, f"{verdict.chosen.leaf_id} 只沾到这些词:", f"{verdict.chosen.leaf_id} only shares the words: ")
                      + ("、" if lang == "zh" else ", ").join(verdict.chosen.terms), "pr-why-line")
            )  # fmt: skip
        lines.append(
            _text(
                pick(lang, "N 或 → 下一句 · Esc 返回演示", "N or → next statement · Esc back to the demo"),
                "pr-crumb",
            )
        )
        return [
            _text(head, "pr-verdict " + ("right" if verdict.right else "wrong")),
            Vertical(*lines, classes="pr-why"),
        ]

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.exercise is None or self.verdict is not None:
            return
        try:
            self.verdict = judge(self.exercise, self.services.kb, event.value, self.lang)
        except ExerciseError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        field = self.query_one("#exercise-pick", Input)
        field.disabled = True
        self.set_focus(None)
        self._draw()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.verdict is not None  # shown in the footer once the answer is revealed
        return True

    def action_next(self) -> None:
        if self.verdict is not None:
            self.index = (self.index + 1) % len(self.demo.turns)
            self._load()

    def action_leave(self) -> None:
        self.dismiss(None)


class PresentApp(App[None]):
    """`zhuoyue demo NAME --present`: the presentation on its own; leaving it ends the app."""

    TITLE = "卓越绩效自评助手 · 课堂"

    def __init__(self, services: Services, demo: Demo, lang: str) -> None:
        super().__init__()
        self.services = services
        self.demo = demo
        self.lang = lang

    def on_mount(self) -> None:
        self.theme = "textual-dark"
        self.push_screen(PresentScreen(self.services, self.demo, self.lang), lambda _: self.exit())


def present_from(app: ZhuoyueApp) -> None:
    """The trainer demo's key: present the demo being played, from the turn it has reached."""
    if app.demo is None or app.screen.is_modal:
        return
    app.push_screen(PresentScreen(app.services, app.demo, app.lang, start=app.demo_step))


def run_present(*, kb_path: Path | None = None, lang: str = "zh", demo_name: str) -> int:
    """`zhuoyue demo NAME --present`."""
    from assistant.services import build_services
    from dialogues.demos import load_demo

    services = build_services(kb_path)
    try:
        demo = load_demo(demo_name, services.kb)
        app = PresentApp(services, demo, lang)
        app.run()
    finally:
        services.store.close()
    return app.return_code or 0
