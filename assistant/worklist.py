"""The gap list as a work list: each gap with everything a team needs to close it, and the open to-dos.

A row holds the clause's title, why it is a gap, its priority (assistant.plan), what
the company admitted about it and any plan it gave, the open to-dos (待核实) with
their owners, and who is to close it by when. Clauses that are not gaps but still
have an open to-do get a row too, so the list is also the to-do list. `view` picks
the rows of one filter: all of them, the gaps only, or the clauses with to-dos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.i18n import pick
from assistant.plan import PlanEntry, points_at_stake, priority

if TYPE_CHECKING:
    from assistant.coverage import LeafCoverage
    from assistant.interview import Interview
    from assistant.replies import Gap

VIEWS = ("all", "gaps", "todos")
VIEW_NAMES = {"all": ("全部", "All"), "gaps": ("差距", "Gaps"), "todos": ("待核实", "To-dos")}


@dataclass(frozen=True)
class WorkRow:
    leaf_id: str
    title: str  # in the interview's language
    item_id: str
    item_points: int
    #: the clause's coverage: uncovered or partial for a gap; a clause kept only for its to-dos
    #: has covered, na or "" (a 组织概述 point, which is not scored)
    status: str
    reason: str
    priority: str  # high | medium | low for a gap, "" otherwise
    admitted: tuple[str, ...] = ()  # admitted gaps (已确认的不足)
    plans: tuple[str, ...] = ()  # the improvement plans said after them
    todos: tuple[tuple[str, str], ...] = ()  # open to-dos: (text, owner)
    plan: PlanEntry = field(default_factory=PlanEntry)

    @property
    def gap(self) -> bool:
        return self.status in ("uncovered", "partial")


def work_rows(iv: Interview, cov: dict[str, LeafCoverage] | None = None, gaps: list[Gap] | None = None) -> list[WorkRow]:
    """The gaps in the engine's order (most points at stake first), then the other clauses with open to-dos."""
    cov = cov if cov is not None else iv.coverage()
    gaps = gaps if gaps is not None else iv.gaps(cov=cov)
    plans: dict[str, list[str]] = {}
    for note in iv.store.notes(iv.session.id, "plan"):
        plans.setdefault(note.leaf_id, []).append(note.text)
    owners = iv.plan()
    rows = []
    for g in gaps:
        node = iv.kb.get(g.leaf_id)
        kind = "results" if node is not None and node.kind == "results" else "process"
        stake = points_at_stake(g.item_points, kind, g.status, cov[g.leaf_id].missing)
        rows.append(
            WorkRow(
                g.leaf_id, node.title.get(iv.lang) if node else "", g.item_id, g.item_points, g.status, g.reason,
                priority(stake), g.admitted, tuple(plans.get(g.leaf_id, ())), g.todos, owners.get(g.leaf_id, PlanEntry()),
            )
        )  # fmt: skip
    listed = {g.leaf_id for g in gaps}
    todos: dict[str, list[tuple[str, str]]] = {}
    for note in iv.todos():
        if note.leaf_id not in listed:
            todos.setdefault(note.leaf_id, []).append((note.text, note.owner))
    for leaf_id, open_ in todos.items():
        node = iv.kb.get(leaf_id)
        item = iv.kb.item_of(leaf_id)
        status = cov[leaf_id].status if leaf_id in cov else ""
        reason = cov[leaf_id].reason(iv.lang) if leaf_id in cov else pick(iv.lang, "组织概述", "organisational profile")
        rows.append(
            WorkRow(
                leaf_id, node.title.get(iv.lang) if node else "", item.id if item else "", (item.points or 0) if item else 0,
                status, reason, "", (), tuple(plans.get(leaf_id, ())), tuple(open_), owners.get(leaf_id, PlanEntry()),
            )
        )  # fmt: skip
    return rows


def view(rows: list[WorkRow], which: str) -> list[WorkRow]:
    """The rows one filter shows: all, the gaps (without their to-dos' rows), or the clauses with open to-dos."""
    if which == "gaps":
        return [r for r in rows if r.gap]
    if which == "todos":
        return [r for r in rows if r.todos]
    return list(rows)


def view_label(which: str, rows: list[WorkRow], lang: str) -> str:
    """A filter's name with how many rows it shows: 差距 12."""
    return f"{pick(lang, *VIEW_NAMES[which])} {len(view(rows, which))}"
