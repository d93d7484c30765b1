"""Importing drafts (.docx, .md, .txt in UTF-8 or GB18030) and merging assessors' sessions."""

from __future__ import annotations

import pytest

from assistant.importer import DraftError, heading_clause, import_draft, read_draft
from assistant.interview import Interview
from assistant.merge import merge_sessions, spreads
from assistant.storage import StorageError
from tests.conftest import run_cli


def make_docx(path):
    from docx import Document

    doc = Document()
    doc.add_heading("某公司卓越绩效自评报告", 0)
    doc.add_heading("4.1.2 高层领导的作用", 2)
    doc.add_paragraph(
        "公司高层领导每年组织战略研讨会,确定使命、愿景和价值观,并通过职代会和班前会向全体员工宣贯。"
    )
    doc.add_heading("4.3.1 顾客和市场的了解", 2)  # 2004 numbering
    doc.add_paragraph("市场部每年按行业和区域对顾客进行细分,识别战略客户和重点客户。")
    doc.add_heading("4.3.3.2.3 顾客投诉处理", 3)
    doc.add_paragraph("客服中心统一受理,24小时内答复,每季度分析。")
    doc.add_heading("顾客满意的测量", 3)  # a title alone
    doc.add_paragraph("每年委托第三方开展顾客满意度测评,按顾客群设计问卷。")
    doc.save(str(path))
    return path


@pytest.mark.parametrize(
    ("heading", "expected"),
    [("4.3.3.2.3 顾客投诉处理", "4.3.3.2.3"), ("4.3.3.2(c)", "4.3.3.2.3"), ("4.3.1 顾客和市场的了解", "4.3.2"),
     ("4.3.1 总则", "4.3.1"), ("顾客满意的测量", "4.3.3.3"), ("公司简介", None)],
)  # fmt: skip
def test_headings_name_clauses_by_2012_id_2004_id_or_title(kb, heading, expected):
    node = heading_clause(heading, kb)
    assert (node.id if node else None) == expected


def test_docx_draft_becomes_a_session_whose_gaps_name_what_it_never_addresses(
    kb, dialogues, matcher, store, tmp_path
):
    result = import_draft(make_docx(tmp_path / "draft.docx"), store, kb, matcher, name="draft")
    assert result.headings == 4 and result.paragraphs == 4
    iv = Interview(kb, dialogues, matcher, store, result.session, read_only=True)
    cov = iv.coverage()
    assert cov["4.3.3.2.3"].status != "uncovered"  # under its own heading
    assert cov["4.3.3.3.1"].status != "uncovered"  # under the area's title
    assert any(cov[leaf].status != "uncovered" for leaf in ("4.3.2.2.1", "4.3.2.3.1"))  # via the 2004 map
    assert cov["4.1.2.1"].status != "uncovered"
    gaps = {g.leaf_id for g in iv.gaps()}
    assert {"4.7.4.1", "4.4.3.2", "4.2.2.2.1"} <= gaps


def test_markdown_and_gb18030_text_drafts(kb, matcher, store, tmp_path):
    md = tmp_path / "draft.md"
    md.write_text("# 自评报告\n\n## 4.3.3.2.3 顾客投诉处理\n\n投诉由客服中心统一受理。\n", encoding="utf-8")
    assert import_draft(md, store, kb, matcher).evidence == 1
    txt = tmp_path / "gbk.txt"
    txt.write_bytes("4.3.3.2.3 顾客投诉处理\n\n投诉24小时内答复。\n".encode("gb18030"))
    paragraphs = read_draft(txt)
    assert paragraphs[1].text == "投诉24小时内答复。"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bin.txt", b"\x00\x01\x02\x03binary", "binary"),
        ("latin.txt", bytes([0xFF, 0xFE, 0xFD, 0x81, 0x30]) * 3, "neither UTF-8 nor GB18030"),
        ("fake.docx", b"this is not a zip file", "cannot be opened as a Word document"),
        ("old.doc", b"\xd0\xcf\x11\xe0 old word", "old binary Word file"),
        ("empty.md", b"   \n\n", "holds no text"),
    ],
)
def test_unreadable_drafts_are_named_and_create_nothing(kb, matcher, store, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DraftError, match=message):
        import_draft(path, store, kb, matcher)
    assert store.sessions() == []


def test_import_cli_reports_gaps(tmp_path):
    draft = make_docx(tmp_path / "d.docx")
    db = tmp_path / "i.db"
    result = run_cli("import", str(draft), "--session", "acme", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "4 clause headings" in result.stdout and "gaps" in result.stdout
    again = run_cli("import", str(draft), "--session", "acme", "--db", str(db))
    assert again.returncode == 1 and "already exists" in again.stderr
    missing = run_cli("import", str(tmp_path / "nope.docx"), "--db", str(db))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_merge_three_assessors_shows_spread_and_flags_disagreement(kb, dialogues, matcher, store):
    scores = {"wang": (40, 60), "li": (45, 35), "zhao": (50, 70)}
    for author, (s433, s473) in scores.items():
        iv = Interview.open(store, author, kb, dialogues, matcher, create=True)
        iv.goto("4.3.3.2.3")
        iv.answer(f"投诉由客服中心统一受理,24小时内答复({author})。")
        iv.set_score("4.3.3", s433)
        iv.set_score("4.7.3", s473)
        iv.close()
    merged = merge_sessions(store, ["wang", "li", "zhao"], "consensus")
    by_item = {s.item_id: s for s in spreads(store, merged.id)}
    assert (by_item["4.3.3"].low, by_item["4.3.3"].median, by_item["4.3.3"].high) == (40, 45, 50)
    assert not by_item["4.3.3"].flagged
    assert by_item["4.7.3"].flagged  # 35 vs 70
    assert store.scores(merged.id) == {"4.3.3": 45, "4.7.3": 60}
    authors = {e.author for e in store.evidence(merged.id)}
    assert authors == {"wang", "li", "zhao"}
    iv = Interview(kb, dialogues, matcher, store, merged, read_only=True)
    from assistant.reportdata import build_report_data

    consensus = build_report_data(iv).table("consensus")
    row = next(r for r in consensus.rows if r[0] == "4.7.3")
    assert row[-1] == "分歧 ≥20"
    with pytest.raises(StorageError, match="already exists"):
        merge_sessions(store, ["wang", "li"], "consensus")
    with pytest.raises(StorageError, match="at least two"):
        merge_sessions(store, ["wang"], "x")


def test_merge_cli(tmp_path):
    db = tmp_path / "m.db"
    for name in ("a", "b"):
        run_cli(
            "chat", "--new", name, "--db", str(db), input=f"/score 4.3.3 {30 if name == 'a' else 60}\n/quit\n"
        )
    result = run_cli("merge", "a", "b", "--into", "ab", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "4.3.3" in result.stdout and "differ by ≥20" in result.stdout
    xlsx = tmp_path / "ab.xlsx"
    assert run_cli("report", "ab", "-o", str(xlsx), "--db", str(db)).returncode == 0
    from openpyxl import load_workbook

    assert "共识" in load_workbook(xlsx).sheetnames


def test_merge_keeps_admitted_gaps_todos_profile_data_plan_and_own_findings(kb, dialogues, matcher, store):
    wang = Interview.open(store, "wang", kb, dialogues, matcher, create=True)
    wang.say("我们是一家做汽车零部件的民营企业,有三个工厂,员工一千二百人")  # the 组织概述's first question
    wang.skip_profile()
    wang.goto("4.3.2.2.1")
    wang.say("市场细分这块我们目前还是空白")
    wang.goto("4.4.2.3.1")
    wang.say("培训数据得问人力资源部")
    wang.set_data("4.7.3.1", "顾客满意度 % 2021=88 2022=90 2023=92 行业平均=86")
    wang.set_owner("4.3.2.2.1", "市场部")
    wang.add_feedback("strength", "4.3.3", "投诉闭环管理扎实")
    wang.close()
    li = Interview.open(store, "li", kb, dialogues, matcher, create=True)
    li.skip_profile()
    li.goto("4.4.3.2")
    li.say("这个得问下财务部")
    li.goto("4.4.3.2")
    li.answer("财务部每月做预算执行分析,偏差超过5%的由财务总监约谈责任部门")  # settles li's to-do
    li.set_data("4.7.3.1", "顾客满意度 % 2021=70")  # wang's table came first and stands
    li.set_owner("4.3.2.2.1", "销售部")
    li.close()

    merged = merge_sessions(store, ["wang", "li"], "consensus")

    notes = store.notes(merged.id)
    assert [(n.kind, n.leaf_id) for n in notes if n.kind == "absent"] == [("absent", "4.3.2.2.1")]
    todos = {(n.leaf_id, n.owner, n.closed) for n in notes if n.kind == "defer"}
    assert ("4.4.2.3.1", "人力资源部", False) in todos and ("4.4.3.2", "财务部", True) in todos
    assert any(n.kind == "profile" and "汽车零部件" in n.text for n in notes)
    (table,) = store.measures(merged.id)["4.7.3.1"]
    assert table.periods == (("2021", 88.0), ("2022", 90.0), ("2023", 92.0))
    assert store.plan(merged.id)["4.3.2.2.1"].owner == "市场部"
    assert [(f.item_id, f.kind, f.text) for f in store.feedback(merged.id)] == [("4.3.3", "strength", "投诉闭环管理扎实")]
