"""The scoring dimensions as they show in what a company says: one cue set, data in knowledge/dimensions.yaml.

Coverage asks which dimensions a piece of evidence shows (方法-展开-学习-整合
for process clauses, 水平-趋势-对比 for results); the matcher asks how much a
statement reads as results. Both read the same cues, so they cannot disagree.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from knowledge.errors import UserError

DIMENSIONS = ("approach", "deployment", "learning", "integration", "level", "trend", "comparison")
PROCESS_DIMENSIONS = ("approach", "deployment", "learning", "integration")
RESULTS_DIMENSIONS = ("level", "trend", "comparison")


class CueError(UserError):
    """The dimension cues cannot be read; names the file and the cue."""


@dataclass(frozen=True)
class DimensionCue:
    dimension: str
    zh: str
    en: str
    pattern: re.Pattern[str]


def cues_path() -> Path:
    return Path(str(resources.files("knowledge") / "dimensions.yaml"))


@lru_cache(maxsize=1)
def cues() -> dict[str, DimensionCue]:
    """Every dimension's cue, validated: each dimension once, patterns that compile."""
    from assistant.files import read_yaml_list

    path = cues_path()
    try:
        rows = read_yaml_list(path, "cues")
    except ValueError as exc:
        raise CueError(f"the dimension cues: {exc}") from exc
    out: dict[str, DimensionCue] = {}
    for row in rows:
        if not isinstance(row, dict) or set(row) != {"dimension", "zh", "en", "pattern"}:
            raise CueError(f"{path}: each cue needs exactly dimension, zh, en and pattern")
        name = row["dimension"]
        if name not in DIMENSIONS or name in out:
            raise CueError(f"{path}: unknown or repeated dimension {name!r}")
        try:
            pattern = re.compile(str(row["pattern"]))
        except re.error as exc:
            raise CueError(f"{path} ({name}): bad pattern: {exc}") from exc
        out[name] = DimensionCue(name, str(row["zh"]), str(row["en"]), pattern)
    missing = set(DIMENSIONS) - set(out)
    if missing:
        raise CueError(f"{path}: no cue for {', '.join(sorted(missing))}")
    return out


SUBSTANCE_KEYS = (
    "plan", "negation", "claim", "advice", "actor", "frequency", "instrument", "action", "deployment", "change",
    "review", "integration", "figure", "measure", "span", "reference", "comparator", "key_results",
)  # fmt: skip


@lru_cache(maxsize=1)
def substance() -> dict[str, re.Pattern[str]]:
    """The substance rules' patterns (knowledge/dimensions.yaml `substance`), compiled and checked."""
    import yaml

    path = cues_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CueError(f"the dimension cues: {path}: {exc}") from exc
    rows = data.get("substance") if isinstance(data, dict) else None
    if not isinstance(rows, dict) or set(rows) != set(SUBSTANCE_KEYS):
        raise CueError(f"{path}: 'substance' needs exactly {', '.join(SUBSTANCE_KEYS)}")
    out = {}
    for key in SUBSTANCE_KEYS:
        try:
            out[key] = re.compile(str(rows[key]))
        except re.error as exc:
            raise CueError(f"{path} (substance.{key}): bad pattern: {exc}") from exc
    return out


@dataclass(frozen=True)
class Found:
    """The dimensions a piece of evidence shows, each with the words that showed it.

    Iterating gives the dimension names, so `"approach" in found` and `set(found)`
    read like a set of names.
    """

    quotes: tuple[tuple[str, str], ...] = ()

    def __iter__(self) -> Iterator[str]:
        return iter(name for name, _ in self.quotes)

    def __contains__(self, name: object) -> bool:
        return any(name == n for n, _ in self.quotes)

    def __len__(self) -> int:
        return len(self.quotes)

    def quote(self, name: str) -> str:
        return next((q for n, q in self.quotes if n == name), "")

    @classmethod
    def of(cls, quotes: dict[str, str]) -> Found:
        return cls(tuple((n, quotes[n]) for n in DIMENSIONS if n in quotes))


_CLAUSE = re.compile(r"[。；;！？!?\n]+|[,，、](?=\s*(?:但|但是|不过|可是|只是|就是|其实|目前|暂时|还|but|though|however))")
_SUBCLAUSE = re.compile(r"[,，]")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_DELTA = re.compile(r"(?:提高|提升|增加|增长|上升|下降|降低|减少|缩短|高出|低了|多了|少了|by|up|down)了?\s*\d+(?:\.\d+)?\s*(?:%|个百分点|百分点|分|pp|points?)?")
_ROUGH = re.compile(r"\s*(?:多|左右|几|来)")
_UNIT = re.compile(r"[\d.\s]+")
_DECIMAL = re.compile(r"(?<![\d.])\d+\.\d+(?![\d.]|\s*(?:%|％|分|万|亿|元|个|天|小时|倍))")
_NOT_A_UNIT = re.compile(r"(?<!安)全部|内部|外部|局部|部分|为中心")
_LEAD = re.compile(r"^.*[由并和在对从经向给让请是的了及与按]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
# "分别为48、56、62学时": an enumerated series of one measure
_SERIES = re.compile(r"(?:分别为|分别是|依次为|分别达到?|were|of)\s*((?:\d+(?:\.\d+)?\s*[%％]?\s*(?:、|,|，|和|及|and)\s*)+\d+(?:\.\d+)?)")
_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def _kept_clauses(text: str) -> list[str]:
    """The clauses that can lend substance: plans, negations and bare claims are dropped.

    A sentence is cut at its full stops, then at commas; a comma-clause that is only a
    plan ("计划明年建立细分方法"), a negation ("还没有做过汇总分析") or a claim
    ("我们有制度,各部门都执行") lends nothing, while its neighbours still count.
    """
    rules = substance()
    out = []
    for sentence in _CLAUSE.split(text):
        clauses = _SUBCLAUSE.split(sentence)
        if rules["plan"].search(clauses[0]) or rules["advice"].search(sentence):
            # a plan or advice heads its sentence: "力争到2025年收入突破10亿元,利润率达到8%"
            continue
        for clause in clauses:
            clause = clause.strip()
            if not clause:
                continue
            if rules["plan"].search(clause) or rules["negation"].search(clause):
                continue
            if rules["claim"].search(clause):
                # a claim lends nothing unless the clause also says who, when or with what
                rest = rules["claim"].sub("", clause)
                if not any(rules[k].search(rest) for k in ("actor", "frequency", "instrument")):
                    continue
            out.append(clause)
    return out


def _first(pattern: re.Pattern[str], text: str) -> str:
    m = pattern.search(text)
    return m.group(0).strip() if m else ""


def _process(body: str) -> dict[str, str]:
    rules = substance()
    found: dict[str, str] = {}
    parts = {k: _first(rules[k], body) for k in ("frequency", "instrument", "action")}
    # 全部, 内部 … end in 部 but name no department; "项目由质量管理办公室" quotes as 质量管理办公室
    parts["actor"] = _LEAD.sub("", _first(rules["actor"], _NOT_A_UNIT.sub("，", body)))
    who_or_what = [parts[k] for k in ("actor", "instrument") if parts[k]]
    # a method says who does it or with what; with an action, or with how often, or both
    if who_or_what and (parts["action"] or parts["frequency"] or len(who_or_what) == 2):
        found["approach"] = " / ".join(q for q in (parts["actor"], parts["action"], parts["frequency"], parts["instrument"]) if q)
    deployed = _first(rules["deployment"], body)
    if deployed:
        found["deployment"] = deployed
    for clause_text in (body,):
        change = _first(rules["change"], clause_text)
        review = _first(rules["review"], clause_text)
        if change and review:
            found["learning"] = f"{review} → {change}"
    linked = _first(rules["integration"], body)
    if linked:
        found["integration"] = linked
    return found


def _results(body: str) -> dict[str, str]:
    rules = substance()
    found: dict[str, str] = {}
    figures = [m.group(0).strip() for m in rules["figure"].finditer(body)]
    measure = _first(rules["measure"], body)
    if figures and measure:
        found["level"] = f"{measure} {figures[0]}"
    elif measure:
        # a figure whose unit sits in the measure's name: "PPM为28", "能耗(吨标准煤/万元)2021年0.182"
        for m in rules["measure"].finditer(body):
            value = _NUMBER.search(_YEAR.sub(" ", body[m.end() : m.end() + 20]))
            if value and not _ROUGH.match(body[m.end() :], value.end()):  # "达到90多了" is no figure
                found["level"] = f"{m.group(0)} {value.group(0)}"
                break
    # the values of a series: figures with a unit, or decimals, that are not years and not
    # a change ("提高了2.8分"); a hotline number or a count without a unit is no period's value
    # one measure's series: the most figures sharing a unit, plus bare decimals and enumerations
    series = _DELTA.sub(" ", body)
    units: Counter[str] = Counter(_UNIT.sub("", m.group(0)) for m in rules["figure"].finditer(series))
    bare = _DECIMAL.findall(_YEAR.sub(" ", rules["figure"].sub(" ", series)))
    listed = [n for m in _SERIES.finditer(series) for n in _NUMBER.findall(m.group(1))]
    values = ["x"] * max(max(units.values(), default=0) + len(bare), len(listed))
    span = rules["span"].search(body)
    long_span = False
    if span:
        years = [g for g in span.groups() if g]
        if len(years) == 2 and years[0].isdigit() and years[1].isdigit():
            long_span = int(years[1]) - int(years[0]) >= 2
        else:
            long_span = True
    if found.get("level") and (len(values) >= 3 or (long_span and len(values) >= 2)):
        found["trend"] = span.group(0) if span else "、".join(values[:3])
    reference = _first(rules["reference"], body)
    if reference and rules["comparator"].search(body) and (figures or values):
        found["comparison"] = reference
    key = _first(rules["key_results"], body)
    if key and found.get("level"):
        found["integration"] = key
    return found


@lru_cache(maxsize=4096)  # evidence is re-read on refreshes; its text rarely changes
def dimensions(text: str, kind: str = "process") -> Found:
    """The scoring dimensions a piece of evidence shows for a process or a results clause.

    Process: 方法 (a concrete method: an action with who, when or with what), 展开
    (where, stated specifically), 学习 (the method changed after a review or finding),
    整合 (linked to strategy or other processes). Results: 水平 (a figure with a unit
    for a named measure), 趋势 (three or more periods), 对比 (a named reference
    compared), 整合 (key or segmented measures). Plans, negations and bare claims
    lend nothing (see `_kept_clauses`).
    """
    lowered = _THOUSANDS.sub("", text.lower())  # "1,400多家" is one number, not two clauses
    body = "，".join(_kept_clauses(lowered))
    if not body:
        return Found()
    return Found.of(_results(body) if kind == "results" else _process(body))


def results_cue(text: str) -> float:
    """How much a statement reads as results (figures, trends, comparisons rather than approach): 0–1."""
    lowered = text.lower()
    found = cues()
    figures = len(found["level"].pattern.findall(lowered))
    trends = len(found["trend"].pattern.findall(lowered)) + len(found["comparison"].pattern.findall(lowered))
    how = len(found["approach"].pattern.findall(lowered))
    evidence = min(figures, 4) * 0.8 + min(trends, 4) * 0.6 - min(how, 4) * 0.4
    return 1.0 / (1.0 + math.exp(-(evidence - 1.5)))
