"""Line breaking of Chinese text by display width: figures, dates, ids, kinsoku, bullets."""

from __future__ import annotations

import re

import pytest

from assistant.linebreak import CLOSING, display_width, wrap

REPORT = (
    "通过快速换模改善，换模时间由原来的一天缩短到1/4天；单位产品综合能耗由2020年的0.052吨"
    "降至2022年0.038吨标准煤，顾客满意度达到92.4%，全院职工3,400人全部参加了培训。"
    "2023年10月15日，公司按4.3.2.2.1条完成自评，2021—2023年的数据均已核实。"
)


def _ink(text: str) -> str:
    """The text without any whitespace: what wrapping must never lose or reorder."""
    return re.sub(r"\s+", "", text)


def _unbroken(lines: list[str], phrase: str) -> bool:
    return any(phrase in line for line in lines)


@pytest.mark.parametrize("width", range(6, 41))
def test_a_fraction_keeps_its_unit_in_suoduan_dao_1_4_tian(width):
    lines = wrap("生产周期缩短到1/4天", width)
    assert _unbroken(lines, "1/4天")
    assert _ink("".join(lines)) == "生产周期缩短到1/4天"


@pytest.mark.parametrize("width", range(8, 41))
def test_a_year_and_a_decimal_keep_their_units_in_2022_nian_0_038_dun(width):
    lines = wrap("能耗在2022年0.038吨", width)
    assert _unbroken(lines, "2022年") and _unbroken(lines, "0.038吨")


@pytest.mark.parametrize("width", range(16, 41))
@pytest.mark.parametrize(
    "phrase", ["1/4天", "0.038吨", "92.4%，", "3,400人", "2023年10月15日", "2021—2023年", "4.3.2.2.1条"]
)
def test_figures_dates_and_clause_ids_are_never_split_in_a_report_paragraph(width, phrase):
    lines = wrap(REPORT, width)
    assert _unbroken(lines, phrase), lines
    assert all(display_width(line) <= width for line in lines)


def test_a_multi_character_unit_stays_with_its_figure():
    lines = wrap("培训投入增加了120万元", 22)
    assert _unbroken(lines, "120万元")


@pytest.mark.parametrize("width", range(1, 41))
def test_no_line_starts_with_closing_punctuation(width):
    text = "甲乙丙。丁戊己，庚辛、壬癸；子丑：寅卯？辰巳！（午未）「申酉」《戌亥》“天地”"
    for line in wrap(text, width):
        assert line[0] not in CLOSING, (width, line)
    assert _ink("".join(wrap(text, width))) == _ink(text)


def test_the_character_before_a_full_stop_comes_down_with_it():
    # 甲乙丙丁 fills eight columns; the 。 may not open the next line, so 丁 goes with it
    assert wrap("甲乙丙丁。戊", 8) == ["甲乙丙", "丁。戊"]
    assert wrap("甲乙丙丁，戊", 8) == ["甲乙丙", "丁，戊"]


def test_ascii_closing_punctuation_after_chinese_is_pulled_down_too():
    assert wrap("甲乙丙丁)戊", 8) == ["甲乙丙", "丁)戊"]


def test_opening_punctuation_never_ends_a_line():
    for width in range(3, 20):
        for line in wrap("甲乙丙丁（戊己）庚辛「壬癸」", width):
            assert line[-1] not in "（「", (width, line)


BULLETED = "要点如下：\n• 建立了顾客投诉受理制度\n- 每季度开展满意度测评\n· 结果用于改进\n1. 设立首席质量官\n（2）实行停线权\n3、按月分析"


@pytest.mark.parametrize("width", range(8, 41))  # from where （2） and one character fit a line
def test_a_bullet_is_never_left_alone_at_the_end_of_a_line(width):
    for line in wrap(BULLETED, width):
        last = line.split()[-1] if line.split() else ""
        assert last not in {"•", "-", "·", "1.", "（2）", "3、"}, (width, line)


def test_a_bullet_mid_line_stays_with_its_text():
    lines = wrap("做法有两条 • 统一受理 • 限时答复", 14)
    assert all(not line.endswith("•") for line in lines)
    assert _unbroken(lines, "• 限时答复")


def test_continuation_lines_hang_under_the_text_after_a_bullet():
    assert wrap("• 建立了顾客投诉受理制度", 14) == ["• 建立了顾客投", "  诉受理制度"]


def test_a_leading_indent_is_kept_on_every_line():
    lines = wrap("    → 贵单位如何确定关键顾客群？", 16)
    assert lines == ["    → 贵单位如何", "      确定关键顾", "      客群？"]


@pytest.mark.parametrize("width", range(10, 41))  # from where "delivery，" fits a line
def test_english_words_stay_whole_among_chinese(width):
    text = "我们用ERP系统跟踪on-time delivery，2023年达到98.5%，see the customer dashboard for details."
    lines = wrap(text, width)
    words = re.findall(r"[A-Za-z][A-Za-z\-]*", text)
    for word in words:
        assert _unbroken(lines, word), (width, word, lines)
    assert all(display_width(line) <= width for line in lines)
    assert all(line == line.strip() for line in lines)


def test_a_word_wider_than_the_line_is_cut_by_characters():
    assert wrap("see https://example.com/x", 8) == ["see", "https://", "example.", "com/x"]


def test_existing_line_breaks_and_blank_lines_are_kept():
    assert wrap("第一行\n\n第二行\r\n第三行", 40) == ["第一行", "", "第二行", "第三行"]
    assert wrap("甲乙丙丁戊\n己", 6) == ["甲乙丙", "丁戊", "己"]


def test_empty_text_gives_no_lines_and_a_blank_line_one_empty_line():
    assert wrap("", 10) == []
    assert wrap("   ", 10) == [""]


@pytest.mark.parametrize("width", [1, 2, 3])
def test_widths_of_one_to_three_lose_nothing_and_overflow_only_by_one_character(width):
    text = "2023年10月15日完成自评。• 满意度92.4%，ERP上线！"
    lines = wrap(text, width)
    assert _ink("".join(lines)) == _ink(text)
    for line in lines:
        assert line and line[0] not in CLOSING, (width, line)
        if display_width(line) > width:
            # only a single character with the closing punctuation after it may not fit
            assert len(line.rstrip("".join(CLOSING))) == 1, (width, line)


def test_a_width_below_one_is_refused():
    with pytest.raises(ValueError):
        wrap("甲", 0)


def test_display_width_counts_chinese_as_two_columns():
    assert display_width("abc") == 3
    assert display_width("自评") == 4
    assert display_width("e\u0301") == 1  # a combining accent takes no column
