"""Totals and roll-ups: item, category and overall coverage and points, as pure functions.

They take what the caller has already computed (leaf coverage, scores), so one
refresh of a screen or one report reads the session once rather than once per
figure. Coverage counts covered as 1 and partial as ½ over the applicable
leaves; categories and the total weigh items by their points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.coverage import STATUS_ORDER, LeafCoverage, fraction
from assistant.replies import ItemSummary
from assistant.scoring import score_item
from knowledge.base import KnowledgeBase
from knowledge.models import Node


def item_summaries(
    kb: KnowledgeBase, cov: Mapping[str, LeafCoverage], scores: Mapping[str, int]
) -> list[ItemSummary]:
    """Each scored item's coverage, status counts and score."""
    out = []
    for item in kb.items():
        statuses: list[str] = [cov[leaf.id].status for leaf in kb.leaves_under(item.id)]
        share = fraction(statuses)
        counts = {s: statuses.count(s) for s in STATUS_ORDER}
        kind = "results" if item.kind == "results" else "process"
        out.append(
            ItemSummary(item, share, counts, score_item(item.id, kind, item.points or 0, scores.get(item.id), share))
        )
    return out


def category_rollups(kb: KnowledgeBase, items: Sequence[ItemSummary]) -> list[tuple[Node, float, float]]:
    """(category, coverage weighted by item points, points earned)."""
    out = []
    for category in kb.categories():
        mine = [s for s in items if s.item.parent == category.id]
        weight = sum(s.item.points or 0 for s in mine if s.coverage is not None)
        covered = sum((s.item.points or 0) * (s.coverage or 0) for s in mine if s.coverage is not None)
        out.append((category, covered / weight if weight else 0.0, sum(s.score.earned for s in mine)))
    return out


def total_points(items: Sequence[ItemSummary]) -> float:
    return round(sum(s.score.earned for s in items), 1)


def overall_coverage(items: Sequence[ItemSummary]) -> float:
    """Coverage of the whole standard, items weighed by their points (N/A-only items left out)."""
    counted = [s for s in items if s.coverage is not None]
    weight = sum(s.item.points or 0 for s in counted)
    return sum((s.item.points or 0) * (s.coverage or 0) for s in counted) / weight if weight else 0.0
