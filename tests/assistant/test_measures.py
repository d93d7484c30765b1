"""Measure tables as pure values: the /data syntax, what tables show, and figures found in answers."""

from __future__ import annotations

import pytest

from assistant.measure_layout import comparison_sentence, measure_row, period_columns, trend_sentence
from assistant.measures import (
    Measure,
    MeasureError,
    deletion,
    is_period,
    number,
    offer_from_text,
    parse_data,
    parse_fields,
    parse_measure,
    table_dimensions,
    with_unit,
)

LINE = "4.7.3.1 顾客满意度 % 2021=88.2 2022=90.1 2023=92.4 行业平均=86"


def test_years_are_periods_and_other_labels_are_comparisons():
    line = parse_data(LINE)
    assert line.leaf_id == "4.7.3.1"
    assert line.measure == Measure("顾客满意度", "%", (("2021", 88.2), ("2022", 90.1), ("2023", 92.4)), (("行业平均", 86.0),))


@pytest.mark.parametrize("label", ["2023", "2023H1", "2023h2", "2023Q2", "2023-Q4", "2023年", "2023年度", "FY2023",
                                   "2023年上半年", "2023年第二季度", "2023-06", "2023年6月", "２０２３"])  # fmt: skip
def test_period_labels(label):
    assert is_period(label)


@pytest.mark.parametrize("label", ["行业平均", "标杆", "目标", "industry", "Q2", "H1", "23", "2023年目标", "10000"])
def test_labels_that_are_not_periods(label):
    assert not is_period(label)


def test_periods_are_put_in_time_order_whatever_order_they_are_typed_in():
    m = parse_measure("交付周期 天 2023Q2=11 2023Q1=12 2022=15 标杆=8")
    assert [p for p, _ in m.periods] == ["2022", "2023Q1", "2023Q2"]
    assert m.comparisons == (("标杆", 8.0),)


def test_full_width_digits_signs_and_a_unit_after_the_value_are_read():
    m = parse_measure("顾客满意度 ２０２１＝８８．２％ 2022=90.1% 行业平均＝86%")
    assert m.unit == "%"
    assert m.periods == (("2021", 88.2), ("2022", 90.1))
    assert m.comparisons == (("行业平均", 86.0),)


def test_thousands_separators_and_negative_values():
    m = parse_measure("利润总额 万元 2021=1,234.5 2022=-12")
    assert m.periods == (("2021", 1234.5), ("2022", -12.0))


def test_a_name_with_spaces_is_quoted_and_the_line_reads_back():
    m = parse_measure('"customer satisfaction" points 2021=88 2023=91 "industry mean"=83.4')
    assert m.measure == "customer satisfaction" and m.unit == "points"
    assert m.comparisons == (("industry mean", 83.4),)
    assert parse_measure(m.args()) == m


def test_the_unit_may_be_left_to_the_values():
    assert parse_measure("不满意率 2021=6.8% 2023=3.1%").unit == "%"


@pytest.mark.parametrize(
    ("args", "token"),
    [
        ("满意度 % 2021=abc", "2021=abc"),
        ("满意度 % 2021=88 2022", "满意度 % 2021=88 2022"),  # a bare token after the pairs
        ("满意度 % 2021=88 =90", "=90"),
        ("满意度 % 2021=88 2021年=89", "2021年"),
        ("满意度 分 2021=88%", "2021=88%"),
        ("满意度 % 2021=88.2.3", "2021=88.2.3"),
        ("a b c 2021=1", "a b c"),
        ("满意度 % 2021=" + "9" * 400, "2021="),  # float() gives inf
        ("满意度 % 2021=2e15", "2021=2e15"),
    ],
)
def test_a_bad_token_is_refused_with_one_line_that_names_it(args, token):
    with pytest.raises(MeasureError) as caught:
        parse_measure(args)
    message = str(caught.value)
    assert "\n" not in message
    assert token.split()[-1] in message


def test_comparisons_alone_are_refused_because_they_show_no_level():
    with pytest.raises(MeasureError, match="period"):
        parse_measure("满意度 % 行业平均=86", lang="en")


def test_errors_speak_the_session_language():
    with pytest.raises(MeasureError, match="不是数值"):
        parse_measure("满意度 % 2021=abc", lang="zh")
    with pytest.raises(MeasureError, match="is not a number"):
        parse_measure("满意度 % 2021=abc", lang="en")


def test_a_line_without_values_gets_the_usage():
    with pytest.raises(MeasureError, match="/data"):
        parse_data("4.7.3.1")


def test_dialog_fields_read_like_the_line():
    assert parse_fields("顾客满意度", "%", "2021=88.2 2022=90.1 2023=92.4 行业平均=86") == parse_data(LINE).measure
    with pytest.raises(MeasureError, match="“90”"):
        parse_fields("顾客满意度", "%", "2021=88 90")


def test_measure_dash_is_a_deletion():
    assert deletion("顾客满意度 -") == "顾客满意度"
    assert deletion('"customer satisfaction" -') == "customer satisfaction"
    assert deletion("顾客满意度 % 2021=1") is None


# --- what tables show -------------------------------------------------------------------------------


def test_two_periods_are_a_level_but_not_a_trend():
    m = parse_measure("顾客满意度 % 2022=90.1 2023=92.4")
    assert set(table_dimensions([m])) == {"level"}


def test_three_periods_of_one_measure_are_a_trend_with_a_quote():
    m = parse_measure("顾客满意度 % 2021=88.2 2022=90.1 2023=92.4")
    found = table_dimensions([m])
    assert set(found) == {"level", "trend"}
    assert found["trend"] == "顾客满意度 2021–2023: 88.2→92.4%"
    assert found["level"] == "顾客满意度 2023: 92.4%"


def test_three_periods_spread_over_two_measures_are_no_trend():
    a = parse_measure("顾客满意度 % 2021=88 2022=90")
    b = parse_measure("不满意率 % 2023=3")
    assert "trend" not in table_dimensions([a, b])


def test_any_comparison_value_is_a_comparison():
    found = table_dimensions([parse_measure("顾客满意度 % 2023=92.4 行业平均=86")], lang="en")
    assert found == {"level": "顾客满意度 2023: 92.4%", "comparison": "顾客满意度 2023: 92.4% vs 行业平均 86%"}


def test_no_tables_show_nothing():
    assert table_dimensions([]) == {}


# --- figures in an answer -----------------------------------------------------------------------------


def test_a_chinese_series_without_years_is_offered_with_assumed_years():
    [offer] = offer_from_text("近三年顾客满意度分别为86.2、88.5、91.3分,高于行业平均85分", latest_year=2023)
    assert offer.assumed_periods
    assert offer.line("4.7.3.1") == "/data 4.7.3.1 顾客满意度 分 2021=86.2 2022=88.5 2023=91.3 行业平均=85"
    assert parse_data(offer.line("4.7.3.1")[len("/data ") :]).measure == offer.measure


def test_a_chinese_range_names_the_years():
    [offer] = offer_from_text("2021—2023学年家长总体满意度分别为91.2%、93.5%、95.8%，高于区教育局公布的全区初中平均值92.1%")
    assert not offer.assumed_periods
    assert offer.measure == Measure("家长总体满意度", "%", (("2021", 91.2), ("2022", 93.5), ("2023", 95.8)),
                                    (("全区初中平均值", 92.1),))  # fmt: skip


def test_a_chinese_from_to_sentence_and_its_comparisons():
    text = "综合满意度指数由2020年的82.1分提升至2023年的88.6分,同期行业均值为83.4分,主要竞争对手为85.2分。"
    [offer] = offer_from_text(text)
    assert offer.measure == Measure("综合满意度指数", "分", (("2020", 82.1), ("2023", 88.6)),
                                    (("行业均值", 83.4), ("主要竞争对手", 85.2)))  # fmt: skip


def test_an_english_from_in_to_in_sentence():
    [offer] = offer_from_text("Customer satisfaction rose from 84.5 in 2020 to 91.2 in 2023")
    assert offer.measure.measure == "Customer satisfaction"
    assert offer.measure.periods == (("2020", 84.5), ("2023", 91.2))
    assert offer.line("4.7.3.1") == '/data 4.7.3.1 "Customer satisfaction" 2020=84.5 2023=91.2'


def test_english_figures_without_a_name_get_the_fallback_name():
    [offer] = offer_from_text("from 84.5 in 2020 to 91.2 in 2023", fallback="satisfaction")
    assert offer.measure.measure == "satisfaction"
    assert offer.measure.periods == (("2020", 84.5), ("2023", 91.2))


def test_english_comparisons_go_with_the_measure_before_them():
    text = ("Our third-party customer satisfaction index rose from 82.1 in 2020 to 88.6 in 2023, "
            "against an industry mean of 83.4 and 85.2 for our main competitor.")  # fmt: skip
    [offer] = offer_from_text(text)
    assert offer.measure.measure == "third-party customer satisfaction index"
    assert offer.measure.comparisons == (("industry mean", 83.4), ("main competitor", 85.2))


def test_an_english_list_of_values_and_years():
    [offer] = offer_from_text("Satisfaction was 88.2, 90.1 and 92.4 in 2021, 2022 and 2023, above the industry average of 86.")
    assert offer.measure.periods == (("2021", 88.2), ("2022", 90.1), ("2023", 92.4))
    assert offer.measure.comparisons == (("industry average", 86.0),)


def test_a_comparison_in_another_sentence_is_not_taken():
    text = "2021—2023年企业客户综合满意度分别为82分、86分、89分;本产品评分由4.2提升至4.6,高于同类产品平均的4.3。"
    [offer] = offer_from_text(text)
    assert offer.measure.comparisons == ()


def test_an_answer_without_dated_figures_offers_nothing():
    assert offer_from_text("投诉由客服中心统一受理,24小时内答复,员工1800人。") == []
    assert offer_from_text("") == []


# --- numbers and report helpers --------------------------------------------------------------------


def test_numbers_are_written_without_exponent_or_trailing_zeros():
    assert [number(v) for v in (86.0, 88.2, 1234567.5, -12.0, 0.0001)] == ["86", "88.2", "1234567.5", "-12", "0.0001"]
    assert with_unit(92.4, "%", "en") == "92.4%"
    assert with_unit(90, "分", "zh") == "90分"
    assert with_unit(90, "points", "en") == "90 points"


def test_report_helpers_lay_measures_out_as_columns_and_sentences():
    a = parse_measure("顾客满意度 % 2021=88.2 2022=90.1 2023=92.4 行业平均=86")
    b = parse_measure("不满意率 % 2022=5 2023=3.1")
    periods = period_columns([a, b])
    assert periods == ("2021", "2022", "2023")
    assert measure_row(b, periods, ("行业平均",)) == ("", "5", "3.1", "")
    assert trend_sentence(a, "zh") == "顾客满意度:2021 88.2% → 2022 90.1% → 2023 92.4%,上升"
    assert trend_sentence(b, "zh") is None  # two periods are no trend, as the coverage rule counts
    assert comparison_sentence(a, "en") == "顾客满意度: 92.4% in 2023; against 行业平均 86%"
