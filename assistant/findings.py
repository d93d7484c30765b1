"""The assessor's findings: each item's suggested band, strengths and opportunities, and the plan.

Mixed into `Interview`. The drafts come from `assistant.feedback` (pure) and are
drafted afresh from the evidence on every read; what the assessor adds, edits or
drops is stored against the draft's key, so a change survives new evidence. The
owner and due date of each leaf make the gap list a plan; until the assessor
names an owner, the owner of a to-do (待核实) on the leaf stands in. Every change
is one transaction with its undo step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.enginehost import EngineHost
from assistant.feedback import (
    KINDS,
    AdmittedGap,
    Feedback,
    LeafFacts,
    SuggestedBand,
    listing,
    merge_edits,
    opportunity_drafts,
    strength_drafts,
    suggest_band,
)
from assistant.i18n import ordinal, pick
from assistant.plan import CORE_DIMENSIONS, PlanEntry, parse_due
from assistant.replies import InterviewError, Reply
from assistant.storage import FeedbackRow
from assistant.textnorm import clean

if TYPE_CHECKING:
    from assistant.coverage import LeafCoverage
    from knowledge.models import Node

#: Longest strength or opportunity the assessor may write.
MAX_FEEDBACK_CHARS = 2000
MAX_OWNER_CHARS = 100
#: Words that clear an owner or a due date.
CLEAR = ("-", "无", "none")
#: A clause id at the start of an assessor's own entry names the leaf it is about.
_LEADING_ID = re.compile(r"^\s*(4(?:\.\d+)+[a-z]?)(?=[\s:\uff1a,\uff0c、]|$)")  # ：and ，too


@dataclass(frozen=True)
class ItemFindings:
    item_id: str
    suggested: SuggestedBand | None
    strengths: tuple[Feedback, ...]
    opportunities: tuple[Feedback, ...]


class Findings(EngineHost):
    """Mixed into `Interview`, whose state and storage these methods use."""

    if TYPE_CHECKING:  # beyond what every mixin gets from EngineHost

        def _in_scope(self, leaf_id: str) -> bool: ...

    # --- reading ------------------------------------------------------------------------------------

    def leaf_facts(self, cov: dict[str, LeafCoverage] | None = None) -> dict[str, LeafFacts]:
        """What the drafts and the band read about every scored leaf."""
        cov = cov if cov is not None else self.coverage()
        notes = self.store.notes(self.session.id)
        plans: dict[str, list[str]] = {}
        for n in notes:
            if n.kind == "plan":
                plans.setdefault(n.leaf_id, []).append(n.text)
        admitted: dict[str, list[AdmittedGap]] = {}
        for n in notes:
            if n.kind == "absent":
                gaps = admitted.setdefault(n.leaf_id, [])
                # keyed by its place among the leaf's admitted gaps: unlike a row id, it survives export and import
                gaps.append(AdmittedGap(str(len(gaps) + 1), n.text, "; ".join(plans.get(n.leaf_id, ()))))
        out = {}
        for leaf in self.kb.leaves():
            c = cov[leaf.id]
            kind = "results" if leaf.kind == "results" else "process"
            found: tuple[tuple[str, str], ...] = tuple(getattr(c, "found", ()) or ())
            if not found and c.status in ("partial", "covered"):
                # a coverage that names only what is missing: what it does not name was shown
                found = tuple((d, "") for d in CORE_DIMENSIONS[kind] if d not in c.missing)
            out[leaf.id] = LeafFacts(
                leaf.id, leaf.title.get(self.lang), kind, c.status, found, tuple(c.missing),
                tuple(admitted.get(leaf.id, ())),
            )  # fmt: skip
        return out

    def findings(self, cov: dict[str, LeafCoverage] | None = None) -> dict[str, ItemFindings]:
        """Every item's suggested band, strengths and opportunities, drafts merged with the assessor's changes."""
        return self._findings(self.kb.items(), cov)

    def _findings(self, items: Iterable[Node], cov: dict[str, LeafCoverage] | None = None) -> dict[str, ItemFindings]:
        facts = self.leaf_facts(cov)
        rows: dict[tuple[str, str], list[FeedbackRow]] = {}
        for row in self.store.feedback(self.session.id):
            rows.setdefault((row.kind, row.item_id), []).append(row)
        out = {}
        for item in items:
            # drafts only for what the session assesses: a session scoped to 4.3 has nothing to say on 4.5
            leaves = [facts[x.id] for x in self.kb.leaves_under(item.id) if self._in_scope(x.id)]
            kind = "results" if item.kind == "results" else "process"
            out[item.id] = ItemFindings(
                item.id,
                suggest_band(kind, leaves, self.lang) if leaves else None,
                merge_edits(strength_drafts(leaves, self.lang), rows.get(("strength", item.id), [])),
                merge_edits(opportunity_drafts(leaves, self.lang), rows.get(("opportunity", item.id), [])),
            )
        return out

    def item_findings(self, ref: str) -> ItemFindings:
        item, _ = self._item_of(ref)
        return self._findings([item])[item.id]

    def suggested_band(self, ref: str) -> SuggestedBand | None:
        return self.item_findings(ref).suggested

    def strengths(self, ref: str) -> tuple[Feedback, ...]:
        return self.item_findings(ref).strengths

    def opportunities(self, ref: str) -> tuple[Feedback, ...]:
        return self.item_findings(ref).opportunities

    def _entries(self, kind: str, ref: str) -> tuple[Feedback, ...]:
        found = self.item_findings(ref)
        return found.strengths if kind == "strength" else found.opportunities

    def feedback_list(self, kind: str, ref: str) -> Reply:
        """The item's strengths or opportunities, numbered as edit and drop take them."""
        item, _ = self._item_of(ref)
        text = listing(_kind(kind), item.id, item.title.get(self.lang), self._entries(kind, item.id), self.lang)
        return Reply("info", text, self.current_question())

    # --- changing strengths and opportunities -------------------------------------------------------

    def add_feedback(self, kind: str, ref: str, text: str) -> Reply:
        """Add the assessor's own strength or opportunity to an item (ref may name one of its leaves)."""
        self._writable()
        kind = _kind(kind)
        item, leaf = self._item_of(ref)
        text = self._feedback_text(text, kind, item.id)
        leaf = leaf or self._leaf_named(text, item.id)
        with self.store.transaction() as conn:
            row_id = self.store.add_feedback(self.session.id, item.id, kind, text, leaf_id=leaf)
            self._step(conn, "feedback", {"row": row_id, "previous": None})
        entries = self._entries(kind, item.id)
        number = next(i for i, e in enumerate(entries, start=1) if e.key == f"#{row_id}")
        what = _what(kind, self.lang)
        return self._changed(kind, item, pick(self.lang, f"已添加为{what}第 {number} 条。", f"Added as {what} {number}."))

    def edit_feedback(self, kind: str, ref: str, number: int | str, text: str) -> Reply:
        """Replace the text of an item's strength or opportunity (numbered as listed)."""
        self._writable()
        kind = _kind(kind)
        item, _ = self._item_of(ref)
        entry = self._numbered(kind, item.id, number)
        text = self._feedback_text(text, kind, item.id)
        self._change(kind, item.id, entry, text=text, dropped=False)
        what = _what(kind, self.lang)
        return self._changed(kind, item, pick(self.lang, f"已修改{what}第 {number} 条。", f"Edited {what} {number}."))

    def drop_feedback(self, kind: str, ref: str, number: int | str) -> Reply:
        """Take a strength or opportunity off an item (a draft stays off however the evidence grows)."""
        self._writable()
        kind = _kind(kind)
        item, _ = self._item_of(ref)
        entry = self._numbered(kind, item.id, number)
        self._change(kind, item.id, entry, text=entry.text, dropped=True)
        what = _what(kind, self.lang)
        return self._changed(kind, item, pick(self.lang, f"已删除{what}第 {number} 条(/undo 可恢复)。",
                                              f"Dropped {what} {number} (/undo brings it back)."))  # fmt: skip

    def _change(self, kind: str, item_id: str, entry: Feedback, *, text: str, dropped: bool) -> None:
        rows = [r for r in self.store.feedback(self.session.id) if r.kind == kind and r.item_id == item_id]
        row: FeedbackRow | None
        if entry.key.startswith("#"):
            row = next(r for r in rows if f"#{r.id}" == entry.key)
        else:
            row = next((r for r in rows if r.draft_key == entry.key), None)
        with self.store.transaction() as conn:
            if row is None:
                row_id = self.store.add_feedback(
                    self.session.id, item_id, kind, text, draft_key=entry.key, leaf_id=entry.leaf, dropped=dropped
                )
                self._step(conn, "feedback", {"row": row_id, "previous": None})
            else:
                self.store.update_feedback(self.session.id, row.id, text, dropped)
                self._step(conn, "feedback", {"row": row.id, "previous": {"text": row.text, "dropped": row.dropped}})

    def _changed(self, kind: str, item: Node, line: str) -> Reply:
        entries = self._entries(kind, item.id)
        text = listing(kind, item.id, item.title.get(self.lang), entries, self.lang)
        return Reply("info", f"{line}\n{text}", self.current_question())

    def _numbered(self, kind: str, item_id: str, number: int | str) -> Feedback:
        entries = self._entries(kind, item_id)
        what = _what(kind, self.lang)
        n = ordinal(number)
        if not 1 <= n <= len(entries):
            raise InterviewError(
                pick(self.lang, f"{item_id} 没有第 {number} 条{what}" + (f"(共 {len(entries)} 条)" if entries else "(还没有)"),
                     f"{item_id} has no {what} {number}" + (f" (there are {len(entries)})" if entries else " (none yet)"))
            )  # fmt: skip
        return entries[n - 1]

    def _feedback_text(self, text: str, kind: str, item_id: str) -> str:
        text = clean(text).strip()
        command = "/strength" if kind == "strength" else "/ofi"
        if not text:
            raise InterviewError(pick(self.lang, f"请写出内容:{command} {item_id} 内容", f"write the text: {command} {item_id} TEXT"))
        if len(text) > MAX_FEEDBACK_CHARS:
            raise InterviewError(pick(self.lang, f"内容太长:最多 {MAX_FEEDBACK_CHARS} 个字符", f"too long: at most {MAX_FEEDBACK_CHARS} characters"))
        return text

    def _leaf_named(self, text: str, item_id: str) -> str:
        """The leaf an entry starts by naming ("4.3.3.2.3 投诉……"), if it lies under the item."""
        match = _LEADING_ID.match(text)
        node = self.kb.resolve(match.group(1)) if match else None
        item = self.kb.item_of(node.id) if node is not None else None
        return node.id if node is not None and node.is_leaf and item is not None and item.id == item_id else ""

    def _item_of(self, ref: str) -> tuple[Node, str]:
        """The item a clause belongs to, and the leaf when the clause is one."""
        node = self.resolve(ref)
        item = node if node.level == "item" else self.kb.item_of(node.id)
        if item is None:
            raise InterviewError(
                pick(self.lang, f"{node.id} 不属于某个评分项;请指定评分项,如 4.3.3", f"{node.id} is not within a scored item; name one, e.g. 4.3.3")
            )  # fmt: skip
        return item, node.id if node.is_leaf else ""

    # --- the plan: owner and due date per leaf --------------------------------------------------------

    def plan(self) -> dict[str, PlanEntry]:
        """Owner and due date per leaf; a to-do's owner stands in until the assessor names one."""
        rows = self.store.plan(self.session.id)
        from_todos: dict[str, str] = {}
        open_owner: dict[str, str] = {}
        for note in self.store.notes(self.session.id, "defer"):
            if note.owner:
                from_todos[note.leaf_id] = note.owner  # the latest one
                if not note.closed:
                    open_owner[note.leaf_id] = note.owner
        defaults = {**from_todos, **open_owner}  # an open to-do's owner before a settled one's
        out = {}
        for leaf_id in set(rows) | set(defaults):
            row = rows.get(leaf_id)
            if row is not None and row.owner:
                out[leaf_id] = PlanEntry(row.owner, row.due)
            else:
                owner = defaults.get(leaf_id, "")
                out[leaf_id] = PlanEntry(owner, row.due if row else "", owner_from_todo=bool(owner))
        return out

    def set_owner(self, ref: str, name: str) -> Reply:
        """Name who is to close a leaf's gap ("-" clears it, and a to-do's owner stands in again)."""
        self._writable()
        leaf = self._leaf(ref)
        name = clean(name).strip()
        if not name:
            raise InterviewError(pick(self.lang, "用法:/owner 条款号 姓名(- 清除)", "usage: /owner ID NAME (- clears)"))
        if name.lower() in CLEAR:
            name = ""
        if len(name) > MAX_OWNER_CHARS:
            raise InterviewError(pick(self.lang, f"负责人太长:最多 {MAX_OWNER_CHARS} 个字符", f"owner too long: at most {MAX_OWNER_CHARS} characters"))
        row = self.store.plan(self.session.id).get(leaf.id)
        self._set_plan(leaf.id, name, row.due if row else "", row)
        title = leaf.title.get(self.lang)
        if name:
            line = pick(self.lang, f"{leaf.id} {title} 的负责人:{name}。", f"Owner of {leaf.id} {title}: {name}.")
        else:
            stand_in = self.plan().get(leaf.id, PlanEntry()).owner
            line = pick(self.lang, f"已清除 {leaf.id} {title} 的负责人", f"Cleared the owner of {leaf.id} {title}") + (
                pick(self.lang, f"(待核实事项的负责人 {stand_in} 仍作为默认)。", f" (the to-do's owner, {stand_in}, stands in).")
                if stand_in else pick(self.lang, "。", ".")
            )  # fmt: skip
        return Reply("info", line, self.current_question())

    def set_due(self, ref: str, date: str) -> Reply:
        """Set by when a leaf's gap is to be closed, as YYYY-MM-DD ("-" clears it)."""
        self._writable()
        leaf = self._leaf(ref)
        text = clean(date).strip()
        if text.lower() in CLEAR:
            due = ""
        else:
            parsed = parse_due(text)
            if parsed is None:
                raise InterviewError(
                    pick(self.lang, f"日期 {text!r} 无效:请写成 YYYY-MM-DD,如 2026-03-31(- 清除)",
                         f"{text!r} is not a date: write YYYY-MM-DD, e.g. 2026-03-31 (- clears)")
                )  # fmt: skip
            due = parsed
        row = self.store.plan(self.session.id).get(leaf.id)
        self._set_plan(leaf.id, row.owner if row else "", due, row)
        title = leaf.title.get(self.lang)
        line = (
            pick(self.lang, f"{leaf.id} {title} 的完成日期:{due}。", f"{leaf.id} {title} is due {due}.")
            if due
            else pick(self.lang, f"已清除 {leaf.id} {title} 的完成日期。", f"Cleared the due date of {leaf.id} {title}.")
        )
        return Reply("info", line, self.current_question())

    def _set_plan(self, leaf_id: str, owner: str, due: str, row: Any) -> None:
        previous = {"owner": row.owner, "due": row.due} if row is not None else None
        with self.store.transaction() as conn:
            self.store.set_plan(self.session.id, leaf_id, owner, due)
            self._step(conn, "plan", {"leaf": leaf_id, "previous": previous})


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise InterviewError(f"unknown kind {kind!r}; choose {', '.join(KINDS)}")
    return kind


def _what(kind: str, lang: str) -> str:
    return pick(lang, "优势", "strength") if kind == "strength" else pick(lang, "改进机会", "opportunity")
