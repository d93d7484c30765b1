"""The session's answers as a history to correct: listing them, deleting one answer or one
evidence link, and editing an answer's text, which records it again through the engine.

Mixed into `Interview`. Answers are numbered by their place in the session (1 the
first), as `/history` lists them and `/edit N` and `/delete N` take them. Every change
is one transaction with its undo step: a deleted or edited answer is kept whole in the
step (its evidence and notes, under the same ids), so undo puts it back exactly; a
deleted evidence link is a detachment, which undo attaches again.

An edited answer is recorded again as it would be if said now to the question it
answered: the intent step decides whether it is evidence, and the matcher which
clauses it is evidence for. Links the assessor made by hand (/assign, /move) and
links they took off (/detach) stay as they were. An answer that left a note (an
admitted gap, a to-do, a plan, a line of the 组织概述) stays that note, with the new
words.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assistant.conversation import owner_of
from assistant.coverage import SYMBOL
from assistant.enginehost import EngineHost
from assistant.i18n import label, ordinal, pick
from assistant.replies import CoverageChange, InterviewError, Reply
from assistant.turns import BARE_NO_CHARS

if TYPE_CHECKING:
    from assistant.coverage import LeafCoverage
    from assistant.dimensions import Found
    from assistant.intent import IntentModel
    from assistant.matching import ClauseMatcher, Match
    from assistant.storage import AnswerRow

#: Sources of evidence the matcher chose; re-recording an edited answer chooses them afresh.
MATCHED_SOURCES = ("asked", "matched", "import")

NOTE_NAMES = {
    "absent": ("已确认的不足", "admitted gap"),
    "defer": ("待核实", "to-do"),
    "plan": ("改进计划", "plan"),
    "profile": ("组织概述", "organisational profile"),
}
SOURCE_NAMES = {
    "asked": ("回答", "answer"),
    "matched": ("匹配", "matched"),
    "assigned": ("指定", "assigned"),
    "import": ("导入", "imported"),
    "merged": ("合并", "merged"),
}


@dataclass(frozen=True)
class HistoryLink:
    """One clause an answer is evidence for."""

    evidence_id: int
    leaf_id: str
    title: str  # in the interview's language
    source: str  # asked | matched | assigned | import | merged
    status: str  # the clause's coverage now: covered | partial | uncovered | na


@dataclass(frozen=True)
class HistoryNote:
    """What an answer left that is not evidence: an admitted gap, a to-do, a plan, a profile line."""

    kind: str  # absent | defer | plan | profile
    leaf_id: str
    title: str
    owner: str
    open: bool  # a to-do not yet settled


@dataclass(frozen=True)
class HistoryEntry:
    number: int  # the answer's place in the session, 1 the first
    answer_id: int
    text: str
    asked: str | None  # the clause the question was about
    created: float
    author: str
    links: tuple[HistoryLink, ...]
    notes: tuple[HistoryNote, ...]


def source_name(source: str, lang: str) -> str:
    return label(SOURCE_NAMES, source, lang)


def note_name(kind: str, lang: str) -> str:
    return label(NOTE_NAMES, kind, lang)


def when(created: float) -> str:
    """An answer's time as month, day and minute, in local time."""
    return time.strftime("%m-%d %H:%M", time.localtime(created))


def history_text(entries: list[HistoryEntry], lang: str, *, limit: int | None = 20) -> str:
    """The answers as `/history` prints them, the newest first."""
    if not entries:
        return pick(lang, "还没有回答。", "No answers yet.")
    shown = entries[:limit] if limit else entries
    lines = [pick(lang, f"回答记录(共 {len(entries)} 段,最新在前)", f"Answers ({len(entries)}, newest first)")]
    for e in shown:
        asked = pick(lang, f" · 问 {e.asked}", f" · asked {e.asked}") if e.asked else ""
        lines.append(f"#{e.number}{asked} · {when(e.created)}")
        text = " ".join(e.text.split())
        lines.append("    " + (text if len(text) <= 80 else text[:79] + "…"))
        for link in e.links:
            lines.append(f"    {SYMBOL.get(link.status, '?')} {link.leaf_id} {link.title} [{source_name(link.source, lang)}]")
        for note in e.notes:
            who = f" ({note.owner})" if note.owner else ""
            lines.append(f"    · {note_name(note.kind, lang)}{who}: {note.leaf_id} {note.title}")
        if not e.links and not e.notes:
            lines.append(pick(lang, "    (没有记为证据)", "    (not recorded as evidence)"))
    if len(entries) > len(shown):
        lines.append(pick(lang, f"……还有 {len(entries) - len(shown)} 段更早的回答", f"… {len(entries) - len(shown)} earlier answers"))
    lines.append(pick(lang, "/edit N 新内容 修改一段回答;/delete N 删除它;/delete N 条款号 只去掉它与该条款的关联;/undo 撤销",
                      "/edit N TEXT edits an answer; /delete N deletes it; /delete N ID takes it off one clause; /undo undoes"))  # fmt: skip
    return "\n".join(lines)


class AnswerHistory(EngineHost):
    """Mixed into `Interview`, whose state, matching and storage these methods use."""

    if TYPE_CHECKING:  # beyond what every mixin gets from EngineHost
        matcher: ClauseMatcher
        _dims: dict[str, list[Found]] | None
        _units: tuple[str, str] | None

        @property
        def intents(self) -> IntentModel: ...
        def _clean_input(self, raw: str) -> tuple[str, list[str]]: ...
        def _attachments(
            self, text: str, asked_leaf: str | None, role: str
        ) -> tuple[tuple[Match, ...], dict[str, float | None]]: ...
        def _describe_answer(
            self, asked_leaf: str | None, attach: dict[str, float | None], cov: dict[str, LeafCoverage],
            move: str | None, notes: list[str], terms: dict[str, tuple[str, ...]],
        ) -> str: ...  # fmt: skip

    # --- reading ------------------------------------------------------------------------------------

    def history(self, cov: dict[str, LeafCoverage] | None = None) -> list[HistoryEntry]:
        """Every answer of the session, the newest first, with the clauses it is evidence for and what it noted."""
        cov = cov if cov is not None else self.coverage()
        links: dict[int, list[HistoryLink]] = {}
        for e in self.store.evidence(self.session.id):
            if e.answer_id is not None:
                status = cov[e.leaf_id].status if e.leaf_id in cov else "uncovered"
                links.setdefault(e.answer_id, []).append(HistoryLink(e.id, e.leaf_id, self._title(e.leaf_id), e.source, status))
        notes: dict[int, list[HistoryNote]] = {}
        for n in self.store.notes(self.session.id):
            if n.answer_id is not None:
                notes.setdefault(n.answer_id, []).append(
                    HistoryNote(n.kind, n.leaf_id, self._title(n.leaf_id), n.owner, n.kind == "defer" and not n.closed)
                )
        entries = [
            HistoryEntry(number, a.id, a.text, a.asked, a.created, a.author,
                         tuple(links.get(a.id, ())), tuple(notes.get(a.id, ())))
            for number, a in enumerate(self.store.answers(self.session.id), start=1)
        ]  # fmt: skip
        entries.reverse()
        return entries

    def _title(self, node_id: str) -> str:
        node = self.kb.get(node_id)
        return node.title.get(self.lang) if node is not None else ""

    def _numbered_answer(self, number: int | str) -> tuple[int, AnswerRow]:
        answers = self.store.answers(self.session.id)
        n = ordinal(number)
        if not 1 <= n <= len(answers):
            raise InterviewError(
                pick(self.lang, f"没有第 {number} 段回答" + (f"(共 {len(answers)} 段,/history 查看)" if answers else "(还没有回答)"),
                     f"there is no answer {number}" + (f" (there are {len(answers)}; /history lists them)" if answers else " (no answers yet)"))
            )  # fmt: skip
        return n, answers[n - 1]

    # --- deleting -----------------------------------------------------------------------------------

    def delete_answer(self, number: int | str) -> Reply:
        """Delete one answer with its evidence and notes (undo puts it back whole)."""
        self._writable()
        n, row = self._numbered_answer(number)
        snapshot = self.store.answer_snapshot(self.session.id, row.id)
        assert snapshot is not None
        before = self.coverage()
        with self.store.transaction() as conn:
            self.store.delete_answer(self.session.id, row.id)
            self._step(conn, "delete_answer", {"snapshot": snapshot})
        self._dims = None  # evidence changed other than by an answer: read it afresh
        if any(note["kind"] == "profile" for note in snapshot["notes"]):
            self._units = None  # the profile may have named the organisation's units
        after = self.coverage()
        leaves = dict.fromkeys(e["leaf_id"] for e in snapshot["evidence"] if e["active"])
        lines = [pick(self.lang, f"已删除第 {n} 段回答(/undo 可恢复)。", f"Deleted answer {n} (/undo brings it back).")]
        lines += self._status_lines(leaves, after)
        return Reply("info", "\n".join(lines), self.current_question(), changes=_changes(leaves, before, after))

    def delete_link(self, number: int | str, ref: str) -> Reply:
        """Take one answer off one clause it is evidence for (undo attaches it again)."""
        self._writable()
        n, row = self._numbered_answer(number)
        leaf = self._leaf(ref)
        ids = [e.id for e in self.store.evidence(self.session.id) if e.answer_id == row.id and e.leaf_id == leaf.id]
        if not ids:
            raise InterviewError(
                pick(self.lang, f"第 {n} 段回答不是 {leaf.id} 的证据", f"answer {n} is not evidence for {leaf.id}")
            )
        before = self.coverage()
        with self.store.transaction() as conn:
            self.store.set_evidence_active(ids, False)
            self._step(conn, "detach", {"evidence_ids": ids})
        after = self.coverage()
        title = leaf.title.get(self.lang)
        lines = [pick(self.lang, f"第 {n} 段回答不再是 {leaf.id} {title} 的证据(/undo 可恢复)。",
                      f"Answer {n} is no longer evidence for {leaf.id} {title} (/undo brings it back).")]  # fmt: skip
        lines += self._status_lines([leaf.id], after)
        return Reply("info", "\n".join(lines), self.current_question(), changes=_changes([leaf.id], before, after))

    def _status_lines(self, leaves: Any, cov: dict[str, LeafCoverage]) -> list[str]:
        out = []
        for leaf_id in leaves:
            status = cov[leaf_id]
            out.append(f"{SYMBOL[status.status]} {leaf_id} {self._title(leaf_id)} — {status.reason(self.lang)}")
        return out

    # --- editing ------------------------------------------------------------------------------------

    def edit_answer(self, number: int | str, raw: str) -> Reply:
        """Replace an answer's text and record it again (undo puts the old text and its evidence back)."""
        self._writable()
        n, row = self._numbered_answer(number)
        text, notes = self._clean_input(raw)
        if not text:
            raise InterviewError(pick(self.lang, f"用法:/edit {n} 新内容", f"usage: /edit {n} TEXT"))
        if text == row.text:
            raise InterviewError(pick(self.lang, f"第 {n} 段回答没有变化", f"answer {n} is unchanged"))
        snapshot = self.store.answer_snapshot(self.session.id, row.id)
        assert snapshot is not None
        if snapshot["notes"] or row.question == "plan":
            return self._edit_noted(n, row, text, snapshot, notes)
        return self._edit_evidence(n, row, text, snapshot, notes)

    def _edit_evidence(self, n: int, row: AnswerRow, text: str, snapshot: dict[str, Any], notes: list[str]) -> Reply:
        """An answer that was (or could be) evidence: matched afresh to the clauses it now speaks of."""
        node = self.kb.get(row.asked) if row.asked else None
        asked_leaf = node.id if node is not None and node.is_leaf and node.kind != "profile" else None
        old = snapshot["evidence"]
        # what the assessor decided by hand stays: links they made, and links they took off
        kept = [e for e in old if e["source"] not in MATCHED_SOURCES or not e["active"]]
        redo = [e["id"] for e in old if e not in kept]
        held = {e["leaf_id"] for e in kept}
        decision = self.intents.classify(text)
        credited = decision.intent == "evidence" and not decision.unclear
        attach: dict[str, float | None] = {}
        terms: dict[str, tuple[str, ...]] = {}
        support: dict[str, str] = {}
        if credited:
            # an answer that was credited to the question it answered was about it: read it as a follow-up would be
            answered = any(e["leaf_id"] == asked_leaf and e["source"] == "asked" and e["active"] for e in old)
            matches, found = self._attachments(text, asked_leaf, "followup" if answered else "probe")
            attach = {leaf: score for leaf, score in found.items() if leaf not in held}
            terms = {m.leaf_id: m.terms for m in matches}
            support = self.matcher.support(text, [leaf for leaf in attach if leaf != asked_leaf])
            support[asked_leaf or ""] = text
        before = self.coverage()
        by_hand = [e["id"] for e in kept if e["active"] and e["source"] == "assigned"]
        leaves_now = set(attach) | {e["leaf_id"] for e in kept if e["active"]}
        with self.store.transaction() as conn:
            self.store.set_answer_text(self.session.id, row.id, text)
            self.store.delete_evidence(self.session.id, redo)
            self.store.set_evidence_text(self.session.id, by_hand, text)
            for leaf_id, score in attach.items():
                source = "asked" if leaf_id == asked_leaf else "matched"
                self.store.add_evidence(self.session.id, row.id, leaf_id, support.get(leaf_id, text), score, source, row.author)
            # the to-dos it settles are those on the clauses it is evidence for now
            settled = [t.id for t in self.store.notes(self.session.id, "defer")
                       if t.leaf_id in leaves_now and (not t.closed or t.id in snapshot["closed"])]  # fmt: skip
            self.store.set_closed_by(self.session.id, row.id, settled)
            self._step(conn, "edit_answer", {"snapshot": snapshot})
        self._dims = None
        after = self.coverage()
        lines = [pick(self.lang, f"已修改第 {n} 段回答,并重新记录(/undo 可恢复)。",
                      f"Edited answer {n} and recorded it again (/undo brings the old text back).")]  # fmt: skip
        if credited:
            lines.append(self._describe_answer(asked_leaf, attach, after, None, notes, terms))
        else:
            lines += notes
            lines.append(pick(self.lang, f"修改后的内容没有记为证据(理解为:{decision.intent})。可以用 /assign 条款号 指定。",
                              f"The new text is not recorded as evidence (taken as: {decision.intent}). /assign ID makes it evidence."))  # fmt: skip
        if by_hand:
            hand = "、".join(dict.fromkeys(e["leaf_id"] for e in kept if e["id"] in by_hand))
            lines.append(pick(self.lang, f"人工指定的 {hand} 保留,内容已更新。", f"Kept the links made by hand ({hand}), with the new text."))
        changed = dict.fromkeys([*(e["leaf_id"] for e in old if e["active"]), *attach])
        return Reply(
            "info", "\n".join(lines), self.current_question(), attached=tuple(attach),
            changes=_changes(changed, before, after), recorded=tuple(attach.items()),
        )  # fmt: skip

    def _edit_noted(self, n: int, row: AnswerRow, text: str, snapshot: dict[str, Any], notes: list[str]) -> Reply:
        """An answer that left a note: the note keeps its kind and clause and takes the new words."""
        own = snapshot["notes"]
        plan_answer = row.question == "plan"
        bare_no = plan_answer and self.intents.classify(text).intent == "absent" and len(text) <= BARE_NO_CHARS
        with self.store.transaction() as conn:
            self.store.set_answer_text(self.session.id, row.id, text)
            if bare_no:  # "no plan" after all: the plan note goes
                self.store.delete_notes(self.session.id, [note["id"] for note in own])
            elif plan_answer and not own and row.asked:
                self.store.add_note(self.session.id, row.id, row.asked, "plan", text)
            for note in own if not bare_no else ():
                owner = owner_of(text) if note["kind"] == "defer" else note["owner"]
                self.store.set_note_text(self.session.id, note["id"], text, owner)
            self._step(conn, "edit_answer", {"snapshot": snapshot})
        if any(note["kind"] == "profile" for note in own):
            self._units = None
        kinds = [(note["kind"], note["leaf_id"]) for note in own] or ([("plan", row.asked)] if row.asked else [])
        if bare_no:
            what = pick(self.lang, "记为没有改进计划", "noted as no plan yet")
        else:
            what = pick(self.lang, "、", ", ").join(f"{leaf} {self._title(leaf)} " + note_name(kind, self.lang) for kind, leaf in kinds)
        lines = [*notes, pick(self.lang, f"已修改第 {n} 段回答:{what}(/undo 可恢复)。",
                              f"Edited answer {n}: {what} (/undo brings the old text back).")]  # fmt: skip
        return Reply("info", "\n".join(lines), self.current_question())


def _changes(leaves: Any, before: dict[str, LeafCoverage], after: dict[str, LeafCoverage]) -> tuple[CoverageChange, ...]:
    return tuple(
        CoverageChange(leaf, before[leaf].status, after[leaf].status)
        for leaf in leaves
        if leaf in before and before[leaf].status != after[leaf].status
    )
