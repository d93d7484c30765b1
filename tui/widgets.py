"""Widgets of the main screen; each renders engine values and talks upward with messages."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.styles import RulesMap
from textual.message import Message
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widget import Widget
from textual.widgets import Button, DataTable, OptionList, Sparkline, Static, TextArea, Tree
from textual.widgets.option_list import Option

from assistant.coverage import SYMBOL, LeafCoverage
from assistant.i18n import pick
from assistant.interview import Gap, Interview, ItemSummary, Question, Reply
from assistant.linebreak import wrap
from assistant.measures import measure_text
from knowledge.base import KnowledgeBase

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
    """A matched clause under an answer; pressing it opens the clause."""

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
    """The conversation: questions, answers, and the clauses each answer matched."""

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
        self.mount(Static(Text(head, style="bold"), classes="question-head"))
        self.mount(ProseStatic(question.text(lang), classes="question"))  # type: ignore[arg-type]
        self.scroll_end(animate=False)

    def add_answer(self, text: str) -> None:
        self.mount(ProseStatic(text, classes="answer"))
        self.scroll_end(animate=False)

    def add_reply(self, reply: Reply, lang: str) -> None:
        if reply.intent and reply.intent != "evidence":
            name = INTENT_NAMES[reply.intent]
            self.mount(Static(Text(pick(lang, f"(理解为:{name[0]})", f"(taken as: {name[1]})"), style="dim italic"),
                              classes="intent"))  # fmt: skip
        if reply.recorded:
            # what was actually credited, not the matcher's raw top ten
            chips = [Chip(leaf_id, leaf_id if score is None else f"{leaf_id} {score:.2f}") for leaf_id, score in reply.recorded]
            self.mount(Horizontal(*chips, classes="chips"))
        if reply.message:
            self.mount(ProseStatic(reply.message, classes=f"note {reply.kind}"))
        self.scroll_end(animate=False)

    def add_note(self, text: str, kind: str = "info") -> None:
        self.mount(ProseStatic(text, classes=f"note {kind}"))
        self.scroll_end(animate=False)


class AnswerInput(TextArea):
    """Multi-line answer box: Enter sends, pasted text keeps its line breaks."""

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
            self.post_message(self.Submitted(text))
            return
        await super()._on_key(event)


class DetailPanel(VerticalScroll):
    """The selected clause: text, guidance, evidence gathered, next question."""

    def show(self, interview: Interview, node_id: str) -> None:
        kb, lang = interview.kb, interview.lang
        node = kb.get(node_id)
        self.remove_children()
        if node is None:
            return
        parts: list[Widget] = []
        chain = " › ".join(f"{p.id} {p.title.get(lang)}" for p in kb.parents(node_id))  # type: ignore[arg-type]
        if chain:
            parts.append(Static(Text(chain, style="dim")))
        points = f"  [{node.points}{pick(lang, '分', ' pts')}]" if node.points else ""
        parts.append(Static(Text(f"{node.id} {node.title.get(lang)}{points}", style="bold")))  # type: ignore[arg-type]
        parts.append(ProseStatic(node.text.get(lang), classes="clause-text"))  # type: ignore[arg-type]
        if node.is_leaf and node.kind != "profile":
            coverage = interview.coverage()
            cov = coverage[node.id]
            parts.append(
                Static(Text(f"{SYMBOL[cov.status]} {cov.reason(lang)}", style=STATUS_STYLE[cov.status]))
            )
            evidence = interview.evidence_for(node.id)
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
            if node.kind == "results":
                parts.extend(_measure_parts(interview, node.id, lang))
            question = interview.next_question(node.id, coverage)
            if question is not None:
                parts.append(Static(Text(pick(lang, "下一个问题", "Next question"), style="bold")))
                parts.append(ProseStatic(question.text(lang), classes="question"))  # type: ignore[arg-type]
        guidance = node.guidance.get(lang)  # type: ignore[arg-type]
        if guidance:
            parts.append(Static(Text(pick(lang, "评价要点", "Assessor guidance"), style="bold")))
            parts.extend(ProseStatic(f"· {g}", classes="guidance") for g in guidance)
        self.mount_all(parts)
        self.scroll_home(animate=False)


def _measure_parts(interview: Interview, leaf_id: str, lang: str) -> list[Widget]:
    """A results point's measure tables: each as a line of figures over a sparkline of its periods."""
    tables = interview.measures(leaf_id)
    if not tables:
        return []
    parts: list[Widget] = [
        Static(Text(pick(lang, f"结果数据({len(tables)})", f"Results data ({len(tables)})"), style="bold"))
    ]
    for m in tables:
        parts.append(Static(Text(measure_text(m, lang)), classes="measure"))
        parts.append(Sparkline([v for _, v in m.periods], classes="measure-spark"))
    return parts


class GapList(OptionList):
    """Uncovered and partial leaves, most valuable first; choosing one asks its question."""

    class Chosen(Message):
        def __init__(self, leaf_id: str) -> None:
            self.leaf_id = leaf_id
            super().__init__()

    _key: tuple[object, ...] = ()

    def show(self, gaps: list[Gap], lang: str) -> None:
        key = (lang, *((g.leaf_id, g.status, g.admitted, g.todos) for g in gaps))
        if key == self._key:
            return  # rebuilding a hundred options on every answer is what makes a step slow
        self._key = key
        keep = self.highlighted
        self.clear_options()
        for g in gaps:
            label = Text(f"{SYMBOL[g.status]} {g.leaf_id}", style=STATUS_STYLE[g.status])
            label.append(f"  [{g.item_id} · {g.item_points}]\n", style="cyan")
            label.append(f"  {g.reason}", style="dim")
            for text in g.admitted:
                label.append(pick(lang, f"\n  已确认的不足:{text}", f"\n  Admitted gap: {text}"), style="yellow")
            for text, owner in g.todos:
                who = f"({owner})" if owner else ""
                label.append(pick(lang, f"\n  待核实{who}:{text}", f"\n  To check{who}: {text}"), style="magenta")
            self.add_option(Option(label, id=g.leaf_id))
        if gaps:
            self.highlighted = min(keep or 0, len(gaps) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))


class ScorePanel(Vertical):
    """Each item's percentage, band and points, and the total out of 1000."""

    class Chosen(Message):
        def __init__(self, item_id: str) -> None:
            self.item_id = item_id
            super().__init__()

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", id="score-table")
        yield Static(id="score-total")

    def show(self, items: list[ItemSummary], total: float, coverage: float, lang: str) -> None:
        table = self.query_one(DataTable)
        if not table.columns:
            for key, zh, en in (("id", "评分项", "Item"), ("title", "名称", "Title"), ("pts", "分值", "Pts"),
                                ("cov", "覆盖", "Cov."), ("pct", "评分", "Score"), ("earned", "得分", "Earned")):  # fmt: skip
                table.add_column(pick(lang, zh, en), key=key)
        table.clear()
        for s in items:
            pct = "—" if s.score.percent is None else f"{s.score.percent}%"
            flag = " ⚠" if s.score.over_scored else ""
            cov = "—" if s.coverage is None else f"{s.coverage:.0%}"
            table.add_row(
                s.item.id,
                s.item.title.get(lang)[:14],
                str(s.item.points),
                cov,
                pct + flag,
                f"{s.score.earned:g}",
                key=s.item.id,
            )  # type: ignore[arg-type]
        self.query_one("#score-total", Static).update(
            Text(
                pick(
                    lang,
                    f"总分 {total:g} / 1000 · 覆盖率 {coverage:.0%}",
                    f"Total {total:g} / 1000 · coverage {coverage:.0%}",
                ),
                style="bold",
            )
        )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self.post_message(self.Chosen(event.row_key.value))
