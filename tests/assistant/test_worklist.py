"""The gap list as a work list: titles, priority, notes, to-dos and plan per row, and its three filters."""

from __future__ import annotations

from assistant.worklist import view, view_label, work_rows

GAP = "市场细分这块目前是空白"
PLAN = "打算明年三月前由市场部牵头把细分做起来"
TODO = "这个我得回去问问市场部"


def row(rows, leaf_id):
    return next(r for r in rows if r.leaf_id == leaf_id)


def test_each_gap_carries_its_title_reason_priority_notes_todos_and_plan(interview):
    interview.goto("4.3.2.2.1")
    interview.say(GAP)
    interview.say(PLAN)
    interview.goto("4.3.3.2.3")
    interview.say(TODO)
    interview.set_owner("4.3.2.2.1", "张三")
    interview.set_due("4.3.2.2.1", "2026-03-31")
    rows = work_rows(interview)
    assert [r.leaf_id for r in rows] == [g.leaf_id for g in interview.gaps()]
    segments = row(rows, "4.3.2.2.1")
    assert segments.title == "目标顾客群与细分市场的界定" and segments.status == "uncovered"
    assert segments.reason == interview.coverage()["4.3.2.2.1"].reason("zh")
    assert segments.priority == "high"  # a bare leaf of a 40-point item: 40 points at stake
    assert segments.admitted == (GAP,) and segments.plans == (PLAN,)
    assert (segments.plan.owner, segments.plan.due, segments.plan.owner_from_todo) == ("张三", "2026-03-31", False)
    complaints = row(rows, "4.3.3.2.3")
    assert complaints.todos == ((TODO, "市场部"),)
    assert complaints.plan.owner == "市场部" and complaints.plan.owner_from_todo


def test_a_clause_kept_only_by_its_todo_is_on_the_todo_filter_and_not_among_the_gaps(interview):
    interview.goto("4.3.3.2.3")
    interview.say(TODO)
    interview.mark_na("4.3.3.2.3", "不直接面对终端顾客")
    rows = work_rows(interview)
    complaints = row(rows, "4.3.3.2.3")
    assert not complaints.gap and complaints.status == "na" and complaints.priority == ""
    assert [r.leaf_id for r in view(rows, "todos")] == ["4.3.3.2.3"]
    assert "4.3.3.2.3" not in [r.leaf_id for r in view(rows, "gaps")]
    assert len(view(rows, "all")) == len(view(rows, "gaps")) + 1
    assert view_label("todos", rows, "en") == "To-dos 1"
    assert view_label("gaps", rows, "zh") == f"差距 {len(interview.gaps())}"


def test_the_rows_speak_the_interviews_language(interview):
    interview.set_lang("en")
    rows = work_rows(interview)
    segments = row(rows, "4.3.2.2.1")
    assert segments.title == "Identifying customers, customer groups and market segments"
    assert segments.reason == interview.coverage()["4.3.2.2.1"].reason("en")
