"""Outputs a team can use: the DOCX 自评报告 skeleton, the print-ready XLSX with its charts,
the HTML's SVG charts and the gap list as a plan in every format.

The session is built through the real Interview (as in test_export.py) with two results
measures entered through `/data` (Interview.set_data).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.charts import line_chart_svg, nice_ticks
from assistant.export import export_session, to_docx
from assistant.export_docx import TOC_INSTRUCTION
from assistant.export_xlsx import WIDTH_CAP, column_widths, fit_to_page, row_height, sheet_name
from assistant.interview import Interview
from assistant.reportdata import MeasureTable, build_report_data

ANSWERS = [
    ("4.3.3.2.3", "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"),
    ("4.3.3.3.1", "每年委托第三方开展顾客满意度测评,按顾客群分别设计问卷。"),
    ("4.7.3.1", "近三年顾客满意度分别为86.2、88.5、91.3分,高于行业平均。"),
]
SATISFACTION = "顾客满意度 分 2021=86.2 2022=88.5 2023=91.3 行业平均=85 标杆=93"
COMPLAINTS = "投诉率 % 2021=1.2 2022=0.9 2023=0.7"


def _build(kb, dialogues, matcher, store, *, lang: str = "zh") -> Interview:
    iv = Interview.open(store, "team", kb, dialogues, matcher, create=True, company="华东精工")
    if lang == "en":
        iv.set_lang("en")
    iv.say("我们是一家做精密零部件的制造企业,有3个工厂、1200名员工。")  # the 组织概述 comes first
    iv.goto("4.3.2.2.2")
    iv.say("市场细分这块目前还是空白")
    for leaf, text in ANSWERS:
        iv.goto(leaf)
        iv.answer(text)
    iv.set_score("4.3.3", 40)
    iv.set_score("4.7.3", 35)
    iv.set_data("4.7.3.1", SATISFACTION)
    iv.set_data("4.7.3.1", COMPLAINTS)
    return iv


@pytest.fixture
def session(kb, dialogues, matcher, store):
    iv = _build(kb, dialogues, matcher, store)
    yield iv
    iv.close()


@pytest.fixture
def docx_of(tmp_path):
    def read(iv: Interview, name: str = "r.docx"):
        from docx import Document

        return Document(str(export_session(iv, tmp_path / name)))

    return read


def _blocks(doc) -> list[tuple[str, str, object]]:
    """The body in order: ("p", style, text) for paragraphs and ("t", "", Table) for tables."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[tuple[str, str, object]] = []
    for element in doc.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(element, doc)
            out.append(("p", paragraph.style.name, paragraph.text))
        elif tag == "tbl":
            out.append(("t", "", Table(element, doc)))
    return out


def _section(blocks, heading: str, level: int) -> list[tuple[str, str, object]]:
    """The blocks after the heading that starts with `heading`, up to the next heading of its level or above."""
    start = next(
        i for i, (k, s, t) in enumerate(blocks) if s == f"Heading {level}" and str(t).startswith(heading)
    )
    end = next(
        (
            i
            for i in range(start + 1, len(blocks))
            if blocks[i][1] in {f"Heading {n}" for n in range(1, level + 1)}
        ),
        len(blocks),
    )
    return blocks[start + 1 : end]


def _rows(table) -> list[tuple[str, ...]]:
    return [tuple(cell.text for cell in row.cells) for row in table.rows]


# --- DOCX -----------------------------------------------------------------------------------------


def test_docx_opens_with_a_cover_page_and_a_toc_field_word_fills_in(session, docx_of):
    from docx.oxml.ns import qn

    doc = docx_of(session)
    blocks = _blocks(doc)
    assert blocks[0][2] == "华东精工"
    assert ("p", "Title", "卓越绩效自评报告") in blocks
    cover = " ".join(str(t) for _, _, t in blocks[:8])
    assert "GB/T 19580-2012" in cover and "team" in cover and "日期" in cover
    body = doc.element.body
    instructions = [el.text for el in body.iter(qn("w:instrText"))]
    assert instructions == [TOC_INSTRUCTION]
    assert TOC_INSTRUCTION.strip() == 'TOC \\o "1-3" \\h \\z \\u'
    kinds = [el.get(qn("w:fldCharType")) for el in body.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    flag = doc.settings.element.find(qn("w:updateFields"))
    assert flag is not None and flag.get(qn("w:val")) == "true"


def test_docx_cover_date_is_the_day_given(session):
    from docx import Document

    doc = Document(io.BytesIO(to_docx(build_report_data(session), today=date(2026, 3, 9))))
    assert "日期:2026年3月9日" in [p.text for p in doc.paragraphs[:8]]


def test_docx_headings_hold_the_profile_and_every_category_and_item(session, docx_of):
    blocks = _blocks(docx_of(session))
    h1 = [t for _, s, t in blocks if s == "Heading 1"]
    h2 = [t for _, s, t in blocks if s == "Heading 2"]
    assert h1[0] == "组织概述"
    assert [h.split()[0] for h in h1[1:8]] == [c.id for c in session.kb.categories()]
    assert "评分汇总" in h1 and "附录 优势与改进机会" in h1
    profile = _section(blocks, "组织概述", 1)
    assert profile[0][1] == "Heading 2" and str(profile[0][2]).startswith("B.1 ")
    assert any("1200名员工" in str(t) for _, _, t in profile)
    chapters = h2[h2.index(next(h for h in h2 if h.startswith("4.1.2 "))) :]
    item_ids = [i.id for i in session.kb.items()]
    assert [h.split()[0] for h in chapters[: len(item_ids)]] == item_ids


def test_docx_process_items_have_a_subsection_per_process_dimension(session, docx_of):
    blocks = _blocks(docx_of(session))
    for item in ("4.3.3", "4.5.2"):
        subsections = [t for _, s, t in _section(blocks, f"{item} ", 2) if s == "Heading 3"]
        assert subsections == ["方法", "展开", "学习", "整合"], item


def test_docx_results_items_have_a_subsection_per_results_dimension(session, docx_of):
    blocks = _blocks(docx_of(session))
    for item in ("4.7.3", "4.7.6"):
        subsections = [t for _, s, t in _section(blocks, f"{item} ", 2) if s == "Heading 3"]
        assert subsections == ["水平", "趋势", "对比", "整合"], item


def test_docx_evidence_is_bulleted_under_a_dimension_not_transcribed(session, docx_of):
    blocks = _blocks(docx_of(session))
    item = _section(blocks, "4.3.3 ", 2)
    bullets = [str(t) for _, s, t in item if s == "List Bullet"]
    assert any("客服中心" in b for b in bullets)
    assert any("第三方" in b for b in bullets)
    assert not any(
        s == "Heading 3" and str(t).startswith("4.3.3.") for _, s, t in item
    )  # no heading per leaf
    assert not any("〔访谈回答〕" in str(t) for _, _, t in blocks)  # no transcript of sources


def test_docx_marks_every_dimension_without_evidence_to_be_completed(session, docx_of):
    blocks = _blocks(docx_of(session))
    untouched = _section(blocks, "4.5.2 ", 2)
    heads = [i for i, (_, s, _) in enumerate(untouched) if s == "Heading 3"]
    assert len(heads) == 4
    for start, end in zip(heads, [*heads[1:], len(untouched)], strict=True):
        body = untouched[start + 1 : end]
        assert str(body[0][2]).startswith("【待补充】"), untouched[start][2]
        assert not any(s == "List Bullet" for _, s, _ in body)
    # an item with evidence still marks the dimensions nobody has spoken to
    complaints = _section(blocks, "4.3.3 ", 2)
    at = next(i for i, (_, s, t) in enumerate(complaints) if s == "Heading 3" and t == "整合")
    assert str(complaints[at + 1][2]).startswith("【待补充】")


def test_docx_results_data_become_a_table_with_the_periods_as_columns(session, docx_of):
    blocks = _blocks(docx_of(session))
    item = _section(blocks, "4.7.3 ", 2)
    tables = [t for k, _, t in item if k == "t"]
    assert len(tables) == 1
    rows = _rows(tables[0])
    assert rows[0] == ("指标", "2021", "2022", "2023", "行业平均", "标杆")
    assert rows[1] == ("顾客满意度(分)", "86.2", "88.5", "91.3", "85", "93")
    assert rows[2] == ("投诉率(%)", "1.2", "0.9", "0.7", "", "")
    bullets = [str(t) for _, s, t in item if s == "List Bullet"]
    assert any(b.startswith("顾客满意度:2021 86.2分 → 2022 88.5分 → 2023 91.3分,上升") for b in bullets)
    assert any("行业平均 85分" in b and "标杆 93分" in b for b in bullets)


def test_docx_without_measures_has_no_data_table_in_the_results_items(kb, dialogues, matcher, store, docx_of):
    iv = Interview.open(store, "plain", kb, dialogues, matcher, create=True, company="华东精工")
    iv.goto("4.7.3.1")
    iv.answer(ANSWERS[2][1])
    blocks = _blocks(docx_of(iv))
    iv.close()
    assert not [t for k, _, t in _section(blocks, "4.7.3 ", 2) if k == "t"]


def test_docx_score_summary_lists_every_item_with_points_coverage_and_score(session, docx_of):
    blocks = _blocks(docx_of(session))
    summary = _section(blocks, "评分汇总", 1)
    table = next(t for k, _, t in summary if k == "t")
    rows = _rows(table)
    assert rows[0][:6] == ("评分项", "名称", "分值", "覆盖率", "自评%", "得分")
    by_id = {r[0]: r for r in rows[1:]}
    assert {i.id for i in session.kb.items()} <= set(by_id)
    assert by_id["4.3.3"][2] == "50" and by_id["4.3.3"][4] == "40%" and by_id["4.3.3"][5] == "20"
    assert by_id["4.3.3"][3].endswith("%")
    assert rows[-1][1] == "合计" and rows[-1][2] == "1000" and rows[-1][5] == "48"


def test_docx_appendix_lists_strengths_and_opportunities_per_item(session, docx_of):
    data = build_report_data(session)
    item = next(i for c in data.outline for i in c.items if i.item_id == "4.3.3")
    assert item.strengths and item.opportunities  # drafted from the evidence by the report data
    blocks = _blocks(docx_of(session))
    appendix = _section(blocks, "附录 优势与改进机会", 1)
    section = _section(appendix, "4.3.3 ", 2)
    texts = [str(t) for _, _, t in section]
    assert texts.index("优势") < texts.index("改进机会")
    bullets = [str(t) for _, s, t in section if s == "List Bullet"]
    assert any(item.strengths[0].text in b for b in bullets)
    assert any(item.opportunities[0].text in b for b in bullets)


def test_docx_of_an_empty_session_is_a_skeleton_to_fill(kb, dialogues, matcher, store, docx_of):
    iv = Interview.open(store, "empty", kb, dialogues, matcher, create=True, company="空白公司")
    blocks = _blocks(docx_of(iv))
    iv.close()
    profile = _section(blocks, "组织概述", 1)
    assert str(profile[0][2]).startswith("【待补充】")
    markers = sum(str(t).startswith("【待补充】") for _, _, t in blocks)
    assert markers >= 4 * len(list(kb.items()))  # every dimension of every item


def test_docx_in_english_has_english_headings(kb, dialogues, matcher, store, docx_of):
    iv = _build(kb, dialogues, matcher, store, lang="en")
    blocks = _blocks(docx_of(iv))
    iv.close()
    headings = {str(t) for _, s, t in blocks if s.startswith("Heading") or s in ("Title", "TOC Heading")}
    assert {"Performance Excellence Self-Assessment Report", "Contents", "Organisational profile",
            "Approach", "Deployment", "Learning", "Integration", "Score summary",
            "Appendix: strengths and opportunities for improvement"} <= headings  # fmt: skip
    assert any(str(t).startswith("[TO BE COMPLETED]") for _, _, t in blocks)


# --- XLSX -----------------------------------------------------------------------------------------


def test_every_xlsx_sheet_prints_landscape_one_page_wide_with_a_filtered_frozen_header(session, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    book = load_workbook(export_session(session, tmp_path / "r.xlsx"))
    assert len(book.worksheets) >= 6
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "landscape", sheet.title
        assert (int(setup.fitToWidth), int(setup.fitToHeight)) == (1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.print_title_rows == "$1:$1", sheet.title
        width = sum(1 for c in sheet[1] if c.value is not None)
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(width)}{max(sheet.max_row, 1)}", sheet.title
        for index in range(1, width + 1):
            assert 8 <= sheet.column_dimensions[get_column_letter(index)].width <= WIDTH_CAP


def test_xlsx_results_sheet_holds_a_line_chart_per_measure(session, tmp_path):
    from openpyxl import load_workbook
    from openpyxl.chart import LineChart

    book = load_workbook(export_session(session, tmp_path / "r.xlsx"))
    sheet = book["结果数据"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("条款", "名称", "指标", "单位", "期间", "数值", "行业平均", "标杆")
    assert rows[1:4] == [
        ("4.7.3.1", rows[1][1], "顾客满意度", "分", period, value, 85, 93)
        for period, value in (("2021", 86.2), ("2022", 88.5), ("2023", 91.3))
    ]
    assert rows[4][2:8] == ("投诉率", "%", "2021", 1.2, None, None)
    charts = sheet._charts
    assert len(charts) == 2 and all(isinstance(c, LineChart) for c in charts)
    satisfaction = charts[0]
    assert [s.tx.v for s in satisfaction.series] == ["顾客满意度", "行业平均", "标杆"]
    assert satisfaction.series[0].val.numRef.f == "'结果数据'!$F$2:$F$4"
    assert satisfaction.series[1].val.numRef.f == "'结果数据'!$G$2:$G$4"  # the comparison, flat
    category = satisfaction.series[0].cat
    assert (category.numRef or category.strRef).f == "'结果数据'!$E$2:$E$4"
    assert [s.tx.v for s in charts[1].series] == ["投诉率"]


def test_xlsx_without_measures_has_no_chart(kb, dialogues, matcher, store, tmp_path):
    from openpyxl import load_workbook

    iv = Interview.open(store, "plain", kb, dialogues, matcher, create=True)
    book = load_workbook(export_session(iv, tmp_path / "r.xlsx"))
    iv.close()
    assert not any(sheet._charts for sheet in book.worksheets)


def test_xlsx_column_widths_count_a_cjk_character_as_two():
    assert column_widths(("名称", "id"), [("顾客满意度", "a")]) == [12, 8]
    assert column_widths(("x",), [("投诉" * 100,)]) == [WIDTH_CAP]
    assert column_widths(("x",), [("第一行\n第二行比较长",)]) == [14]  # the longest line


def test_xlsx_wide_sheets_give_way_in_their_widest_columns():
    assert fit_to_page([10, 20, 30]) == [10, 20, 30]
    narrowed = fit_to_page([10, 10, 60, 60, 60, 60])
    assert narrowed[:2] == [10, 10] and all(20 <= w < 60 for w in narrowed[2:])
    assert sum(narrowed) <= 200.5


def test_xlsx_rows_are_as_tall_as_their_wrapped_text():
    assert row_height(("短", "a"), [10, 10]) is None
    assert row_height(("投诉" * 10,), [11]) == 4 * 15  # 40 columns of text in lines of 10
    assert row_height(("一\n二\n三",), [10]) == 3 * 15


def test_xlsx_sheet_names_are_valid_and_unique():
    taken: set[str] = set()
    assert sheet_name("a/b:c", taken) == "a b c"
    assert sheet_name("A B C", taken) == "A B C 2"
    assert len(sheet_name("长" * 40, taken)) == 31


# --- HTML -----------------------------------------------------------------------------------------


def test_html_draws_an_svg_line_chart_per_measure(session, tmp_path):
    text = export_session(session, tmp_path / "r.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    assert len(svgs) == 2
    first = svgs[0]
    assert 'role="img"' in first and 'aria-labelledby="chart-1-title chart-1-desc"' in first
    assert '<title id="chart-1-title">顾客满意度(分)</title>' in first
    assert "2021: 86.2分" in first and "行业平均: 85分" in first  # the description reads out the values
    assert first.count("<polyline") == 1 and first.count("stroke-dasharray") == 2  # two flat references
    assert "<script" not in text and "<img" not in text and "@font-face" not in text and "url(" not in text
    assert text.index("<svg") > text.index("<h2>结果数据</h2>")


def test_html_without_measures_has_no_svg(kb, dialogues, matcher, store, tmp_path):
    iv = Interview.open(store, "plain", kb, dialogues, matcher, create=True)
    text = export_session(iv, tmp_path / "r.html").read_text(encoding="utf-8")
    iv.close()
    assert "<svg" not in text


def test_svg_chart_escapes_names_and_survives_odd_values():
    hostile = MeasureTable('<script>"x"</script>&', "%", (("2023", 5.0),), (("<b>", float("nan")),))
    svg = line_chart_svg(hostile, chart_id="c", lang="zh")
    assert "<script" not in svg and "<b>" not in svg and "&lt;script&gt;" in svg
    assert "nan" not in svg.lower()
    empty = line_chart_svg(MeasureTable("空", "", ()), chart_id="e", lang="en")
    assert "no values by period yet" in empty


def test_nice_ticks_span_the_values_in_round_steps():
    ticks = nice_ticks(84.9, 93)
    assert ticks[0] <= 84.9 and ticks[-1] >= 93
    steps = {round(b - a, 6) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and steps.pop() in (1, 2, 2.5, 5)
    assert nice_ticks(5, 5)[0] < 5 < nice_ticks(5, 5)[-1]


@pytest.mark.parametrize(("low", "high"), [(1e-10, 1e-10), (0.5, 0.50000000001), (-1e15, 1e15)])
def test_nice_ticks_end_for_values_too_close_or_far_apart_for_a_float_step(low, high):
    ticks = nice_ticks(low, high)
    assert 2 <= len(ticks) <= 12 and ticks[0] <= low and ticks[-1] >= high


# --- the gap list as a plan ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "csv", "html", "xlsx"])
def test_gap_list_carries_every_column_of_the_plan(session, tmp_path, fmt):
    gaps = build_report_data(session).table("gaps")
    assert gaps is not None and len(gaps.header) > 9  # the plan's columns: priority, evidence, owner, due …
    path: Path = export_session(session, tmp_path / f"r.{fmt}")
    if fmt == "xlsx":
        from openpyxl import load_workbook

        header = tuple(c.value for c in load_workbook(path)["差距清单"][1])
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        header = tuple(rows[rows.index([gaps.title]) + 1])
    elif fmt == "md":
        line = path.read_text(encoding="utf-8").split(f"## {gaps.title}\n\n", 1)[1].split("\n", 1)[0]
        header = tuple(cell.strip() for cell in line.strip("|").split("|"))
    else:
        section = path.read_text(encoding="utf-8").split(f"<h2>{gaps.title}</h2>", 1)[1]
        header = tuple(re.findall(r"<th>(.*?)</th>", section.split("</thead>", 1)[0]))
    assert header == gaps.header


def test_writers_take_report_data_with_dimensions_filled_in(session):
    """Evidence sorted by dimension lands under that dimension; an empty one is marked."""
    from docx import Document

    data = build_report_data(session)
    outline = []
    for category in data.outline:
        items = []
        for item in category.items:
            leaves = tuple(
                dataclasses.replace(leaf, dims=(("approach", ("统一受理",)), ("deployment", ("全部分公司都执行",)),
                                                ("learning", ()), ("integration", ())))
                if leaf.leaf_id == "4.3.3.2.3" else leaf
                for leaf in item.leaves
            )  # fmt: skip
            items.append(dataclasses.replace(item, leaves=leaves))
        outline.append(dataclasses.replace(category, items=tuple(items)))
    doc = Document(io.BytesIO(to_docx(dataclasses.replace(data, outline=tuple(outline)))))
    blocks = _blocks(doc)
    item = _section(blocks, "4.3.3 ", 2)
    deployment = item[next(i for i, (_, s, t) in enumerate(item) if t == "展开") + 1 :]
    assert deployment[0][2] == "4.3.3.2.3 顾客投诉处理"
    assert deployment[1] == ("p", "List Bullet", "全部分公司都执行")
    learning = item[next(i for i, (_, s, t) in enumerate(item) if t == "学习") + 1 :]
    assert str(learning[0][2]).startswith("【待补充】")
