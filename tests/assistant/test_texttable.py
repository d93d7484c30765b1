"""Plain-text tables padded by display width, and the coverage table of /coverage and `zhuoyue report`."""

from __future__ import annotations

import pytest

from assistant.interview import Interview
from assistant.linebreak import display_width
from assistant.texttable import clip, pad, table
from assistant.views import coverage_text


def test_every_row_of_a_chinese_table_lines_up_to_its_last_column():
    header = ["评分项", "名称", "分值", "备注"]
    rows = [
        ["4.1", "高层领导的作用", "50", "已覆盖"],
        ["4.3.3", "顾客关系与顾客满意", "50", "部分"],
        ["4.7.2", "Customer-focused results", "70", "—"],
        ["P", "组织概述", "0", ""],
    ]
    lines = table(header, rows, right={2})
    assert lines[0].split() == header  # the header comes first
    assert set(lines[1]) <= {"-", " "}  # then a rule under it
    shown = [lines[0], *lines[2:]]
    lasts = [header[-1]] + [row[-1] for row in rows]
    # the last column starts at one display column on every line, whatever the script before it
    starts = {
        display_width(line[: len(line) - len(cell)]) for line, cell in zip(shown, lasts, strict=True) if cell
    }
    assert starts == {lines[1].rindex(" ") + 1}  # where the rule's last dash run starts
    assert all(line == line.rstrip() for line in lines)


def test_right_aligned_columns_end_in_the_same_column():
    lines = table(["项", "分值"], [["甲", "5"], ["乙", "120"]], right={1})
    assert {display_width(line) for line in lines} == {display_width("项  分值")}
    assert lines[2].endswith("  5") and lines[3].endswith("120")


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        table(["a", "b"], [["only one"]])


def test_pad_and_clip_count_chinese_as_two_columns():
    assert pad("自评", 6) == "自评  "
    assert pad("12", 4, right=True) == "  12"
    assert clip("顾客关系与顾客满意", 9) == "顾客关系…"
    assert display_width(clip("Customer relationships and customer satisfaction", 20)) == 20
    assert clip("短", 9) == "短"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_coverage_table_lines_up_in_both_languages(kb, dialogues, matcher, store, lang):
    iv = Interview.open(store, "cov", kb, dialogues, matcher, create=True, profile=False)
    iv.set_lang(lang)
    iv.say("投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。")
    text = coverage_text(iv)
    lines = text.splitlines()
    header = lines[0].split()
    assert header[0] == ("评分项" if lang == "zh" else "Item") and header[-1] == (
        "评分" if lang == "zh" else "Score"
    )
    rows = [line for line in lines[2:] if line[:1].isdigit()]
    assert len(rows) == len(iv.items())
    # the score column (the last) starts at the same display column on every row
    starts = {display_width(line[: line.rindex("—") if line.endswith("—") else len(line)]) for line in rows}
    assert len(starts) == 1, text
    iv.close()


def test_zhuoyue_report_prints_the_coverage_table_with_its_header(tmp_path):
    from tests.conftest import run_cli

    db = str(tmp_path / "r.db")
    run_cli("chat", "--new", "r", "--db", db, input="/profile skip\n/score 4.3.3 60\n/quit\n")
    report = run_cli("report", "r", "--db", db)
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert lines[0].split() == ["评分项", "名称", "分值", "覆盖", "条款", "评分"]
    rows = [line for line in lines[2:] if line[:1].isdigit() and "/ 1000" not in line]
    scored = next(line for line in rows if line.startswith("4.3.3 "))
    # the score column starts at one display column, on the scored row and on the others alike
    starts = {display_width(line[: line.rindex("—")]) for line in rows if line.endswith("—")}
    assert starts == {display_width(scored[: scored.index("60%")])}
