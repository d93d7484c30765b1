"""A demo company's interview played through the real engine, turn by turn.

A turn is the move to its clause, the company's answer, and then the company's
answers to the follow-ups the engine asks on that clause, for as long as the
demo holds an answer for the dimension asked. Trainer mode and the classroom
presentation both play turns this way, so neither leaves the engine's own
follow-ups unanswered. `DemoRun` plays a demo in a throwaway session of its own.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.coverage import DIM_NAME, SYMBOL
from assistant.interview import MAX_FOLLOWUPS, Interview
from assistant.matching import ClauseMatcher
from assistant.replies import Question, Reply
from assistant.storage import Store
from dialogues.demos import Demo, FollowUp, Turn
from dialogues.loader import Dialogues
from knowledge.base import KnowledgeBase
from knowledge.models import Lang


@dataclass(frozen=True)
class ClauseWhy:
    """One clause an answer was recorded for: its status after the answer and why, in words."""

    leaf_id: str
    title_zh: str
    title_en: str
    status: str
    #: the engine's coverage reason: which dimensions were found, quoting the words
    reason_zh: str
    reason_en: str
    #: the dimensions not shown yet, in the order an assessor asks about them
    missing: tuple[str, ...]
    #: the words of the answer the matcher linked to the clause
    terms: tuple[str, ...]

    @property
    def symbol(self) -> str:
        return SYMBOL[self.status]

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en

    def missing_words(self, lang: str) -> str:
        names = DIM_NAME["zh" if lang == "zh" else "en"]
        return ("、" if lang == "zh" else ", ").join(names.get(d, d) for d in self.missing)


@dataclass(frozen=True)
class Exchange:
    """One question, the company's answer to it, and what the engine made of the answer."""

    question: Question | None
    text: str
    reply: Reply
    touched: tuple[ClauseWhy, ...]

    @property
    def followup(self) -> bool:
        return self.question is not None and self.question.role == "followup"


def explain(iv: Interview, reply: Reply) -> tuple[ClauseWhy, ...]:
    """Each clause the reply recorded evidence for, with its coverage now and the reason."""
    cov = iv.coverage()
    terms = {m.leaf_id: m.terms for m in reply.matches}
    out = []
    for leaf_id in reply.attached:
        node = iv.kb.get(leaf_id)
        status = cov[leaf_id]
        out.append(
            ClauseWhy(
                leaf_id,
                node.title.zh if node else "",
                node.title.en if node else "",
                status.status,
                status.reason_zh,
                status.reason_en,
                status.missing,
                terms.get(leaf_id, ()),
            )
        )
    return tuple(out)


def next_followup(reply: Reply, turn: Turn, answered: set[str]) -> FollowUp | None:
    """The demo's answer to the follow-up the engine just asked on the turn's clause, if it holds one."""
    q = reply.question
    if q is None or q.role != "followup" or q.target != turn.clause or q.dimension in answered:
        return None
    return turn.followup(q.dimension)


def play_turn(iv: Interview, turn: Turn) -> tuple[Exchange, ...]:
    """Ask the turn's clause, give the company's answer, then its answers to the engine's follow-ups."""
    iv.goto(turn.clause)
    question = iv.current_question()
    text = turn.answer(iv.lang)
    answered: set[str] = set()
    out: list[Exchange] = []
    while True:
        reply = iv.answer(text)
        out.append(Exchange(question, text, reply, explain(iv, reply)))
        follow = next_followup(reply, turn, answered) if len(answered) < MAX_FOLLOWUPS else None
        if follow is None:
            return tuple(out)
        answered.add(follow.dimension)
        question, text = reply.question, follow.answer(iv.lang)


def undo_turn(iv: Interview, turn: Turn) -> None:
    """Take a played turn back: its answers (all asked on the turn's clause) and the move to it."""
    count = 0
    for answer in reversed(iv.answers()):
        if answer.asked != turn.clause:
            break
        count += 1
    for _ in range(count + 1):
        iv.undo()


class DemoRun:
    """A demo played in a throwaway session (a temporary SQLite file), forward and back."""

    def __init__(
        self, kb: KnowledgeBase, dialogues: Dialogues, matcher: ClauseMatcher, demo: Demo, lang: Lang
    ) -> None:
        self.demo = demo
        self.lang: Lang = lang
        self._dir = tempfile.TemporaryDirectory(prefix="zhuoyue-demo-")
        self._store = Store(Path(self._dir.name) / "demo.sqlite3")
        self.interview = Interview.open(
            self._store, demo.id, kb, dialogues, matcher, create=True, lang=lang, company=demo.name(lang)
        )
        #: the exchanges of each turn played so far
        self.played: list[tuple[Exchange, ...]] = []

    @property
    def step(self) -> int:
        return len(self.played)

    @property
    def done(self) -> bool:
        return self.step >= len(self.demo.turns)

    def forward(self) -> tuple[Exchange, ...] | None:
        """Play the next turn; None past the end."""
        if self.done:
            return None
        exchanges = play_turn(self.interview, self.demo.turns[self.step])
        self.played.append(exchanges)
        return exchanges

    def back(self) -> bool:
        """Take the last turn back; False when none was played."""
        if not self.played:
            return False
        undo_turn(self.interview, self.demo.turns[self.step - 1])
        self.played.pop()
        return True

    def close(self) -> None:
        self.interview.close()
        self._store.close()
        self._dir.cleanup()
