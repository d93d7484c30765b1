"""The suggested band, the drafted strengths and opportunities, and the plan's rules (pure)."""

from __future__ import annotations

import pytest

from assistant.feedback import (
    AdmittedGap,
    LeafFacts,
    merge_edits,
    opportunity_drafts,
    strength_drafts,
    suggest_band,
)
from assistant.plan import evidence_to_collect, parse_due, points_at_stake, priority
from assistant.storage import FeedbackRow

PROCESS = ("approach", "deployment", "learning", "integration")
RESULTS = ("level", "trend", "comparison", "integration")


def leaf(n: int, dims: tuple[str, ...], *, kind: str = "process", status: str | None = None,
         admitted: tuple[AdmittedGap, ...] = ()) -> LeafFacts:  # fmt: skip
    order = RESULTS if kind == "results" else PROCESS
    if status is None:
        status = "uncovered" if not dims else "covered" if len(dims) >= 2 else "partial"
    return LeafFacts(
        f"4.3.3.2.{n}", f"条款{n}", kind, status, tuple((d, f"{d}的原话") for d in dims),
        tuple(d for d in order if d not in dims), admitted,
    )  # fmt: skip


def item(*dims: tuple[str, ...], kind: str = "process") -> list[LeafFacts]:
    return [leaf(n, d, kind=kind) for n, d in enumerate(dims, start=1)]


A, AD, ADL, ADLI = ("approach",), ("approach", "deployment"), PROCESS[:3], PROCESS


@pytest.mark.parametrize(
    ("leaves", "band"),
    [
        (item((), (), (), ()), "0–5"),
        (item(A, (), (), ()), "10–25"),  # an approach on a minority of leaves
        (item(A, A, A, ()), "10–25"),  # approach on most, but no deployment at all
        (item(AD, A, A, ()), "30–45"),  # approach on most, deployment beginning
        (item(AD, AD, AD, A), "30–45"),  # approach and deployment on most, but no learning anywhere
        (item(ADL, AD, AD, ()), "50–65"),  # approach and deployment on most, learning on some
        (item(ADL, ADL, AD, ()), "50–65"),  # A+D+L on only half: not most
        (item(ADLI, ADL, ADL, A), "70–85"),  # A+D+L on most, integration shows
        (item(ADLI, ADLI, ADLI, ADL), "70–85"),  # all four on three of four: not nearly every leaf
        (item(ADLI, ADLI, ADLI, ADLI), "90–100"),
        ([*item(*[ADLI] * 10), leaf(11, ADL)], "90–100"),  # one leaf in ten may fall short
    ],
)
def test_process_band_follows_the_dimensions_across_the_leaves(leaves, band):
    assert suggest_band("process", leaves, "zh").range == band


@pytest.mark.parametrize(
    ("leaves", "band"),
    [
        (item((), (), kind="results"), "0–5"),
        (item(("level",), (), (), kind="results"), "10–25"),
        (item(("level", "trend"), ("level",), (), kind="results"), "30–45"),
        (item(("level", "trend", "comparison"), ("level", "trend"), (), kind="results"), "50–65"),
        (item(RESULTS, ("level", "trend", "comparison"), (), kind="results"), "70–85"),
        (item(RESULTS, RESULTS, RESULTS, kind="results"), "90–100"),
    ],
)
def test_results_band_reads_level_trend_comparison_and_integration(leaves, band):
    assert suggest_band("results", leaves, "zh").range == band


def test_band_reason_names_the_counts_and_what_the_next_band_needs():
    band = suggest_band("process", item(AD, A, A, ()), "zh")
    assert band.reason.startswith("多数条款有方法,展开刚刚开始 → 30–45")
    assert "方法 3" in band.reason and "展开 1" in band.reason
    assert "要到 50–65,需要多数条款同时有方法和展开" in band.reason
    english = suggest_band("process", item(AD, A, A, ()), "en")
    assert "most leaves show approach, and deployment has begun" in english.reason
    assert "for 50–65, most leaves need both approach and deployment" in english.reason


def test_leaves_marked_not_applicable_leave_the_band_and_an_all_na_item_has_none():
    leaves = [leaf(1, ADLI), leaf(2, (), status="na"), leaf(3, (), status="na")]
    assert suggest_band("process", leaves, "zh").range == "90–100"
    assert suggest_band("process", [leaf(1, (), status="na")], "zh") is None


def test_an_admitted_gap_keeps_an_item_out_of_the_top_band():
    gap = (AdmittedGap("1", "评价机制还没有建立"),)
    leaves = [leaf(1, ADLI), leaf(2, ADLI, admitted=gap)]
    band = suggest_band("process", leaves, "zh")
    assert band.range == "70–85"
    assert "1 个条款有自评确认的不足" in band.reason and "且没有自评确认的不足" in band.reason


def test_a_strength_names_its_leaf_and_the_dimensions_shown_quoting_the_evidence():
    drafts = strength_drafts([leaf(3, AD), leaf(4, A, status="partial")], "zh")
    assert len(drafts) == 1  # only covered leaves are strengths
    s = drafts[0]
    assert (s.leaf, s.source, s.dimension, s.key) == ("4.3.3.2.3", "draft", "approach,deployment", "4.3.3.2.3")
    assert s.text == "4.3.3.2.3 条款3:建立了明确的方法(“approach的原话”),已经展开(“deployment的原话”)。"
    english = strength_drafts([leaf(3, AD)], "en")[0].text
    assert english.startswith("4.3.3.2.3 条款3: shows a defined approach (“approach的原话”) and its deployment")


def test_each_missing_dimension_of_a_leaf_is_an_opportunity_naming_leaf_and_dimension():
    drafts = opportunity_drafts([leaf(2, AD)], "zh")
    assert [(o.leaf, o.dimension) for o in drafts] == [("4.3.3.2.2", "learning"), ("4.3.3.2.2", "integration")]
    assert drafts[0].text == "4.3.3.2.2 条款2:未见对该方法本身的定期评价和改进(学习)。"
    assert opportunity_drafts([leaf(2, AD)], "en")[0].text.endswith(
        "no evidence of regular evaluation and improvement of the approach itself (learning)."
    )


def test_results_leaves_read_integration_as_links_to_requirements_not_as_a_method():
    results = leaf(1, ("level", "trend"), kind="results")
    assert strength_drafts([results], "zh")[0].text == (
        "4.3.3.2.1 条款1:给出了当前水平(“level的原话”),呈现出趋势(“trend的原话”)。"
    )
    missing = {o.dimension: o.text for o in opportunity_drafts([results], "zh")}
    assert missing["integration"] == "4.3.3.2.1 条款1:未见结果与关键需求和战略目标的关联(整合)。"
    assert missing["comparison"] == "4.3.3.2.1 条款1:未见与竞争对手或标杆的对比(对比)。"


def test_an_uncovered_leaf_that_said_something_is_not_called_empty():
    said = leaf(6, ("learning",), status="uncovered")
    assert [o.text for o in opportunity_drafts([said], "zh")] == ["4.3.3.2.6 条款6:未见明确、系统的方法(方法)。"]


def test_a_leaf_without_evidence_is_one_opportunity_and_none_when_the_gap_was_admitted():
    bare = opportunity_drafts([leaf(5, ())], "zh")
    assert [(o.dimension, o.text) for o in bare] == [("approach", "4.3.3.2.5 条款5:尚无证据,未见明确、系统的方法(方法)。")]
    gap = AdmittedGap("1", "投诉还没有统一受理", plan="明年建客服中心")
    admitted = opportunity_drafts([leaf(5, (), admitted=(gap,))], "zh")
    assert len(admitted) == 1
    assert admitted[0].source == "admitted" and admitted[0].key == "4.3.3.2.5:absent:1"
    assert admitted[0].text == "4.3.3.2.5 条款5:自评中确认的不足:投诉还没有统一受理(改进计划:明年建客服中心)"
    assert opportunity_drafts([leaf(5, (), status="na")], "zh") == ()


def row(i: int, text: str, *, key: str = "", dropped: bool = False, leaf_id: str = "") -> FeedbackRow:
    return FeedbackRow(i, "4.3.3", "opportunity", key, leaf_id, text, dropped, 0.0)


def test_the_assessors_changes_replace_or_hide_drafts_and_their_own_entries_come_last():
    drafts = opportunity_drafts([leaf(1, A), leaf(2, AD)], "zh")
    keys = [d.key for d in drafts]
    merged = merge_edits(drafts, [row(1, "自己写的", leaf_id="4.3.3.2.1"), row(2, "改过的", key=keys[0]),
                                  row(3, "不要", key=keys[1], dropped=True)])  # fmt: skip
    assert [(m.text, m.source) for m in merged][:1] == [("改过的", "edited")]
    assert keys[1] not in [m.key for m in merged]
    assert (merged[-1].text, merged[-1].source, merged[-1].key) == ("自己写的", "assessor", "#1")
    # an edit whose draft the evidence no longer supports keeps the assessor's words
    orphan = merge_edits((), [row(4, "旧的修改", key="4.3.3.2.9:learning")])
    assert [(m.text, m.source) for m in orphan] == [("旧的修改", "edited")]


@pytest.mark.parametrize(
    ("points", "kind", "status", "missing", "expected"),
    [
        (50, "process", "uncovered", PROCESS, "high"),  # 50 at stake
        (30, "process", "uncovered", PROCESS, "medium"),  # 30
        (15, "process", "uncovered", PROCESS, "low"),  # 15
        (80, "results", "partial", ("trend", "comparison", "integration"), "high"),  # 80 × 2/3 = 53
        (80, "results", "partial", ("comparison", "integration"), "medium"),  # 80 × 1/3 = 27
        (60, "process", "partial", ("deployment", "learning", "integration"), "high"),  # 60 × 2/3 = 40
        (50, "process", "partial", ("learning", "integration"), "low"),  # 50 × 1/3 = 17
        (50, "process", "covered", ("learning",), "low"),  # nothing at stake once covered
    ],
)
def test_priority_comes_from_item_points_times_the_share_of_core_dimensions_missing(
    points, kind, status, missing, expected
):
    assert priority(points_at_stake(points, kind, status, missing)) == expected


@pytest.mark.parametrize(
    ("typed", "due"),
    [("2026-03-31", "2026-03-31"), ("2026-3-1", "2026-03-01"), ("2026/12/05", "2026-12-05"), ("2026.1.9", "2026-01-09"),
     ("2026-02-30", None), ("2026-13-01", None), ("next week", None), ("31.03.2026", None), ("", None)],
)  # fmt: skip
def test_due_dates_are_real_calendar_dates_written_year_first(typed, due):
    assert parse_due(typed) == due


def test_evidence_to_collect_leaves_out_weak_practice_and_puts_evidence_lines_first():
    zh = ("方法1:看组织如何细分。", "常见不足:只看现有客户。", "好的证据:细分报告和开发计划。")
    en = ("Method 1: how the organisation segments.", "Typical weaknesses: only current customers.",
          "Good evidence: segmentation reports and plans.")  # fmt: skip
    assert evidence_to_collect(zh, en, "zh") == ("好的证据:细分报告和开发计划。", "方法1:看组织如何细分。")
    assert evidence_to_collect(zh, en, "en")[0] == "Good evidence: segmentation reports and plans."
