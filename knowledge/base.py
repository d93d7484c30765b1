"""The loaded clause tree: one immutable object with look-ups and fuzzy search."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from knowledge.models import Lang, Node

# "4.3.3.2c" and "4.3.3.2(c)" are how people write lettered points; map the
# letter to the seed's numbering (a → .1).
_LETTERED = re.compile(r"^(4(?:\.\d+){2,3})\s*[\(（]?([a-hA-H])[\)）]?$")


# What someone holding the official text confirms for a node marked `check`: the
# facts a node of that level takes from the standard (ids, titles, points, which
# points exist); the prose is ours and needs no confirming.
_UNCONFIRMED_PARTS: dict[str, dict[Lang, str]] = {
    "category": {"zh": "类目名称和分值", "en": "title and points"},
    "general": {"zh": "总则的名称和范围", "en": "title and scope"},
    "item": {"zh": "条目名称、分值及其下要点的划分", "en": "title, points and how it divides into points"},
    "summary": {"zh": "提要是否在原文中及其名称", "en": "that the summary is in the text, and its title"},
    "area": {"zh": "方面的名称及其下要点的划分", "en": "title and how it divides into points"},
    "point": {
        "zh": "该要点是否在原文中、编号(字母)和名称",
        "en": "that the point is in the text, its letter and its title",
    },
}


def unconfirmed_parts(node: Node, lang: Lang = "zh") -> str:
    """What is still to be confirmed about a node marked `check`, in words."""
    return _UNCONFIRMED_PARTS[node.level][lang]


@dataclass(frozen=True)
class OldIdMapping:
    """One 2004-edition id and the 2012 ids that now hold its content."""

    old: str
    new: tuple[str, ...]
    title_2004: str = ""
    confidence: str = "check"


@dataclass(frozen=True)
class SearchHit:
    node: Node
    score: float


class KnowledgeBase:
    """The validated clause tree; nodes in clause order."""

    def __init__(
        self,
        nodes: list[Node],
        map_2004: list[OldIdMapping] | None = None,
    ) -> None:
        self.nodes: tuple[Node, ...] = tuple(nodes)
        self._by_id = {n.id: n for n in nodes}
        self._children: dict[str, list[Node]] = {}
        for node in nodes:
            if node.parent is not None:
                self._children.setdefault(node.parent, []).append(node)
        self.map_2004: tuple[OldIdMapping, ...] = tuple(map_2004 or ())

    def __contains__(self, node_id: object) -> bool:
        return node_id in self._by_id

    def __len__(self) -> int:
        return len(self.nodes)

    def get(self, node_id: str) -> Node | None:
        """The node with this id, or None."""
        return self._by_id.get(node_id)

    def children(self, node_id: str) -> list[Node]:
        return list(self._children.get(node_id, []))

    def parents(self, node_id: str) -> list[Node]:
        """The chain from the category down to the node's parent."""
        chain: list[Node] = []
        node = self._by_id.get(node_id)
        while node is not None and node.parent is not None:
            node = self._by_id.get(node.parent)
            if node is not None:
                chain.append(node)
        return list(reversed(chain))

    def categories(self, *, scored: bool = True) -> list[Node]:
        return [n for n in self.nodes if n.level == "category" and (n.kind != "profile") == scored]

    def items(self) -> list[Node]:
        return [n for n in self.nodes if n.level == "item"]

    def leaves(self, *, scored: bool = True) -> list[Node]:
        """Lettered points, the nodes evidence covers (the profile's when scored=False)."""
        return [n for n in self.nodes if n.is_leaf and (n.kind != "profile") == scored]

    def unconfirmed(self) -> list[Node]:
        """Nodes marked `check`: not yet confirmed against the official text, in clause order."""
        return [n for n in self.nodes if n.confidence == "check"]

    def descendants(self, node_id: str) -> Iterator[Node]:
        for child in self._children.get(node_id, []):
            yield child
            yield from self.descendants(child.id)

    def leaves_under(self, node_id: str) -> list[Node]:
        node = self._by_id.get(node_id)
        if node is not None and node.is_leaf:
            return [node]
        return [n for n in self.descendants(node_id) if n.is_leaf]

    def item_of(self, node_id: str) -> Node | None:
        """The scored item a node belongs to (itself if it is one)."""
        node = self._by_id.get(node_id)
        while node is not None and node.level != "item":
            node = self._by_id.get(node.parent) if node.parent else None
        return node

    def category_of(self, node_id: str) -> Node | None:
        node = self._by_id.get(node_id)
        while node is not None and node.parent is not None:
            node = self._by_id.get(node.parent)
        return node

    @property
    def total_points(self) -> int:
        return sum(c.points or 0 for c in self.categories())

    def resolve(self, text: str) -> Node | None:
        """An id as people type it: '4.3.3.2.3', '4.3.3.2c', '4.3.3.2(c)', '2004:4.3.1'."""
        text = text.strip()
        if text in self._by_id:
            return self._by_id[text]
        match = _LETTERED.match(text)
        if match:
            number = ord(match.group(2).lower()) - ord("a") + 1
            return self._by_id.get(f"{match.group(1)}.{number}")
        if text.lower().startswith("2004:"):
            targets = self.map_from_2004(text[5:])
            return self._by_id.get(targets[0]) if targets else None
        return None

    def map_from_2004(self, old_id: str) -> tuple[str, ...]:
        """2012 ids holding the content of a 2004-edition id (empty if unknown)."""
        for row in self.map_2004:
            if row.old == old_id.strip():
                return row.new
        return ()

    def search(self, query: str, *, limit: int = 10, min_score: float = 60.0) -> list[SearchHit]:
        """Fuzzy look-up over ids, titles and keywords in both languages, best first.

        Title matches weigh more than keyword matches; ties break in clause order
        so the same query always lists the same nodes in the same order.
        """
        from rapidfuzz import fuzz, process  # only the browser and completers need it

        query = query.strip()
        exact = self.resolve(query)
        if exact is not None:
            return [SearchHit(exact, 100.0)]
        if not query:
            return []
        choices: list[str] = []
        owners: list[tuple[int, float]] = []
        for index, node in enumerate(self.nodes):
            fields: list[tuple[str, float]] = [
                (node.id, 1.0),
                (node.title.zh, 1.0),
                (node.title.en, 1.0),
            ]
            fields += [(k, 0.9) for k in node.keywords.zh + node.keywords.en]
            fields += [(k, 0.85) for k in node.synonyms.zh + node.synonyms.en]
            for text, weight in fields:
                choices.append(text.lower())
                owners.append((index, weight))
        found = process.extract(
            query.lower(), choices, scorer=fuzz.WRatio, limit=None, score_cutoff=min_score
        )
        best: dict[int, float] = {}
        for _text, score, position in found:
            index, weight = owners[position]
            # Points and leaves are what people look for; a title hit on an item
            # should not bury the leaf that carries the same word as a keyword.
            best[index] = max(best.get(index, 0.0), score * weight)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.nodes[kv[0]].sort_key))
        return [SearchHit(self.nodes[i], round(s, 1)) for i, s in ranked[:limit]]
