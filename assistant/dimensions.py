"""The scoring dimensions as they show in what a company says: one cue set, data in knowledge/dimensions.yaml.

Coverage asks which dimensions a piece of evidence shows (方法-展开-学习-整合
for process clauses, 水平-趋势-对比 for results); the matcher asks how much a
statement reads as results. Both read the same cues, so they cannot disagree.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from knowledge.errors import UserError

DIMENSIONS = ("approach", "deployment", "learning", "integration", "level", "trend", "comparison")
PROCESS_DIMENSIONS = ("approach", "deployment", "learning", "integration")
RESULTS_DIMENSIONS = ("level", "trend", "comparison")


class CueError(UserError):
    """The dimension cues cannot be read; names the file and the cue."""


@dataclass(frozen=True)
class DimensionCue:
    dimension: str
    zh: str
    en: str
    pattern: re.Pattern[str]


def cues_path() -> Path:
    return Path(str(resources.files("knowledge") / "dimensions.yaml"))


@lru_cache(maxsize=1)
def cues() -> dict[str, DimensionCue]:
    """Every dimension's cue, validated: each dimension once, patterns that compile."""
    from assistant.files import read_yaml_list

    path = cues_path()
    try:
        rows = read_yaml_list(path, "cues")
    except ValueError as exc:
        raise CueError(f"the dimension cues: {exc}") from exc
    out: dict[str, DimensionCue] = {}
    for row in rows:
        if not isinstance(row, dict) or set(row) != {"dimension", "zh", "en", "pattern"}:
            raise CueError(f"{path}: each cue needs exactly dimension, zh, en and pattern")
        name = row["dimension"]
        if name not in DIMENSIONS or name in out:
            raise CueError(f"{path}: unknown or repeated dimension {name!r}")
        try:
            pattern = re.compile(str(row["pattern"]))
        except re.error as exc:
            raise CueError(f"{path} ({name}): bad pattern: {exc}") from exc
        out[name] = DimensionCue(name, str(row["zh"]), str(row["en"]), pattern)
    missing = set(DIMENSIONS) - set(out)
    if missing:
        raise CueError(f"{path}: no cue for {', '.join(sorted(missing))}")
    return out


@lru_cache(maxsize=4096)  # evidence is re-read on refreshes; its text rarely changes
def dimensions(text: str) -> frozenset[str]:
    """The scoring dimensions a piece of evidence speaks to."""
    lowered = text.lower()
    return frozenset(name for name, cue in cues().items() if cue.pattern.search(lowered))


def results_cue(text: str) -> float:
    """How much a statement reads as results (figures, trends, comparisons rather than approach): 0–1."""
    lowered = text.lower()
    found = cues()
    figures = len(found["level"].pattern.findall(lowered))
    trends = len(found["trend"].pattern.findall(lowered)) + len(found["comparison"].pattern.findall(lowered))
    how = len(found["approach"].pattern.findall(lowered))
    evidence = min(figures, 4) * 0.8 + min(trends, 4) * 0.6 - min(how, 4) * 0.4
    return 1.0 / (1.0 + math.exp(-(evidence - 1.5)))
