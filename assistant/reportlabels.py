"""The words every export shares: the report's title and summary line, the 待补充 marker,
and the scoring dimensions as a report names them, with a line on what each asks for.
"""

from __future__ import annotations

from assistant.coverage import PROCESS_ORDER, RESULTS_ORDER
from assistant.escaping import xml_text
from assistant.i18n import pick
from assistant.reportdata import ItemSection, LeafSection, ReportData

PENDING = {"zh": "【待补充】", "en": "[TO BE COMPLETED]"}


#: (zh, en) heading of each dimension's subsection in the report
DIMENSION_LABEL: dict[str, tuple[str, str]] = {
    "approach": ("方法", "Approach"),
    "deployment": ("展开", "Deployment"),
    "learning": ("学习", "Learning"),
    "integration": ("整合", "Integration"),
    "level": ("水平", "Levels"),
    "trend": ("趋势", "Trends"),
    "comparison": ("对比", "Comparisons"),
}

#: (zh, en) what the subsection should hold, said where it is still empty
DIMENSION_HINT: dict[str, tuple[str, str]] = {
    "approach": ("写明做法本身:由谁负责、按什么流程和制度、多久做一次、用什么工具。",
                 "Describe the method itself: who owns it, the process and rules, how often, with what tools."),
    "deployment": ("写明方法用到了哪些部门、层级、场所和人员,覆盖面有多大。",
                   "Say where and to whom the method is applied: departments, levels, sites, how far it reaches."),
    "learning": ("写明方法怎样被评价和改进:哪一次评审或复盘,因此改了什么。",
                 "Say how the method is evaluated and improved: which review, and what changed because of it."),
    "integration": ("写明与战略目标、其他过程和组织概述中关键因素的衔接。",
                    "Show how it links to strategic objectives, other processes and the key factors of the profile."),
    "level": ("给出具名指标的当前数值,带单位和统计口径。",
              "Give the current value of each named measure, with its unit and how it is counted."),
    "trend": ("给出同一指标至少三个时期的数据,并说明变化原因。",
              "Give at least three periods of the same measure and explain the changes."),
    "comparison": ("与竞争对手、行业平均、标杆或目标值对比,并注明数据来源。",
                   "Set the measures against competitors, the industry average, benchmarks or targets, with sources."),
}  # fmt: skip


def title(data: ReportData) -> str:
    if data.lang == "zh":
        text = f"{data.company} 卓越绩效自评报告({data.framework})"
    else:
        text = f"{data.company}: self-assessment against {data.framework}"
    return xml_text(text)


def summary(data: ReportData) -> str:
    if data.lang == "zh":
        text = f"会话:{data.session} · 覆盖率 {data.coverage:.0%} · 总分 {data.total_points:g} / 1000"
    else:
        text = f"Session: {data.session} · coverage {data.coverage:.0%} · total {data.total_points:g} / 1000"
    return xml_text(text)


_BY_LABEL = {label.lower(): name for name, labels in DIMENSION_LABEL.items() for label in labels}


def dimension_id(name: str) -> str:
    """`approach` for "approach", "方法" or "Approach"; any other name as it is."""
    key = name.strip().lower()
    return key if key in DIMENSION_LABEL else _BY_LABEL.get(key, name)


def leaf_dims(leaf: LeafSection) -> dict[str, tuple[str, ...]]:
    """The leaf's evidence by dimension id; {} when nobody sorted it by dimension yet."""
    out: dict[str, tuple[str, ...]] = {}
    for name, sentences in leaf.dims:
        key = dimension_id(name)
        out[key] = out.get(key, ()) + tuple(sentences)
    return out


def dimension_label(name: str, lang: str) -> str:
    """The heading of a dimension; a name the report does not know is shown as it is."""
    zh, en = DIMENSION_LABEL.get(name, (name, name))
    return pick(lang, zh, en)


def dimension_hint(name: str, lang: str) -> str:
    zh, en = DIMENSION_HINT.get(name, ("", ""))
    return pick(lang, zh, en)


def is_results(item: ItemSection) -> bool:
    """A results item (4.7): its leaves say so, hold measures (only results clauses take them),
    or its evidence or feedback is sorted by the results dimensions."""
    results = {"level", "trend", "comparison"}
    return any(
        leaf.kind == "results" or leaf.data or results & set(leaf_dims(leaf)) for leaf in item.leaves
    ) or any(
        results & {dimension_id(d) for d in f.dimension.split(",")}
        for f in (*item.strengths, *item.opportunities)
    )


def dimension_order(item: ItemSection) -> tuple[str, ...]:
    """The item's subsections: its kind's four dimensions, then any other the leaves name."""
    order = RESULTS_ORDER if is_results(item) else PROCESS_ORDER
    extra = dict.fromkeys(name for leaf in item.leaves for name in leaf_dims(leaf) if name not in order)
    return order + tuple(extra)
