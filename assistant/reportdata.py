"""The tables every export format is built from, computed once from an interview.

Keeping the content in one neutral structure means Markdown, CSV, XLSX, DOCX,
HTML and JSON exports can differ in form but never in what they say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.coverage import PROCESS_ORDER, RESULTS_ORDER
from assistant.dimensions import dimensions

# Feedback and SuggestedBand live with the rules that draft them; exported here for the report's readers
from assistant.feedback import Feedback as Feedback
from assistant.feedback import SuggestedBand as SuggestedBand
from assistant.feedback import source_name
from assistant.i18n import pick
from assistant.measures import comparisons_text, periods_text
from assistant.plan import evidence_to_collect, points_at_stake, priority, priority_label

if TYPE_CHECKING:
    from assistant.coverage import LeafCoverage
    from assistant.interview import Interview

STATUS_LABEL = {
    "zh": {"covered": "已覆盖", "partial": "部分覆盖", "uncovered": "未覆盖", "na": "不适用"},
    "en": {"covered": "covered", "partial": "partial", "uncovered": "uncovered", "na": "not applicable"},
}


@dataclass(frozen=True)
class Table:
    """A titled table: header row plus rows of plain values (str, int, float or None)."""

    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    status_column: int | None = None


@dataclass(frozen=True)
class MeasureTable:
    """One results measure of a leaf: its periods and its comparisons (the 结果数据 of a report)."""

    measure: str
    unit: str
    periods: tuple[tuple[str, float], ...]  # (period label, value), in time order
    comparisons: tuple[tuple[str, float], ...] = ()  # (reference name, value): 行业平均, 标杆, 目标 …


@dataclass(frozen=True)
class LeafSection:
    leaf_id: str
    title: str
    status: str
    status_label: str
    reason: str
    questions: tuple[str, ...]
    evidence: tuple[tuple[str, str], ...]  # (source label, text)
    admitted: tuple[str, ...] = ()  # admitted gaps (已确认的不足), with their plans
    kind: str = "process"  # process | results
    #: per dimension of the leaf's kind, in scoring order, the evidence sentences that show it
    #: (an empty tuple is a dimension still missing: the report marks it 待补充)
    dims: tuple[tuple[str, tuple[str, ...]], ...] = ()
    data: tuple[MeasureTable, ...] = ()
    owner: str = ""
    due: str = ""


@dataclass(frozen=True)
class ItemSection:
    item_id: str
    title: str
    points: int
    score_percent: int | None
    score_points: float
    leaves: tuple[LeafSection, ...]
    suggested_band: SuggestedBand | None = None
    strengths: tuple[Feedback, ...] = ()
    opportunities: tuple[Feedback, ...] = ()


@dataclass(frozen=True)
class CategorySection:
    category_id: str
    title: str
    points: int
    items: tuple[ItemSection, ...]


@dataclass(frozen=True)
class ReportData:
    session: str
    company: str
    framework: str
    lang: str
    total_points: float
    coverage: float
    tables: tuple[Table, ...]
    outline: tuple[CategorySection, ...] = field(default=())

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)


def build_report_data(interview: Interview) -> ReportData:
    iv, kb, lang = interview, interview.kb, interview.lang
    labels = STATUS_LABEL[lang]
    cov = iv.coverage()
    items = iv.items(cov)
    gaps = iv.gaps(cov=cov)
    all_evidence = iv.store.evidence(iv.session.id)
    source_label = {
        "asked": pick(lang, "访谈回答", "interview answer"),
        "matched": pick(lang, "自动匹配", "matched"),
        "assigned": pick(lang, "人工指定", "assigned"),
        "import": pick(lang, "导入草稿", "imported draft"),
        "merged": pick(lang, "合并", "merged"),
    }

    notes = iv.store.notes(iv.session.id)
    plans: dict[str, list[str]] = {}
    for n in notes:
        if n.kind == "plan":
            plans.setdefault(n.leaf_id, []).append(n.text)
    admitted: dict[str, list[str]] = {}
    for n in notes:
        if n.kind == "absent":
            plan = "; ".join(plans.get(n.leaf_id, []))
            admitted.setdefault(n.leaf_id, []).append(n.text + (pick(lang, f"(计划:{plan})", f" (plan: {plan})") if plan else ""))

    findings = iv.findings(cov)
    owners = iv.plan()
    gap_rows = []
    for g in gaps:
        node = kb.get(g.leaf_id)
        todo = owners.get(g.leaf_id)
        gap_rows.append(
            (
                g.leaf_id,
                node.title.get(lang) if node else "",
                g.item_id,
                g.item_points,
                labels[g.status],
                g.reason,
                priority_label(_gap_priority(iv, g.leaf_id, g.item_points, cov), lang),
                "\n".join(admitted.get(g.leaf_id, ())),
                "\n".join(f"{t}({o})" if o else t for t, o in g.todos),
                "\n".join(_gap_collect(iv, g.leaf_id)),
                todo.owner if todo else "",
                todo.due if todo else "",
                g.question,
            )
        )
    strength_rows: list[tuple[str, ...]] = []
    opportunity_rows: list[tuple[str, ...]] = []
    for scored in kb.items():
        for rows, entries in ((strength_rows, findings[scored.id].strengths), (opportunity_rows, findings[scored.id].opportunities)):
            for f in entries:
                about = kb.get(f.leaf) if f.leaf else None
                rows.append((scored.id, f.leaf, about.title.get(lang) if about else "", f.text, source_name(f.source, lang)))
    item_rows = []
    for s in items:
        item_rows.append(
            (
                s.item.id, s.item.title.get(lang), s.item.points,
                None if s.coverage is None else round(s.coverage * 100),
                s.statuses.get("covered", 0), s.statuses.get("partial", 0), s.statuses.get("uncovered", 0), s.statuses.get("na", 0),
                s.score.percent, s.score.earned, s.score.band.text(lang) if s.score.band else "",
                pick(lang, "是", "yes") if s.score.over_scored else "",
            )
        )  # fmt: skip
    category_rows = [
        (c.id, c.title.get(lang), c.points, round(share * 100), round(earned, 1))
        for c, share, earned in iv.categories(items)
    ]
    evidence_rows = []
    for e in all_evidence:
        node = kb.get(e.leaf_id)
        item = kb.item_of(e.leaf_id)
        evidence_rows.append(
            (e.leaf_id, node.title.get(lang) if node else "", item.id if item else "", labels[cov[e.leaf_id].status] if e.leaf_id in cov else "",
             source_label.get(e.source, e.source), e.author, e.text)
        )  # fmt: skip
    tables = [
        Table("gaps", pick(lang, "差距清单", "Gap list"),
              tuple(pick(lang, *p) for p in (("条款", "Clause"), ("名称", "Title"), ("评分项", "Item"), ("评分项分值", "Item points"),
                                             ("状态", "Status"), ("原因", "Reason"), ("优先级", "Priority"), ("已确认的不足", "Admitted gap"),
                                             ("待核实(负责人)", "To check (owner)"), ("需收集的证据", "Evidence to collect"),
                                             ("负责人", "Owner"), ("完成日期", "Due"), ("下一个问题", "Next question"))),
              tuple(gap_rows), status_column=4),
        Table("items", pick(lang, "评分项覆盖与得分", "Coverage and scores by item"),
              tuple(pick(lang, *p) for p in (("评分项", "Item"), ("名称", "Title"), ("分值", "Points"), ("覆盖率%", "Coverage %"),
                                             ("已覆盖", "Covered"), ("部分", "Partial"), ("未覆盖", "Uncovered"), ("不适用", "N/A"),
                                             ("评分%", "Score %"), ("得分", "Points earned"), ("评分档描述", "Band"),
                                             ("高分证据不足", "Scored high, thin evidence"))),
              tuple(item_rows)),
        Table("categories", pick(lang, "类目覆盖与得分", "Coverage and scores by category"),
              tuple(pick(lang, *p) for p in (("类目", "Category"), ("名称", "Title"), ("分值", "Points"), ("覆盖率%", "Coverage %"), ("得分", "Points earned"))),
              tuple(category_rows)),
        Table("evidence", pick(lang, "证据", "Evidence"),
              tuple(pick(lang, *p) for p in (("条款", "Clause"), ("名称", "Title"), ("评分项", "Item"), ("状态", "Status"),
                                             ("来源", "Source"), ("作者", "Author"), ("证据内容", "Evidence"))),
              tuple(evidence_rows), status_column=3),
    ]  # fmt: skip
    measures = {leaf_id: tuple(MeasureTable(m.measure, m.unit, m.periods, m.comparisons) for m in tables_)
                for leaf_id, tables_ in iv.all_measures().items()}  # fmt: skip
    tables.append(data_table(iv, measures))
    # every export carries both, empty or not: drafted from the evidence, merged with the assessor's changes
    feedback_header = (("评分项", "Item"), ("条款", "Clause"), ("名称", "Title"))
    tables.append(
        Table("strengths", pick(lang, "优势", "Strengths"),
              tuple(pick(lang, *p) for p in (*feedback_header, ("优势", "Strength"), ("来源", "Source"))),
              tuple(strength_rows))
    )  # fmt: skip
    tables.append(
        Table("opportunities", pick(lang, "改进机会", "Opportunities for improvement"),
              tuple(pick(lang, *p) for p in (*feedback_header, ("改进机会", "Opportunity"), ("来源", "Source"))),
              tuple(opportunity_rows))
    )  # fmt: skip
    profile = iv.profile()
    if profile:
        rows = []
        for node_id, texts in sorted(profile.items(), key=lambda kv: kb.get(kv[0]).sort_key if kb.get(kv[0]) else ()):  # type: ignore[union-attr]
            node = kb.get(node_id)
            rows.append((node_id, node.title.get(lang) if node else "", "\n".join(texts)))
        tables.insert(0, Table("profile", pick(lang, "组织概述", "Organisational profile"),
                               tuple(pick(lang, *p) for p in (("条款", "Clause"), ("名称", "Title"), ("内容", "What was said"))),
                               tuple(rows)))  # fmt: skip
    consensus = consensus_table(iv)
    if consensus is not None:
        tables.append(consensus)

    outline = []
    evidence_by_leaf: dict[str, list[tuple[str, str]]] = {}
    for e in all_evidence:
        evidence_by_leaf.setdefault(e.leaf_id, []).append((source_label.get(e.source, e.source), e.text))
    scores = {s.item.id: s for s in items}
    for category in kb.categories():
        item_sections = []
        for item in (n for n in kb.children(category.id) if n.level == "item"):
            leaves = []
            for leaf in kb.leaves_under(item.id):
                status = cov[leaf.id]
                questions = tuple(q.get(lang) for q in iv.dialogues.probe_texts(leaf.id)) or (
                    leaf.text.get(lang),
                )
                todo = owners.get(leaf.id)
                leaves.append(
                    LeafSection(leaf.id, leaf.title.get(lang), status.status, labels[status.status], status.reason(lang),
                                questions, tuple(evidence_by_leaf.get(leaf.id, ())), tuple(admitted.get(leaf.id, ())),
                                owner=todo.owner if todo else "", due=todo.due if todo else "", data=measures.get(leaf.id, ()),
                                kind=leaf.kind, dims=_by_dimension(leaf.kind, [t for _, t in evidence_by_leaf.get(leaf.id, ())]))
                )  # fmt: skip
            s = scores[item.id]
            found = findings[item.id]
            item_sections.append(
                ItemSection(
                    item.id,
                    item.title.get(lang),
                    item.points or 0,
                    s.score.percent,
                    s.score.earned,
                    tuple(leaves),
                    suggested_band=found.suggested,
                    strengths=found.strengths,
                    opportunities=found.opportunities,
                )
            )
        outline.append(
            CategorySection(category.id, category.title.get(lang), category.points or 0, tuple(item_sections))
        )
    return ReportData(
        session=iv.session.name,
        company=iv.session.company,
        framework=iv.session.framework,
        lang=lang,
        total_points=iv.total_points(items),
        coverage=iv.overall_coverage(items),
        tables=tuple(tables),
        outline=tuple(outline),
    )


def _gap_priority(iv: Interview, leaf_id: str, item_points: int, cov: dict[str, LeafCoverage]) -> str:
    """high, medium or low from the points at stake (assistant.plan.priority gives the rule)."""
    node = iv.kb.get(leaf_id)
    kind = "results" if node is not None and node.kind == "results" else "process"
    return priority(points_at_stake(item_points, kind, cov[leaf_id].status, cov[leaf_id].missing))


def _gap_collect(iv: Interview, leaf_id: str) -> tuple[str, ...]:
    """What evidence to collect for a leaf, from its guidance in the knowledge base."""
    node = iv.kb.get(leaf_id)
    return evidence_to_collect(node.guidance.zh, node.guidance.en, iv.lang) if node is not None else ()


def _feedback_json(entries: tuple[Feedback, ...]) -> list[dict[str, str]]:
    return [{"text": f.text, "leaf": f.leaf, "source": f.source} for f in entries]


def _band_json(band: SuggestedBand | None) -> dict[str, str] | None:
    return {"range": band.range, "reason": band.reason} if band is not None else None


def _by_dimension(kind: str, texts: list[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each dimension of the leaf's kind, in scoring order, with the evidence that shows it.

    A 自评报告 is written 方法/展开/学习/整合 (or 水平/趋势/对比/整合); an empty
    dimension is one the report marks 待补充.
    """
    order = RESULTS_ORDER if kind == "results" else PROCESS_ORDER
    shown: dict[str, list[str]] = {name: [] for name in order}
    for text in texts:
        for name in dimensions(text, kind):
            if name in shown and text not in shown[name]:
                shown[name].append(text)
    return tuple((name, tuple(shown[name])) for name in order)


def report_json(iv: Interview) -> dict[str, Any]:
    """Coverage, scores, the profile and notes as a stable JSON contract (see README)."""
    cov = iv.coverage()
    items = iv.items(cov)
    notes: dict[str, list[dict[str, Any]]] = {}
    profile: dict[str, list[str]] = {}
    for n in iv.store.notes(iv.session.id):
        if n.kind == "profile":
            profile.setdefault(n.leaf_id, []).append(n.text)
        elif n.kind == "absent":
            notes.setdefault(n.leaf_id, []).append({"kind": "absent", "text": n.text, "created": n.created})
        elif n.kind == "defer":
            notes.setdefault(n.leaf_id, []).append({"kind": "defer", "text": n.text, "owner": n.owner, "open": not n.closed, "created": n.created})
        else:
            notes.setdefault(n.leaf_id, []).append({"kind": n.kind, "text": n.text, "created": n.created})
    findings = iv.findings(cov)
    owners = iv.plan()
    data = {
        leaf_id: [{"measure": m.measure, "unit": m.unit, "periods": dict(m.periods), "comparisons": dict(m.comparisons)}
                  for m in tables]
        for leaf_id, tables in iv.all_measures().items()
    }  # fmt: skip
    evidence: dict[str, list[dict[str, Any]]] = {}
    for e in iv.store.evidence(iv.session.id):
        evidence.setdefault(e.leaf_id, []).append(
            {
                "text": e.text,
                "source": e.source,
                "score": e.score,
                "answer_id": e.answer_id,
                "author": e.author,
            }
        )
    return {
        "session": iv.session.name,
        "company": iv.session.company,
        "framework": iv.session.framework,
        "profile": profile,
        "leaves": [
            {"id": leaf.id, "item": (iv.kb.item_of(leaf.id) or leaf).id, "title": leaf.title.get(iv.lang),
             "status": cov[leaf.id].status, "reason": cov[leaf.id].reason(iv.lang), "evidence": evidence.get(leaf.id, []),
             "notes": notes.get(leaf.id, []), "data": data.get(leaf.id, [])}
            for leaf in iv.kb.leaves()
        ],
        "items": [
            {"id": s.item.id, "title": s.item.title.get(iv.lang), "points": s.item.points,
             "coverage": None if s.coverage is None else round(s.coverage, 3),
             "score_percent": s.score.percent, "score_points": s.score.earned,
             "band": s.score.band.text(iv.lang) if s.score.band else None, "over_scored": s.score.over_scored,
             "suggested_band": _band_json(findings[s.item.id].suggested),
             "strengths": _feedback_json(findings[s.item.id].strengths),
             "opportunities": _feedback_json(findings[s.item.id].opportunities)}
            for s in items
        ],
        "categories": [
            {"id": c.id, "points": c.points, "coverage": round(share, 3), "score_points": round(earned, 1)}
            for c, share, earned in iv.categories(items)
        ],
        "total_points": iv.total_points(items),
        "coverage": round(iv.overall_coverage(items), 3),
        "gaps": [
            {"id": g.leaf_id, "item": g.item_id, "item_points": g.item_points, "status": g.status, "reason": g.reason, "question": g.question,
             "admitted": list(g.admitted), "todos": [{"text": t, "owner": o} for t, o in g.todos],
             "collect": list(_gap_collect(iv, g.leaf_id)), "owner": owners[g.leaf_id].owner if g.leaf_id in owners else "",
             "due": owners[g.leaf_id].due if g.leaf_id in owners else "",
             "priority": _gap_priority(iv, g.leaf_id, g.item_points, cov)}
            for g in iv.gaps(cov=cov)
        ],
    }  # fmt: skip


def data_table(interview: Interview, measures: dict[str, tuple[MeasureTable, ...]]) -> Table:
    """结果数据: one row per measure of a results clause, its periods and comparisons as text."""
    lang, kb = interview.lang, interview.kb
    rows = []
    for leaf in kb.leaves():
        for m in measures.get(leaf.id, ()):
            rows.append((leaf.id, leaf.title.get(lang), m.measure, m.unit, periods_text(m), comparisons_text(m)))
    header = tuple(pick(lang, *p) for p in (("条款", "Clause"), ("名称", "Title"), ("指标", "Measure"), ("单位", "Unit"),
                                            ("各期数值", "Periods"), ("对比", "Comparisons")))  # fmt: skip
    return Table("data", pick(lang, "结果数据", "Results data"), header, tuple(rows))


def consensus_table(interview: Interview) -> Table | None:
    """For a merged session: each item's scores by assessor, their spread, and a flag at ≥ 20 points."""
    from assistant.merge import spreads

    lang = interview.lang
    by_item = {s.item_id: s for s in spreads(interview.store, interview.session.id)}
    if not by_item:
        return None
    authors = sorted({a for s in by_item.values() for a in s.scores})
    rows = []
    for item in interview.kb.items():
        s = by_item.get(item.id)
        per = s.scores if s else {}
        spread = (
            (s.low, s.median, s.high, pick(lang, "分歧 ≥20", "differ ≥20") if s.flagged else "")
            if s
            else (None, None, None, "")
        )
        rows.append((item.id, item.title.get(lang), item.points, *(per.get(a) for a in authors), *spread))
    header = (
        pick(lang, "评分项", "Item"), pick(lang, "名称", "Title"), pick(lang, "分值", "Points"), *authors,
        pick(lang, "最低%", "Min %"), pick(lang, "中位%", "Median %"), pick(lang, "最高%", "Max %"), pick(lang, "分歧", "Flag"),
    )  # fmt: skip
    return Table(
        "consensus", pick(lang, "评分共识(多位自评员)", "Consensus across assessors"), header, tuple(rows)
    )
