"""Answers to a self-assessor's questions, from the knowledge base.

"这一条到底要写些什么?", "4.3.2 和 4.3.3 有什么区别", "展开是什么意思",
"how is this item scored": each is answered from the clause tree, its guidance
and examples, the scoring bands and the dimension definitions (data in
`dialogues/intents/dimensions.yaml`). Nothing is recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from assistant.scoring import bands
from assistant.textnorm import normalize
from knowledge.base import KnowledgeBase
from knowledge.errors import UserError
from knowledge.models import Lang, Node

_SCORING = re.compile(r"打分|评分|算分|分值|多少分|几分|得分|分数段|百分比|怎么评|score|scored|scoring|points|band")
_DIFFERENCE = re.compile(r"区别|不同|不一样|差别|分别|和.{1,20}(有什么|啥)关系|difference|differ|\bvs\b|versus|compared? (to|with)")
_EXAMPLE = re.compile(r"例子|举例|举个|样板|范例|示例|怎么写|写什么|写些什么|写哪些|要写|该写|怎么填|填什么|证据|材料|提供什么|example|what (should|do) (i|we) write|evidence|sample")


class ExplainError(UserError):
    pass


@dataclass(frozen=True)
class Dimension:
    id: str
    words: tuple[str, ...]
    zh: str
    en: str


@lru_cache(maxsize=1)
def _data() -> tuple[tuple[Dimension, ...], dict[str, str]]:
    import yaml

    path = Path(str(resources.files("dialogues") / "intents" / "dimensions.yaml"))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        dims = tuple(
            Dimension(str(d["id"]), tuple(str(w).lower() for w in d["words"]), str(d["zh"]), str(d["en"]))
            for d in raw["dimensions"]
        )
        scoring = {"zh": str(raw["scoring"]["zh"]), "en": str(raw["scoring"]["en"])}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise ExplainError(f"{path}: cannot read the dimension definitions ({exc})") from exc
    return dims, scoring


def _pick(lang: Lang, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


def describe(node: Node, kb: KnowledgeBase, lang: Lang, *, examples: int = 1) -> str:
    """What a clause asks, what good evidence looks like, and an example."""
    lines = [f"{node.id} {node.title.get(lang)}:{node.text.get(lang)}" if lang == "zh"
             else f"{node.id} {node.title.get(lang)}: {node.text.get(lang)}"]  # fmt: skip
    guidance = node.guidance.get(lang)
    if not guidance and not node.is_leaf:
        leaves = kb.leaves_under(node.id) if node.kind != "profile" else kb.children(node.id)
        points = "; ".join(f"{x.id} {x.title.get(lang)}" for x in leaves[:8])
        if points:
            lines.append(_pick(lang, f"下面的条款:{points}", f"Its points: {points}"))
    if guidance:
        lines.append(_pick(lang, "好的证据会说明:", "Good evidence shows:"))
        lines.extend(f"  · {g}" for g in guidance[:3])
    shown = node.examples.get(lang)[:examples]
    for example in shown:
        lines.append(_pick(lang, f"例如:「{example}」", f"For example: “{example}”"))
    item = kb.item_of(node.id)
    if item is not None and item.points:
        kind = _pick(lang, "结果类,看水平-趋势-对比-整合", "results: levels, trends, comparisons, integration") \
            if item.kind == "results" else _pick(lang, "过程类,看方法-展开-学习-整合", "process: approach, deployment, learning, integration")  # fmt: skip
        lines.append(_pick(lang, f"所属评分项 {item.id} {item.title.zh},{item.points} 分({kind})。",
                           f"Scored under item {item.id} {item.title.en}, {item.points} points ({kind})."))  # fmt: skip
    return "\n".join(lines)


def scoring(node: Node | None, kb: KnowledgeBase, lang: Lang) -> str:
    _, general = _data()
    lines = [general[lang]]
    item = kb.item_of(node.id) if node is not None else None
    if item is not None:
        kind = "results" if item.kind == "results" else "process"
        lines.append(_pick(lang, f"{item.id} {item.title.zh} 满分 {item.points} 分。分数段:",
                           f"{item.id} {item.title.en} is worth {item.points} points. The bands:"))  # fmt: skip
        lines.extend(f"  {b.label()}  {b.text(lang)}" for b in bands()[kind])
    return "\n".join(lines)


def dimension_meaning(text: str, lang: Lang) -> str | None:
    dims, _ = _data()
    norm = normalize(text)
    found = [d for d in dims if any(w in norm for w in d.words)]
    return "\n".join(d.zh if lang == "zh" else d.en for d in found) or None


def difference(a: Node, b: Node, kb: KnowledgeBase, lang: Lang) -> str:
    lines = [_pick(lang, f"{a.id} 和 {b.id} 的区别:", f"How {a.id} and {b.id} differ:")]
    for node in (a, b):
        lines.append(f"· {node.id} {node.title.get(lang)}:{node.text.get(lang)}" if lang == "zh"
                     else f"· {node.id} {node.title.get(lang)}: {node.text.get(lang)}")  # fmt: skip
        if node.guidance.get(lang):
            lines.append(_pick(lang, f"  看重:{node.guidance.get(lang)[0]}", f"  Looks for: {node.guidance.get(lang)[0]}"))
    if a.kind != b.kind and "profile" not in (a.kind, b.kind):
        lines.append(_pick(lang, "一个是过程(怎么做),一个是结果(做得怎样、数据如何)。",
                           "One is a process (how it is done), the other a result (how well, in figures)."))  # fmt: skip
    return "\n".join(lines)


def answer_question(text: str, kb: KnowledgeBase, lang: Lang, named: list[str], current: str | None) -> str:
    """The reply to a question: scoring, a difference, a dimension, or what a clause asks."""
    norm = normalize(text)
    nodes = [n for n in (kb.get(i) for i in named) if n is not None]
    here = kb.get(current) if current else None
    if _DIFFERENCE.search(norm) and (len(nodes) >= 2 or (nodes and here and nodes[0].id != here.id)):
        a, b = (nodes[0], nodes[1]) if len(nodes) >= 2 else (here, nodes[0])
        assert a is not None
        return difference(a, b, kb, lang)
    target = nodes[0] if nodes else here
    if _SCORING.search(norm):
        return scoring(target, kb, lang)
    meaning = dimension_meaning(text, lang)
    if meaning and not nodes:
        return meaning
    if target is None:
        return _pick(lang, "可以问某一条要写什么、怎么评分、两条有什么区别,或“展开”等评价维度的含义。",
                     "Ask what a clause needs, how it is scored, how two clauses differ, or what a dimension such as 'deployment' means.")  # fmt: skip
    return describe(target, kb, lang, examples=2 if _EXAMPLE.search(norm) else 1)
