"""An item's suggested score band, and drafts of its strengths (优势) and opportunities (改进机会).

Everything here is pure: it takes what coverage found on each of an item's leaves
(`LeafFacts`) and returns values. The assessor's own score is never touched; the
band is a second opinion drawn from the evidence, with the reason that drives it.

How the band follows from the leaves. Only the item's applicable leaves count (a
leaf marked not applicable drops out). A process item is read on 方法-展开-学习-整合
(approach, deployment, learning, integration); a results item on 水平-趋势-对比-整合
(level, trend, comparison, integration), in that order, each dimension standing on
the one before it. "Most" means more than half of the applicable leaves; "some"
means at least one. Read from the top, the first rule that holds gives the band:

- (nearly) every leaf shows all four dimensions, and no leaf carries a gap the
  company admitted → 90–100. "Nearly" forgives one leaf in ten.
- most leaves show the first three dimensions together, and integration shows
  somewhere → 70–85;
- most leaves show the first two together, and the third shows somewhere → 50–65;
- most leaves show the first dimension (an approach, or a level), and the second
  has begun somewhere → 30–45;
- the first dimension shows on some leaf, but on a minority or without the second
  → 10–25;
- no leaf shows even the first dimension → 0–5.

The ranges themselves are read from knowledge/bands.yaml (assistant.scoring), so
the band, the rubric and the assessor's own score speak of the same bands. The
reason names the counts behind the band and what the next band up would need.

A strength is drafted for each covered leaf and names the dimensions it shows,
quoting the evidence; an opportunity for each dimension a leaf is missing (only
the most basic one on an uncovered leaf), and for each gap the company admitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from assistant.coverage import DIM_NAME
from assistant.i18n import label, pick
from assistant.scoring import bands

if TYPE_CHECKING:
    from assistant.storage import FeedbackRow

#: The four dimensions a band is judged on, each standing on the one before.
LADDER: dict[str, tuple[str, str, str, str]] = {
    "process": ("approach", "deployment", "learning", "integration"),
    "results": ("level", "trend", "comparison", "integration"),
}
#: Where "nearly every leaf" stops: one leaf in this many may fall short.
NEARLY_ALL_SLACK = 10
#: Longest quote of the evidence inside a drafted strength, and what is trimmed off its ends.
QUOTE_CHARS = 40
_QUOTE_TRIM = " ,\uff0c;\uff1b。."  # half- and full-width

KINDS = ("strength", "opportunity")
SOURCE_LABEL = {
    "draft": ("依据证据草拟", "drafted from the evidence"),
    "admitted": ("自评确认的不足", "gap admitted in the self-assessment"),
    "edited": ("评审员修改", "edited by the assessor"),
    "assessor": ("评审员添加", "added by the assessor"),
}


@dataclass(frozen=True)
class Feedback:
    """One 优势 (strength) or 改进机会 (opportunity for improvement) of an item."""

    text: str
    leaf: str  # the leaf it is about ("" for the item as a whole)
    #: "draft" (drafted from the evidence), "admitted" (drafted from a gap the company admitted),
    #: "edited" (a draft the assessor changed), "assessor" (the assessor's own)
    source: str
    dimension: str = ""  # the dimension(s) it names, comma-separated (approach … / level …); "" if none
    #: what ties an assessor's change to its draft across refreshes ("4.3.3.2.3", "4.3.3.2.3:learning",
    #: "4.3.3.2.3:absent:17"), or "#<row id>" for the assessor's own entry
    key: str = ""


@dataclass(frozen=True)
class SuggestedBand:
    """The band the dimensions across an item's leaves point to; never replaces the assessor's score."""

    range: str  # "30–45"
    reason: str


@dataclass(frozen=True)
class AdmittedGap:
    """A gap the company admitted on a leaf (a note of kind "absent"), with its plan if one was given."""

    key: str  # the note's id, so an assessor's change to the drafted opportunity keeps to it
    text: str
    plan: str = ""


@dataclass(frozen=True)
class LeafFacts:
    """What the drafts and the band read about one leaf."""

    leaf_id: str
    title: str  # in the report's language
    kind: str  # process | results
    status: str  # covered | partial | uncovered | na (assistant.coverage)
    found: tuple[tuple[str, str], ...] = ()  # (dimension, the words of the evidence that show it)
    missing: tuple[str, ...] = ()  # dimensions coverage reports missing, most basic first
    admitted: tuple[AdmittedGap, ...] = ()

    @property
    def dims(self) -> frozenset[str]:
        return frozenset(d for d, _ in self.found)


# --- the suggested band ----------------------------------------------------------------------------


def band_range(kind: str, step: int) -> str:
    """The range of the step-th band (0 = lowest) of a kind, as "30–45"."""
    rows = bands()["results" if kind == "results" else "process"]
    band = rows[min(step, len(rows) - 1)]
    return f"{band.low}–{band.high}"


def suggest_band(kind: str, leaves: Sequence[LeafFacts], lang: str) -> SuggestedBand | None:
    """The band an item's leaves point to (rules in the module docstring); None when no leaf applies."""
    applicable = [leaf for leaf in leaves if leaf.status != "na"]
    if not applicable:
        return None
    ladder = LADDER["results" if kind == "results" else "process"]
    d1, d2, d3, d4 = ladder
    n = len(applicable)

    def count(*wanted: str) -> int:
        return sum(1 for leaf in applicable if set(wanted) <= leaf.dims)

    c1, c12, c123 = count(d1), count(d1, d2), count(d1, d2, d3)
    some2, some3, some4 = count(d2) > 0, count(d3) > 0, count(d4) > 0
    complete = sum(1 for leaf in applicable if set(ladder) <= leaf.dims and not leaf.admitted)
    admitted = sum(1 for leaf in applicable if leaf.admitted)

    def most(c: int) -> bool:
        return 2 * c > n

    if complete >= n - n // NEARLY_ALL_SLACK:
        step = 5
    elif most(c123) and some4:
        step = 4
    elif most(c12) and some3:
        step = 3
    elif most(c1) and some2:
        step = 2
    elif c1 > 0:
        step = 1
    else:
        step = 0
    words = {d: _name(d, lang) for d in ladder}
    w1, w2, w3, w4 = (words[d] for d in ladder)
    drivers = {
        0: pick(lang, f"没有一个条款有{w1}", f"no leaf shows {w1}"),
        1: pick(lang, f"多数条款有{w1},但还没有{w2}", f"most leaves show {w1}, but none shows {w2} yet")
        if most(c1)
        else pick(lang, f"只有少数条款有{w1}", f"only a minority of leaves show {w1}"),
        2: pick(lang, f"多数条款有{w1},{w2}刚刚开始", f"most leaves show {w1}, and {w2} has begun"),
        3: pick(lang, f"多数条款有{w1}和{w2},部分条款有{w3}", f"most leaves show {w1} and {w2}, some show {w3}"),
        4: pick(lang, f"多数条款{w1}、{w2}、{w3}俱全,并有{w4}",
                f"most leaves show {w1}, {w2} and {w3}, with {w4}"),
        5: pick(lang, f"(几乎)每个条款{w1}、{w2}、{w3}、{w4}俱全",
                f"(nearly) every leaf shows {w1}, {w2}, {w3} and {w4}"),
    }  # fmt: skip
    counts = pick(lang, f"{n} 个适用条款中:", f"of {n} applicable leaves: ") + pick(lang, "、", ", ").join(
        f"{words[d]} {count(d)}" for d in ladder
    )
    parts = [f"{drivers[step]} → {band_range(kind, step)}", counts]
    if admitted:
        parts.append(pick(lang, f"{admitted} 个条款有自评确认的不足", f"{admitted} with a gap the company admitted"))
    need = _next_band_needs(step, n, (c1, c12, c123), admitted, [words[d] for d in ladder], lang)
    if need:
        parts.append(pick(lang, f"要到 {band_range(kind, step + 1)},{need}", f"for {band_range(kind, step + 1)}, {need}"))
    return SuggestedBand(band_range(kind, step), pick(lang, ";", "; ").join(parts) + pick(lang, "。", "."))


def _next_band_needs(
    step: int, n: int, counts: tuple[int, int, int], admitted: int, words: list[str], lang: str
) -> str:
    """What keeps an item out of the next band up, in a few words ("" at the top).

    Each band holds because the one above it failed; where that band asks two things,
    the count says which of them is lacking.
    """
    c1, c12, c123 = counts
    w1, w2, w3, w4 = words

    def most(c: int) -> bool:
        return 2 * c > n

    if step == 0:
        return pick(lang, f"至少要有条款说明{w1}", f"at least one leaf needs to show {w1}")
    if step == 1:
        if not most(c1):
            return pick(lang, f"需要多数条款有{w1}", f"most leaves need to show {w1}")
        return pick(lang, f"需要开始有{w2}", f"{w2} needs to begin")
    if step == 2:
        if not most(c12):
            return pick(lang, f"需要多数条款同时有{w1}和{w2}", f"most leaves need both {w1} and {w2}")
        return pick(lang, f"需要有{w3}", f"{w3} needs to show somewhere")
    if step == 3:
        if not most(c123):
            return pick(lang, f"需要多数条款{w1}、{w2}、{w3}俱全", f"most leaves need {w1}, {w2} and {w3}")
        return pick(lang, f"需要体现{w4}", f"{w4} needs to show")
    if step == 4:
        need = pick(lang, "需要(几乎)每个条款四个维度俱全", "(nearly) every leaf needs all four dimensions")
        if admitted:
            need += pick(lang, ",且没有自评确认的不足", ", and no admitted gap")
        return need
    return ""


# --- drafts ----------------------------------------------------------------------------------------

_STRENGTH = {  # noun phrases: "shows {…} ({quote})"
    "approach": ("建立了明确的方法", "a defined approach"),
    "deployment": ("已经展开", "its deployment"),
    "learning": ("有定期的评价和改进", "regular evaluation and improvement"),
    "integration": ("与战略和相关过程协调一致", "alignment with strategy and related processes"),
    "level": ("给出了当前水平", "current levels"),
    "trend": ("呈现出趋势", "a trend"),
    "comparison": ("与竞争对手或标杆作了对比", "comparisons with competitors or benchmarks"),
    "results:integration": ("与关键需求和战略目标相关联", "links to key requirements and strategic goals"),
}
_MISSING = {  # "no evidence of {…}"
    "approach": ("明确、系统的方法", "a defined, systematic approach"),
    "deployment": ("该方法在各部门、各层级展开的情况", "how the approach is deployed across units and levels"),
    "learning": ("对该方法本身的定期评价和改进", "regular evaluation and improvement of the approach itself"),
    "integration": ("该方法与战略和相关过程的协调一致", "alignment of the approach with strategy and related processes"),
    "level": ("当前绩效水平的具体数据", "figures for the current level of performance"),
    "trend": ("连续多年的趋势数据", "trend data over several years"),
    "comparison": ("与竞争对手或标杆的对比", "comparisons with competitors or benchmarks"),
    "results:integration": ("结果与关键需求和战略目标的关联", "links between the results and key requirements or strategic goals"),
}


def _phrase(table: dict[str, tuple[str, str]], kind: str, dimension: str, lang: str) -> str:
    """A dimension's wording; integration reads differently for results than for a process."""
    return pick(lang, *table.get(f"{kind}:{dimension}", table[dimension]))


def strength_drafts(leaves: Iterable[LeafFacts], lang: str) -> tuple[Feedback, ...]:
    """One strength per covered leaf, naming the leaf and the dimensions its evidence shows."""
    out = []
    for leaf in leaves:
        if leaf.status != "covered":
            continue
        ladder = LADDER["results" if leaf.kind == "results" else "process"]
        shown = [d for d in ladder if d in leaf.dims]
        if not shown:
            continue
        phrases = []
        for d in shown:
            quote = _quote(next((q for dim, q in leaf.found if dim == d and q.strip()), ""))
            phrase = _phrase(_STRENGTH, leaf.kind, d, lang)
            phrases.append(phrase + (pick(lang, f"(“{quote}”)", f" (“{quote}”)") if quote else ""))
        text = pick(
            lang,
            f"{leaf.leaf_id} {leaf.title}:" + ",".join(phrases) + "。",
            f"{leaf.leaf_id} {leaf.title}: shows " + _en_list(phrases) + ".",
        )
        out.append(Feedback(text, leaf.leaf_id, "draft", ",".join(shown), leaf.leaf_id))
    return tuple(out)


def opportunity_drafts(leaves: Iterable[LeafFacts], lang: str) -> tuple[Feedback, ...]:
    """Per leaf, one opportunity for each missing dimension and one for each admitted gap.

    An uncovered leaf gets a single line about its most basic missing dimension
    (saying there is no evidence yet when nothing it was told showed any), and
    none at all when the company has admitted the gap itself: the admitted gap
    says it better.
    """
    out = []
    for leaf in leaves:
        if leaf.status == "na":
            continue
        head = pick(lang, f"{leaf.leaf_id} {leaf.title}:", f"{leaf.leaf_id} {leaf.title}: ")
        if leaf.status == "uncovered":
            missing = leaf.missing[:1] if not leaf.admitted else ()
        else:
            missing = leaf.missing
        for d in missing:
            if d not in _MISSING:
                continue
            name, what = _name(d, lang), _phrase(_MISSING, leaf.kind, d, lang)
            text = (
                pick(lang, f"{head}尚无证据,未见{what}({name})。", f"{head}no evidence yet; nothing shows {what} ({name}).")
                if leaf.status == "uncovered" and not leaf.found
                else pick(lang, f"{head}未见{what}({name})。", f"{head}no evidence of {what} ({name}).")
            )  # fmt: skip
            out.append(Feedback(text, leaf.leaf_id, "draft", d, f"{leaf.leaf_id}:{d}"))
        for gap in leaf.admitted:
            plan = pick(lang, f"(改进计划:{gap.plan})", f" (plan: {gap.plan})") if gap.plan else ""
            text = pick(lang, f"{head}自评中确认的不足:{gap.text}{plan}", f"{head}admitted in the self-assessment: {gap.text}{plan}")
            out.append(Feedback(text, leaf.leaf_id, "admitted", "", f"{leaf.leaf_id}:absent:{gap.key}"))
    return tuple(out)


def merge_edits(drafts: Sequence[Feedback], rows: Sequence[FeedbackRow]) -> tuple[Feedback, ...]:
    """The drafts with the assessor's changes: edited drafts take the new text, dropped ones go.

    Drafts come first, in their order; then the assessor's own entries and edits of
    drafts the evidence no longer supports (the assessor's words are kept), oldest
    first. Adding to the end keeps the numbers the assessor has seen.
    """
    by_key = {r.draft_key: r for r in rows if r.draft_key}
    used: set[str] = set()
    out = []
    for draft in drafts:
        row = by_key.get(draft.key)
        if row is None:
            out.append(draft)
            continue
        used.add(draft.key)
        if not row.dropped:
            out.append(replace(draft, text=row.text, source="edited"))
    for row in sorted(rows, key=lambda r: r.id):
        if row.dropped or (row.draft_key and row.draft_key in used):
            continue
        if row.draft_key:
            out.append(Feedback(row.text, row.leaf_id, "edited", "", row.draft_key))
        else:
            out.append(Feedback(row.text, row.leaf_id, "assessor", "", f"#{row.id}"))
    return tuple(out)


def listing(kind: str, item_id: str, title: str, entries: Sequence[Feedback], lang: str) -> str:
    """The numbered list `/strength ITEM` and `/ofi ITEM` show."""
    what = pick(lang, "优势", "Strengths") if kind == "strength" else pick(lang, "改进机会", "Opportunities for improvement")
    command = "/strength" if kind == "strength" else "/ofi"
    if not entries:
        return pick(lang, f"{item_id} {title} 还没有{what}。用 {command} {item_id} 内容 添加一条。",
                    f"{item_id} {title} has no {what.lower()} yet. Add one: {command} {item_id} TEXT")  # fmt: skip
    lines = [pick(lang, f"{item_id} {title} · {what}({len(entries)} 条)", f"{item_id} {title} · {what} ({len(entries)})")]
    for number, entry in enumerate(entries, start=1):
        lines.append(f"{number:>3}. {entry.text}  [{source_name(entry.source, lang)}]")
    lines.append(pick(lang, f"修改:{command} {item_id} edit 序号 新内容 · 删除:{command} {item_id} drop 序号 · /undo 撤销",
                      f"Edit: {command} {item_id} edit N TEXT · drop: {command} {item_id} drop N · /undo takes it back"))  # fmt: skip
    return "\n".join(lines)


def source_name(source: str, lang: str) -> str:
    return label(SOURCE_LABEL, source, lang)


def _name(dimension: str, lang: str) -> str:
    return DIM_NAME["zh" if lang == "zh" else "en"].get(dimension, dimension)


def _quote(text: str) -> str:
    text = " ".join(text.split()).strip(_QUOTE_TRIM)
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _en_list(phrases: Sequence[str]) -> str:
    if len(phrases) <= 1:
        return "".join(phrases)
    return ", ".join(phrases[:-1]) + " and " + phrases[-1]
