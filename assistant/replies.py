"""What the engine hands the front ends: questions, replies, gaps, and where the interview stands.

Immutable values (the cursor aside, which the engine stores as JSON with the
session), so a front end only renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.matching import Match
from assistant.scoring import ItemScore
from knowledge.errors import UserError
from knowledge.models import Lang, Node


class InterviewError(UserError, ValueError):
    """A command the engine cannot carry out (unknown id, bad score …); nothing changed."""


@dataclass(frozen=True)
class Question:
    """What the assistant asks next."""

    target: str
    role: Literal["opening", "probe", "followup", "plan"]
    dimension: str | None
    zh: str
    en: str
    title_zh: str
    title_en: str

    def text(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def title(self, lang: Lang) -> str:
        return self.title_zh if lang == "zh" else self.title_en


@dataclass(frozen=True)
class CoverageChange:
    leaf_id: str
    before: str
    after: str


@dataclass(frozen=True)
class Reply:
    """Everything a front end needs to show after one step."""

    kind: Literal["answer", "info", "error", "done"]
    message: str
    question: Question | None = None
    matches: tuple[Match, ...] = ()
    attached: tuple[str, ...] = ()
    changes: tuple[CoverageChange, ...] = ()
    #: what the intent step took the line for, and why ("" for commands)
    intent: str = ""
    why: str = ""
    #: the match score of each clause the answer was recorded for (what was credited, not the top 10)
    recorded: tuple[tuple[str, float | None], ...] = ()
    #: the clause the answer reads more like, when it was not recorded for it (/move)
    suggest_move: str | None = None


@dataclass(frozen=True)
class Gap:
    leaf_id: str
    item_id: str
    item_points: int
    status: str
    reason: str
    question: str
    #: admitted gaps (已确认的不足) and open to-dos (待核实) on the leaf
    admitted: tuple[str, ...] = ()
    todos: tuple[tuple[str, str], ...] = ()  # (text, owner)


@dataclass(frozen=True)
class ItemSummary:
    item: Node
    coverage: float | None
    statuses: dict[str, int]
    score: ItemScore


@dataclass
class Cursor:
    """Where the interview stands; stored as JSON with the session."""

    target: str | None = None
    role: str = "probe"
    dimension: str | None = None
    followups: dict[str, int] = field(default_factory=dict)
    probes: dict[str, int] = field(default_factory=dict)
    opened: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    asked_dims: dict[str, list[str]] = field(default_factory=dict)
    #: the question an admitted gap interrupted: [target, role], taken up again after its plan
    resume: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cursor:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.target, "role": self.role, "dimension": self.dimension,
            "followups": self.followups, "probes": self.probes, "opened": self.opened, "skipped": self.skipped,
            "asked_dims": self.asked_dims, "resume": self.resume,
        }  # fmt: skip
