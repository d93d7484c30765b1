"""The guided interview: a UI-free engine both front ends drive.

The engine owns the state (in SQLite, one transaction per step) and returns
immutable `Reply` values: the text to show, the clauses an answer matched and
the evidence it recorded, coverage changes, and the next question. Front ends
only render replies.

Flow: a new whole-standard session starts with the 组织概述 → then ask a
leaf's probe (after the item's opening question when entering an item) →
record the answer, match it, attach it to the asked leaf when relevant and to
other leaves that match on their own merit → probe the dimension an assessor
would ask about next along 方法-展开-学习-整合 (process) or 水平-趋势-对比
(results), never one the answer has just given, at most three per leaf →
otherwise move to the next leaf in the chosen order.

Lines that are not evidence (admitted gaps, to-dos, questions, moves, small
talk) are handled by the turns in `assistant.turns`, which `say` dispatches to;
the values handed to the front ends are in `assistant.replies`.
"""

from __future__ import annotations

from typing import Any

from assistant import rollups
from assistant.conversation import fill, unit_words
from assistant.coverage import STATUS_ORDER, SYMBOL, LeafCoverage, leaf_coverage
from assistant.dimensions import Found, dimensions
from assistant.findings import Findings
from assistant.history import AnswerHistory
from assistant.i18n import pick
from assistant.intent import IntentModel
from assistant.matching import ClauseMatcher, Match
from assistant.replies import CoverageChange, Cursor, Gap, InterviewError, ItemSummary, Question, Reply
from assistant.resultsdata import ResultsData
from assistant.scoring import ScoreError, check_percent
from assistant.storage import SessionRow, StorageError, Store
from assistant.textnorm import clean
from assistant.turns import ConversationTurns
from dialogues.loader import Dialogues
from knowledge.base import KnowledgeBase
from knowledge.models import Lang, Node

#: Longest answer kept; a longer paste is cut and the user is told.
MAX_ANSWER_CHARS = 20_000
#: Follow-ups asked on one leaf before moving on.
MAX_FOLLOWUPS = 3
#: The order an assessor probes a leaf's dimensions in.
PROBE_ORDER = {
    "process": ("approach", "deployment", "learning", "integration"),
    "results": ("level", "trend", "comparison", "integration"),
}
#: Other leaves get the evidence when they score at least this share of the best match.
ATTACH_RELATIVE = 0.7
#: … and at least this score: a clear statement about a leaf scores 0.1 or more,
#: while a short follow-up answer brushes many leaves at 0.03–0.05.
ATTACH_MIN_SCORE = 0.07
ATTACH_MAX_OTHERS = 4

ORDERS = ("standard", "value")
FRAMEWORK = "GB/T 19580-2012"


class Interview(ConversationTurns, Findings, ResultsData, AnswerHistory):
    """One open assessment session."""

    def __init__(
        self,
        kb: KnowledgeBase,
        dialogues: Dialogues,
        matcher: ClauseMatcher,
        store: Store,
        session: SessionRow,
        *,
        lang: Lang = "zh",
        read_only: bool = False,
        intents: IntentModel | None = None,
    ) -> None:
        self.kb = kb
        self.dialogues = dialogues
        self.matcher = matcher
        self.store = store
        self.session = session
        self.lang: Lang = lang
        self.read_only = read_only
        self.cursor = Cursor.from_json(session.cursor)
        self._leaves = [leaf for leaf in kb.leaves() if self._in_scope(leaf.id)]
        self._profile_leaves = kb.leaves(scored=False)
        self._intents = intents
        self._kept_unclear: int | None = None  # the uncredited line the assistant just asked about
        self._units: tuple[str, str] | None = None
        self._dims: dict[str, list[Found]] | None = None

    # --- opening and closing ----------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        store: Store,
        name: str,
        kb: KnowledgeBase,
        dialogues: Dialogues,
        matcher: ClauseMatcher,
        *,
        create: bool = False,
        lang: Lang = "zh",
        order: str = "standard",
        scope: str | None = None,
        company: str = "",
        read_only: bool = False,
        intents: IntentModel | None = None,
        profile: bool = True,
    ) -> Interview:
        """Open (or create) a session; a new whole-standard session starts with the 组织概述."""
        if create:
            if order not in ORDERS:
                raise InterviewError(f"unknown order {order!r}; choose {', '.join(ORDERS)}")
            if scope is not None and scope not in kb:
                raise InterviewError(f"unknown clause id {scope!r} for the scope")
            session = store.create_session(
                name, framework=FRAMEWORK, company=company, lang=lang, order_mode=order, scope=scope
            )
        else:
            session = store.session(name)
        if not read_only:
            store.acquire(session.id)  # one process writes a session at a time; close() gives it back
        interview = cls(kb, dialogues, matcher, store, session, lang=lang, read_only=read_only, intents=intents)
        if create and profile and scope is None and "B.1" in kb:
            interview.cursor.target, interview.cursor.role = "B.1", "opening"
            interview._save_cursor()
        return interview

    def close(self) -> None:
        if not self.read_only:
            self.store.release(self.session.id)

    def __enter__(self) -> Interview:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _in_scope(self, leaf_id: str) -> bool:
        scope = self.session.scope
        return scope is None or leaf_id == scope or leaf_id.startswith(scope + ".")

    # --- state --------------------------------------------------------------------------------------

    def coverage(self) -> dict[str, LeafCoverage]:
        """Status of every scored leaf (the whole tree, not only the scope)."""
        leaves = [(leaf.id, leaf.kind) for leaf in self.kb.leaves()]
        evidence: dict[str, list[Found]] = {leaf: list(found) for leaf, found in self._evidence_dims().items()}
        # a results table is evidence too: its periods are a trend, its comparisons a comparison
        for leaf_id, shown in self.data_dimensions().items():
            evidence.setdefault(leaf_id, []).append(Found.of(shown))
        return leaf_coverage(leaves, evidence, self.store.na(self.session.id))

    def _evidence_dims(self) -> dict[str, list[Found]]:
        """The dimensions of each leaf's evidence, read once and then kept up to date.

        An answer appends to it; any other change to evidence drops it, so the next
        read rebuilds it. Reading and re-scanning every piece of evidence on each
        answer is what made a step slow in a long session. A read-only view reads
        afresh, since another process may be writing the session.
        """
        if self._dims is not None and not self.read_only:
            return self._dims
        dims: dict[str, list[Found]] = {}
        for row in self.store.evidence(self.session.id):
            dims.setdefault(row.leaf_id, []).append(dimensions(row.text, self._kind(row.leaf_id)))
        self._dims = dims
        return dims

    def _kind(self, leaf_id: str) -> str:
        """process or results: which dimensions an answer is read on for this leaf."""
        node = self.kb.get(leaf_id)
        return "results" if node is not None and node.kind == "results" else "process"

    def evidence_for(self, leaf_id: str) -> list[Any]:
        return [e for e in self.store.evidence(self.session.id) if e.leaf_id == leaf_id]

    def answers(self) -> list[Any]:
        return self.store.answers(self.session.id)

    # The roll-ups below take what the caller has already computed, so one refresh
    # of a screen or report reads the evidence once rather than once per figure.

    def items(self, cov: dict[str, LeafCoverage] | None = None) -> list[ItemSummary]:
        cov = cov if cov is not None else self.coverage()
        return rollups.item_summaries(self.kb, cov, self.store.scores(self.session.id))

    def categories(self, items: list[ItemSummary] | None = None) -> list[tuple[Node, float, float]]:
        """(category, coverage weighted by item points, points earned)."""
        return rollups.category_rollups(self.kb, items if items is not None else self.items())

    def total_points(self, items: list[ItemSummary] | None = None) -> float:
        return rollups.total_points(items if items is not None else self.items())

    def overall_coverage(self, items: list[ItemSummary] | None = None) -> float:
        return rollups.overall_coverage(items if items is not None else self.items())

    def gaps(self, limit: int | None = None, cov: dict[str, LeafCoverage] | None = None) -> list[Gap]:
        """Uncovered and partial leaves, the most valuable first, each with its next question."""
        cov = cov if cov is not None else self.coverage()
        admitted: dict[str, list[str]] = {}
        todos: dict[str, list[tuple[str, str]]] = {}
        for note in self.store.notes(self.session.id):
            if note.kind == "absent":
                admitted.setdefault(note.leaf_id, []).append(note.text)
            elif note.kind == "defer" and not note.closed:
                todos.setdefault(note.leaf_id, []).append((note.text, note.owner))
        rows = []
        for leaf in self._leaves:
            status = cov[leaf.id]
            if status.status not in ("uncovered", "partial"):
                continue
            item = self.kb.item_of(leaf.id)
            points = item.points if item and item.points else 0
            question = self._question_for(leaf.id, cov[leaf.id])
            rows.append(
                Gap(
                    leaf.id,
                    item.id if item else "",
                    points,
                    status.status,
                    status.reason(self.lang),
                    question.text(self.lang),
                    tuple(admitted.get(leaf.id, ())),
                    tuple(todos.get(leaf.id, ())),
                )
            )
        rows.sort(key=lambda g: (-g.item_points, STATUS_ORDER[g.status], self.kb.get(g.leaf_id).sort_key))  # type: ignore[union-attr]
        return rows[:limit] if limit else rows

    # --- questions ----------------------------------------------------------------------------------

    def current_question(self) -> Question | None:
        """The question waiting for an answer, choosing one if none is set."""
        c = self.cursor
        if c.target is None or c.target not in self.kb:
            return self._advance(save=not self.read_only)
        return self._build_question(c.target, c.role, c.dimension)

    def _build_question(self, target: str, role: str, dimension: str | None) -> Question:
        node = self.kb.get(target)
        assert node is not None
        zh, en = node.text.zh, node.text.en
        if role == "opening":
            q = self.dialogues.openings.get(target)
            if q is not None:
                zh, en = q.zh, q.en
        elif role == "followup" and dimension:
            item = self.kb.item_of(target)
            q = self.dialogues.followup(item.id if item else "", node.kind, dimension)
            if q is not None:
                zh, en = q.zh, q.en
        elif role == "plan":
            zh = "已记下这一不足。目前有没有改进计划?有的话说说打算怎么做、谁负责、什么时候完成;没有就说“没有”或 /next 继续。"
            en = ("Noted as an admitted gap. Is there a plan to improve it? If so, say what, who and by when; "
                  "if not, say 'no' or /next to go on.")  # fmt: skip
        else:
            probes = self.dialogues.probe_texts(target)
            if probes:
                q = probes[self.cursor.probes.get(target, 0) % len(probes)]
                zh, en = q.zh, q.en
        units = self.units()
        return Question(target, role, dimension, fill(zh, units), fill(en, units), node.title.zh, node.title.en)  # type: ignore[arg-type]

    def units(self) -> tuple[str, str]:
        """How this organisation's units are called (from its 组织概述), neutral words until known."""
        if self._units is None:
            self._units = unit_words([n.text for n in self.store.notes(self.session.id, "profile")])
        return self._units

    def profile(self) -> dict[str, list[str]]:
        """The 组织概述 answers by profile clause."""
        out: dict[str, list[str]] = {}
        for note in self.store.notes(self.session.id, "profile"):
            out.setdefault(note.leaf_id, []).append(note.text)
        return out

    def todos(self) -> list[Any]:
        """Open to-dos (待核实), oldest first."""
        return [n for n in self.store.notes(self.session.id, "defer") if not n.closed]

    def in_profile(self) -> bool:
        return bool(self.cursor.target) and str(self.cursor.target).startswith("B")

    def next_question(self, leaf_id: str, cov: dict[str, LeafCoverage] | None = None) -> Question | None:
        """The question one leaf still needs, or None when it is covered or not applicable."""
        status = (cov if cov is not None else self.coverage())[leaf_id]
        return self._question_for(leaf_id, status) if status.status in ("uncovered", "partial") else None

    def _question_for(self, leaf_id: str, status: LeafCoverage) -> Question:
        """The question a gap needs: a follow-up on what is missing, else the probe."""
        if status.status == "partial" and status.missing:
            return self._build_question(leaf_id, "followup", status.missing[0])
        return self._build_question(leaf_id, "probe", None)

    def _next_leaf(self, after: str | None) -> str | None:
        cov = self.coverage()
        open_ = [leaf for leaf in self._leaves if cov[leaf.id].status in ("uncovered", "partial")]
        fresh = [leaf for leaf in open_ if leaf.id not in self.cursor.skipped and leaf.id != after]
        candidates = fresh or [leaf for leaf in open_ if leaf.id != after]
        if not candidates:
            return None
        if self.session.order_mode == "value":
            per_item: dict[str, int] = {}
            for leaf in self._leaves:
                item = self.kb.item_of(leaf.id)
                per_item[item.id if item else ""] = per_item.get(item.id if item else "", 0) + 1

            def value(leaf: Node) -> tuple[float, tuple[int, ...]]:
                item = self.kb.item_of(leaf.id)
                weight = (item.points or 0) / per_item[item.id] if item else 0.0
                if cov[leaf.id].status == "partial":
                    weight *= 0.5
                return (-weight, leaf.sort_key)

            return min(candidates, key=value).id
        if after is not None:
            node = self.kb.get(after)
            key = node.sort_key if node else ()
            later = [leaf for leaf in candidates if leaf.sort_key > key]
            if later:
                return later[0].id
        return candidates[0].id

    def _advance(self, *, save: bool, after: str | None = None) -> Question | None:
        """Move the cursor to the next leaf (or its item's opening) and return its question."""
        leaf_id = self._next_leaf(after if after is not None else self.cursor.target)
        c = self.cursor
        if leaf_id is None:
            c.target, c.role, c.dimension = None, "probe", None
            if save:
                self._save_cursor()
            return None
        item = self.kb.item_of(leaf_id)
        if item is not None and item.id not in c.opened and item.id in self.dialogues.openings:
            c.target, c.role, c.dimension = item.id, "opening", None
        else:
            c.target, c.role, c.dimension = leaf_id, "probe", None
        if save:
            self._save_cursor()
        return self._build_question(c.target, c.role, c.dimension)

    def _save_cursor(self, conn: Any = None) -> None:
        """Store the cursor: in the caller's transaction when given one, else in its own."""
        if conn is not None:
            self.store.save_cursor(self.session.id, self.cursor.to_json())
        else:
            with self.store.transaction():
                self.store.save_cursor(self.session.id, self.cursor.to_json())

    # --- steps --------------------------------------------------------------------------------------

    def _step(self, conn: Any, action: str, payload: dict[str, Any]) -> None:
        self.store.add_step(self.session.id, action, payload)
        if action in ("assign", "detach", "relink"):
            self._dims = None  # evidence changed other than by an answer: read it afresh

    def _writable(self) -> None:
        if self.read_only:
            raise InterviewError(pick(self.lang, "只读模式下不能修改会话", "this session is open read-only"))

    def _clean_input(self, raw: str) -> tuple[str, list[str]]:
        text = clean(raw).strip()
        notes = []
        if len(text) > MAX_ANSWER_CHARS:
            text = text[:MAX_ANSWER_CHARS]
            notes.append(
                pick(
                    self.lang,
                    f"回答太长,只保留了前 {MAX_ANSWER_CHARS} 个字符。",
                    f"The answer was long; only its first {MAX_ANSWER_CHARS} characters were kept.",
                )
            )
        return text, notes

    def _empty(self) -> Reply:
        return Reply(
            "error",
            pick(self.lang, "回答是空的,请再说一说。", "The answer was empty; please say a little more."),
            self.current_question(),
        )

    def _attachments(
        self, text: str, asked_leaf: str | None, role: str
    ) -> tuple[tuple[Match, ...], dict[str, float | None]]:
        """The matches of an answer, and the clauses it is recorded for with their match scores.

        The asked leaf when the answer is about it; other clauses on their own merit.
        Answering and re-recording an edited answer (assistant.history) both use it.
        """
        matches = tuple(self.matcher.match(text, top=10))
        attach: dict[str, float | None] = {}
        if asked_leaf:
            item = self.kb.item_of(asked_leaf)
            by_id = {m.leaf_id: m.score for m in matches}
            same_item = bool(matches) and item is not None and matches[0].item_id == item.id
            relevant = asked_leaf in by_id or same_item
            if role == "followup":
                # "we do it in all twelve plants" is about the asked leaf even though it
                # matches little; a clear statement about another clause is not
                elsewhere = bool(matches) and matches[0].score >= ATTACH_MIN_SCORE and not same_item
                relevant = relevant or (bool(dimensions(text, self._kind(asked_leaf))) and not elsewhere)
            if relevant:
                attach[asked_leaf] = by_id.get(asked_leaf)
        if matches:
            best = matches[0].score
            # every other clause, the asked item's neighbours included, is credited on its own merit
            floor = max(ATTACH_RELATIVE * best, ATTACH_MIN_SCORE)
            others = [m for m in matches if m.score >= floor and m.leaf_id not in attach]
            if not attach and not others and best >= ATTACH_MIN_SCORE / 2:
                others = [matches[0]]  # a weaker answer still counts for its single best clause
            for m in others[: ATTACH_MAX_OTHERS + (1 if not attach else 0)]:
                attach[m.leaf_id] = m.score
        return matches, attach

    def answer(self, raw: str, *, author: str = "") -> Reply:
        """Record an answer to the current question as evidence; returns what happened and what comes next."""
        self._writable()
        text, notes = self._clean_input(raw)
        if not text:
            return self._empty()
        question = self.current_question()
        if question is not None and self.in_profile():
            return self._record_profile(text, author, question, notes)
        asked = question.target if question else None
        role = question.role if question else "probe"
        asked_leaf = asked if asked and self.kb.get(asked) and self.kb.get(asked).is_leaf else None  # type: ignore[union-attr]
        matches, attach = self._attachments(text, asked_leaf, role)
        before = self.coverage()
        # the asked clause gets the whole answer (it answers that question); clauses it also
        # touches get only the sentences about them
        support = self.matcher.support(text, [leaf for leaf in attach if leaf != asked_leaf])
        support[asked_leaf or ""] = text
        prev_cursor = self.cursor.to_json()
        dims = {leaf: list(found) for leaf, found in self._evidence_dims().items()}
        for leaf_id in attach:
            dims.setdefault(leaf_id, []).append(dimensions(support.get(leaf_id, text), self._kind(leaf_id)))
        # the answer, its evidence, the undo step and the moved cursor land in one transaction
        try:
            with self.store.transaction() as conn:
                answer_id = self.store.add_answer(
                    self.session.id, asked, question.text(self.lang) if question else "", text, author
                )
                for leaf_id, score in attach.items():
                    source = "asked" if leaf_id == asked_leaf else "matched"
                    self.store.add_evidence(
                        self.session.id, answer_id, leaf_id, support.get(leaf_id, text), score, source, author
                    )
                self.store.close_todos(self.session.id, list(attach), answer_id)
                self._step(conn, "answer", {"answer_id": answer_id, "cursor": prev_cursor})
                self._dims = dims  # the coverage after this answer, without re-reading every piece of evidence
                after = self.coverage()
                next_q = self._after_answer(asked, role, asked_leaf, after, text if asked_leaf in attach else "")
                self._save_cursor(conn)
        except BaseException:
            self._dims = None  # nothing of the step was saved: read the evidence afresh
            raise
        changes = tuple(
            CoverageChange(leaf_id, before[leaf_id].status, after[leaf_id].status)
            for leaf_id in attach
            if before[leaf_id].status != after[leaf_id].status
        )
        move = matches[0].leaf_id if asked_leaf and asked_leaf not in attach and matches else None
        terms = {m.leaf_id: m.terms for m in matches}
        message = self._describe_answer(asked_leaf, attach, after, move, notes, terms)
        message = self._with_data_offer(message, asked_leaf, attach, text)
        return Reply(
            "answer" if next_q else "done", message, next_q, matches, tuple(attach), changes,
            recorded=tuple(attach.items()), suggest_move=move,
        )  # fmt: skip

    def _after_answer(
        self, asked: str | None, role: str, asked_leaf: str | None, cov: dict[str, LeafCoverage], said: str
    ) -> Question | None:
        c = self.cursor
        if role == "opening" and asked:
            return self._enter_item(asked, cov)
        if asked_leaf:
            status = cov[asked_leaf]
            asked_count = c.followups.get(asked_leaf, 0)
            dimension = self._probe_dimension(asked_leaf, status, said) if said else None
            if dimension and asked_count < MAX_FOLLOWUPS:
                c.followups = {**c.followups, asked_leaf: asked_count + 1}
                c.asked_dims = {**c.asked_dims, asked_leaf: [*c.asked_dims.get(asked_leaf, []), dimension]}
                c.target, c.role, c.dimension = asked_leaf, "followup", dimension
                return self._build_question(asked_leaf, "followup", dimension)
            if status.status == "uncovered" and role == "probe":
                c.probes = {**c.probes, asked_leaf: c.probes.get(asked_leaf, 0) + 1}
        return self._advance(save=False, after=asked_leaf)

    def _probe_dimension(self, leaf_id: str, status: LeafCoverage, said: str) -> str | None:
        """The next dimension an assessor would probe on this leaf, never one just given or already asked.

        Process leaves are probed along 方法-展开-学习-整合 (so 学习 and 整合 too,
        not only what the covered rule needs); results along 水平-趋势-对比.
        """
        if status.status not in ("partial", "covered"):
            return None
        kind = self._kind(leaf_id)
        have: set[str] = set(dimensions(said, kind)).union(*self._evidence_dims().get(leaf_id, []))
        asked = set(self.cursor.asked_dims.get(leaf_id, []))
        return next((d for d in PROBE_ORDER[kind] if d not in have and d not in asked), None)

    def _describe_answer(
        self, asked_leaf: str | None, attach: dict[str, float | None], cov: dict[str, LeafCoverage],
        move: str | None, notes: list[str], terms: dict[str, tuple[str, ...]],
    ) -> str:  # fmt: skip
        lang = self.lang
        lines = list(notes)
        if not attach:
            lines.append(
                pick(lang, "这段回答没有对应到评价准则的条款,已记录但未作为证据。可以换个说法,或用 /assign 条款号 指定。",
                   "This answer did not match any clause; it is kept but not used as evidence. Rephrase it, or use /assign ID.")
            )  # fmt: skip
            return "\n".join(lines)
        for leaf_id in attach:
            node = self.kb.get(leaf_id)
            status = cov[leaf_id]
            label = (
                pick(lang, "已记为证据", "recorded as evidence for")
                if leaf_id == asked_leaf
                else pick(lang, "同时记为证据", "also recorded for")
            )
            lines.append(
                f"{SYMBOL[status.status]} {label}: {leaf_id} {node.title.get(lang) if node else ''} — {status.reason(lang)}"
            )
            if terms.get(leaf_id):
                # the words of the answer that matched it, as `zhuoyue match` shows them
                lines.append(pick(lang, "  依据: ", "  matched on: ") + ", ".join(terms[leaf_id]))
        if move and asked_leaf:
            node = self.kb.get(move)
            title = node.title.get(lang) if node else ""
            lines.append(
                pick(lang, f"这段回答更像是在说 {move} {title},而不是刚才问的 {asked_leaf}。用 /move 可以把它移过去。",
                   f"This answer reads more like {move} {title} than the clause asked ({asked_leaf}). /move moves it there.")
            )  # fmt: skip
        return "\n".join(lines)

    def _enter_item(self, item_id: str, cov: dict[str, LeafCoverage]) -> Question | None:
        """After an item's opening (answered or skipped): its first open leaf, else onwards."""
        c = self.cursor
        c.opened = [*c.opened, item_id]
        open_ = [
            x.id
            for x in self.kb.leaves_under(item_id)
            if self._in_scope(x.id) and cov[x.id].status in ("uncovered", "partial")
        ]
        first = next((x for x in open_ if x not in c.skipped), None)
        if first is None:
            return self._advance(save=False, after=item_id)
        c.target, c.role, c.dimension = first, "probe", None
        return self._build_question(first, "probe", None)

    def skip(self) -> Reply:
        """Leave the current leaf for now and go to the next one (the next profile point in the 组织概述)."""
        self._writable()
        prev = self.cursor.to_json()
        target = self.cursor.target
        node = self.kb.get(target) if target else None
        with self.store.transaction() as conn:
            if node is not None and node.kind == "profile":
                q = self._advance_profile(after=target)
            elif self.cursor.role == "plan" and target:
                q = self._continue_from(*(self.cursor.resume or [target, "probe"]))
            elif self.cursor.role == "opening" and target:
                q = self._enter_item(target, self.coverage())
            else:
                if node is not None and node.is_leaf and node.id not in self.cursor.skipped:
                    self.cursor.skipped = [*self.cursor.skipped, node.id]
                q = self._advance(save=False, after=target)
            self._step(conn, "move", {"cursor": prev})
            self._save_cursor(conn)
        return Reply(
            "info" if q else "done",
            pick(self.lang, "好的,先跳过。", "Skipped for now.") if q else self._done_text(),
            q,
        )

    def goto(self, ref: str) -> Reply:
        """Ask about a given clause next (a leaf's probe, or an item's opening)."""
        self._writable()
        node = self.resolve(ref)
        prev = self.cursor.to_json()
        c = self.cursor
        item = self.kb.item_of(node.id)
        if item is not None and item.id != node.id and item.id not in c.opened:
            c.opened = [*c.opened, item.id]  # going straight to a leaf skips its item's opening
        if node.is_leaf:
            c.target, c.role, c.dimension = node.id, "probe", None
        elif node.level == "item" and node.id in self.dialogues.openings:
            c.target, c.role, c.dimension = node.id, "opening", None
        else:
            leaves = [leaf for leaf in self.kb.leaves_under(node.id)]
            if not leaves:
                raise InterviewError(
                    pick(self.lang, f"{node.id} 下没有可提问的条款", f"no clause to ask under {node.id}")
                )
            c.target, c.role, c.dimension = leaves[0].id, "probe", None
        with self.store.transaction() as conn:
            self._step(conn, "move", {"cursor": prev})
            self._save_cursor(conn)
        return Reply(
            "info",
            pick(self.lang, f"转到 {node.id} {node.title.zh}", f"Going to {node.id} {node.title.en}"),
            self.current_question(),
        )

    def resolve(self, ref: str) -> Node:
        node = self.kb.resolve(ref)
        if node is None:
            hits = self.kb.search(ref, limit=3)
            hint = "、".join(f"{h.node.id} {h.node.title.get(self.lang)}" for h in hits)
            raise InterviewError(
                pick(self.lang, f"没有条款 {ref!r}。" + (f"你是不是要找:{hint}" if hint else ""),
                   f"No clause {ref!r}." + (f" Did you mean: {hint}" if hint else ""))
            )  # fmt: skip
        return node

    def _leaf(self, ref: str) -> Node:
        node = self.resolve(ref)
        if not node.is_leaf or node.kind == "profile":
            leaves = ", ".join(x.id for x in self.kb.leaves_under(node.id)[:6])
            raise InterviewError(
                pick(
                    self.lang,
                    f"{node.id} 不是最末级条款;请指定其下的条款,如 {leaves}",
                    f"{node.id} is not a leaf; name one under it, e.g. {leaves}",
                )
            )
        return node

    def _last_answer_id(self) -> int | None:
        answers = self.store.answers(self.session.id)
        return answers[-1].id if answers else None

    def assign(self, ref: str) -> Reply:
        """Attach the last answer as evidence to another leaf."""
        self._writable()
        leaf = self._leaf(ref)
        answers = self.store.answers(self.session.id)
        if not answers:
            raise InterviewError(pick(self.lang, "还没有回答可以指定", "there is no answer to assign yet"))
        last = answers[-1]
        if any(e.answer_id == last.id and e.leaf_id == leaf.id for e in self.store.evidence(self.session.id)):
            raise InterviewError(
                pick(
                    self.lang,
                    f"上一段回答已经是 {leaf.id} 的证据",
                    f"the last answer is already evidence for {leaf.id}",
                )
            )
        before = self.coverage()[leaf.id].status
        with self.store.transaction() as conn:
            evidence_id = self.store.add_evidence(
                self.session.id, last.id, leaf.id, last.text, None, "assigned", last.author
            )
            self.store.close_todos(self.session.id, [leaf.id], last.id)
            self._step(conn, "assign", {"evidence_id": evidence_id})
        after = self.coverage()[leaf.id]
        return Reply(
            "info",
            f"{SYMBOL[after.status]} " + pick(self.lang, f"已把上一段回答记为 {leaf.id} {leaf.title.zh} 的证据 — {after.reason_zh}",
                                            f"The last answer is now evidence for {leaf.id} {leaf.title.en} — {after.reason_en}"),
            self.current_question(), attached=(leaf.id,), changes=_change(leaf.id, before, after.status),
        )  # fmt: skip

    def detach(self, ref: str) -> Reply:
        """Take the last answer's evidence off a leaf (or, if none, all of the leaf's evidence)."""
        self._writable()
        leaf = self._leaf(ref)
        rows = self.evidence_for(leaf.id)
        last = self._last_answer_id()
        chosen = [e for e in rows if e.answer_id == last] or rows
        if not chosen:
            raise InterviewError(
                pick(self.lang, f"{leaf.id} 还没有证据", f"{leaf.id} has no evidence to detach")
            )
        before = self.coverage()[leaf.id].status
        with self.store.transaction() as conn:
            self.store.set_evidence_active([e.id for e in chosen], False)
            self._step(conn, "detach", {"evidence_ids": [e.id for e in chosen]})
        after = self.coverage()[leaf.id]
        return Reply(
            "info", pick(self.lang, f"已从 {leaf.id} 移除 {len(chosen)} 条证据 — {after.reason_zh}", f"Detached {len(chosen)} piece(s) of evidence from {leaf.id} — {after.reason_en}"),
            self.current_question(), changes=_change(leaf.id, before, after.status),
        )  # fmt: skip

    def mark_na(self, ref: str, reason: str) -> Reply:
        """Mark a leaf (or every leaf under a clause) not applicable, with a reason."""
        self._writable()
        reason = clean(reason).strip()
        if not reason:
            raise InterviewError(
                pick(self.lang, "请说明不适用的理由:/na 条款号 理由", "give a reason: /na ID REASON")
            )
        node = self.resolve(ref)
        leaves = self.kb.leaves_under(node.id)
        current = self.store.na(self.session.id)
        before = self.coverage()
        with self.store.transaction() as conn:
            previous = {leaf.id: current.get(leaf.id) for leaf in leaves}
            for leaf in leaves:
                self.store.set_na(self.session.id, leaf.id, reason)
            self._step(conn, "na", {"previous": previous})
        changes = tuple(
            CoverageChange(leaf.id, before[leaf.id].status, "na")
            for leaf in leaves
            if before[leaf.id].status != "na"
        )
        q = self.current_question()
        if self.cursor.target in {leaf.id for leaf in leaves}:
            q = self._advance(save=True)
        return Reply(
            "info",
            pick(
                self.lang, f"已将 {node.id} 标为不适用:{reason}", f"Marked {node.id} not applicable: {reason}"
            ),
            q,
            changes=changes,
        )

    def set_score(self, ref: str, percent: int | str) -> Reply:
        """Set an item's percentage; replies with the band descriptor and the new total."""
        self._writable()
        node = self.resolve(ref)
        item = node if node.level == "item" else None
        if item is None:
            raise InterviewError(
                pick(
                    self.lang,
                    f"评分针对评分项(如 4.3.3),{node.id} 不是评分项",
                    f"scores are set per item (e.g. 4.3.3); {node.id} is not an item",
                )
            )
        try:
            value = check_percent(percent)
        except ScoreError as exc:
            raise InterviewError(str(exc)) from exc
        previous = self.store.scores(self.session.id).get(item.id)
        with self.store.transaction() as conn:
            self.store.set_score(self.session.id, item.id, value)
            self._step(conn, "score", {"item": item.id, "previous": previous})
        summary = next(s for s in self.items() if s.item.id == item.id)
        band = summary.score.band
        lines = [
            pick(self.lang, f"{item.id} {item.title.zh}:{value}% × {item.points} 分 = {summary.score.earned} 分",
               f"{item.id} {item.title.en}: {value}% × {item.points} = {summary.score.earned} points"),
        ]  # fmt: skip
        if band is not None:
            lines.append(f"[{band.label()}] {band.text(self.lang)}")
        if summary.score.over_scored:
            lines.append(
                pick(
                    self.lang,
                    "注意:该项评分较高,但多数条款还没有证据覆盖。",
                    "Note: scored high while most of its leaves have no evidence.",
                )
            )
        lines.append(
            pick(self.lang, f"总分 {self.total_points()} / 1000", f"Total {self.total_points()} / 1000")
        )
        return Reply("info", "\n".join(lines), self.current_question())

    def undo(self) -> Reply:
        """Take back the last step (an answer with its evidence, an assignment, a score …)."""
        self._writable()
        with self.store.transaction():
            undone = self.store.undo_step(self.session.id)
        self._dims = None
        self._units = None  # a profile answer taken back or put back may name the organisation's units
        if undone is None:
            raise InterviewError(pick(self.lang, "没有可以撤销的操作", "nothing to undo"))
        action, payload = undone
        if isinstance(payload.get("cursor"), dict):
            self.cursor = Cursor.from_json(payload["cursor"])
        names = {"answer": ("回答", "the answer"), "assign": ("指定", "the assignment"), "detach": ("移除", "the detachment"),
                 "na": ("不适用标记", "the not-applicable mark"), "score": ("评分", "the score"), "move": ("跳转", "the move"),
                 "relink": ("移动证据", "the moved evidence"), "feedback": ("优势/改进机会的修改", "the change to a strength or opportunity"),
                 "plan": ("负责人/完成日期", "the owner or due date"), "data": ("结果数据", "the results data"),
                 "delete_answer": ("删除回答", "the deleted answer"), "edit_answer": ("修改回答", "the edited answer")}  # fmt: skip
        zh, en = names.get(action, (action, action))
        return Reply(
            "info",
            pick(self.lang, f"已撤销上一步({zh})。", f"Undid the last step ({en})."),
            self.current_question(),
        )

    def _done_text(self) -> str:
        return pick(self.lang, "范围内的条款都已有证据覆盖或标为不适用。用 /gaps 查看,或 /score 评分。",
                  "Every clause in scope is covered or marked not applicable. See /gaps, or set scores with /score.")  # fmt: skip

    def set_lang(self, lang: Lang) -> None:
        self.lang = lang


def _change(leaf_id: str, before: str, after: str) -> tuple[CoverageChange, ...]:
    return (CoverageChange(leaf_id, before, after),) if before != after else ()


__all__ = ["Gap", "Interview", "InterviewError", "ItemSummary", "Question", "Reply", "StorageError"]
