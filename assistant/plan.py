"""The gap list as a plan: what evidence to collect, who collects it, by when, and how urgent it is.

Pure functions over values; the engine (assistant.findings) reads the owner and
due date the assessor set, and the to-dos whose owners stand in until then.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.i18n import pick

PRIORITIES = ("high", "medium", "low")
PRIORITY_LABEL = {"high": ("高", "High"), "medium": ("中", "Medium"), "low": ("低", "Low")}
#: The dimensions the coverage rule names for each kind of leaf: what "missing" is counted against.
CORE_DIMENSIONS = {
    "process": ("approach", "deployment", "learning"),
    "results": ("level", "trend", "comparison"),
}
#: Guidance lines that describe weak practice are not evidence to collect.
_WEAKNESS = re.compile(r"^\s*(常见不足|常见问题|典型不足|弱点|不足)|^\s*(typical|common) weakness|^\s*weak", re.IGNORECASE)
_EVIDENCE = re.compile(r"证据|evidence", re.IGNORECASE)
#: A due date as typed: 2026-03-31, 2026-3-31, 2026/03/31 or 2026.3.31.
_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
#: How many guidance lines the plan shows per leaf.
COLLECT_LINES = 2


@dataclass(frozen=True)
class PlanEntry:
    """Who is to close a leaf's gap, and by when."""

    owner: str = ""
    due: str = ""  # YYYY-MM-DD, or "" when not set
    #: the owner comes from a to-do (待核实) on the leaf, not from the assessor
    owner_from_todo: bool = False


def points_at_stake(item_points: int, kind: str, status: str, missing: Sequence[str]) -> float:
    """The item's points times the share of the leaf's dimensions still missing.

    A leaf without evidence misses everything (share 1); a partial leaf misses the
    share of its kind's core dimensions that coverage lists as missing, and at
    least one of them (it is partial for a reason).
    """
    if status == "uncovered":
        return float(item_points)
    if status != "partial":
        return 0.0
    core = CORE_DIMENSIONS["results" if kind == "results" else "process"]
    share = max(sum(1 for d in core if d in missing), 1) / len(core)
    return item_points * share


def priority(stake: float) -> str:
    """高/中/低 from the points at stake.

    40 points or more is high: any leaf without evidence in an item worth 40 or
    more, or two of three dimensions missing in a 60- or 80-point item. 20 or more
    is medium: a bare leaf in a 20- or 30-point item, or one missing dimension in
    a 60- or 80-point item. Anything less is low.
    """
    if stake >= 40:
        return "high"
    if stake >= 20:
        return "medium"
    return "low"


def priority_label(code: str, lang: str) -> str:
    return pick(lang, *PRIORITY_LABEL[code]) if code in PRIORITY_LABEL else code


def evidence_to_collect(guidance_zh: Sequence[str], guidance_en: Sequence[str], lang: str) -> tuple[str, ...]:
    """The lines of a leaf's guidance that say what to collect, in the given language.

    The knowledge base keeps both languages line for line. Lines about weak
    practice are left out; lines that speak of evidence come first; at most
    COLLECT_LINES are kept.
    """
    lines = guidance_en if lang == "en" else guidance_zh
    keep = []
    for index, line in enumerate(lines):
        zh = guidance_zh[index] if index < len(guidance_zh) else ""
        en = guidance_en[index] if index < len(guidance_en) else ""
        if _WEAKNESS.search(zh) or _WEAKNESS.search(en):
            continue
        keep.append((0 if _EVIDENCE.search(zh) or _EVIDENCE.search(en) else 1, index, line))
    return tuple(line for _, _, line in sorted(keep)[:COLLECT_LINES])


def parse_due(text: str) -> str | None:
    """A due date as YYYY-MM-DD, or None when the text is not a real calendar date."""
    match = _DATE.match(text.strip())
    if match is None:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return None
