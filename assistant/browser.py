"""Text views of the clause tree for the `clauses` command: pure functions over the base."""

from __future__ import annotations

from typing import Any

from knowledge import KnowledgeBase, Node
from knowledge.models import Lang

_LABELS = {
    "zh": {
        "points": "分",
        "text": "条款要求",
        "guidance": "评价要点",
        "notes": "说明",
        "children": "下级条款",
        "parents": "所属",
        "keywords": "关键词",
        "check": "(待核实)",
        "no_match": "没有找到与“{q}”相近的条款。",
    },
    "en": {
        "points": "pts",
        "text": "What it asks",
        "guidance": "Assessor guidance",
        "notes": "Notes",
        "children": "Sub-clauses",
        "parents": "Within",
        "keywords": "Keywords",
        "check": "(to be confirmed)",
        "no_match": "No clause resembles “{q}”.",
    },
}


def label(lang: Lang, key: str) -> str:
    return _LABELS[lang][key]


def node_line(node: Node, lang: Lang) -> str:
    points = f"  [{node.points} {label(lang, 'points')}]" if node.points is not None else ""
    return f"{node.id}  {node.title.get(lang)}{points}"


def tree_lines(kb: KnowledgeBase, lang: Lang) -> list[str]:
    """The whole tree, indented by depth, with points on categories and items."""
    lines = []
    for node in kb.nodes:
        depth = len(kb.parents(node.id))
        lines.append("  " * depth + node_line(node, lang))
    total = kb.total_points
    lines.append("")
    lines.append(f"合计 {total} 分" if lang == "zh" else f"Total {total} points")
    return lines


def detail_lines(kb: KnowledgeBase, node: Node, lang: Lang) -> list[str]:
    """One node: its parent chain, texts, guidance, keywords and children."""
    lines = []
    chain = kb.parents(node.id)
    if chain:
        lines.append(f"{label(lang, 'parents')}: " + " › ".join(node_line(p, lang) for p in chain))
    flag = f" {label(lang, 'check')}" if node.confidence == "check" else ""
    lines.append(node_line(node, lang) + flag)
    other: Lang = "en" if lang == "zh" else "zh"
    lines.append(f"  ({node.title.get(other)})")
    lines.append("")
    lines.append(f"{label(lang, 'text')}: {node.text.get(lang)}")
    for key in ("notes", "guidance"):
        entries = getattr(node, key).get(lang)
        if entries:
            lines.append("")
            lines.append(f"{label(lang, key)}:")
            lines.extend(f"  - {entry}" for entry in entries)
    keywords = node.keywords.get(lang)
    if keywords:
        lines.append("")
        lines.append(
            f"{label(lang, 'keywords')}: " + "、".join(keywords)
            if lang == "zh"
            else f"{label(lang, 'keywords')}: " + ", ".join(keywords)
        )
    children = kb.children(node.id)
    if children:
        lines.append("")
        lines.append(f"{label(lang, 'children')}:")
        lines.extend(f"  {node_line(c, lang)}" for c in children)
    return lines


def search_lines(kb: KnowledgeBase, query: str, lang: Lang, limit: int = 10) -> list[str]:
    hits = kb.search(query, limit=limit)
    if not hits:
        return [label(lang, "no_match").format(q=query)]
    return [f"{hit.score:5.1f}  {node_line(hit.node, lang)}" for hit in hits]


def node_record(kb: KnowledgeBase, node: Node) -> dict[str, Any]:
    """The flat JSON record of `clauses --json`: a stable contract, add fields only."""
    item = kb.item_of(node.id)
    category = kb.category_of(node.id)
    return {
        "id": node.id,
        "parent": node.parent,
        "level": node.level,
        "title_zh": node.title.zh,
        "title_en": node.title.en,
        "text_zh": node.text.zh,
        "text_en": node.text.en,
        "kind": node.kind,
        "points": node.points,
        "keywords": list(node.keywords.zh + node.keywords.en),
        "keywords_zh": list(node.keywords.zh),
        "keywords_en": list(node.keywords.en),
        "synonyms_zh": list(node.synonyms.zh),
        "synonyms_en": list(node.synonyms.en),
        "guidance_zh": list(node.guidance.zh),
        "guidance_en": list(node.guidance.en),
        "is_leaf": node.is_leaf,
        "item": item.id if item else None,
        "category": category.id if category else None,
        "confidence": node.confidence,
    }
