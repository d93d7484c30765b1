"""The gap tab: the work list (assistant.worklist) under a filter, all / gaps / to-dos.

Each row shows the clause with its title, why it is a gap, its priority, what the
company admitted and planned, the open to-dos with their owners, and who closes it
by when. Choosing a row asks the clause's question; `f` or a button above switches the filter.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option

from assistant.coverage import SYMBOL
from assistant.i18n import pick
from assistant.plan import priority_label
from assistant.worklist import VIEWS, WorkRow, view, view_label
from tui.widgets import STATUS_STYLE

PRIORITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}
#: The mark of a clause on the list only for its to-dos (as /todo marks them).
TODO_MARK = "□"


def row_label(row: WorkRow, lang: str) -> Text:
    """One row as the list draws it; the option list wraps it to the pane."""
    label = Text(f"{SYMBOL.get(row.status, TODO_MARK) if row.gap else TODO_MARK} {row.leaf_id} ",
                 style=STATUS_STYLE.get(row.status, "magenta") if row.gap else "magenta")  # fmt: skip
    label.append(row.title, style="bold")
    if row.item_id:
        label.append(f"\n  [{row.item_id} · {row.item_points}{pick(lang, '分', ' pts')}]", style="cyan")
    if row.priority:
        label.append(" " + pick(lang, "优先级 ", "priority ") + priority_label(row.priority, lang),
                     style=PRIORITY_STYLE[row.priority])  # fmt: skip
    label.append(f"\n  {row.reason}", style="dim")
    for text in row.admitted:
        label.append(pick(lang, f"\n  已确认的不足:{text}", f"\n  Admitted gap: {text}"), style="yellow")
    for text in row.plans:
        label.append(pick(lang, f"\n  改进计划:{text}", f"\n  Plan: {text}"), style="yellow")
    for text, owner in row.todos:
        who = pick(lang, f"({owner})", f" ({owner})") if owner else ""
        label.append(pick(lang, f"\n  待核实{who}:{text}", f"\n  To check{who}: {text}"), style="magenta")
    plan = row.plan
    if plan.owner or plan.due:
        parts = []
        if plan.owner:
            stand_in = pick(lang, "(待核实的负责人)", " (the to-do's owner)") if plan.owner_from_todo else ""
            parts.append(pick(lang, f"负责人 {plan.owner}{stand_in}", f"owner {plan.owner}{stand_in}"))
        if plan.due:
            parts.append(pick(lang, f"完成日期 {plan.due}", f"due {plan.due}"))
        label.append("\n  " + " · ".join(parts), style="green")
    return label


class GapList(OptionList):
    """The rows of the work list; choosing one asks its clause's question."""

    class Chosen(Message):
        def __init__(self, leaf_id: str) -> None:
            self.leaf_id = leaf_id
            super().__init__()

    _key: tuple[object, ...] = ()

    def show(self, rows: list[WorkRow], lang: str) -> None:
        key = (lang, *rows)
        if key == self._key:
            return  # rebuilding a hundred options on every answer is what makes a step slow
        self._key = key
        keep = self.highlighted
        self.clear_options()
        self.add_options(Option(row_label(row, lang), id=row.leaf_id) for row in rows)
        if rows:
            self.highlighted = min(keep or 0, len(rows) - 1)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Chosen(event.option.id))


class GapPanel(Vertical):
    """The filter buttons over the gap list; the app hands it the whole work list on every refresh."""

    BINDINGS = [Binding("f", "next_view", "筛选 Filter")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.rows: list[WorkRow] = []
        self.lang = "zh"
        self.current = "all"

    def compose(self) -> ComposeResult:
        with Horizontal(id="gap-filter"):
            for which in VIEWS:
                yield Button(which, id=f"view-{which}", compact=True, classes="gap-view")
        yield GapList(id="gap-list")

    def on_mount(self) -> None:
        self._mark()

    def show(self, rows: list[WorkRow], lang: str) -> None:
        self.rows, self.lang = rows, lang
        for which in VIEWS:  # the filters' names and counts, in the language shown
            self.query_one(f"#view-{which}", Button).label = view_label(which, rows, lang)
        self.query_one(GapList).show(view(rows, self.current), lang)

    def choose(self, which: str) -> None:
        """Show one filter's rows: all, gaps, or todos."""
        self.current = which
        self._mark()
        self.query_one(GapList).show(view(self.rows, which), self.lang)

    def _mark(self) -> None:
        for which in VIEWS:
            self.query_one(f"#view-{which}", Button).set_class(which == self.current, "-chosen")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        which = (event.button.id or "").removeprefix("view-")
        if which in VIEWS:
            self.choose(which)

    def action_next_view(self) -> None:
        """Switch to the next filter: all → gaps → to-dos → all."""
        self.choose(VIEWS[(VIEWS.index(self.current) + 1) % len(VIEWS)])
