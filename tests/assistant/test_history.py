"""The answer history: listing, deleting an answer or one evidence link, editing an answer, and undoing each."""

from __future__ import annotations

import pytest

from assistant import commands
from assistant.interview import Interview, InterviewError

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部12家分公司都执行。"
SEGMENTS = "我们按行业把客户分为汽车、家电和电子三大类,并识别出重点客户,由大客户部负责维护。"
GAP = "市场细分这块目前是空白"
TODO = "这个我得回去问问市场部"


def evidence_of(iv: Interview, number: int) -> dict[str, str]:
    """Leaf → source of the active evidence of answer `number` (1 the first)."""
    answer = iv.answers()[number - 1]
    return {e.leaf_id: e.source for e in iv.store.evidence(iv.session.id) if e.answer_id == answer.id}


def stored(iv: Interview) -> dict[str, object]:
    """Everything of the session that a step may change, as the export writes it."""
    data = iv.store.export_session(iv.session.name)
    return {key: data[key] for key in ("answers", "evidence", "notes")}


def test_history_lists_answers_newest_first_with_their_clauses_and_notes(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    interview.goto("4.3.2.2.1")
    interview.say(GAP)
    entries = interview.history()
    assert [e.number for e in entries] == [2, 1]
    assert entries[1].text == COMPLAINTS and entries[1].asked == "4.3.3.2.3"
    link = next(link for link in entries[1].links if link.leaf_id == "4.3.3.2.3")
    assert link.source == "asked" and link.status in ("covered", "partial") and link.title == "顾客投诉处理"
    assert [(n.kind, n.leaf_id) for n in entries[0].notes] == [("absent", "4.3.2.2.1")] and not entries[0].links
    text = commands.run(interview, "/history").message
    assert text.index("#2") < text.index("#1") and "4.3.3.2.3 顾客投诉处理" in text and "已确认的不足" in text


def test_deleting_an_answer_takes_its_evidence_and_undo_puts_it_back_exactly(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    interview.say(SEGMENTS)
    before = stored(interview)
    status = interview.coverage()["4.3.3.2.3"].status
    reply = interview.delete_answer(1)
    assert [a.text for a in interview.answers()] == [SEGMENTS]
    assert interview.coverage()["4.3.3.2.3"].status == "uncovered"
    assert any(c.leaf_id == "4.3.3.2.3" and c.before == status and c.after == "uncovered" for c in reply.changes)
    reply = interview.undo()
    assert "删除回答" in reply.message
    assert stored(interview) == before
    assert interview.coverage()["4.3.3.2.3"].status == status


def test_deleting_the_answer_that_settled_a_todo_opens_it_again_until_undone(interview):
    interview.goto("4.3.3.2.3")
    interview.say(TODO)
    assert [n.leaf_id for n in interview.todos()] == ["4.3.3.2.3"]
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    assert interview.todos() == []
    interview.delete_answer(2)
    assert [n.leaf_id for n in interview.todos()] == ["4.3.3.2.3"]
    interview.undo()
    assert interview.todos() == []


def test_deleting_one_link_keeps_the_answers_other_clauses_and_undo_restores_it(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    interview.assign("4.3.3.3.1")
    assert set(evidence_of(interview, 1)) == {"4.3.3.2.3", "4.3.3.3.1"}
    reply = interview.delete_link(1, "4.3.3.3.1")
    assert "4.3.3.3.1" in reply.message
    assert set(evidence_of(interview, 1)) == {"4.3.3.2.3"}
    assert len(interview.answers()) == 1
    interview.undo()
    assert set(evidence_of(interview, 1)) == {"4.3.3.2.3", "4.3.3.3.1"}


def test_editing_an_answer_records_the_new_text_where_it_now_belongs_and_undo_brings_back_the_old(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    before = stored(interview)
    reply = commands.run(interview, f"/edit 1 {SEGMENTS}")
    assert interview.answers()[0].text == SEGMENTS
    assert "4.3.2.2.1" in evidence_of(interview, 1) and "4.3.3.2.3" not in evidence_of(interview, 1)
    assert interview.coverage()["4.3.3.2.3"].status == "uncovered"
    assert "4.3.2.2.1" in reply.attached and "4.3.2.2.1" in reply.message
    interview.undo()
    assert stored(interview) == before


def test_editing_keeps_the_links_made_by_hand_with_the_new_words(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    interview.assign("4.3.3.3.1")
    shorter = "投诉由客服中心统一受理,24小时内答复,全部12家分公司都执行。"
    interview.edit_answer(1, shorter)
    links = {e.leaf_id: e for e in interview.store.evidence(interview.session.id)}
    assert links["4.3.3.3.1"].source == "assigned" and links["4.3.3.3.1"].text == shorter
    assert links["4.3.3.2.3"].source == "asked"


def test_a_detached_link_stays_off_when_the_answer_is_edited(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    interview.delete_link(1, "4.3.3.2.3")
    interview.edit_answer(1, COMPLAINTS.replace("12家", "全部十二家"))
    assert "4.3.3.2.3" not in evidence_of(interview, 1)


def test_an_edit_that_is_no_longer_evidence_credits_nothing(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    reply = interview.edit_answer(1, "你好")
    assert evidence_of(interview, 1) == {}
    assert "/assign" in reply.message
    assert interview.coverage()["4.3.3.2.3"].status == "uncovered"


def test_an_edited_admitted_gap_stays_a_gap_with_the_new_words(interview):
    interview.goto("4.3.2.2.1")
    interview.say(GAP)
    reply = interview.edit_answer(1, "市场细分目前还没有开展")
    notes = interview.store.notes(interview.session.id, "absent")
    assert [(n.leaf_id, n.text) for n in notes] == [("4.3.2.2.1", "市场细分目前还没有开展")]
    assert interview.store.evidence(interview.session.id) == []
    assert "已确认的不足" in reply.message
    interview.undo()
    assert interview.store.notes(interview.session.id, "absent")[0].text == GAP


def test_an_edited_todo_takes_the_owner_its_new_words_name(interview):
    interview.goto("4.3.3.2.3")
    interview.say(TODO)
    assert interview.todos()[0].owner == "市场部"
    interview.edit_answer(1, "这个我得回去问问客服中心")
    assert interview.todos()[0].owner == "客服中心"


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("/delete 9", "没有第 9 段回答"),
        ("/delete x", "没有第 x 段回答"),
        ("/edit 1", "用法"),
        ("/delete", "用法"),
        (f"/edit 1 {COMPLAINTS}", "没有变化"),
        ("/delete 1 4.3.2.2.1", "不是 4.3.2.2.1 的证据"),
    ],
)
def test_a_bad_history_command_is_one_clear_line_and_changes_nothing(interview, line, words):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    before = stored(interview)
    with pytest.raises(InterviewError, match=words):
        commands.run(interview, line)
    assert stored(interview) == before


def test_a_read_only_session_refuses_to_delete(kb, dialogues, matcher, store, interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    view = Interview(kb, dialogues, matcher, store, store.session("test"), read_only=True)
    with pytest.raises(InterviewError, match="只读"):
        view.delete_answer(1)
    assert len(view.history()) == 1


def test_history_speaks_english_after_the_language_switch(interview):
    interview.goto("4.3.3.2.3")
    interview.say(COMPLAINTS)
    commands.run(interview, "/lang en")
    text = commands.run(interview, "/history").message
    assert "Answers (1, newest first)" in text and "Complaint handling" in text
    assert "Deleted answer 1" in commands.run(interview, "/delete 1").message
