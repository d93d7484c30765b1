"""Measure tables of results clauses (4.7): parsing them, what they show, and finding them in answers.

A results clause is judged on its figures: a level, a trend over at least three
periods, and comparisons with others (水平-趋势-对比). A measure table holds
those figures for one measure of one clause: its name, its unit, a value per
period (2021, 2023H1, 2023Q2, 2023年 …) and a value per comparison (行业平均,
标杆, 主要竞争对手 …).

Three pure functions work on them:

- `parse_data` reads the `/data` arguments (`4.7.3.1 顾客满意度 % 2021=88.2
  2022=90.1 行业平均=86`), accepting full-width digits and a unit after a value,
  and refuses a bad token with one line that names it;
- `table_dimensions` says which results dimensions a clause's tables show, each
  with a short quote;
- `offer_from_text` finds figures in a free-text answer and proposes them as
  tables, each rendered as a ready `/data` line for the user to check and send.

The report formats lay the same tables out with assistant.measure_layout
(columns, rows, a sentence for the trend and for the comparisons).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol, TypeVar

from assistant.i18n import pick
from assistant.textnorm import clean
from knowledge.errors import UserError

#: Longest measure name, unit and label kept; longer ones are refused as typing slips.
MAX_NAME = 60
MAX_UNIT = 12
MAX_LABEL = 30
#: The largest magnitude a value may have: beyond it no figure is a real measure, and the
#: span of two such values overflows a chart's axis.
MAX_ABS = 1e15
#: A table holds at most this many values (periods and comparisons together).
MAX_VALUES = 40
#: At most this many tables are proposed from one answer.
MAX_OFFERS = 3
#: The fewest periods of one measure that make a trend.
TREND_PERIODS = 3

EXAMPLE = "/data 4.7.3.1 顾客满意度 % 2021=88.2 2022=90.1 2023=92.4 行业平均=86"


class MeasureError(UserError, ValueError):
    """A `/data` line (or a measure dialog's fields) that cannot be read; the message names the bad token."""


class MeasureLike(Protocol):
    """What `table_dimensions` reads: a measure, its unit, its periods and its comparisons."""

    @property
    def measure(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def periods(self) -> tuple[tuple[str, float], ...]: ...
    @property
    def comparisons(self) -> tuple[tuple[str, float], ...]: ...


@dataclass(frozen=True)
class Measure:
    """One measure of a results clause: (period, value) in time order and (comparison, value) as given."""

    measure: str
    unit: str
    periods: tuple[tuple[str, float], ...]
    comparisons: tuple[tuple[str, float], ...] = ()

    def args(self) -> str:
        """The measure as `/data` arguments after the clause id (reads back to the same measure)."""
        head = [_quote(self.measure)] + ([_quote(self.unit)] if self.unit else [])
        return " ".join([*head, self.values_text()])

    def values_text(self) -> str:
        """The LABEL=VALUE pairs, periods first: 2021=88.2 2022=90.1 行业平均=86."""
        return " ".join(f"{_quote(label)}={number(value)}" for label, value in (*self.periods, *self.comparisons))

    def to_json(self) -> dict[str, Any]:
        return {"measure": self.measure, "unit": self.unit, "periods": [list(p) for p in self.periods],
                "comparisons": [list(c) for c in self.comparisons]}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Measure:
        """Read back what `to_json` wrote (an undo step's payload)."""
        return cls(
            str(data["measure"]), str(data["unit"]),
            tuple((str(label), float(v)) for label, v in data["periods"]),
            tuple((str(label), float(v)) for label, v in data["comparisons"]),
        )  # fmt: skip


@dataclass(frozen=True)
class DataLine:
    """A parsed `/data ID MEASURE UNIT LABEL=VALUE …` line."""

    leaf_id: str
    measure: Measure


@dataclass(frozen=True)
class ProposedMeasure:
    """A table found in a free-text answer, for the user to check and save with `/data`."""

    measure: Measure
    #: the periods were not stated (近三年 … 分别为 …): their years are a guess the user should check
    assumed_periods: bool = False

    def line(self, leaf_id: str) -> str:
        """A ready `/data` line for the clause."""
        return f"/data {leaf_id} {self.measure.args()}"


# --- periods and numbers ---------------------------------------------------------------------------

# A period label: a year (2023, FY2023, 2023年, 2023年度, 2023学年), optionally a half (2023H1,
# 2023年上半年), a quarter (2023Q2, 2023-Q2, 2023年第二季度) or a month (2023-06, 2023年6月).
_PERIOD = re.compile(
    r"^(?:FY)?(?P<year>(?:19|20)\d\d)\s*(?:年度|学年|年)?\s*"
    r"(?:[-/.]?\s*(?:H(?P<half>[12])|Q(?P<quarter>[1-4])|(?P<month>0?[1-9]|1[0-2])月?)"
    r"|(?P<zhhalf>[上下])半年|第?(?P<zhq>[一二三四1-4])季度?)?$",
    re.IGNORECASE,
)
_ZH_DIGIT = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_VALUE = re.compile(rf"^(?P<number>{_NUMBER})\s*(?P<unit>.*)$")


def period_key(label: str) -> tuple[int, int] | None:
    """Where a label sits in time as (year, first month; 0 for a whole year), or None when it is no period."""
    m = _PERIOD.match(unicodedata.normalize("NFKC", label).strip())
    if m is None:
        return None
    year = int(m["year"])
    if m["half"] or m["zhhalf"]:
        first = 1 if (m["half"] == "1" or m["zhhalf"] == "上") else 7
    elif m["quarter"] or m["zhq"]:
        quarter = int(m["quarter"]) if m["quarter"] else _ZH_DIGIT.get(m["zhq"], 0) or int(m["zhq"])
        first = 3 * (quarter - 1) + 1
    elif m["month"]:
        first = int(m["month"])
    else:
        first = 0
    return year, first


def is_period(label: str) -> bool:
    """A label that names a period (a year, a half, a quarter, a month) rather than a comparison."""
    return period_key(label) is not None


def number(value: float) -> str:
    """A value as people write it: 86, 88.2, 1234567.5 (no exponent, no trailing zeros)."""
    if not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = f"{value:.10g}"
    return text if "e" not in text else f"{value:.10f}".rstrip("0").rstrip(".")


#: Units written straight after the number in either language (88.2%, 3‰).
_TIGHT_UNITS = ("%", "％", "‰", "°", "℃")


def with_unit(value: float, unit: str, lang: str = "zh") -> str:
    """A value with its unit: 88.2%, 90分 (Chinese units follow the number), 90 points."""
    if not unit:
        return number(value)
    tight = unit in _TIGHT_UNITS or (lang == "zh" and re.match(r"[\u4e00-\u9fff]", unit) is not None)
    return f"{number(value)}{'' if tight else ' '}{unit}"


def measure_title(m: MeasureLike, lang: str = "zh") -> str:
    """The measure's name with its unit: 顾客满意度(%) · customer satisfaction (%)."""
    if not m.unit:
        return m.measure
    return pick(lang, f"{m.measure}({m.unit})", f"{m.measure} ({m.unit})")


_M = TypeVar("_M", bound=MeasureLike)


def finite(m: _M) -> _M:
    """The measure without values that are not finite numbers (NaN, ±inf), which no chart or total can use."""
    periods = tuple((label, v) for label, v in m.periods if math.isfinite(v))
    comparisons = tuple((label, v) for label, v in m.comparisons if math.isfinite(v))
    if len(periods) == len(m.periods) and len(comparisons) == len(m.comparisons):
        return m
    return replace(m, periods=periods, comparisons=comparisons)  # type: ignore[type-var]


def _quote(text: str) -> str:
    return f'"{text}"' if any(ch.isspace() for ch in text) or not text or "=" in text else text


# --- parsing the /data arguments ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    text: str
    eq: int | None  # where the first "=" outside quotes is, None when there is none
    raw: str  # as typed, for error messages


_QUOTES = {'"': '"', "“": "”", "＂": "＂", "「": "」"}
_SEPARATORS = "，；、"


def _tokens(text: str, lang: str) -> list[_Token]:
    """Split on whitespace (and full-width ，；、) outside quotes; quotes are dropped."""
    out: list[_Token] = []
    buf: list[str] = []
    raw: list[str] = []
    eq: int | None = None
    closing: str | None = None
    started = False

    def flush() -> None:
        nonlocal buf, raw, eq, started
        if started:
            out.append(_Token("".join(buf), eq, "".join(raw)))
        buf, raw, eq, started = [], [], None, False

    for ch in text:
        if closing is not None:
            raw.append(ch)
            if ch == closing:
                closing = None
            else:
                buf.append(ch)
        elif ch in _QUOTES:
            raw.append(ch)
            closing, started = _QUOTES[ch], True
        elif ch.isspace() or ch in _SEPARATORS:
            flush()
        else:
            if ch in "=＝" and eq is None:
                eq = len(buf)
            buf.append(ch)
            raw.append(ch)
            started = True
    if closing is not None:
        raise MeasureError(
            pick(lang, f"引号没有配对:{''.join(raw)}", f"unclosed quote in {''.join(raw)!r}")
        )
    flush()
    return out


def usage(lang: str) -> str:
    return pick(
        lang,
        f"用法:/data 条款号 指标 单位 期间=数值 … 对比名称=数值 …,例如 {EXAMPLE}",
        f"usage: /data ID MEASURE UNIT PERIOD=VALUE … NAME=VALUE …, e.g. {EXAMPLE}",
    )


def parse_data(text: str, lang: str = "zh") -> DataLine:
    """Read `ID MEASURE UNIT LABEL=VALUE …` (the arguments of /data)."""
    leaf_id, _, rest = clean(text).strip().partition(" ")
    leaf_id = unicodedata.normalize("NFKC", leaf_id).strip()
    if not leaf_id or not rest.strip():
        raise MeasureError(usage(lang))
    return DataLine(leaf_id, parse_measure(rest, lang))


def parse_measure(text: str, lang: str = "zh") -> Measure:
    """Read `MEASURE UNIT LABEL=VALUE …`; a name or unit with spaces goes in quotes."""
    tokens = _tokens(clean(text).strip(), lang)
    head = []
    for token in tokens:
        if token.eq is not None:
            break
        head.append(token)
    pairs = tokens[len(head) :]
    if not head:
        raise MeasureError(
            pick(lang, "先写指标名称,再写 期间=数值。", "name the measure first, then PERIOD=VALUE.") + " " + usage(lang)
        )
    if len(head) > 2:
        names = " ".join(t.raw for t in head)
        raise MeasureError(
            pick(lang, f"“{names}”:指标名称和单位之后应是 期间=数值;名称含空格时请加引号,如 \"customer satisfaction\" % 2023=88",
                 f"{names!r}: after the measure and its unit come PERIOD=VALUE pairs; quote a name with spaces, "
                 f"e.g. \"customer satisfaction\" % 2023=88")
        )  # fmt: skip
    unit = head[1].text if len(head) == 2 else ""
    return build_measure(head[0].text, unit, pairs, lang)


def parse_fields(name: str, unit: str, values: str, lang: str = "zh") -> Measure:
    """A measure from separate fields (the TUI's dialog): its name, its unit and the LABEL=VALUE pairs."""
    tokens = _tokens(clean(values).strip(), lang)
    for token in tokens:
        if token.eq is None:
            raise MeasureError(_not_a_pair(token.raw, lang))
    return build_measure(clean(name).strip(), clean(unit).strip(), tokens, lang)


def _not_a_pair(raw: str, lang: str) -> str:
    return pick(lang, f"“{raw}”不是 期间=数值 或 对比名称=数值 的形式(如 2023=92.4、行业平均=86)",
                f"{raw!r} is not PERIOD=VALUE or NAME=VALUE (e.g. 2023=92.4, industry=86)")  # fmt: skip


def build_measure(name: str, unit: str, pairs: Sequence[_Token], lang: str) -> Measure:
    name, unit = name.strip(), unit.strip()
    if not name or name == "-":
        raise MeasureError(pick(lang, "请写出指标名称。", "name the measure.") + " " + usage(lang))
    if len(name) > MAX_NAME:
        raise MeasureError(pick(lang, f"指标名称太长(最多 {MAX_NAME} 个字):{name[:20]}…",
                                f"the measure name is longer than {MAX_NAME} characters: {name[:20]}…"))  # fmt: skip
    if len(unit) > MAX_UNIT or _VALUE.match(unicodedata.normalize("NFKC", unit)):
        raise MeasureError(pick(lang, f"“{unit}”不像单位(单位如 %、分、万元、天);数值请写成 期间=数值",
                                f"{unit!r} does not look like a unit (%, points, days …); write values as PERIOD=VALUE"))  # fmt: skip
    if not pairs:
        raise MeasureError(pick(lang, "至少给一个期间的数值,如 2023=92.4。", "give at least one period value, e.g. 2023=92.4.")
                           + " " + usage(lang))  # fmt: skip
    if len(pairs) > MAX_VALUES:
        raise MeasureError(pick(lang, f"一个指标最多 {MAX_VALUES} 个数值", f"at most {MAX_VALUES} values per measure"))
    periods: list[tuple[tuple[int, int], str, float]] = []
    comparisons: list[tuple[str, float]] = []
    seen: dict[object, str] = {}
    value_unit = ""
    for token in pairs:
        if token.eq is None:
            raise MeasureError(_not_a_pair(token.raw, lang))
        label = unicodedata.normalize("NFKC", token.text[: token.eq]).strip()
        raw_value = unicodedata.normalize("NFKC", token.text[token.eq + 1 :]).strip()
        if not label:
            raise MeasureError(pick(lang, f"“{token.raw}”缺少期间或对比名称(等号前)",
                                    f"{token.raw!r} has no period or name before '='"))  # fmt: skip
        if len(label) > MAX_LABEL:
            raise MeasureError(pick(lang, f"“{label[:20]}…”太长,期间或对比名称最多 {MAX_LABEL} 个字",
                                    f"{label[:20]!r}… is longer than {MAX_LABEL} characters"))  # fmt: skip
        m = _VALUE.match(raw_value)
        if m is None or (m["unit"] and not _unit_like(m["unit"])):
            raise MeasureError(pick(lang, f"“{token.raw}”:“{raw_value}”不是数值", f"{token.raw!r}: {raw_value!r} is not a number"))
        given = m["unit"].strip()
        if given:
            expected = unicodedata.normalize("NFKC", unit or value_unit)
            if expected and given != expected:
                raise MeasureError(pick(lang, f"“{token.raw}”的单位“{given}”与指标单位“{unit or value_unit}”不一致",
                                        f"{token.raw!r}: unit {given!r} differs from the measure's unit {unit or value_unit!r}"))  # fmt: skip
            value_unit = value_unit or given
        value = float(m["number"].replace(",", ""))
        if not abs(value) <= MAX_ABS:
            shown = token.raw if len(token.raw) <= 24 else token.raw[:24] + "…"
            raise MeasureError(pick(lang, f"“{shown}”:数值太大", f"{shown!r}: the number is too large"))
        key = period_key(label)
        identity: object = key if key is not None else label.casefold()
        if identity in seen:
            raise MeasureError(pick(lang, f"“{label}”出现了两次(已有 {seen[identity]})", f"{label!r} is given twice (also {seen[identity]!r})"))
        seen[identity] = label
        if key is not None:
            periods.append((key, label, value))
        else:
            comparisons.append((label, value))
    if not periods:
        raise MeasureError(pick(lang, "至少给一个期间的数值(如 2023=92.4);只有对比值无法说明本单位的水平",
                                "give at least one period value (e.g. 2023=92.4); comparisons alone show no level of your own"))  # fmt: skip
    periods.sort(key=lambda p: p[0])
    return Measure(
        name, unit or value_unit, tuple((label, value) for _, label, value in periods), tuple(comparisons)
    )


def _unit_like(text: str) -> bool:
    text = text.strip()
    return bool(text) and not text[0].isdigit() and text[0] not in ".,+-=" and len(text) <= MAX_UNIT


def deletion(text: str, lang: str = "zh") -> str | None:
    """The measure named by `MEASURE -` (delete it), else None."""
    tokens = _tokens(clean(text).strip(), lang)
    if len(tokens) == 2 and tokens[1].raw in ("-", "－", "—") and tokens[0].text:
        return tokens[0].text
    return None


# --- what a clause's tables show ------------------------------------------------------------------


def table_dimensions(tables: Iterable[MeasureLike], lang: str = "zh") -> dict[str, str]:
    """Which results dimensions the tables evidence, each with a short quote.

    level: any value of our own; trend: at least three periods of one measure;
    comparison: any comparison value. A dimension the tables do not show is absent.
    """
    out: dict[str, str] = {}
    for t in tables:
        if not t.periods:
            continue
        last_label, last_value = t.periods[-1]
        own = f"{t.measure} {last_label}: {with_unit(last_value, t.unit, lang)}"
        out.setdefault("level", own)
        if len(t.periods) >= TREND_PERIODS and "trend" not in out:
            first_label, first_value = t.periods[0]
            out["trend"] = (
                f"{t.measure} {first_label}–{last_label}: "
                f"{number(first_value)}→{with_unit(last_value, t.unit, lang)}"
            )
        if t.comparisons and "comparison" not in out:
            name, value = t.comparisons[0]
            other = f"{name} {with_unit(value, t.unit, lang)}"
            out["comparison"] = pick(lang, f"{own},{other}", f"{own} vs {other}")
    return {d: out[d] for d in ("level", "trend", "comparison") if d in out}


def measure_text(m: MeasureLike, lang: str = "zh") -> str:
    """One line for a table: 顾客满意度 (%): 2021 88.2 · 2022 90.1 · 2023 92.4 | 行业平均 86."""
    unit = f" ({m.unit})" if m.unit else ""
    periods = " · ".join(f"{label} {number(v)}" for label, v in m.periods)
    others = " · ".join(f"{label} {number(v)}" for label, v in m.comparisons)
    return f"{m.measure}{unit}: {periods}" + (pick(lang, f" | 对比:{others}", f" | compared: {others}") if others else "")


# --- cells of report tables (the layout itself is assistant.measure_layout) -------------------------


def periods_text(m: MeasureLike) -> str:
    """The periods as one cell of a report table: 2021: 88.2; 2022: 90.1."""
    return "; ".join(f"{label}: {number(v)}" for label, v in m.periods)


def comparisons_text(m: MeasureLike) -> str:
    return "; ".join(f"{label}: {number(v)}" for label, v in m.comparisons)


# --- figures in a free-text answer -----------------------------------------------------------------

_YEAR = r"(?:19|20)\d\d"
_ZH_UNIT = r"(?:个百分点|%|‰|万人次|人次|万元|亿元|千元|元|万吨|吨|千瓦时|kWh|ppm|分钟|小时|天|次|件|项|家|个|台|户|人|倍|起|例|分)"
_ZH_NUM = rf"\d+(?:\.\d+)?{_ZH_UNIT}?"
_EN_UNIT = r"(?:%|percent|per cent|points?|pts|ppm|days?|hours?)"
_PUNCT = r"[,;。!?\n;:]"

# 近三年顾客满意度分别为86.2、88.5、91.3分 · 2021—2023年满意度分别为82分、86分、89分
_ZH_SERIES = re.compile(
    rf"(?P<head>[^,;。!?\n;:]{{0,50}}?)(?:分别为|分别是|分别达到|分别达|依次为|依次是)\s*"
    rf"(?P<values>{_ZH_NUM}(?:\s*[、,和及与]\s*{_ZH_NUM}){{1,11}})"
)
# 满意度由2020年的82.1分提升至2023年的88.6分 · 从4.7涨到4.9
_ZH_FROM_TO = re.compile(
    rf"(?P<head>[^,;。!?\n;:]{{0,50}}?)(?:由|从)\s*(?:(?P<y1>{_YEAR})\s*年?(?:度|的)?\s*)?(?P<v1>\d+(?:\.\d+)?)(?P<u1>{_ZH_UNIT})?"
    rf"[^,;。!?\n;:\d]{{0,8}}?(?:至|到)\s*(?:(?P<y2>{_YEAR})\s*年?(?:度|的)?\s*)?(?P<v2>\d+(?:\.\d+)?)(?P<u2>{_ZH_UNIT})?"
)
# 2023年顾客满意度为92.4%
_ZH_SINGLE = re.compile(
    rf"(?P<y>{_YEAR})\s*年(?:度)?(?:的)?(?P<head>[^,;。!?\n;:\d]{{2,24}}?)(?:为|是|达到|达|约为|约)\s*(?P<v>\d+(?:\.\d+)?)(?P<u>{_ZH_UNIT})?"
)
_ZH_REFERENCE = (
    r"(?:平均水平|平均值|平均数|平均|均值|水平值|标杆值|标杆|先进值|最好水平|最佳水平|竞争对手|对手|目标值|目标|中位数)"
)
# 高于行业平均85分 · 同期行业均值为83.4分 · 主要竞争对手为85.2分
_ZH_COMPARISON = re.compile(
    rf"(?P<name>[\u4e00-\u9fffA-Za-z]{{0,12}}?{_ZH_REFERENCE})(?:的|为|是|约为|约|达到|达|仅|只有)?\s*"
    rf"(?P<v>\d+(?:\.\d+)?)(?P<u>{_ZH_UNIT})?"
)
_ZH_NAME_PREFIX = re.compile(
    r"^(?:其中|同期|同时|而|但|并且|并|且|均|都|分别|明显|显著|远|高于|低于|优于|好于|超过|领先于?|对比|相比|比|较|与|和|于|"
    r"公司|本公司|我公司|我司|我们|本院|我院|本校|我校|本单位|我单位|本行|我行|本厂|我厂|集团|"
    r"连续|近[\d一二两三四五六七八九十]+年|过去[\d一二两三四五六七八九十]+年|[\d一二两三四五六七八九十]+年来|"
    r"今年|去年|前年|本年度|上年度|年度|学年|年|的|各|整体|总体上)+"
)
_ZH_NAME_SUFFIX = re.compile(r"(?:的|均|都|也|已|一直|持续|逐年|稳步|大幅|明显|分别|由|从|在|指标|数据)+$")
_ZH_RANGE = re.compile(rf"(?P<a>{_YEAR})\s*年?\s*(?:[-—–~～至到]+|—+)\s*(?P<b>{_YEAR})\s*(?:年度|学年|年)?")
_ZH_YEAR = re.compile(rf"(?P<y>{_YEAR})\s*(?:年度|学年|年)?")
_ZH_RECENT = re.compile(r"(?:近|过去|最近)(?P<n>[\d一二两三四五六七八九十]+)\s*(?:个)?年(?:度)?|(?P<m>[\d一二两三四五六七八九十]+)年来")

_EN_PAIR = re.compile(rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>{_EN_UNIT})?\s+in\s+(?:FY\s?)?(?P<y>{_YEAR})\b", re.IGNORECASE)
_EN_LAST_YEAR = re.compile(rf"\bto\s+(?P<v>\d+(?:\.\d+)?)\s*(?P<u>{_EN_UNIT})?\s+(?:last|this)\s+year\b", re.IGNORECASE)
_EN_LIST = re.compile(
    rf"(?P<values>\d+(?:\.\d+)?\s*{_EN_UNIT}?(?:\s*(?:,|,?\s*and)\s*\d+(?:\.\d+)?\s*{_EN_UNIT}?){{1,11}})\s+"
    rf"(?:in|for)\s+(?P<years>{_YEAR}(?:\s*(?:,|,?\s*and)\s*{_YEAR}){{1,11}})",
    re.IGNORECASE,
)
_EN_REF_NAME = (
    r"(?:(?:industry|sector|national|regional|provincial|market|peer|category|segment)\s+(?:average|mean|median|norm|benchmark)"
    r"|(?:main|best|nearest|closest|leading|top|strongest)\s+(?:competitor|rival)(?:'s)?"
    r"|(?:competitor|rival)(?:'s)?|benchmark|target)"
)
_EN_COMPARISON = re.compile(
    rf"(?P<name>{_EN_REF_NAME})(?:\s+(?:score|rate|level|figure|value))?\s*(?:of|at|was|is|stood at|:)?\s*"
    rf"(?:around|about|roughly|some|approximately)?\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<u>{_EN_UNIT})?",
    re.IGNORECASE,
)
_EN_FOR_COMPARISON = re.compile(
    rf"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>{_EN_UNIT})?\s+for\s+(?:our|the|its|their)?\s*"
    rf"(?P<name>(?:main|best|nearest|closest|leading|top)?\s*(?:competitor|rival)s?|industry|peers?|sector)",
    re.IGNORECASE,
)
_EN_VERB = re.compile(
    r"\b(?:rose|fell|grew|climbed|improved|increased|decreased|declined|dropped|moved|went|was|were|stood|reached|"
    r"has|have|had|from|is|are|improving|rising|falling)\b",
    re.IGNORECASE,
)
_EN_DETERMINER = re.compile(r"^(?:(?:our|the|a|an|its|their|we|and|but|so|while|also)\s+)+", re.IGNORECASE)


#: How far before its figures a measure's name is looked for (and after them, "… last year").
_NAME_WINDOW = 120


@dataclass
class _Found:
    name: str
    unit: str
    periods: dict[str, float] = field(default_factory=dict)
    comparisons: dict[str, float] = field(default_factory=dict)
    assumed: bool = False
    end: int = 0  # where its figures end in the text (comparisons after it attach to it)


def offer_from_text(text: str, *, latest_year: int | None = None, fallback: str = "") -> list[ProposedMeasure]:
    """Figures found in an answer, proposed as measure tables (at most MAX_OFFERS).

    Periods that are named (2021—2023年, 由2020年的…至2023年的…, 84.5 in 2020) are
    kept; a series without years (近三年…分别为…) gets consecutive years ending at
    `latest_year` (by default the latest year the text names, else last year) and is
    flagged as assumed. Comparisons (高于行业平均85分, industry average of 86) go with
    the measure before them. `fallback` names a measure whose name cannot be read.
    """
    if not text.strip():
        return []
    norm = unicodedata.normalize("NFKC", clean(text))
    years_named = [int(y) for y in re.findall(rf"(?<!\d)({_YEAR})(?!\d)", norm)]
    if latest_year is None:
        import datetime  # the clock only when the caller gave no year

        latest_year = max(years_named, default=datetime.date.today().year - 1)
    default_name = fallback or ("指标" if re.search(r"[\u4e00-\u9fff]", norm) else "measure")
    found: list[_Found] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    def add(item: _Found, span: tuple[int, int]) -> None:
        taken.append(span)
        item.end = span[1]
        same = next((f for f in found if f.name == item.name and f.unit in ("", item.unit)), None)
        if same is not None:
            for label, value in item.periods.items():
                same.periods.setdefault(label, value)
            same.unit = same.unit or item.unit
            same.assumed = same.assumed or item.assumed
            same.end = max(same.end, item.end)
        else:
            found.append(item)

    for m in _ZH_SERIES.finditer(norm):
        values = [(float(v), u or "") for v, u in re.findall(rf"(\d+(?:\.\d+)?)({_ZH_UNIT})?", m["values"])]
        unit = next((u for _, u in values if u), "")
        if unit == "个百分点":
            continue
        labels, assumed = _series_labels(m["head"], len(values), latest_year)
        if labels is None:
            continue
        add(_Found(_zh_name(m["head"], default_name), unit, dict(zip(labels, (v for v, _ in values), strict=True)),
                   assumed=assumed), m.span())  # fmt: skip

    last_years: tuple[str, str] | None = None
    for m in _ZH_FROM_TO.finditer(norm):
        if not free(*m.span("v1")):
            continue
        unit = m["u2"] or m["u1"] or ""
        if unit == "个百分点" or (m["u1"] and m["u2"] and m["u1"] != m["u2"]):
            continue
        if m["y1"] and m["y2"] and m["y1"] != m["y2"]:
            years = (m["y1"], m["y2"])
            last_years = years
        elif last_years is not None and not (m["y1"] or m["y2"]):
            years = last_years  # 门诊…由2021年的89.5%提升至2023年的94.2%,住院…由93.0%提升至96.1%
        else:
            continue
        add(_Found(_zh_name(m["head"], default_name), unit, {years[0]: float(m["v1"]), years[1]: float(m["v2"])}), m.span())

    for m in _ZH_SINGLE.finditer(norm):
        if not free(*m.span()) or (m["u"] or "") == "个百分点":
            continue
        name = _zh_name(m["head"], "")
        if not name or re.search(_ZH_REFERENCE, name):
            continue
        add(_Found(name, m["u"] or "", {m["y"]: float(m["v"])}), m.span())

    for m in _EN_LIST.finditer(norm):
        values = [(float(v), u) for v, u in re.findall(rf"(\d+(?:\.\d+)?)\s*({_EN_UNIT})?", m["values"], re.IGNORECASE)]
        listed = re.findall(_YEAR, m["years"])
        if len(values) != len(listed) or not free(*m.span()):
            continue
        unit = _en_unit(next((u for _, u in values if u), ""))
        add(_Found(_en_name(norm, m.start(), default_name), unit, dict(zip(listed, (v for v, _ in values), strict=True))), m.span())

    pairs = [m for m in _EN_PAIR.finditer(norm) if free(*m.span())]
    for group in _sentence_groups(norm, pairs):
        first = group[0]
        unit = _en_unit(next((m["u"] for m in group if m["u"]), ""))
        periods = {m["y"]: float(m["v"]) for m in group}
        span = (first.start(), group[-1].end())
        assumed = False
        tail = _EN_LAST_YEAR.search(norm, span[1], min(_sentence_end(norm, span[1]), span[1] + _NAME_WINDOW))
        if tail and str(latest_year) not in periods:
            periods[str(latest_year)] = float(tail["v"])
            span, assumed = (span[0], tail.end()), True
        add(_Found(_en_name(norm, first.start(), default_name), unit, periods, assumed=assumed), span)

    if not found:
        return []
    found.sort(key=lambda f: f.end)
    for m in [*_ZH_COMPARISON.finditer(norm), *_EN_COMPARISON.finditer(norm), *_EN_FOR_COMPARISON.finditer(norm)]:
        if not free(*m.span("v")):
            continue
        owner = _owner(found, m.start(), norm)
        if owner is None:
            continue
        name = _comparison_name(m["name"])
        unit = _zh_or_en_unit(m["u"] or "")
        if not name or is_period(name) or (unit and owner.unit and unit != owner.unit) or unit == "个百分点":
            continue
        owner.comparisons.setdefault(name, float(m["v"]))
        taken.append(m.span("v"))

    out = []
    for f in found[:MAX_OFFERS]:
        ordered = sorted(f.periods.items(), key=lambda p: period_key(p[0]) or (0, 0))
        out.append(ProposedMeasure(Measure(f.name[:MAX_NAME], f.unit, tuple(ordered), tuple(f.comparisons.items())), f.assumed))
    return out


def _series_labels(head: str, count: int, latest_year: int) -> tuple[list[str] | None, bool]:
    """The period labels of a series of `count` values, from the words before it; (None, _) when they disagree."""
    rng = _ZH_RANGE.search(head)
    if rng is not None:
        a, b = int(rng["a"]), int(rng["b"])
        return ([str(y) for y in range(a, b + 1)] if b - a + 1 == count else None), False
    years = [m["y"] for m in _ZH_YEAR.finditer(head)]
    if len(years) == count:
        return years, False
    if len(years) == 1 and count == 4 and "季度" in head:
        return [f"{years[0]}Q{q}" for q in range(1, 5)], False
    if years:
        return None, False
    recent = _ZH_RECENT.search(head)
    if recent is not None:
        n = _count(recent["n"] or recent["m"])
        if n != count:
            return None, False
    return [str(latest_year - count + 1 + i) for i in range(count)], True


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if word == "十":
        return 10
    return _ZH_DIGIT.get(word, 0)


def _zh_name(head: str, default: str) -> str:
    """The measure a Chinese clause names: its words before the figures, without years and fillers."""
    text = _ZH_RANGE.sub(" ", head)
    text = _ZH_YEAR.sub(" ", text)
    text = _ZH_RECENT.sub(" ", text)
    part = re.split(r"\s+|[()()\[\]]", text.strip())
    name = next((p for p in reversed(part) if p), "")
    for _ in range(3):
        name = _ZH_NAME_SUFFIX.sub("", _ZH_NAME_PREFIX.sub("", name))
    name = name.strip(" -—、")
    return name if len(name) >= 2 and not name.isdigit() else default


def _en_name(text: str, at: int, default: str) -> str:
    """The measure an English sentence names before its first figure: the words before the verb."""
    start = max(max(text.rfind(ch, 0, at) for ch in ".;:!?\n") + 1, at - _NAME_WINDOW)
    before = text[start:at]
    verb = _EN_VERB.search(before)
    if verb is not None:
        before = before[: verb.start()]
    chunk = before.split(",")[-1] if before.split(",")[-1].strip() else before
    words = _EN_DETERMINER.sub("", chunk.strip()).split()
    if words and words[0].lower() in ("in", "by", "on", "for", "at", "to", "among", "across"):
        return default  # "In our overseas markets …": no name before the verb
    # "satisfaction in the annual survey": the measure ends where its qualifier starts
    cut = next((i for i, w in enumerate(words) if i and w.lower() in ("in", "on", "at", "among", "across", "for")), len(words))
    name = " ".join(words[:cut][:6]).strip(" -'\"")
    return name if len(name) >= 3 and re.search(r"[A-Za-z\u4e00-\u9fff]", name) else default


def _en_unit(unit: str) -> str:
    u = unit.lower().strip()
    if u in ("%", "percent", "per cent"):
        return "%"
    if u in ("point", "points", "pts"):
        return "points"
    if u in ("day", "days"):
        return "days"
    if u in ("hour", "hours"):
        return "hours"
    return u


def _zh_or_en_unit(unit: str) -> str:
    return _en_unit(unit) if re.fullmatch(_EN_UNIT, unit, re.IGNORECASE) and unit != "%" else unit


def _sentence_end(text: str, at: int) -> int:
    ends = [i for i in (text.find(ch, at) for ch in ".;!?\n") if i != -1]
    # a decimal point is not a sentence end
    ends = [i for i in ends if not (text[i] == "." and i + 1 < len(text) and text[i + 1].isdigit())]
    return min(ends, default=len(text))


def _sentence_groups(text: str, pairs: list[re.Match[str]]) -> list[list[re.Match[str]]]:
    """The year-value pairs of each sentence, together (one measure per sentence)."""
    groups: list[list[re.Match[str]]] = []
    for m in pairs:
        if groups and _sentence_end(text, groups[-1][-1].end()) >= m.start() and m["y"] not in {g["y"] for g in groups[-1]}:
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


_CLAUSE_END = re.compile(r"[。;;!?\n]|\.(?!\d)")


def _owner(found: list[_Found], at: int, text: str) -> _Found | None:
    """The measure a comparison at `at` goes with: the last one before it in the same sentence, else the next."""
    before = [f for f in found if f.end <= at and not _CLAUSE_END.search(text, f.end, at)]
    if before:
        return before[-1]
    # 高于行业平均85分的顾客满意度… : a comparison before its figures goes with the next measure in its sentence
    end = _sentence_end(text, at)
    after = [f for f in found if at < f.end <= end]
    return after[0] if after else None


def _comparison_name(name: str) -> str:
    name = name.strip()
    if re.search(r"[\u4e00-\u9fff]", name):
        # 区教育局公布的全区初中平均值 → 全区初中平均值: the reference itself, not who published it
        tail = name.rsplit("的", 1)[-1]
        name = tail if len(tail) >= 2 else name
        for _ in range(3):
            name = _ZH_NAME_PREFIX.sub("", name)
        return name.strip()
    name = re.sub(r"^(?:the|an?|our|its|their)\s+", "", name, flags=re.IGNORECASE)
    return re.sub(r"'s$", "", name).strip()
