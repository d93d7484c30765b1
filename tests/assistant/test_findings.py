"""The assessor's findings through the engine: strengths and opportunities with edits and undo, the plan, exports."""

from __future__ import annotations

import json

import pytest

from assistant import commands
from assistant.interview import Interview, InterviewError
from assistant.reportdata import build_report_data, report_json
from assistant.storage import StorageError
from assistant.views import help_text

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"


@pytest.fixture
def assessed(interview):
    """4.3 with one covered leaf (complaints) and one admitted gap (segmenting competitors' customers)."""
    interview.goto("4.3.3.2.3")
    interview.answer(COMPLAINTS)
    interview.goto("4.3.2.2.2")
    interview.say("市场细分这块目前是空白")
    return interview


def add_todo(iv: Interview, leaf_id: str, owner: str, *, closed: bool = False) -> None:
    sid = iv.session.id
    with iv.store.transaction():
        answer = iv.store.add_answer(sid, leaf_id, "", f"得问{owner}", "")
        iv.store.add_note(sid, answer, leaf_id, "defer", f"得问{owner}", owner)
        if closed:
            iv.store.close_todos(sid, [leaf_id], answer)


def test_a_covered_leaf_is_drafted_as_a_strength_naming_it_and_its_dimensions(assessed):
    strengths = assessed.strengths("4.3.3")
    assert [s.leaf for s in strengths] == ["4.3.3.2.3"]
    assert strengths[0].text.startswith("4.3.3.2.3 顾客投诉处理:建立了明确的方法")
    assert "approach" in strengths[0].dimension and strengths[0].source == "draft"


def test_missing_dimensions_and_the_admitted_gap_are_opportunities(assessed):
    on_complaints = [o for o in assessed.opportunities("4.3.3") if o.leaf == "4.3.3.2.3"]
    assert on_complaints and all(o.dimension not in ("approach", "deployment") for o in on_complaints)
    admitted = [o for o in assessed.opportunities("4.3.2") if o.source == "admitted"]
    assert [o.leaf for o in admitted] == ["4.3.2.2.2"]
    assert "市场细分这块目前是空白" in admitted[0].text


def test_suggested_band_follows_the_leaves_and_says_why(assessed):
    band = assessed.suggested_band("4.3.3")
    assert band.range == "10–25"  # one leaf of eight with an approach
    assert "只有少数条款有方法" in band.reason and "8 个适用条款中" in band.reason
    assert assessed.suggested_band("4.3.3.2.3") == band  # a leaf names its item
    assert assessed.suggested_band("4.5.2") is None  # outside the session's scope: nothing to go on


def test_adding_editing_and_dropping_each_take_one_undo(assessed):
    drafts = assessed.strengths("4.3.3")
    assessed.add_feedback("strength", "4.3.3", "4.3.3.2.1 大客户经理制度覆盖全部重点客户")
    own = assessed.strengths("4.3.3")[-1]
    assert (own.source, own.leaf) == ("assessor", "4.3.3.2.1")  # the leading clause id names the leaf
    assessed.edit_feedback("strength", "4.3.3", 1, "投诉处理快速、闭环")
    first = assessed.strengths("4.3.3")[0]
    assert (first.text, first.source) == ("投诉处理快速、闭环", "edited")
    assessed.edit_feedback("strength", "4.3.3", 2, "大客户经理制度覆盖全部重点客户,每季度回访")
    assessed.drop_feedback("strength", "4.3.3", 1)
    assert [s.source for s in assessed.strengths("4.3.3")] == ["assessor"]

    assessed.undo()  # the drop
    assert assessed.strengths("4.3.3")[0].text == "投诉处理快速、闭环"
    assessed.undo()  # the edit of the assessor's own entry
    assert assessed.strengths("4.3.3")[-1].text == "4.3.3.2.1 大客户经理制度覆盖全部重点客户"
    assessed.undo()  # the edit of the draft
    assert assessed.strengths("4.3.3")[0] == drafts[0]
    reply = assessed.undo()  # the addition
    assert assessed.strengths("4.3.3") == drafts
    assert "优势/改进机会" in reply.message


def test_a_dropped_draft_stays_dropped_when_more_evidence_comes(assessed):
    before = assessed.opportunities("4.3.3")
    number, dropped = next((n, o) for n, o in enumerate(before, start=1) if o.leaf == "4.3.3.2.2")
    assessed.drop_feedback("opportunity", "4.3.3", number)
    assessed.goto("4.3.3.2.1")
    assessed.answer("我们为每个重点客户指定大客户经理,每季度上门回访,在全部事业部推行。")
    after = assessed.opportunities("4.3.3")
    assert [o.key for o in after] != [o.key for o in before if o != dropped]  # the drafts were drafted afresh
    assert assessed.coverage()["4.3.3.2.2"].status == "uncovered"  # so its draft is still drafted …
    assert dropped.key not in [o.key for o in after]  # … and still dropped


def test_bad_numbers_and_blank_text_are_one_clear_line(assessed):
    with pytest.raises(InterviewError, match="没有第 9 条优势"):
        assessed.edit_feedback("strength", "4.3.3", 9, "x")
    with pytest.raises(InterviewError, match="没有第 abc 条改进机会"):
        assessed.drop_feedback("opportunity", "4.3.3", "abc")
    with pytest.raises(InterviewError, match="请写出内容"):
        assessed.add_feedback("strength", "4.3.3", "  \u200b ")
    with pytest.raises(InterviewError, match="不属于某个评分项"):
        assessed.add_feedback("strength", "4.3", "类目不是评分项")
    assessed.set_lang("en")
    with pytest.raises(InterviewError, match=r"4\.3\.3 has no strength 9 \(there are 1\)"):
        assessed.drop_feedback("strength", "4.3.3", 9)


def test_a_todos_owner_is_the_default_owner_until_the_assessor_names_one(assessed):
    add_todo(assessed, "4.3.3.2.2", "人力部门", closed=True)
    add_todo(assessed, "4.3.3.2.2", "客服部")
    entry = assessed.plan()["4.3.3.2.2"]
    assert (entry.owner, entry.owner_from_todo) == ("客服部", True)  # the open to-do's owner
    assessed.set_owner("4.3.3.2.2", "张经理")
    assert (assessed.plan()["4.3.3.2.2"].owner, assessed.plan()["4.3.3.2.2"].owner_from_todo) == ("张经理", False)
    reply = assessed.set_owner("4.3.3.2.2", "-")
    assert assessed.plan()["4.3.3.2.2"].owner == "客服部" and "客服部" in reply.message


def test_due_dates_are_checked_and_owner_and_due_are_undone_one_step_at_a_time(assessed):
    with pytest.raises(InterviewError, match="YYYY-MM-DD"):
        assessed.set_due("4.3.3.2.2", "2026-02-30")
    with pytest.raises(InterviewError, match="不是最末级条款"):
        assessed.set_due("4.3.3", "2026-03-31")
    assessed.set_owner("4.3.3.2.2", "张经理")
    assessed.set_due("4.3.3.2.2", "2026/3/31")
    assert assessed.plan()["4.3.3.2.2"].due == "2026-03-31"
    assessed.set_due("4.3.3.2.2", "2026-06-30")
    assessed.undo()
    assert assessed.plan()["4.3.3.2.2"].due == "2026-03-31"
    assessed.undo()
    assessed.undo()
    assert "4.3.3.2.2" not in assessed.plan()


def test_read_only_sessions_take_no_findings(kb, dialogues, matcher, store, assessed):
    viewer = Interview(kb, dialogues, matcher, store, assessed.session, read_only=True)
    assert viewer.strengths("4.3.3") == assessed.strengths("4.3.3")
    with pytest.raises(InterviewError, match="只读"):
        viewer.add_feedback("strength", "4.3.3", "x")
    with pytest.raises(InterviewError, match="只读"):
        viewer.set_owner("4.3.3.2.2", "x")


def test_session_export_and_import_carry_edits_and_the_plan(kb, assessed, store):
    from assistant.sessionfile import kb_clause_check

    assessed.add_feedback("opportunity", "4.3.2", "细分方法没有形成文件")
    assessed.edit_feedback("strength", "4.3.3", 1, "投诉处理快速、闭环")
    assessed.drop_feedback("opportunity", "4.3.3", 1)
    assessed.set_owner("4.3.3.2.2", "张经理")
    assessed.set_due("4.3.3.2.4", "2026-09-30")
    data = json.loads(json.dumps(store.export_session("test")))
    assert {f["kind"] for f in data["feedback"]} == {"strength", "opportunity"}
    assert {p["leaf_id"]: (p["owner"], p["due"]) for p in data["plan"]} == {
        "4.3.3.2.2": ("张经理", ""), "4.3.3.2.4": ("", "2026-09-30"),
    }  # fmt: skip
    copy = store.import_session(data, name="copy", check_clause=kb_clause_check(kb))
    again = Interview(kb, assessed.dialogues, assessed.matcher, store, copy)

    def shown(entries):  # an assessor's own entry is keyed by its row id, which a new database renews
        return [(f.text, f.leaf, f.source, f.dimension) for f in entries]

    for item in ("4.3.2", "4.3.3"):
        assert shown(again.strengths(item)) == shown(assessed.strengths(item))
        assert shown(again.opportunities(item)) == shown(assessed.opportunities(item))
    assert again.plan() == assessed.plan()


def test_an_import_refuses_a_plan_with_a_date_that_does_not_exist(kb, assessed, store):
    from assistant.sessionfile import kb_clause_check

    assessed.set_due("4.3.3.2.4", "2026-09-30")
    data = json.loads(json.dumps(store.export_session("test")))
    data["plan"][0]["due"] = "2026-09-31"
    with pytest.raises(StorageError, match=r"plan\[0\]\.due"):
        store.import_session(data, name="bad", check_clause=kb_clause_check(kb))
    data["plan"][0]["due"] = "2026-09-30"
    data["feedback"] = [{"item_id": "4.3.3.2.3", "kind": "strength", "text": "x"}]
    with pytest.raises(StorageError, match=r"feedback\[0\]\.item_id"):
        store.import_session(data, name="bad", check_clause=kb_clause_check(kb))


def test_report_json_carries_bands_feedback_and_the_plan(assessed):
    add_todo(assessed, "4.3.3.2.2", "客服部")
    assessed.set_due("4.3.3.2.2", "2026-03-31")
    data = report_json(assessed)
    item = next(i for i in data["items"] if i["id"] == "4.3.3")
    assert set(item["suggested_band"]) == {"range", "reason"} and item["suggested_band"]["range"] == "10–25"
    assert item["strengths"][0] == {"text": assessed.strengths("4.3.3")[0].text, "leaf": "4.3.3.2.3", "source": "draft"}
    assert all(set(o) == {"text", "leaf", "source"} for o in item["opportunities"]) and item["opportunities"]
    assert next(i for i in data["items"] if i["id"] == "4.5.2")["suggested_band"] is None
    gap = next(g for g in data["gaps"] if g["id"] == "4.3.3.2.2")
    assert (gap["owner"], gap["due"], gap["priority"]) == ("客服部", "2026-03-31", "high")
    assert gap["collect"] and all(isinstance(line, str) for line in gap["collect"])


def test_the_gap_list_is_a_plan_and_every_report_has_strengths_and_opportunities(assessed):
    assessed.set_owner("4.3.3.2.2", "张经理")
    data = build_report_data(assessed)
    gaps = data.table("gaps")
    assert gaps.header[6:12] == ("优先级", "已确认的不足", "待核实(负责人)", "需收集的证据", "负责人", "完成日期")
    row = next(r for r in gaps.rows if r[0] == "4.3.3.2.2")
    assert (row[6], row[10]) == ("高", "张经理") and row[9]
    strengths = data.table("strengths")
    assert strengths.rows[0][:2] == ("4.3.3", "4.3.3.2.3")
    opportunities = data.table("opportunities")
    assert [t.key for t in data.tables].count("opportunities") == 1
    assert any(r[1] == "4.3.2.2.2" and r[4] == "自评确认的不足" for r in opportunities.rows)
    section = next(i for c in data.outline for i in c.items if i.item_id == "4.3.3")
    assert section.suggested_band.range == "10–25" and section.strengths
    leaf = next(x for x in section.leaves if x.leaf_id == "4.3.3.2.2")
    assert leaf.owner == "张经理"


def test_an_untouched_session_still_has_both_feedback_tables(interview):
    data = build_report_data(interview)
    assert data.table("strengths").rows == ()
    assert data.table("opportunities") is not None


def test_chat_commands_list_add_edit_and_drop_feedback_and_set_the_plan(assessed):
    listing = commands.run(assessed, "/strength 4.3.3").message
    assert "  1. 4.3.3.2.3 顾客投诉处理" in listing and "依据证据草拟" in listing
    reply = commands.run(assessed, "/strength 4.3.3.2.1 大客户经理制度健全")
    assert "已添加为优势第 2 条" in reply.message
    assert assessed.strengths("4.3.3")[-1].leaf == "4.3.3.2.1"  # named by the clause given
    commands.run(assessed, "/strength 4.3.3 edit 2 大客户经理制度健全,覆盖全部重点客户")
    assert assessed.strengths("4.3.3")[-1].text == "大客户经理制度健全,覆盖全部重点客户"
    count = len(assessed.opportunities("4.3.3"))
    commands.run(assessed, "/ofi 4.3.3 删除 1")
    assert len(assessed.opportunities("4.3.3")) == count - 1
    commands.run(assessed, "/ofi 4.3.3 没有顾客关系的年度评审")
    assert assessed.opportunities("4.3.3")[-1].source == "assessor"
    commands.run(assessed, "/owner 4.3.3.2c 客服部 李娜")
    commands.run(assessed, "/due 4.3.3.2.3 2026-12-31")
    assert (assessed.plan()["4.3.3.2.3"].owner, assessed.plan()["4.3.3.2.3"].due) == ("客服部 李娜", "2026-12-31")
    for bad, message in (("/due 4.3.3.2.3 明年", "无效"), ("/owner 4.3.3.2.3", "用法"), ("/strength", "用法"),
                         ("/ofi 4.3.3 edit 1", "用法"), ("/ofi 4.3.3 drop", "用法")):  # fmt: skip
        with pytest.raises(InterviewError, match=message):
            commands.run(assessed, bad)


def test_help_lists_the_new_commands_in_both_languages():
    for lang, word in (("zh", "优势"), ("en", "strengths")):
        text = help_text(lang)
        for name in ("/strength ITEM", "/ofi ITEM", "/owner ID NAME", "/due ID DATE"):
            assert name in text
        assert word in text


@pytest.mark.parametrize("separator", [" ", ":", "：", ",", "，", "、"])
def test_an_entry_that_starts_with_a_clause_id_names_that_leaf_whatever_follows_it(assessed, separator):
    assessed.add_feedback("strength", "4.3.3", f"4.3.3.2.1{separator}大客户经理制度覆盖全部重点客户")
    assert assessed.strengths("4.3.3")[-1].leaf == "4.3.3.2.1"
