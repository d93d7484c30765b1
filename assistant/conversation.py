"""What a line that is not evidence refers to: the clause it names, who owns a to-do, where to move.

Pure functions over the knowledge base and the matcher; the engine
(`assistant.interview`) decides what to record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.matching import ClauseMatcher
from assistant.textnorm import normalize
from knowledge.base import KnowledgeBase

# 4.3, 4.3.2.2.1, 4.3.3.2c, B.1.2 — not the "4.5" of "4.5万元" or "4.3%"
_CLAUSE_ID = re.compile(
    r"(?<![\d.])(4(?:\.\d{1,2}){1,4}(?:\s*[\(（]?[a-h][\)）]?)?|[bB]\.\d(?:\.\d){0,2})(?![\d.]*\s*(?:%|％|万|亿|元|倍|个|分|天|小时))"
)
#: A clause named by its words (not its id) needs at least this match score …
NAMED_MIN_SCORE = 0.06
#: … and names one lettered point rather than a topic ("投诉处理那题" vs "供应商") above this one.
NAMED_POINT_SCORE = 0.15


@dataclass(frozen=True)
class ClauseRef:
    node_id: str
    how: Literal["id", "words"]
    score: float = 1.0


def clause_ids(text: str, kb: KnowledgeBase) -> list[str]:
    """Clause ids written in the text, in order, that exist in the base."""
    out: list[str] = []
    for raw in _CLAUSE_ID.findall(text):
        ref = re.sub(r"\s+", "", raw)
        ref = ref[0].upper() + ref[1:] if ref[0] in "bB" else ref
        node = kb.resolve(ref)
        if node is not None and node.id not in out:
            out.append(node.id)
    return out


def named_clause(text: str, kb: KnowledgeBase, matcher: ClauseMatcher | None) -> ClauseRef | None:
    """The clause a line names: by id, else by its words when they match one clearly."""
    ids = clause_ids(text, kb)
    if ids:
        return ClauseRef(ids[0], "id")
    if matcher is None:
        return None
    matches = matcher.match(text, top=1, explain=False)
    if matches and matches[0].score >= NAMED_MIN_SCORE:
        return ClauseRef(matches[0].leaf_id, "words", matches[0].score)
    return None


def clause_of(intent: str, text: str, kb: KnowledgeBase, matcher: ClauseMatcher | None) -> str | None:
    """The clause an absent, question or navigate line is about, without the interview's context.

    Named by id: that id. Named in words: the matched point, except that a move to
    a topic ("先聊聊供应商") goes to its item, as an assessor would.
    """
    if intent not in ("absent", "question", "navigate"):
        return None
    named = named_clause(text, kb, matcher)
    if named is None:
        return None
    return goto_target(named, kb) if intent == "navigate" else named.node_id


def goto_target(named: ClauseRef, kb: KnowledgeBase) -> str:
    """Where a move named this way goes: the point itself when clear, else its item."""
    node = kb.get(named.node_id)
    item = kb.item_of(named.node_id)
    if named.how == "id" or item is None or (node is not None and node.kind == "profile"):
        return named.node_id
    return named.node_id if named.score >= NAMED_POINT_SCORE else item.id


# "得问人力部门" → 人力部门; "check with finance" → finance
_OWNER_ZH = re.compile(
    r"(?:(?:要|得|去)?问(?:一下|下|问)?|找(?:一下)?|请|让|由|等|跟|和|向)\s*"
    r"([\u4e00-\u9fffA-Za-z]{1,8}?(?:部门|部|处|科|室|办公室|办|中心|组|队|车间|分厂|公司|老师|经理|主任|总监|总|主管|专员|同事|领导|书记|院长|校长|行长|厂长))"
)
_OWNER_ABBR = re.compile(r"\b(HR|IT|QA|QC|EHS|HSE|PMO|CFO|CEO|COO|CTO)\b")
_OWNER_EN = re.compile(
    r"\b(?:ask|check with|confirm with|get (?:it|them|the \w+) from|talk to)\s+(?:the\s+|our\s+)?"
    r"(hr|finance|it|quality|sales|marketing|procurement|purchasing|legal|admin|operations|production|engineering"
    r"|[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)(\s+(?:team|department|dept|office|manager|director))?",
    re.IGNORECASE,
)


def owner_of(text: str) -> str:
    """Who a to-do waits on, when the line names them; '' otherwise."""
    m = _OWNER_ZH.search(text)
    if m:
        return m.group(1).lstrip("问找请让由等跟和向")
    m = _OWNER_ABBR.search(text)
    if m:
        return m.group(1)
    m = _OWNER_EN.search(text)
    if m:
        return (m.group(1) + (m.group(2) or "")).strip()
    return ""


NavAction = Literal["next", "back", "gaps", "goto", "todo"]
_BACK = re.compile(r"上一[题个条项]|回到上|返回上|退回|刚才那[题个条]|\b(previous|go back|back)\b")
_GAPS = re.compile(
    r"还有哪些|哪些没|还剩|剩下|没谈到|没聊到|没说到|没覆盖|差距|缺哪些|进度|"
    r"\b(what's left|what is left|remaining|not covered|gaps?|progress|left to)\b"
)
_TODO = re.compile(r"待办|待核实|要问的|\bto-?dos?\b")


def nav_action(text: str, named: ClauseRef | None) -> NavAction:
    norm = normalize(text)
    if _TODO.search(norm):
        return "todo"
    if _GAPS.search(norm) and not (named and named.how == "id"):
        return "gaps"
    if named is not None and (named.how == "id" or not _BACK.search(norm)):
        return "goto"
    if _BACK.search(norm):
        return "back"
    return "next"


# --- the session's own words -------------------------------------------------------------------------

_UNIT_WORDS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"医院|科室|病区|门诊|患者|hospital|ward|clinic|patient", re.I), "各科室和病区", "departments and wards"),
    (re.compile(r"学校|学院|院系|学生|school|college|university|faculty", re.I), "各院系和部门", "schools and departments"),
    (re.compile(r"门店|网点|支行|分行|营业厅|store|branch|outlet", re.I), "各门店和网点", "branches and outlets"),
    (re.compile(r"项目部|工地|施工|project site|construction", re.I), "各项目部", "project sites"),
    (re.compile(r"车间|工厂|分厂|产线|生产线|制造|plant|factory|workshop|production line", re.I), "各车间和产线", "plants and lines"),
)
NEUTRAL_UNITS = ("各部门和下属单位", "departments and sites")


def unit_words(profile_texts: list[str]) -> tuple[str, str]:
    """How this organisation's units are called, from its profile; neutral words otherwise."""
    text = " ".join(profile_texts)
    best: tuple[int, str, str] | None = None
    for pattern, zh, en in _UNIT_WORDS:
        count = len(pattern.findall(text))
        if count and (best is None or count > best[0]):
            best = (count, zh, en)
    return (best[1], best[2]) if best else NEUTRAL_UNITS


def fill(text: str, units: tuple[str, str]) -> str:
    return text.replace("{units_en}", units[1]).replace("{units}", units[0])
