"""The interview's turns that are not evidence: admitted gaps, to-dos, questions, moves, small talk.

`say` is the front ends' one entry for whatever the user typed that is not a
slash command. The intent step (`assistant.intent`) decides what kind of line
it is; only evidence goes on to `Interview.answer` and is credited. Everything
else is handled here, together with the organisational profile (组织概述) that
a new interview starts from. `Interview` inherits these turns; they use its
state and its question flow.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, cast

from assistant.conversation import clause_ids, goto_target, named_clause, nav_action, owner_of
from assistant.coverage import SYMBOL, LeafCoverage
from assistant.explain import answer_question
from assistant.i18n import pick
from assistant.intent import IntentModel, load_intent_model
from assistant.replies import CoverageChange, Cursor, InterviewError, Question, Reply
from assistant.textnorm import normalize

# The answer to "这是在说贵单位目前的做法吗?": a yes credits the line just kept, a no leaves it uncredited.
_YES = re.compile(
    r"^(是|是的|是啊|是呀|对|对的|对啊|没错|嗯|嗯嗯|嗯是的|是我们的做法|是我们的"
    r"|yes|yeah|yep|yup|correct|right|that's right|it is)[!！。.~ ]*$"
)
#: How a plan answer that is only "no" is told from a plan (editing an answer uses it too).
BARE_NO_CHARS = 12
_NO = re.compile(r"^(不是|不是的|不对|否|no|nope|not really|it isn't|it is not)[!！。.~ ]*$")

if TYPE_CHECKING:
    from assistant.interview import Interview
    from assistant.matching import ClauseMatcher
    from assistant.storage import SessionRow, Store
    from dialogues.loader import Dialogues
    from knowledge.base import KnowledgeBase
    from knowledge.models import Lang, Node


class ConversationTurns:
    """Mixed into `Interview`, whose state and question flow these turns use."""

    if TYPE_CHECKING:  # what Interview provides
        kb: KnowledgeBase
        dialogues: Dialogues
        matcher: ClauseMatcher
        store: Store
        session: SessionRow
        lang: Lang
        cursor: Cursor
        _intents: IntentModel | None
        _kept_unclear: int | None
        _units: tuple[str, str] | None
        _profile_leaves: list[Node]

        def current_question(self) -> Question | None: ...
        def answer(self, raw: str, *, author: str = "") -> Reply: ...
        def goto(self, ref: str) -> Reply: ...
        def skip(self) -> Reply: ...
        def coverage(self) -> dict[str, LeafCoverage]: ...
        def in_profile(self) -> bool: ...
        def profile(self) -> dict[str, list[str]]: ...
        def _advance(self, *, save: bool, after: str | None = None) -> Question | None: ...
        def _enter_item(self, item_id: str, cov: dict[str, LeafCoverage]) -> Question | None: ...
        def _build_question(self, target: str, role: str, dimension: str | None) -> Question: ...
        def _clean_input(self, raw: str) -> tuple[str, list[str]]: ...
        def _empty(self) -> Reply: ...
        def undo(self) -> Reply: ...
        def _in_scope(self, leaf_id: str) -> bool: ...
        def _leaf(self, ref: str) -> Node: ...
        def _save_cursor(self, conn: Any = None) -> None: ...
        def _step(self, conn: Any, action: str, payload: dict[str, Any]) -> None: ...
        def _writable(self) -> None: ...

    # --- the conversation: what each kind of line does ----------------------------------------------

    @property
    def intents(self) -> IntentModel:
        if self._intents is None:
            self._intents = load_intent_model()
        return self._intents

    def say(self, raw: str, *, author: str = "") -> Reply:
        """Whatever the user typed that is not a slash command: classify it, then act on its intent.

        Only evidence is matched and credited. An admitted gap or a to-do is kept as a
        note on its clause; a question is answered from the knowledge base; a move is
        made; small talk and quoted material get a short reply. A line whose intent is
        unclear is kept, uncredited, and the assistant asks what it was.
        """
        self._writable()
        text, notes = self._clean_input(raw)
        if not text:
            return self._empty()
        kept, self._kept_unclear = self._kept_unclear, None
        if kept is not None and not notes:
            settled = self._settle_unclear(kept, text, author)
            if settled is not None:
                return settled
        decision = self.intents.classify(text)
        kind = decision.intent
        why = decision.why(self.lang)
        question = self.current_question()
        plan_like = kind in ("evidence", "absent", "defer") or (decision.unclear and kind in ("offtopic", "chitchat"))
        if question is not None and question.role == "plan" and plan_like:
            # after "有改进计划吗?" a statement is the plan, however the model reads it
            # (计划明年由市场部牵头建立细分方法 reads as nothing in particular)
            reply = self._record_plan(text, author, question.target, notes, bare_no=kind == "absent" and len(text) <= BARE_NO_CHARS)
        elif decision.unclear and kind != "question" and not self.in_profile():
            # a doubtful line may be practice told vaguely: keeping it uncredited and asking loses
            # nothing, while a short polite reply would drop it unseen (a question is just answered)
            reply = self._unclear(text, author, question, notes)
        elif kind == "evidence" or (self.in_profile() and kind in ("absent", "offtopic")):
            # in the 组织概述 a description of the organisation, its gaps or its laws is the answer
            reply = self.answer(text, author=author)
        elif kind in ("absent", "defer"):
            reply = self._note(text, author, kind, question, notes)
        elif kind == "question":
            named = clause_ids(text, self.kb) or [r.node_id for r in [named_clause(text, self.kb, self.matcher)] if r]
            current = question.target if question else None
            reply = Reply("info", answer_question(text, self.kb, self.lang, named, current), question)
        elif kind == "navigate":
            reply = self._navigate(text)
        else:
            reply = Reply("info", self._small_talk(kind), question)
        return replace(reply, intent=kind, why=why)

    def _small_talk(self, kind: str) -> str:
        if kind == "offtopic":
            return pick(self.lang, "这段像是法规、通知或理论介绍,不是贵单位自己的做法,所以没有记为证据。请说说你们实际是怎么做的。",
                        "That reads like a regulation, a notice or textbook material rather than your own practice, so it is not recorded. Tell me what your organisation actually does.")  # fmt: skip
        return pick(self.lang, "好的 :) 我们接着来。", "Sure :) Let's carry on.")

    def _unclear(self, text: str, author: str, question: Question | None, notes: list[str]) -> Reply:
        """Keep the line uncredited and ask what it was: a yes credits it, /assign puts it on a clause."""
        with self.store.transaction() as conn:
            answer_id = self.store.add_answer(
                self.session.id, question.target if question else None,
                question.text(self.lang) if question else "", text, author,
            )  # fmt: skip
            self._step(conn, "answer", {"answer_id": answer_id, "cursor": self.cursor.to_json()})
        self._kept_unclear = answer_id
        lines = [*notes, pick(self.lang,
            "这是在说贵单位目前的做法吗?是的话回“是”,我就把它记为证据;也可以具体说说由谁、怎么做、多久一次。"
            "如果还没有做,直接说“还没有”。这段话已保存,暂未记为证据(/assign 条款号 可指定条款)。",
            "Is this about what your organisation does today? Answer \"yes\" and I will record it as evidence, "
            "or say who does what, how and how often. If it is not done yet, just say so. "
            "The line is kept but not credited yet (/assign ID puts it on a clause).")]  # fmt: skip
        return Reply("info", "\n".join(lines), question)

    def _settle_unclear(self, answer_id: int, text: str, author: str) -> Reply | None:
        """A yes or a no to the question `_unclear` asked; None when the line is something else."""
        norm = normalize(text).strip()
        step = self.store.last_step(self.session.id)
        if step is None or step[1] != "answer" or step[2].get("answer_id") != answer_id:
            return None  # the kept line was undone, or a step came after it (a score, an /assign …)
        last = next((a for a in reversed(self.store.answers(self.session.id)) if a.id == answer_id), None)
        if last is None:
            return None
        if _NO.match(norm):
            return Reply("info", pick(self.lang, "好的,这段不记为证据(仍保存在记录里)。我们接着来。",
                                      "Fine, that line is not evidence (it stays in the history). Let's carry on."),
                         self.current_question())  # fmt: skip
        if not _YES.match(norm):
            return None
        # taken back and said again as evidence at the question it answered: one answer, not two
        self.undo()
        reply = self.answer(last.text, author=last.author or author)
        lead = (
            pick(self.lang, "好的,已把刚才那段记为证据。", "Fine, the last line is now recorded as evidence.")
            if reply.recorded
            else pick(self.lang, "好的,按贵单位的做法记下了。", "Fine, kept as your organisation's practice.")
        )
        return replace(reply, message=f"{lead}\n{reply.message}", intent="evidence", why="confirmed")

    def _note_target(self, text: str, question: Question | None) -> str | None:
        """The clause an admitted gap or a to-do is about: the one named, else the one asked."""
        named = named_clause(text, self.kb, self.matcher)
        asked = question.target if question else None
        asked_node = self.kb.get(asked) if asked else None
        asked_item = self.kb.item_of(asked) if asked else None
        if named is not None:
            node = self.kb.get(named.node_id)
            assert node is not None
            if named.how == "id" or asked_node is None or asked_node.kind == "profile":
                if node.is_leaf or node.kind == "profile":
                    return node.id
                under = [x.id for x in self.kb.leaves_under(node.id) if self._in_scope(x.id)]
                return asked if asked in under else (under[0] if under else None)
            named_item = self.kb.item_of(node.id)
            if asked_node.level == "item" and named_item is not None and named_item.id == asked_node.id:
                return node.id  # an opening answered with a gap about one of its points
            if named_item is not None and asked_item is not None and named_item.id != asked_item.id:
                return node.id  # a gap about a clause elsewhere, named in words
        if asked_node is None:
            return None
        if asked_node.is_leaf:
            return asked_node.id
        under = [x.id for x in self.kb.leaves_under(asked_node.id) if self._in_scope(x.id)]
        return under[0] if under else None

    def _note(self, text: str, author: str, kind: str, question: Question | None, notes: list[str]) -> Reply:
        """An admitted gap (absent) or a to-do (defer): noted on its clause, nothing credited."""
        owner = owner_of(text) if kind == "defer" else ""
        # "得问人力部门" names who to ask, not the clause: the owner's words must not pick it
        leaf_id = self._note_target(text.replace(owner, " ") if owner else text, question)
        if leaf_id is None:
            return Reply("info", pick(self.lang, "这是关于哪一条的?可以先用 /goto 条款号 转过去再说。",
                                      "Which clause is this about? /goto ID first, then say it again."), question)  # fmt: skip
        node = self.kb.get(leaf_id)
        assert node is not None
        prev = self.cursor.to_json()
        c = self.cursor
        with self.store.transaction() as conn:
            answer_id = self.store.add_answer(
                self.session.id, question.target if question else None,
                question.text(self.lang) if question else "", text, author,
            )  # fmt: skip
            self.store.add_note(self.session.id, answer_id, leaf_id, kind, text, owner)
            if question is not None and question.role == "opening":
                c.opened = [*c.opened, question.target]
            if node.kind != "profile" and leaf_id not in c.skipped:
                c.skipped = [*c.skipped, leaf_id]
            asked = (question.target, question.role) if question else ("", "probe")
            if kind == "absent" and node.kind != "profile":
                c.resume = list(asked)
                c.target, c.role, c.dimension = leaf_id, "plan", None
                next_q: Question | None = self._build_question(leaf_id, "plan", None)
            else:
                next_q = self._continue_from(*asked)
            self._step(conn, "answer", {"answer_id": answer_id, "cursor": prev})
            self._save_cursor(conn)
        title = node.title.get(self.lang)
        if kind == "absent":
            line = pick(self.lang, f"○ 明白。已把这一点记为 {leaf_id} {title} 的已确认的不足(改进机会),不计为证据。",
                        f"○ Understood. Noted as an admitted gap on {leaf_id} {title} (an opportunity for improvement); nothing credited.")  # fmt: skip
        else:
            who = pick(self.lang, f",负责人:{owner}", f", owner: {owner}") if owner else ""
            line = pick(self.lang, f"好的,已记为 {leaf_id} {title} 的待核实事项{who}。/todo 查看待办,之后回答这一条就会关闭它。",
                        f"OK, noted as a to-do on {leaf_id} {title}{who}. /todo lists them; answering the clause later closes it.")  # fmt: skip
        return Reply("info" if next_q else "done", "\n".join([*notes, line]), next_q)

    def _record_plan(self, text: str, author: str, leaf_id: str, notes: list[str], *, bare_no: bool) -> Reply:
        """The answer to "is there a plan?" after an admitted gap; a bare "no" just moves on."""
        prev = self.cursor.to_json()
        with self.store.transaction() as conn:
            answer_id = self.store.add_answer(self.session.id, leaf_id, "plan", text, author)
            if not bare_no:
                self.store.add_note(self.session.id, answer_id, leaf_id, "plan", text)
            next_q = self._continue_from(*(self.cursor.resume or [leaf_id, "probe"]))
            self._step(conn, "answer", {"answer_id": answer_id, "cursor": prev})
            self._save_cursor(conn)
        line = (pick(self.lang, "好的,没有计划也如实记下了,我们继续。", "Fine, no plan yet; noted. Let's go on.") if bare_no
                else pick(self.lang, f"已把改进计划记在 {leaf_id} 的不足下面,导出差距清单时会一并列出。",
                          f"The plan is noted under the gap on {leaf_id} and will appear in the exported gap list."))  # fmt: skip
        return Reply("info" if next_q else "done", "\n".join([*notes, line]), next_q)

    def _continue_from(self, target: str, role: str) -> Question | None:
        """Move on from the question that was asked (after a gap, a to-do or a plan), as /next would."""
        c = self.cursor
        c.resume = []
        node = self.kb.get(target) if target else None
        if node is not None and node.kind == "profile":
            return self._advance_profile(after=target)
        if role == "opening" and node is not None:
            return self._enter_item(target, self.coverage())
        return self._advance(save=False, after=target or None)

    def _navigate(self, text: str) -> Reply:
        from assistant.views import gaps_text, todo_text  # views render engine state; imported on use

        named = named_clause(text, self.kb, self.matcher)
        action = nav_action(text, named)
        engine = cast("Interview", self)
        if action == "gaps":
            return Reply("info", gaps_text(engine, limit=12), self.current_question())
        if action == "todo":
            return Reply("info", todo_text(engine), self.current_question())
        if action == "goto" and named is not None:
            return self.goto(goto_target(named, self.kb))
        if action == "back":
            return self.back()
        return self.skip()

    def back(self) -> Reply:
        """Go back to the clause asked before the current one (from the steps' saved cursors)."""
        current = self.cursor.target
        for cursor in self.store.recent_cursors(self.session.id):
            target = cursor.get("target")
            if isinstance(target, str) and target != current and target in self.kb:
                return self.goto(target)
        return Reply("info", pick(self.lang, "前面没有别的问题了。", "There is no earlier question."), self.current_question())

    # --- the organisational profile (组织概述) ----------------------------------------------------

    def _record_profile(self, text: str, author: str, question: Question, notes: list[str]) -> Reply:
        """A 组织概述 answer: kept as the session's profile (not scored), then the next profile point."""
        prev = self.cursor.to_json()
        with self.store.transaction() as conn:
            answer_id = self.store.add_answer(self.session.id, question.target, question.text(self.lang), text, author)
            self.store.add_note(self.session.id, answer_id, question.target, "profile", text)
            next_q = self._advance_profile(after=question.target)
            self._step(conn, "answer", {"answer_id": answer_id, "cursor": prev})
            self._save_cursor(conn)
        self._units = None  # the profile may name the organisation's units
        node = self.kb.get(question.target)
        title = node.title.get(self.lang) if node else question.target
        line = pick(self.lang, f"已记入组织概述:{question.target} {title}。", f"Added to the organisational profile: {question.target} {title}.")
        return Reply("answer" if next_q else "done", "\n".join([*notes, line]), next_q)

    def _advance_profile(self, *, after: str | None) -> Question | None:
        """The next 组织概述 point after `after`; past the last, the scored interview begins."""
        c = self.cursor
        ids = [leaf.id for leaf in self._profile_leaves]
        position = ids.index(after) + 1 if after in ids else 0
        if position < len(ids):
            c.target, c.role, c.dimension = ids[position], "probe", None
            return self._build_question(ids[position], "probe", None)
        c.target, c.role, c.dimension = None, "probe", None
        return self._advance(save=False, after=None)

    def skip_profile(self) -> Reply:
        """Leave the 组织概述 (or skip it) and start on the scored clauses."""
        self._writable()
        prev = self.cursor.to_json()
        c = self.cursor
        c.target, c.role, c.dimension = None, "probe", None
        with self.store.transaction() as conn:
            q = self._advance(save=False, after=None)
            self._step(conn, "move", {"cursor": prev})
            self._save_cursor(conn)
        return Reply("info", pick(self.lang, "好的,跳过组织概述,开始评价条款。随时可用 /profile 回来补充。",
                                  "Skipping the organisational profile; on to the scored clauses. /profile returns to it."), q)  # fmt: skip

    def start_profile(self) -> Reply:
        """Go to the 组织概述 (its opening when nothing is recorded yet, else its first point)."""
        first = "B.1" if not self.profile() and "B.1" in self.dialogues.openings else self._profile_leaves[0].id
        return self.goto(first)

    def move(self, ref: str | None = None) -> Reply:
        """Move the last answer's evidence from the clause asked to the one it reads like (or to ref)."""
        self._writable()
        answers = self.store.answers(self.session.id)
        if not answers:
            raise InterviewError(pick(self.lang, "还没有回答可以移动", "there is no answer to move yet"))
        last = answers[-1]
        if ref:
            target = self._leaf(ref)
        else:
            best = self.matcher.match(last.text, top=5, explain=False)
            already = {e.leaf_id for e in self.store.evidence(self.session.id) if e.answer_id == last.id}
            choice = next((m.leaf_id for m in best if m.leaf_id != last.asked and m.leaf_id not in already), None)
            if choice is None:
                raise InterviewError(pick(self.lang, "上一段回答没有更合适的条款;用 /move 条款号 指定",
                                          "no better clause for the last answer; name one: /move ID"))  # fmt: skip
            target = self.kb.get(choice)  # type: ignore[assignment]
        assert target is not None
        rows = [e for e in self.store.evidence(self.session.id) if e.answer_id == last.id]
        if any(e.leaf_id == target.id for e in rows):
            raise InterviewError(pick(self.lang, f"上一段回答已经是 {target.id} 的证据", f"the last answer is already evidence for {target.id}"))
        moved = [e for e in rows if e.leaf_id == last.asked]
        cov = self.coverage()
        before = {target.id: cov[target.id].status, **{e.leaf_id: cov[e.leaf_id].status for e in moved}}
        with self.store.transaction() as conn:
            self.store.set_evidence_active([e.id for e in moved], False)
            evidence_id = self.store.add_evidence(
                self.session.id, last.id, target.id, last.text, None, "assigned", last.author
            )
            self.store.close_todos(self.session.id, [target.id], last.id)
            self._step(conn, "relink", {"evidence_id": evidence_id, "evidence_ids": [e.id for e in moved]})
        after = self.coverage()
        changes = tuple(CoverageChange(k, v, after[k].status) for k, v in before.items() if after[k].status != v)
        where = "、".join(e.leaf_id for e in moved)
        return Reply(
            "info",
            f"{SYMBOL[after[target.id].status]} " + pick(self.lang,
                "已把上一段回答" + (f"从 {where} " if where else "") + f"移到 {target.id} {target.title.zh} — {after[target.id].reason_zh}",
                "Moved the last answer" + (f" from {where}" if where else "") + f" to {target.id} {target.title.en} — {after[target.id].reason_en}"),
            self.current_question(), attached=(target.id,), changes=changes,
        )  # fmt: skip
