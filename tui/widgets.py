"""Widgets of the main screen; each renders engine values and talks upward with messages."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text
from textual import events
from textual.await_remove import AwaitRemove
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Button, Sparkline, Static, TextArea, Tree

from assistant.coverage import SYMBOL, LeafCoverage
from assistant.i18n import pick
from assistant.interview import ItemSummary, Question, Reply
from assistant.linebreak import wrap
from assistant.measures import Measure, measure_text
from knowledge.base import KnowledgeBase
from tui.engine import ClauseDetail

STATUS_STYLE = {"covered": "bold green", "partial": "yellow", "uncovered": "red", "na": "dim"}


class Prose(Visual):
    """Plain text wrapped by assistant.linebreak at the width it is drawn at.

    Textual's own wrapping splits a line of Chinese anywhere: a figure from its unit, a
    "，" onto the next line. Wrapped with the CJK rules first, every line already fits,
    so Textual draws the lines as they are. The text is never read as markup.
    """

    def __init__(self, text: str, style: str = "") -> None:
        self.text, self.style = text, style
        self._shown: tuple[int, Content] = (-1, Content(""))

    def __str__(self) -> str:
        return self.text

    def at(self, width: int) -> Content:
        """The text as drawn `width` cells wide."""
        if self._shown[0] != width:
            shown = "\n".join(wrap(self.text, width)) if width > 0 else self.text
            self._shown = (width, Content.styled(shown, self.style))
        return self._shown[1]

    def render_strips(self, width: int, height: int | None, style: Style, options: RenderOptions) -> list[Strip]:
        inner = width - 2 * options.rules.get("line_pad", 0)
        return self.at(inner).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return Content(self.text).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width - 2 * rules.get("line_pad", 0)).get_height(rules, width)


class ProseStatic(Static):
    """A Static for a paragraph of Chinese or English prose (see Prose); a selection copies the lines as shown."""

    def __init__(self, text: str, *, style: str = "", classes: str | None = None) -> None:
        super().__init__(Prose(text or "", style), classes=classes)

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        visual = self.visual
        if isinstance(visual, Prose):
            return selection.extract(str(visual.at(self.size.width - 2 * self.styles.line_pad))), "\n"
        return super().get_selection(selection)


class ClauseTree(Tree[str]):
    """Category → item → leaf, each leaf marked by symbol and colour, items with points."""

    def __init__(self, kb: KnowledgeBase, lang: str, **kwargs: object) -> None:
        super().__init__("GB/T 19580-2012", data="", **kwargs)  # type: ignore[arg-type]
        self.kb = kb
        self.lang = lang
        self.show_root = False
        self._by_clause: dict[str, object] = {}
        self._shown: dict[str, object] = {}  # last label key per node: relabel only what changed
        for category in kb.categories():
            cat = self.root.add(self._plain(category.id), data=category.id, expand=True)
            self._by_clause[category.id] = cat
            for item in (n for n in kb.children(category.id) if n.level == "item"):
                it = cat.add(self._plain(item.id), data=item.id, expand=True)
                self._by_clause[item.id] = it
                for leaf in kb.leaves_under(item.id):
                    self._by_clause[leaf.id] = it.add_leaf(self._plain(leaf.id), data=leaf.id)

    def _plain(self, node_id: str) -> str:
        node = self.kb.get(node_id)
        return f"{node_id} {node.title.get(self.lang)}" if node else node_id  # type: ignore[arg-type]

    def show(self, coverage: dict[str, LeafCoverage], items: list[ItemSummary]) -> None:
        """Refresh every label from the engine's coverage and item roll-ups."""
        for leaf in self.kb.leaves():
            status = coverage[leaf.id].status
            if self._shown.get(leaf.id) == (status, self.lang):
                continue
            self._shown[leaf.id] = (status, self.lang)
            label = Text(f"{SYMBOL[status]} {leaf.id} ", style=STATUS_STYLE[status])
            label.append(leaf.title.get(self.lang))  # type: ignore[arg-type]
            self._by_clause[leaf.id].set_label(label)  # type: ignore[attr-defined]
        for s in items:
            share = "—" if s.coverage is None else f"{s.coverage:.0%}"
            if self._shown.get(s.item.id) == (share, self.lang):
                continue
            self._shown[s.item.id] = (share, self.lang)
            label = Text(f"{s.item.id} {s.item.title.get(self.lang)}  ", style="bold")  # type: ignore[arg-type]
            label.append(f"[{s.item.points}{pick(self.lang, '分', ' pts')} · {share}]", style="cyan")
            self._by_clause[s.item.id].set_label(label)  # type: ignore[attr-defined]
        for category in self.kb.categories():
            if self._shown.get(category.id) == self.lang:
                continue
            self._shown[category.id] = self.lang
            label = Text(f"{category.id} {category.title.get(self.lang)}  ", style="bold")  # type: ignore[arg-type]
            label.append(f"[{category.points}{pick(self.lang, '分', ' pts')}]", style="cyan")
            self._by_clause[category.id].set_label(label)  # type: ignore[attr-defined]

    def focus_clause(self, node_id: str) -> None:
        node = self._by_clause.get(node_id)
        if node is not None:
            self.move_cursor(node)  # type: ignore[arg-type]


class Chip(Button):
    """A matched clause under an answer; pressing it opens the clause.

    Not a tab stop: a long chat holds dozens of chips, and Tab should reach the
    answer box and the lists, not every chip on the way. A click still opens one.
    """

    can_focus = False

    class Opened(Message):
        def __init__(self, clause: str) -> None:
            self.clause = clause
            super().__init__()

    def __init__(self, clause: str, label: str) -> None:
        super().__init__(label, classes="chip", compact=True)
        self.clause = clause

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Opened(self.clause))


INTENT_NAMES = {
    "evidence": ("做法或结果", "evidence"),
    "absent": ("已确认的不足", "an admitted gap"),
    "question": ("提问", "a question"),
    "defer": ("待核实", "a to-do"),
    "chitchat": ("闲聊", "small talk"),
    "navigate": ("跳转", "a move"),
    "offtopic": ("非本单位做法", "not your own practice"),
}


class ChatLog(VerticalScroll):
    """The conversation: questions, answers, and the clauses each answer matched.

    Only the latest WINDOW turns are mounted (a turn runs from one answer to the next).
    Older turns are kept as the means to build their lines again, behind an "earlier
    turns" line at the top that brings back MORE of them when pressed: every mounted
    line is laid out again on every step, so a log that kept them all would make each
    answer of a long interview slower to show than the last.
    """

    WINDOW = 10
    MORE = 15

    def __init__(self, *children: Widget, **kwargs: object) -> None:
        super().__init__(*children, **kwargs)  # type: ignore[arg-type]
        self._turns: list[list[Callable[[], Widget]]] = []  # every turn, as the makers of its lines
        self._shown: list[list[Widget]] = []  # the lines mounted for each turn (none before _first)
        self._first = 0  # the first turn mounted
        self._lang = "zh"  # of the earlier line's label: the last language a question or reply came in
        self._earlier: Button | None = None

    def _add(self, make: Callable[[], Widget], *, new_turn: bool = False) -> None:
        if new_turn or not self._turns:
            self._turns.append([])
            self._shown.append([])
        self._turns[-1].append(make)
        widget = make()
        self._shown[-1].append(widget)
        self.mount(widget)
        keep_from = len(self._turns) - self.WINDOW
        if keep_from > self._first:
            gone = [w for shown in self._shown[self._first : keep_from] for w in shown]
            for shown in self._shown[self._first : keep_from]:
                shown.clear()
            self._first = keep_from
            self.remove_children(gone)
            self._label_earlier()

    def _label_earlier(self) -> None:
        if self._first == 0:
            if self._earlier is not None:
                self._earlier.remove()
                self._earlier = None
            return
        n, more = self._first, min(self._first, self.MORE)
        label = pick(self._lang, f"… 更早的 {n} 轮对话(按此载入 {more} 轮)", f"… {n} earlier turns (press to load {more})")
        if self._earlier is None:
            self._earlier = Button(label, classes="earlier", compact=True)
            self.mount(self._earlier, before=0)
        else:
            self._earlier.label = label

    def load_earlier(self) -> None:
        """Mount the MORE turns before the first one shown, above it."""
        if self._earlier is None:
            return
        start = max(0, self._first - self.MORE)
        widgets: list[Widget] = []
        for i in range(start, self._first):
            self._shown[i] = [make() for make in self._turns[i]]
            widgets.extend(self._shown[i])
        self.mount_all(widgets, after=self._earlier)
        self._first = start
        self._label_earlier()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button is self._earlier:
            event.stop()
            self.load_earlier()

    def remove_children(self, selector: str | type[Widget] | Iterable[Widget] = "*") -> AwaitRemove:
        """Clearing the log (the default selector) forgets the turns behind the earlier line too."""
        if selector == "*":
            self._turns, self._shown, self._first, self._earlier = [], [], 0, None
        return super().remove_children(selector)  # type: ignore[arg-type]

    def add_question(self, question: Question | None, lang: str) -> None:
        if question is None:
            return
        role = {
            "opening": ("开场", "Opening"),
            "probe": ("提问", "Question"),
            "followup": ("追问", "Follow-up"),
            "plan": ("改进计划", "Plan"),
        }[question.role]
        head = f"{pick(lang, role[0], role[1])} · {question.target} {question.title(lang)}"  # type: ignore[arg-type]
        self._lang = lang
        self._add(lambda: Static(Text(head, style="bold"), classes="question-head"))
        self._add(lambda: ProseStatic(question.text(lang), classes="question"))  # type: ignore[arg-type]
        self.scroll_end(animate=False)

    def add_answer(self, text: str) -> None:
        self._add(lambda: ProseStatic(text, classes="answer"), new_turn=True)
        self.scroll_end(animate=False)

    def add_reply(self, reply: Reply, lang: str) -> None:
        self._lang = lang
        if reply.intent and reply.intent != "evidence":
            name = INTENT_NAMES[reply.intent]
            self._add(lambda: Static(Text(pick(lang, f"(理解为:{name[0]})", f"(taken as: {name[1]})"), style="dim italic"),
                                     classes="intent"))  # fmt: skip
        if reply.recorded:
            # what was actually credited, not the matcher's raw top ten
            self._add(lambda: Horizontal(*(Chip(leaf_id, leaf_id if score is None else f"{leaf_id} {score:.2f}")
                                           for leaf_id, score in reply.recorded), classes="chips"))  # fmt: skip
        if reply.message:
            self._add(lambda: ProseStatic(reply.message, classes=f"note {reply.kind}"))
        self.scroll_end(animate=False)

    def add_note(self, text: str, kind: str = "info") -> None:
        self._add(lambda: ProseStatic(text, classes=f"note {kind}"))
        self.scroll_end(animate=False)


class AnswerInput(TextArea):
    """Multi-line answer box: Enter sends, pasted text keeps its line breaks."""

    BINDINGS = [
        # the TextArea's select-line key; here, as everywhere on the main screen, it scores the item
        Binding("f6", "app.score_current", "打分 Score"),
    ]

    class Submitted(Message):
        def __init__(self, text: str) -> None:
            self.text = text
            super().__init__()

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.text
            self.clear()
            # straight to the app: a key typed right after Enter (Ctrl+N, F5) climbs up through
            # the box's parents before reaching the app, and must find the answer already sent
            self.app.post_message(self.Submitted(text))
            return
        await super()._on_key(event)


class DetailPanel(VerticalScroll):
    """The selected clause: text, guidance, evidence gathered, next question."""

    def show(self, kb: KnowledgeBase, detail: ClauseDetail) -> None:
        """Draw the clause from the knowledge base and from `detail`, read on the engine's thread."""
        lang, node_id = detail.lang, detail.node_id
        node = kb.get(node_id)
        if node is None:
            self.remove_children()
            return
        parts: list[Widget] = []
        chain = " › ".join(f"{p.id} {p.title.get(lang)}" for p in kb.parents(node_id))  # type: ignore[arg-type]
        if chain:
            parts.append(Static(Text(chain, style="dim")))
        points = f"  [{node.points}{pick(lang, '分', ' pts')}]" if node.points else ""
        parts.append(Static(Text(f"{node.id} {node.title.get(lang)}{points}", style="bold")))  # type: ignore[arg-type]
        parts.append(ProseStatic(node.text.get(lang), classes="clause-text"))  # type: ignore[arg-type]
        cov = detail.coverage
        if cov is not None:
            parts.append(
                Static(Text(f"{SYMBOL[cov.status]} {cov.reason(lang)}", style=STATUS_STYLE[cov.status]))
            )
            evidence = detail.evidence
            parts.append(
                Static(
                    Text(pick(lang, f"证据({len(evidence)})", f"Evidence ({len(evidence)})"), style="bold")
                )
            )
            for e in evidence:
                source = {
                    "asked": pick(lang, "回答", "answer"),
                    "matched": pick(lang, "匹配", "matched"),
                    "assigned": pick(lang, "指定", "assigned"),
                }.get(e.source, e.source)
                parts.append(ProseStatic(f"· [{source}] {e.text[:300]}", classes="evidence"))
            parts.extend(_measure_parts(detail.measures, lang))
            question = detail.next_question
            if question is not None:
                parts.append(Static(Text(pick(lang, "下一个问题", "Next question"), style="bold")))
                parts.append(ProseStatic(question.text(lang), classes="question"))  # type: ignore[arg-type]
        guidance = node.guidance.get(lang)  # type: ignore[arg-type]
        if guidance:
            parts.append(Static(Text(pick(lang, "评价要点", "Assessor guidance"), style="bold")))
            parts.extend(ProseStatic(f"· {g}", classes="guidance") for g in guidance)
        self._replace(parts)
        self.scroll_home(animate=False)

    def _replace(self, parts: list[Widget]) -> None:
        """Show `parts`, rewriting in place each line that is of the same kind as the one there.

        A step mostly changes a few lines of the pane (a status, one more piece of evidence):
        rewriting the lines already mounted is one layout pass, where removing twenty and
        mounting twenty new ones took three.
        """
        shown = list(self.children)
        kept = 0
        for have, want in zip(shown, parts, strict=False):
            if type(have) is not type(want) or have.classes != want.classes or not isinstance(want, Static):
                break
            assert isinstance(have, Static)
            if not _same_content(have.content, want.content):
                have.update(want.content)
            kept += 1
        if kept < len(shown):
            self.remove_children(shown[kept:])
        if kept < len(parts):
            self.mount_all(parts[kept:])


def _same_content(a: object, b: object) -> bool:
    if isinstance(a, Prose) and isinstance(b, Prose):
        return (a.text, a.style) == (b.text, b.style)
    return isinstance(a, Text) and isinstance(b, Text) and a == b


def _measure_parts(tables: tuple[Measure, ...], lang: str) -> list[Widget]:
    """A results point's measure tables: each as a line of figures over a sparkline of its periods."""
    if not tables:
        return []
    parts: list[Widget] = [
        Static(Text(pick(lang, f"结果数据({len(tables)})", f"Results data ({len(tables)})"), style="bold"))
    ]
    for m in tables:
        parts.append(Static(Text(measure_text(m, lang)), classes="measure"))
        parts.append(Sparkline([v for _, v in m.periods], classes="measure-spark"))
    return parts

