"""Coverage of each leaf judged on substance, by explicit, documented rules.

An assessor reads evidence for a process leaf on 方法-展开-学习-整合 (approach,
deployment, learning, integration) and for a results leaf on 水平-趋势-对比-整合
(level, trend, comparison, integration). `assistant.dimensions` finds which of
them a piece of evidence shows, and with which words; plans, negations, slogans
and bare claims show none. Across all the evidence of a leaf:

- process leaf: **covered** with an approach and its deployment; **partial** with
  an approach alone; **uncovered** otherwise (no evidence, or evidence without a
  concrete method).
- results leaf: **covered** with a level (a figure with a unit for a named
  measure) and a trend (three or more periods) or a comparison (a named
  reference); **partial** with a level alone; **uncovered** otherwise.
- **na**: the assessor marked the leaf not applicable, with a reason; it leaves
  the gap list and the roll-ups.

The reason quotes the words that showed each dimension, so a user can see why.
Roll-ups count covered as 1 and partial as 0.5 over the applicable leaves, and
weigh items by their points for the category and the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assistant.dimensions import Found

Status = Literal["uncovered", "partial", "covered", "na"]
STATUS_ORDER: dict[str, int] = {"uncovered": 0, "partial": 1, "covered": 2, "na": 3}
SYMBOL: dict[str, str] = {"uncovered": "○", "partial": "◐", "covered": "●", "na": "–"}
PROCESS_ORDER = ("approach", "deployment", "learning", "integration")
RESULTS_ORDER = ("level", "trend", "comparison", "integration")


@dataclass(frozen=True)
class LeafCoverage:
    leaf_id: str
    status: Status
    reason_zh: str
    reason_en: str
    #: the dimensions still missing, in the order an assessor would ask about them
    missing: tuple[str, ...] = ()
    #: the dimensions shown, each with the words that showed it
    found: tuple[tuple[str, str], ...] = ()

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


DIM_NAME = {
    "zh": {"approach": "方法", "deployment": "展开", "learning": "学习", "integration": "整合",
           "level": "水平", "trend": "趋势", "comparison": "对比"},
    "en": {"approach": "approach", "deployment": "deployment", "learning": "learning", "integration": "integration",
           "level": "level", "trend": "trend", "comparison": "comparison"},
}  # fmt: skip


def leaf_status(
    kind: str, evidence_dims: Sequence[Found | Iterable[str]], na_reason: str | None = None
) -> LeafCoverage:
    """Status of one leaf from the dimensions of its evidence (pure; see module docstring)."""
    return _status("", kind, evidence_dims, na_reason)


def _merge(evidence_dims: Sequence[Found | Iterable[str]]) -> dict[str, str]:
    """Every dimension shown by any of the evidence, with the first words that showed it."""
    out: dict[str, str] = {}
    for found in evidence_dims:
        for name in found:
            if name not in out:
                out[name] = found.quote(name) if isinstance(found, Found) else ""
    return out


def _quoted(found: dict[str, str], order: tuple[str, ...], lang: str) -> str:
    parts = []
    for name in order:
        if name in found:
            quote = found[name]
            parts.append(f"{DIM_NAME[lang][name]}「{quote}」" if quote else DIM_NAME[lang][name])
    return ("、" if lang == "zh" else ", ").join(parts)


def _status(
    leaf_id: str, kind: str, evidence_dims: Sequence[Found | Iterable[str]], na_reason: str | None
) -> LeafCoverage:
    if na_reason is not None:
        return LeafCoverage(leaf_id, "na", f"不适用:{na_reason}", f"not applicable: {na_reason}")
    order = RESULTS_ORDER if kind == "results" else PROCESS_ORDER
    if not evidence_dims:
        return LeafCoverage(leaf_id, "uncovered", "未覆盖:还没有相关证据", "uncovered: no evidence yet", order)
    found = _merge(evidence_dims)
    missing = tuple(d for d in order if d not in found)
    shown = tuple((d, found[d]) for d in order if d in found)
    zh, en = _quoted(found, order, "zh"), _quoted(found, order, "en")
    if kind == "results":
        if "level" in found and ("trend" in found or "comparison" in found):
            status: Status = "covered"
            why_zh, why_en = f"已覆盖:{zh}", f"covered: {en}"
        elif "level" in found:
            status = "partial"
            why_zh = f"部分覆盖:有水平({zh}),缺趋势(三期以上)或对比"
            why_en = f"partial: a level ({en}), but no trend over three periods or comparison"
        else:
            status = "uncovered"
            why_zh = "未覆盖:有相关回答,但没有带单位的具体数据(水平)"
            why_en = "uncovered: said something, but no figure with a unit for a named measure (level)"
    elif "approach" in found and "deployment" in found:
        status = "covered"
        why_zh, why_en = f"已覆盖:{zh}", f"covered: {en}"
    elif "approach" in found:
        status = "partial"
        why_zh = f"部分覆盖:有方法({zh}),没说清在哪些单位、对哪些人展开"
        why_en = f"partial: an approach ({en}), but not where or to whom it is deployed"
    else:
        status = "uncovered"
        why_zh = "未覆盖:有相关回答,但没说清具体做法(谁、怎么做、多久一次、用什么工具)"
        why_en = "uncovered: said something, but no concrete method (who, how, how often, with what)"
    return LeafCoverage(leaf_id, status, why_zh, why_en, missing, shown)


def leaf_coverage(
    leaves: Iterable[tuple[str, str]],
    evidence: Mapping[str, Sequence[Found | Iterable[str]]],
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
