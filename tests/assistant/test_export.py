"""Exports: golden files per text format; XLSX and DOCX reopened and checked cell by cell."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from assistant.export import ExportError, export_session, safe_cell
from assistant.export_xlsx import SHEET_NAMES
from assistant.interview import Interview
from assistant.reportdata import build_report_data

GOLDEN = Path(__file__).resolve().parent.parent / "data" / "golden"
UPDATE = os.environ.get("ZHUOYUE_UPDATE_GOLDEN") == "1"
ANSWERS = [
    ("4.3.3.2.3", "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"),
    ("4.3.3.3.1", "每年委托第三方开展顾客满意度测评,按顾客群分别设计问卷。"),
    ("4.7.3.1", "近三年顾客满意度分别为86.2、88.5、91.3分,高于行业平均。"),
    ("4.1.2.1", '=HYPERLINK("http://evil","点我") 公司使命由董事会制定。'),
]


@pytest.fixture
def session(kb, dialogues, matcher, store, monkeypatch):
    # notes carry their creation time in the JSON report; a fixed clock keeps the golden file stable
    monkeypatch.setattr("assistant.storage.time.time", lambda: 1_767_225_600.0)
    iv = Interview.open(store, "golden", kb, dialogues, matcher, create=True, company="华东精工")
    iv.say("我们是一家做精密零部件的制造企业,有3个工厂、1200名员工。")  # the 组织概述 comes first
    iv.goto("4.3.2.2.2")
    iv.say("市场细分这块目前还是空白")
    iv.say("计划明年由市场部牵头建立细分方法")
    iv.goto("4.4.2.4.1")
    iv.say("培训数据得找人力部门要")
    for leaf, text in ANSWERS:
        iv.goto(leaf)
        iv.answer(text)
    iv.set_score("4.3.3", 40)
    iv.set_score("4.7.3", 35)
    iv.mark_na("4.1.4.4.2", "尚未开展")
    yield iv
    iv.close()


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "json"])
def test_text_formats_match_their_golden_files(session, tmp_path, fmt):
    out = export_session(session, tmp_path / f"report.{fmt}")
    golden = GOLDEN / f"report.{fmt}"
    if UPDATE:
        golden.write_bytes(out.read_bytes())
    assert golden.exists(), f"{golden} is missing; generate it with ZHUOYUE_UPDATE_GOLDEN=1 and review it"
    assert out.read_bytes() == golden.read_bytes(), (
        f"{fmt} export changed; regenerate with ZHUOYUE_UPDATE_GOLDEN=1 and review"
    )


def test_csv_has_bom_opens_as_utf8_and_neutralises_formulas(session, tmp_path):
    raw = export_session(session, tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    cells = [c for row in rows for c in row]
    assert "差距清单" in cells
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_xlsx_reopens_sheet_by_sheet_and_cell_by_cell(session, tmp_path):
    from openpyxl import load_workbook

    path = export_session(session, tmp_path / "r.xlsx")
    book = load_workbook(path)
    data = build_report_data(session)
    assert book.sheetnames == [SHEET_NAMES[t.key][0] for t in data.tables]  # no measures: no chart sheet
    assert book.sheetnames[:5] == ["组织概述", "差距清单", "评分项", "类目", "证据"]
    for sheet, table in zip(book.worksheets, data.tables, strict=True):
        assert sheet.freeze_panes == "A2"
        assert tuple(c.value for c in sheet[1]) == table.header
        for row_cells, row in zip(sheet.iter_rows(min_row=2), table.rows, strict=True):
            for cell, value in zip(row_cells, row, strict=True):
                expected = (
                    None if value in ("", None) else safe_cell(value)
                )  # openpyxl reads empty cells as None
                assert cell.value == expected, (sheet.title, cell.coordinate)
        assert sheet.column_dimensions["A"].width >= 8
    gaps = book["差距清单"]
    assert gaps["E2"].fill.fgColor.rgb.endswith("FFC7CE")  # an uncovered gap is red
    evidence = book["证据"]
    texts = [c.value for c in evidence["G"]]
    assert all(not str(t).startswith("=") for t in texts if t)
    assert any(str(t).startswith("'=HYPERLINK") for t in texts if t)


def test_docx_is_a_report_skeleton_in_clause_order_with_gap_markers(session, tmp_path):
    from docx import Document

    doc = Document(str(export_session(session, tmp_path / "r.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    item_headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2" and p.text[:1].isdigit()]
    ids = [i.id for i in session.kb.items()]
    assert [h.split()[0] for h in item_headings[: len(ids)]] == ids  # the chapters, then the appendix
    complaint = paragraphs.index("4.3.3.2.3 顾客投诉处理")  # the leaf leads its evidence under 方法
    assert doc.paragraphs[complaint + 1].style.name == "List Bullet"
    assert paragraphs[complaint + 1].startswith("投诉由客服中心")
    assert any(p.startswith("【待补充】") for p in paragraphs)
    assert any(p.startswith("已确认的不足 4.3.2.2.2") and "市场细分" in p for p in paragraphs)
    assert any(p.startswith("4.1.4.4.2 ") and p.endswith("不适用:尚未开展") for p in paragraphs)
    assert "华东精工" in paragraphs[0]


def test_html_is_standalone_escaped_and_printable(session, tmp_path):
    text = export_session(session, tmp_path / "r.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "@media print" in text
    assert "<script" not in text and "&quot;http://evil&quot;" in text
    assert 'class="uncovered"' in text


def test_existing_file_is_refused_without_force_and_nothing_half_written(session, tmp_path):
    target = tmp_path / "r.md"
    target.write_text("keep me")
    with pytest.raises(ExportError, match="exists"):
        export_session(session, target)
    assert target.read_text() == "keep me"
    export_session(session, target, force=True)
    assert target.read_text(encoding="utf-8").startswith("# 华东精工")
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_missing_folder_and_unknown_format_are_named(session, tmp_path):
    with pytest.raises(ExportError, match="no such folder"):
        export_session(session, tmp_path / "nope" / "r.md")
    with pytest.raises(ExportError, match="unknown export format"):
        export_session(session, tmp_path / "r.pdf")


def test_json_export_is_the_report_contract(session, tmp_path):
    data = json.loads(export_session(session, tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["total_points"] == 48.0
    assert {"session", "framework", "leaves", "items", "total_points", "gaps"} <= set(data)
