"""Demo companies for trainer mode: a sample interview, turn by turn, as data.

Each `dialogues/demos/*.yaml` holds one company: its name and a list of turns,
each the leaf the assessor asks about and the company's answer in zh and en.
A turn may also hold the company's answers to the engine's follow-ups on that
leaf, keyed by the dimension the follow-up asks about (`followups: {learning:
{zh, en}}`), so that a demo played through the engine answers its own follow-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from dialogues.loader import PROCESS_DIMENSIONS, RESULTS_DIMENSIONS
from knowledge.base import KnowledgeBase
from knowledge.errors import Problem, UserError
from knowledge.loader import read_yaml


class DemoError(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]))


@dataclass(frozen=True)
class FollowUp:
    """The company's answer to the engine's follow-up on one dimension of the turn's leaf."""

    dimension: str
    zh: str
    en: str

    def answer(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Turn:
    clause: str
    zh: str
    en: str
    followups: tuple[FollowUp, ...] = ()

    def answer(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def followup(self, dimension: str | None) -> FollowUp | None:
        """The model answer to a follow-up on this dimension, or None when the demo has none."""
        return next((f for f in self.followups if f.dimension == dimension), None)


@dataclass(frozen=True)
class Demo:
    id: str
    name_zh: str
    name_en: str
    summary_zh: str
    summary_en: str
    turns: tuple[Turn, ...]

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def demo_dir() -> Path:
    return Path(str(resources.files("dialogues") / "demos"))


def demo_names() -> list[str]:
    return sorted(p.stem for p in demo_dir().glob("*.yaml"))


def load_demo(name: str, kb: KnowledgeBase) -> Demo:
    """Load and check one demo company: every turn names an existing leaf and has both languages."""
    path = demo_dir() / f"{name}.yaml"
    if not path.exists():
        known = ", ".join(demo_names())
        raise DemoError(
            [Problem(path, None, f"no demo named {name!r}; choose one of: {known}", "unreadable")]
        )
    data, problem = read_yaml(path)
    if problem:
        raise DemoError([problem])
    problems: list[Problem] = []
    try:
        demo = data["demo"]
        turns = []
        seen: set[str] = set()
        for index, raw in enumerate(demo["turns"]):
            clause = raw.get("clause")
            answer = raw.get("answer") or {}
            label = str(clause) if clause is not None else f"turn {index + 1}"
            if not isinstance(clause, str) or clause not in kb or not kb.get(clause).is_leaf:  # type: ignore[union-attr]
                problems.append(Problem(path, label, "turn must name an existing leaf (quoted id)"))
                continue
            if clause in seen:
                # a turn is taken back by its clause's answers, so two turns must not share one
                problems.append(Problem(path, label, "a clause is asked in one turn only"))
                continue
            seen.add(clause)
            if not str(answer.get("zh", "")).strip() or not str(answer.get("en", "")).strip():
                problems.append(Problem(path, label, "answer needs zh and en text"))
                continue
            kind = kb.get(clause).kind  # type: ignore[union-attr]
            followups, found = _followups(raw.get("followups"), kind, path, label)
            problems.extend(found)
            turns.append(Turn(clause, str(answer["zh"]).strip(), str(answer["en"]).strip(), followups))
        result = Demo(
            id=str(demo.get("id", name)),
            name_zh=str(demo["name"]["zh"]),
            name_en=str(demo["name"]["en"]),
            summary_zh=str(demo.get("summary", {}).get("zh", "")),
            summary_en=str(demo.get("summary", {}).get("en", "")),
            turns=tuple(turns),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise DemoError([Problem(path, None, f"malformed demo file: missing or wrong {exc}")]) from exc
    if problems:
        raise DemoError(problems)
    return result


def _followups(raw: object, kind: str, path: Path, label: str) -> tuple[tuple[FollowUp, ...], list[Problem]]:
    """A turn's follow-up answers: a mapping from a dimension of the leaf's kind to zh and en text."""
    if raw is None:
        return (), []
    if not isinstance(raw, dict):
        return (), [Problem(path, label, "followups must map a dimension to its zh and en answer")]
    allowed = RESULTS_DIMENSIONS if kind == "results" else PROCESS_DIMENSIONS
    out: list[FollowUp] = []
    problems: list[Problem] = []
    for dimension, text in raw.items():
        if dimension not in allowed:
            problems.append(
                Problem(path, label, f"follow-up dimension {dimension!r} is not one of {', '.join(allowed)}")
            )
        elif not isinstance(text, dict) or set(text) != {"zh", "en"}:
            problems.append(Problem(path, label, f"follow-up {dimension} needs exactly zh and en text"))
        elif not str(text["zh"]).strip() or not str(text["en"]).strip():
            problems.append(Problem(path, label, f"follow-up {dimension} needs zh and en text"))
        else:
            out.append(FollowUp(str(dimension), str(text["zh"]).strip(), str(text["en"]).strip()))
    return tuple(out), problems
