"""The trainee exercise of the classroom presentation: which clause is this statement evidence for?

A statement from a demo company's answers is shown with four choices: the leaf
it was given for and three plausible siblings from the same category, the same
item's leaves first and then those the matcher also brushed. A sibling the
engine would credit too is left out, so exactly one choice is right. The class
picks a number or types a clause id; the reveal names the right leaf and says
why: the coverage reason of the statement on it (the dimensions found, quoting
the words) and the words the matcher linked to it (`Match.terms`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from assistant.coverage import leaf_status
from assistant.dimensions import dimensions
from assistant.i18n import ordinal, pick
from assistant.interview import ATTACH_MIN_SCORE, ATTACH_RELATIVE
from assistant.matching import ClauseMatcher
from knowledge.base import KnowledgeBase
from knowledge.errors import UserError
from knowledge.models import Node

CHOICES = 4


class ExerciseError(UserError):
    """A pick that is neither a choice's number nor a scored clause's id."""


@dataclass(frozen=True)
class Choice:
    leaf_id: str
    title_zh: str
    title_en: str
    #: the words of the statement the matcher linked to this leaf; empty when it did not match
    terms: tuple[str, ...] = ()

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class Verdict:
    """What the class picked and whether it is the leaf the statement was given for."""

    chosen: Choice
    right: bool


@dataclass(frozen=True)
class Exercise:
    statement: str
    answer: str
    choices: tuple[Choice, ...]
    #: coverage of the right leaf by the statement alone, and why
    status: str
    reason_zh: str
    reason_en: str

    @property
    def correct(self) -> Choice:
        return next(c for c in self.choices if c.leaf_id == self.answer)

    @property
    def number(self) -> int:
        """The right choice's number, 1-based as the class sees it."""
        return next(i for i, c in enumerate(self.choices, 1) if c.leaf_id == self.answer)

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


def _choice(node: Node, terms: dict[str, tuple[str, ...]]) -> Choice:
    return Choice(node.id, node.title.zh, node.title.en, terms.get(node.id, ()))


def build_exercise(
    kb: KnowledgeBase, matcher: ClauseMatcher, statement: str, leaf_id: str, *, seed: str
) -> Exercise:
    """Four choices for one statement, in an order fixed by `seed` (the same seed, the same order)."""
    node = kb.get(leaf_id)
    if node is None or not node.is_leaf:
        raise ExerciseError(f"no leaf {leaf_id!r} to build an exercise on")
    matches = matcher.match(statement, top=len(kb.leaves()))
    scores = {m.leaf_id: m.score for m in matches}
    terms = {m.leaf_id: m.terms for m in matches}
    rank = {m.leaf_id: i for i, m in enumerate(matches)}
    best = matches[0].score if matches else 0.0
    floor = max(ATTACH_RELATIVE * best, ATTACH_MIN_SCORE)
    item = kb.item_of(leaf_id)
    category = kb.category_of(leaf_id)

    def fair(other: Node) -> bool:
        # a leaf the engine would credit with the statement as well is no wrong answer
        return other.id != leaf_id and scores.get(other.id, 0.0) < floor

    def plausible(other: Node) -> tuple[bool, int, tuple[int, ...]]:
        same_item = item is not None and kb.item_of(other.id) == item
        return (not same_item, rank.get(other.id, len(rank)), other.sort_key)

    siblings = [x for x in kb.leaves_under(category.id if category else leaf_id) if fair(x)]
    others = [x for x in kb.leaves() if fair(x) and x not in siblings]
    picked = sorted(siblings, key=plausible)[: CHOICES - 1]
    picked += others[: CHOICES - 1 - len(picked)]
    choices = [_choice(node, terms), *(_choice(x, terms) for x in picked)]
    random.Random(seed).shuffle(choices)
    kind = "results" if node.kind == "results" else "process"
    status = leaf_status(kind, [dimensions(statement, kind)])
    return Exercise(statement, leaf_id, tuple(choices), status.status, status.reason_zh, status.reason_en)


def judge(exercise: Exercise, kb: KnowledgeBase, raw: str, lang: str) -> Verdict:
    """The class's pick: a choice's number (1–4) or any scored clause's id (4.3.3.2.3, 4.3.3.2c)."""
    text = raw.strip()
    number = ordinal(text)  # "①" is a digit to str.isdigit but not to int()
    if 1 <= number <= len(exercise.choices):
        chosen = exercise.choices[number - 1]
        return Verdict(chosen, chosen.leaf_id == exercise.answer)
    node = kb.resolve(text) if text else None
    if node is None or not node.is_leaf or node.kind == "profile":
        raise ExerciseError(
            pick(lang, f"请输入 1–{len(exercise.choices)} 或一个末级条款号(如 4.3.3.2.3),而不是 {text!r}",
                 f"type 1–{len(exercise.choices)} or a leaf clause id (such as 4.3.3.2.3), not {text!r}")
        )  # fmt: skip
    listed = next((c for c in exercise.choices if c.leaf_id == node.id), None)
    chosen = listed or Choice(node.id, node.title.zh, node.title.en)
    return Verdict(chosen, node.id == exercise.answer)
