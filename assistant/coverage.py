"""Coverage of each leaf by the evidence gathered, by explicit, documented rules.

An assessor reads evidence for a process leaf on 方法-展开-学习-整合 (approach,
deployment, learning, integration) and for a results leaf on 水平-趋势-对比
(level, trend, comparison). The cues below recognise those dimensions in what
the company said; the rules turn them into a status with a reason the user sees:

- process leaf: **covered** when the evidence states an approach and either its
  deployment or how it is evaluated and improved (learning); **partial** when
  there is matched evidence without that; **uncovered** when there is none.
- results leaf: **covered** when the evidence gives a level (a figure) and a
  trend or a comparison; **partial** otherwise; **uncovered** without evidence.
- **na**: the assessor marked the leaf not applicable, with a reason; it leaves
  the gap list and the roll-ups.

Roll-ups count covered as 1 and partial as 0.5 over the applicable leaves, and
weigh items by their points for the category and the total.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Status = Literal["uncovered", "partial", "covered", "na"]
STATUS_ORDER: dict[str, int] = {"uncovered": 0, "partial": 1, "covered": 2, "na": 3}
SYMBOL: dict[str, str] = {"uncovered": "○", "partial": "◐", "covered": "●", "na": "–"}

_CUES: dict[str, re.Pattern[str]] = {
    "approach": re.compile(
        r"建立|制定|采用|采取|通过|实施|推行|运用|利用|流程|制度|机制|程序|规范|办法|方法|体系|平台|系统|"
        r"定期|每[年季月周天日]|每个?[季月]度?|负责|牵头|组织|设立|成立|委托|开展|编制|规定|标准|模型|工具|"
        r"establish|procedure|process|policy|system|method|approach|we use|we run|we hold|each (?:year|quarter|month|week)|"
        r"every (?:year|quarter|month|week)|annual|quarterly|monthly|weekly|responsib|owner|framework|platform|standard"
    ),
    "deployment": re.compile(
        r"全部|所有|各部门|各单位|各分公司|各子公司|各事业部|各车间|各班组|各层级|各级|覆盖|推广|全员|全公司|全集团|"
        r"分子公司|下属|一线|基层|层层|逐级|分解到|落实到|延伸到|各区域|各门店|各网点|各产品线|全面|普及|"
        r"全国|各地|大区|各个|每个(?:部门|车间|门店|网点|分厂|工厂|科室|项目)|都按|都要|统一|所有的|"
        r"全体|各科室|各院区|各病区|各门店|各院系|都设有|均设有|均已|均按|均纳入|"
        r"\d+个[\u4e00-\u9fff]{0,4}(?:科室|部门|车间|门店|分公司|子公司|工厂|院区|网点|单位|班组|基地|事业部|区域|项目部)|"
        r"[两三四五六七八九十]个(?:工厂|院区|基地|厂区|园区|校区)|"
        r"both (?:plants|sites|campuses|hospitals)|every (?:ward|clinic|store|school|team)|"
        r"all (?:units|departments|sites|staff|employees|plants|branches|levels)|every (?:unit|department|site|plant|branch|level)|"
        r"across|company-wide|organisation-wide|organization-wide|rolled out|roll-out|cascad|coverage|deployed|throughout"
    ),
    "learning": re.compile(
        r"评价|评估|改进|优化|完善|修订|复盘|回顾|总结|对标|借鉴|学习|调整|升级|迭代|PDCA|持续改进|纠正|"
        r"检讨|分析原因|根本原因|效果验证|有效性|审核|评审|诊断|重新|改版|改成|改为|修改|更新|换成|"
        r"复核|改进了|新增了|增加了|增派|调整为|据此|"
        r"as a result|so we (?:added|changed|moved|raised|introduced|revised)|"
        r"review|evaluat|assess|improv|revis|refin|lesson|benchmark|updat|adjust|pdca|learn|audit|root cause|redesign"
    ),
    "integration": re.compile(
        r"战略|目标|年度计划|经营计划|绩效考核|KPI|平衡计分卡|衔接|联动|协同|结合|纳入|挂钩|对接|一体化|贯通|"
        r"strateg|objective|aligned|alignment|linked|integrat|balanced scorecard|kpi|business plan"
    ),
    "level": re.compile(
        r"\d+(?:\.\d+)?\s*(?:%|％|个百分点|分|万元|亿元|万|亿|元|倍|次|人次|小时|天|项|件|家|个|ppm|台|吨|户|人)"
        r"|\d+\.\d+|\d{2,}"
    ),
    "trend": re.compile(
        r"近[三四五六3-6两]年|连续|逐年|年均|同比|环比|从.{0,15}?\d.{0,15}?(?:提高|提升|增长|上升|下降|降低|减少|到|至)|"
        r"(?:20\d\d|[一二三四五]年).{0,30}(?:20\d\d|[一二三四五]年)|由\d|提高了|提升了|增长了|下降了|降低了|上升了|"
        r"over (?:the )?(?:last|past) (?:three|four|five|3|4|5) years|year[- ]on[- ]year|from \S+ (?:in \d{4} )?to|"
        r"increas|decreas|declin|rose|grew|fell|trend|since 20\d\d|20\d\d.{0,40}20\d\d"
    ),
    "comparison": re.compile(
        r"高于|低于|优于|好于|领先|超过|行业平均|行业均值|行业水平|同行|竞争对手|对手|标杆|对标|排名|排第|第一|前列|前三|"
        r"全国|全省|全市|国际先进|国内先进|"
        r"industry|competitor|benchmark|peer|above|below|ahead of|ranked|best[- ]in[- ]class|top quartile|national average"
    ),
}

PROCESS_DIMENSIONS = ("approach", "deployment", "learning", "integration")
RESULTS_DIMENSIONS = ("level", "trend", "comparison")


@lru_cache(maxsize=4096)  # evidence is re-read on every refresh; its text rarely changes
def dimensions(text: str) -> frozenset[str]:
    """The scoring dimensions a piece of evidence speaks to."""
    lowered = text.lower()
    return frozenset(name for name, cue in _CUES.items() if cue.search(lowered))


@dataclass(frozen=True)
class LeafCoverage:
    leaf_id: str
    status: Status
    reason_zh: str
    reason_en: str
    missing: tuple[str, ...] = ()

    def reason(self, lang: str) -> str:
        return self.reason_zh if lang == "zh" else self.reason_en


_DIM_ZH = {
    "approach": "方法",
    "deployment": "展开",
    "learning": "学习改进",
    "integration": "整合",
    "level": "水平",
    "trend": "趋势",
    "comparison": "对比",
}


def leaf_status(
    kind: str, evidence_dims: Sequence[frozenset[str]], na_reason: str | None = None
) -> LeafCoverage:
    """Status of one leaf from the dimensions of its evidence (pure; see module docstring)."""
    return _status("", kind, evidence_dims, na_reason)


def _status(
    leaf_id: str, kind: str, evidence_dims: Sequence[frozenset[str]], na_reason: str | None
) -> LeafCoverage:
    if na_reason is not None:
        return LeafCoverage(leaf_id, "na", f"不适用:{na_reason}", f"not applicable: {na_reason}")
    if not evidence_dims:
        return LeafCoverage(
            leaf_id, "uncovered", "未覆盖:还没有相关证据", "uncovered: no evidence yet",
            RESULTS_DIMENSIONS if kind == "results" else ("approach", "deployment", "learning"),
        )  # fmt: skip
    dims: set[str] = set().union(*evidence_dims)
    if kind == "results":
        trend_or_comp = bool(dims & {"trend", "comparison"})
        if "level" in dims and trend_or_comp:
            return LeafCoverage(
                leaf_id,
                "covered",
                "已覆盖:有水平数据及趋势或对比",
                "covered: a level with a trend or comparison",
            )
        missing = tuple(d for d in RESULTS_DIMENSIONS if d not in dims)
        if "level" not in dims:
            return LeafCoverage(
                leaf_id,
                "partial",
                "部分覆盖:没有给出具体数据(水平)",
                "partial: no figures given (level)",
                missing,
            )
        return LeafCoverage(
            leaf_id,
            "partial",
            "部分覆盖:有数据,但没有趋势或对比",
            "partial: a level, but no trend or comparison",
            missing,
        )
    has_approach = "approach" in dims
    has_spread = bool(dims & {"deployment", "learning"})
    missing = tuple(d for d in ("approach", "deployment", "learning") if d not in dims)
    if has_approach and has_spread:
        return LeafCoverage(
            leaf_id,
            "covered",
            "已覆盖:有方法,并说明了展开或改进",
            "covered: an approach with its deployment or learning",
            missing,
        )
    if not has_approach:
        return LeafCoverage(
            leaf_id,
            "partial",
            "部分覆盖:没说清具体做法(方法)",
            "partial: no clear description of the approach",
            missing,
        )
    return LeafCoverage(
        leaf_id,
        "partial",
        "部分覆盖:没有说明如何展开或如何评价改进",
        "partial: no word on how it is deployed or improved",
        missing,
    )


def leaf_coverage(
    leaves: Iterable[tuple[str, str]],
    evidence: Mapping[str, Sequence[frozenset[str]]],
    na: Mapping[str, str],
) -> dict[str, LeafCoverage]:
    """Coverage of every (leaf id, kind) from evidence dimensions per leaf and N/A reasons."""
    return {
        leaf_id: _status(leaf_id, kind, evidence.get(leaf_id, ()), na.get(leaf_id))
        for leaf_id, kind in leaves
    }


def fraction(statuses: Iterable[str]) -> float | None:
    """Share of applicable leaves covered (partial counts half); None if all are N/A."""
    values = [{"covered": 1.0, "partial": 0.5}.get(s, 0.0) for s in statuses if s != "na"]
    return sum(values) / len(values) if values else None
