"""Load the guiding questions and check them against a knowledge base.

Questions are data in `dialogues/data/*.yaml`: an opening question per item, at
least one probe per leaf, and follow-ups along the scoring dimensions (方法-展开-
学习-整合 for process items, 水平-趋势-对比-整合 for results items).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError, field_validator

from dialogues.errors import DialogueError
from knowledge.base import KnowledgeBase
from knowledge.digest import yaml_files
from knowledge.errors import Problem
from knowledge.loader import read_yaml
from knowledge.models import Lang

Dimension = Literal["approach", "deployment", "learning", "integration", "level", "trend", "comparison"]
PROCESS_DIMENSIONS: tuple[Dimension, ...] = ("approach", "deployment", "learning", "integration")
RESULTS_DIMENSIONS: tuple[Dimension, ...] = ("level", "trend", "comparison", "integration")


class Question(BaseModel):
    """One question an assessor asks, in both languages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: StrictStr | None = None
    role: Literal["opening", "probe", "followup"]
    dimension: Dimension | None = None
    kind: Literal["process", "results"] | None = None
    zh: StrictStr
    en: StrictStr

    @field_validator("zh", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value.strip()

    def get(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass
class Dialogues:
    """Questions indexed by target; generic follow-ups by kind and dimension."""

    openings: dict[str, Question] = field(default_factory=dict)
    probes: dict[str, list[Question]] = field(default_factory=dict)
    followups: dict[tuple[str, str], list[Question]] = field(default_factory=dict)
    generic: dict[tuple[str, str], Question] = field(default_factory=dict)

    def probe_texts(self, leaf_id: str) -> list[Question]:
        return self.probes.get(leaf_id, [])

    def followup(self, item_id: str, kind: str, dimension: str) -> Question | None:
        """The item's own follow-up on a dimension if written, else the generic one."""
        specific = self.followups.get((item_id, dimension))
        if specific:
            return specific[0]
        return self.generic.get((kind, dimension))


def builtin_dialogue_dir() -> Path:
    return Path(str(resources.files("dialogues") / "data"))


def load_dialogues(kb: KnowledgeBase, path: Path | None = None, *, strict: bool = True) -> Dialogues:
    """Load questions and check every target against the knowledge base.

    strict: every item needs an opening and every leaf a probe (true for the
    built-in base; a user's variant base falls back to clause texts instead).
    """
    root = path or builtin_dialogue_dir()
    files = [f for f in yaml_files(root) if f.is_file()]
    problems: list[Problem] = []
    result = Dialogues()
    for file in files:
        data, problem = read_yaml(file)
        if problem:
            problems.append(problem)
            continue
        if not isinstance(data, dict) or "questions" not in data:
            # demo dialogues and other data live alongside; they have their own loaders
            continue
        rows = data["questions"]
        if not isinstance(rows, list):
            problems.append(Problem(file, None, "'questions' must be a list"))
            continue
        for index, raw in enumerate(rows):
            label = str(raw.get("target")) if isinstance(raw, dict) else f"#{index + 1}"
            if isinstance(raw, dict) and isinstance(raw.get("target"), (int, float)):
                problems.append(Problem(file, label, "target was read as a number; quote it", "unquoted-id"))
                continue
            try:
                q = Question.model_validate(raw)
            except ValidationError as exc:
                for e in exc.errors():
                    loc = ".".join(str(p) for p in e["loc"])
                    problems.append(Problem(file, label, f"{loc}: {e['msg']}"))
                continue
            problems.extend(_place(result, q, kb, file, strict=strict))
    if strict:
        for item in kb.items():
            if item.id not in result.openings:
                problems.append(Problem(None, item.id, "item has no opening question", "coverage"))
        for leaf in kb.leaves(scored=True) + kb.leaves(scored=False):
            if leaf.id not in result.probes:
                problems.append(Problem(None, leaf.id, "leaf has no probing question", "coverage"))
        for kind, dims in (("process", PROCESS_DIMENSIONS), ("results", RESULTS_DIMENSIONS)):
            for dim in dims:
                if (kind, dim) not in result.generic:
                    problems.append(Problem(None, None, f"no generic {kind} follow-up on {dim}", "coverage"))
    if problems:
        raise DialogueError(problems)
    return result


def _place(result: Dialogues, q: Question, kb: KnowledgeBase, file: Path, *, strict: bool) -> list[Problem]:
    if q.target is None:
        if q.role != "followup" or q.kind is None or q.dimension is None:
            return [
                Problem(
                    file,
                    None,
                    "a question without target must be a generic follow-up with kind and dimension",
                )
            ]
        result.generic[(q.kind, q.dimension)] = q
        return []
    node = kb.get(q.target)
    if node is None:
        return [Problem(file, q.target, "question targets an unknown clause id")] if strict else []
    if q.role == "opening":
        if node.level not in ("item", "category"):
            return [Problem(file, q.target, f"an opening question targets an item, not a {node.level}")]
        result.openings[q.target] = q
    elif q.role == "probe":
        if not node.is_leaf:
            return [Problem(file, q.target, f"a probe targets a leaf, not a {node.level}")]
        result.probes.setdefault(q.target, []).append(q)
    else:
        if q.dimension is None:
            return [Problem(file, q.target, "a follow-up needs a dimension")]
        result.followups.setdefault((q.target, q.dimension), []).append(q)
    return []
