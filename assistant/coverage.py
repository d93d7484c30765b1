"""Coverage of each leaf by the evidence gathered, by explicit, documented rules.

An assessor reads evidence for a process leaf on 方法-展开-学习-整合 (approach,
deployment, learning, integration) and for a results leaf on 水平-趋势-对比
(level, trend, comparison). The cues below recognise those dimensions in what
the company said; the rules turn them into a status with a reason the user sees:

- process leaf: **covered** when the evidence states an approach and either its
  deployment or how it is evaluated and improved (learning); **partial** when
  there is matched evidence without that; **uncovered** when there is none.
- results leaf: **covered** when the evidence gives a level (a figure) and a
  trend or a comparison; **partial** otherwise; **uncovered** without evidence.
- **na**: the assessor marked the leaf not applicable, with a reason; it leaves
  the gap list and the roll-ups.

Roll-ups count covered as 1 and partial as 0.5 over the applicable leaves, and
weigh items by their points for the category and the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

# the cues themselves are data, shared with the matcher (assistant/dimensions.py)
from assistant.dimensions import RESULTS_DIMENSIONS

Status = Literal["uncovered", "partial", "covered", "na"]
STATUS_ORDER: dict[str, int] = {"uncovered": 0, "partial": 1, "covered": 2, "na": 3}
SYMBOL: dict[str, str] = {"uncovered": "○", "partial": "◐", "covered": "●", "na": "–"}

@dataclass(frozen=True)
class LeafCoverage:
    leaf_id: str
    status: Status
    reason_zh: str
    reason_en: str
    missing: tuple[str, ...] = ()

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


_DIM_ZH = {
    "approach": "方法",
    "deployment": "展开",
    "learning": "学习改进",
    "integration": "整合",
    "level": "水平",
    "trend": "趋势",
    "comparison": "对比",
}


def leaf_status(
    kind: str, evidence_dims: Sequence[frozenset[str]], na_reason: str | None = None
) -> LeafCoverage:
    """Status of one leaf from the dimensions of its evidence (pure; see module docstring)."""
    return _status("", kind, evidence_dims, na_reason)


def _status(
    leaf_id: str, kind: str, evidence_dims: Sequence[frozenset[str]], na_reason: str | None
) -> LeafCoverage:
    if na_reason is not None:
        return LeafCoverage(leaf_id, "na", f"不适用:{na_reason}", f"not applicable: {na_reason}")
    if not evidence_dims:
        return LeafCoverage(
            leaf_id, "uncovered", "未覆盖:还没有相关证据", "uncovered: no evidence yet",
            RESULTS_DIMENSIONS if kind == "results" else ("approach", "deployment", "learning"),
        )  # fmt: skip
    dims: set[str] = set().union(*evidence_dims)
    if kind == "results":
        trend_or_comp = bool(dims & {"trend", "comparison"})
        if "level" in dims and trend_or_comp:
            return LeafCoverage(
                leaf_id,
                "covered",
                "已覆盖:有水平数据及趋势或对比",
                "covered: a level with a trend or comparison",
            )
        missing = tuple(d for d in RESULTS_DIMENSIONS if d not in dims)
        if "level" not in dims:
            return LeafCoverage(
                leaf_id,
                "partial",
                "部分覆盖:没有给出具体数据(水平)",
                "partial: no figures given (level)",
                missing,
            )
        return LeafCoverage(
            leaf_id,
            "partial",
            "部分覆盖:有数据,但没有趋势或对比",
            "partial: a level, but no trend or comparison",
            missing,
        )
    has_approach = "approach" in dims
    has_spread = bool(dims & {"deployment", "learning"})
    missing = tuple(d for d in ("approach", "deployment", "learning") if d not in dims)
    if has_approach and has_spread:
        return LeafCoverage(
            leaf_id,
            "covered",
            "已覆盖:有方法,并说明了展开或改进",
            "covered: an approach with its deployment or learning",
            missing,
        )
    if not has_approach:
        return LeafCoverage(
            leaf_id,
            "partial",
            "部分覆盖:没说清具体做法(方法)",
            "partial: no clear description of the approach",
            missing,
        )
    return LeafCoverage(
        leaf_id,
        "partial",
        "部分覆盖:没有说明如何展开或如何评价改进",
        "partial: no word on how it is deployed or improved",
        missing,
    )


def leaf_coverage(
    leaves: Iterable[tuple[str, str]],
    evidence: Mapping[str, Sequence[frozenset[str]]],
    na: Mapping[str, str],
) -> dict[str, LeafCoverage]:
    """Coverage of every (leaf id, kind) from evidence dimensions per leaf and N/A reasons."""
    return {
        leaf_id: _status(leaf_id, kind, evidence.get(leaf_id, ()), na.get(leaf_id))
        for leaf_id, kind in leaves
    }


def fraction(statuses: Iterable[str]) -> float | None:
    """Share of applicable leaves covered (partial counts half); None if all are N/A."""
    values = [{"covered": 1.0, "partial": 0.5}.get(s, 0.0) for s in statuses if s != "na"]
    return sum(values) / len(values) if values else None
