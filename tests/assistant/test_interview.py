"""The interview engine: answer → evidence → coverage → next question → follow-up."""

from __future__ import annotations

import pytest

from assistant.interview import Interview, InterviewError
from assistant.reportdata import report_json

SEGMENTS = "我们按行业把客户分为汽车、家电和电子三大类,并识别出重点客户,由大客户部负责维护。"
DEPLOYED = "这个分类方法在全国六个销售大区全部推行,每年年底根据销售数据重新评审一次。"
COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部12家分公司都执行。"


def test_first_question_is_the_items_opening(interview):
    q = interview.current_question()
    assert (q.target, q.role) == ("4.3.2", "opening")
    assert q.zh.endswith(("?", "？")) and q.en.endswith("?")


def test_answer_to_opening_records_evidence_and_moves_to_first_leaf(interview):
    reply = interview.answer(SEGMENTS)
    assert "4.3.2.2.1" in reply.attached
    assert reply.question.target == "4.3.2.2.1" and reply.question.role == "probe"
    assert interview.coverage()["4.3.2.2.1"].status == "partial"


def test_thin_answer_gets_a_followup_then_covers_the_leaf_and_probes_what_is_still_missing(interview):
    interview.goto("4.3.2.2.1")
    reply = interview.answer(SEGMENTS)
    assert (reply.question.target, reply.question.role, reply.question.dimension) == (
        "4.3.2.2.1",
        "followup",
        "deployment",
    )
    reply = interview.answer(DEPLOYED)
    assert "4.3.2.2.1" in reply.attached
    assert interview.coverage()["4.3.2.2.1"].status == "covered"
    assert any(c.leaf_id == "4.3.2.2.1" and c.after == "covered" for c in reply.changes)
    # deployment was just given; a yearly review that changed nothing is not yet learning, so
    # the assessor asks for it, then for integration, and never back for what was said
    assert (reply.question.target, reply.question.dimension) == ("4.3.2.2.1", "learning")
    reply = interview.answer("去年评审发现电子行业客户需求分化,就把电子类拆成了消费电子和汽车电子两类。")
    assert (reply.question.target, reply.question.dimension) == ("4.3.2.2.1", "integration")
    reply = interview.answer("细分结果纳入年度经营计划和销售目标,与战略规划衔接。")
    assert reply.question.target != "4.3.2.2.1"


def test_answer_about_another_clause_is_attached_there_and_said_so(interview):
    interview.goto("4.3.2.2.2")
    reply = interview.answer(COMPLAINTS)
    assert "4.3.3.2.3" in reply.attached
    assert "4.3.2.2.2" not in reply.attached
    assert "4.3.3.2.3" in reply.message


def test_empty_answer_is_reasked_and_records_nothing(interview):
    before = interview.current_question()
    reply = interview.answer("  \x00\x07 ")
    assert reply.kind == "error" and reply.question == before
    assert interview.answers() == []


def test_control_characters_are_stripped_and_huge_paste_is_cut(interview):
    reply = interview.answer(COMPLAINTS + "\x1b[31m" + "好" * 1_000_000)
    stored = interview.answers()[-1].text
    assert "\x1b" not in stored and len(stored) <= 20_000
    assert "20000" in reply.message


def test_assign_detach_and_undo(interview):
    interview.answer(COMPLAINTS)
    interview.assign("4.3.3.3.4")
    assert interview.coverage()["4.3.3.3.4"].status != "uncovered"
    interview.detach("4.3.3.3.4")
    assert interview.coverage()["4.3.3.3.4"].status == "uncovered"
    interview.undo()  # undoes the detach
    assert interview.coverage()["4.3.3.3.4"].status != "uncovered"
    interview.undo()  # undoes the assignment
    assert interview.coverage()["4.3.3.3.4"].status == "uncovered"
    interview.undo()  # undoes the answer with all its evidence
    assert interview.answers() == [] and interview.coverage()["4.3.3.2.3"].status == "uncovered"


def test_not_applicable_leaves_the_gap_list_with_reason(interview):
    interview.mark_na("4.3.2.2.2", "只有一个政府客户")
    assert interview.coverage()["4.3.2.2.2"].status == "na"
    assert "4.3.2.2.2" not in [g.leaf_id for g in interview.gaps()]
    with pytest.raises(InterviewError):
        interview.mark_na("4.3.2.2.2", "")


def test_unknown_ids_get_suggestions(interview):
    with pytest.raises(InterviewError, match=r"4\.3\.3\.2\.3"):
        interview.goto("投诉处理")  # a title is not an id: the error names the closest clauses
    with pytest.raises(InterviewError, match=r"not a leaf|不是最末级"):
        interview.assign("4.3.3")


def test_score_sets_points_band_and_total(interview):
    reply = interview.set_score("4.3.3", 40)
    assert "20.0" in reply.message and "30–45%" in reply.message
    assert interview.total_points() == 20.0
    interview.set_score("4.7.3", 55)
    assert interview.total_points() == 64.0
    with pytest.raises(InterviewError):
        interview.set_score("4.3.3.2.3", 40)
    with pytest.raises(InterviewError):
        interview.set_score("4.3.3", 42)


def test_high_score_on_uncovered_item_is_flagged(interview):
    reply = interview.set_score("4.3.3", 80)
    assert "多数条款还没有证据" in reply.message


def test_gap_list_orders_by_item_points_and_carries_questions(interview):
    interview.answer(SEGMENTS)
    gaps = interview.gaps()
    assert gaps[0].item_id == "4.3.3"  # 50 points before 4.3.2's 40
    assert all(g.question for g in gaps)
    partial = [g for g in gaps if g.status == "partial"]
    assert partial and partial[0].question


def test_value_order_asks_heaviest_item_first_once_the_profile_is_skipped(kb, dialogues, matcher, store):
    iv = Interview.open(store, "value", kb, dialogues, matcher, create=True, order="value")
    assert iv.current_question().target == "B.1"
    assert iv.skip_profile().question.target.startswith("4.7")
    iv.close()


def test_report_contract(interview):
    interview.goto("4.3.3.2.3")
    interview.answer(COMPLAINTS)
    interview.set_score("4.3.3", 40)
    report = report_json(interview)
    assert set(report) >= {"session", "framework", "leaves", "items", "total_points", "gaps"}
    leaf = next(x for x in report["leaves"] if x["id"] == "4.3.3.2.3")
    assert leaf["status"] == "covered" and leaf["evidence"][0]["text"].startswith("投诉")
    assert {"id", "status", "reason", "evidence"} <= set(leaf)
    item = next(x for x in report["items"] if x["id"] == "4.3.3")
    assert (item["points"], item["score_percent"], item["score_points"]) == (50, 40, 20.0)
    assert report["total_points"] == 20.0
    assert {"id", "status", "question"} <= set(report["gaps"][0])
    assert "4.3.3.2.3" not in [g["id"] for g in report["gaps"]]


def test_skip_passes_the_opening_then_the_leaf(interview):
    assert interview.current_question().role == "opening"
    reply = interview.skip()
    assert (reply.question.target, reply.question.role) == ("4.3.2.2.1", "probe")
    reply = interview.skip()
    assert reply.question.target == "4.3.2.2.2"
    interview.undo()
    assert interview.current_question().target == "4.3.2.2.1"


def test_out_of_scope_leaves_are_not_asked(interview):
    for _ in range(20):
        q = interview.skip().question
        if q is None:
            break
        assert q.target.startswith("4.3")
