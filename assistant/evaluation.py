"""Accuracy of the matcher on a labelled set: shared by bench/match.py and the tests.

A labelled line is {"text", "leaf", "item", "lang", "style"}; leaf and item are
null for off-topic text, which must get no match at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.files import read_jsonl
from assistant.matching import ClauseMatcher, Match


@dataclass(frozen=True)
class Labelled:
    text: str
    leaf: str | None
    item: str | None
    lang: str = "zh"
    style: str = ""


@dataclass
class Scores:
    """Counts behind each rate, so a report can say 'n of m'."""

    n_on: int = 0
    n_off: int = 0
    item_top1: int = 0
    item_top3: int = 0
    leaf_top1: int = 0
    leaf_top3: int = 0
    n_43: int = 0
    leaf43_top1: int = 0
    leaf43_top3: int = 0
    kind_right: int = 0
    off_rejected: int = 0
    on_rejected: int = 0
    misses: list[tuple[Labelled, list[Match]]] = field(default_factory=list)

    def rate(self, name: str) -> float:
        total = {"leaf43_top1": self.n_43, "leaf43_top3": self.n_43, "off_rejected": self.n_off}.get(
            name, self.n_on
        )
        return getattr(self, name) / total if total else 0.0

    def summary(self) -> dict[str, Any]:
        names = (
            "item_top1", "item_top3", "leaf_top1", "leaf_top3", "leaf43_top1", "leaf43_top3",
            "kind_right", "off_rejected", "on_rejected",
        )  # fmt: skip
        out: dict[str, Any] = {name: round(self.rate(name), 3) for name in names}
        out.update(n_on=self.n_on, n_off=self.n_off, n_43=self.n_43)
        return out


def read_labelled(path: Path) -> list[Labelled]:
    rows = []
    for _, raw in read_jsonl(path):
        rows.append(
            Labelled(
                raw["text"], raw.get("leaf"), raw.get("item"), raw.get("lang", "zh"), raw.get("style", "")
            )
        )
    return rows


def evaluate(matcher: ClauseMatcher, rows: list[Labelled], top: int = 5) -> Scores:
    scores = Scores()
    for row in rows:
        matches = matcher.match(row.text, top=top)
        if row.item is None:
            scores.n_off += 1
            scores.off_rejected += not matches
            continue
        scores.n_on += 1
        scores.on_rejected += not matches
        items = [m.item_id for m in matches[:3]]
        leaves = [m.leaf_id for m in matches[:3]]
        scores.item_top1 += bool(items) and items[0] == row.item
        scores.item_top3 += row.item in items
        scores.leaf_top1 += bool(leaves) and leaves[0] == row.leaf
        scores.leaf_top3 += row.leaf in leaves
        expected_kind = "results" if row.item.startswith("4.7") else "process"
        scores.kind_right += bool(matches) and matches[0].kind == expected_kind
        if row.leaf and row.leaf.startswith("4.3."):
            scores.n_43 += 1
            scores.leaf43_top1 += bool(leaves) and leaves[0] == row.leaf
            scores.leaf43_top3 += row.leaf in leaves
        if not items or items[0] != row.item:
            scores.misses.append((row, matches))
    return scores
