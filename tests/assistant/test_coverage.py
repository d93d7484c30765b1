"""Coverage rules, one by one, and the dimension cues they rest on."""

from __future__ import annotations

import pytest

from assistant.coverage import fraction, leaf_status
from assistant.dimensions import dimensions


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("公司建立了投诉处理流程", "approach"),
        ("已在全部12个分厂推广", "deployment"),
        ("每年评审一次并持续改进", "learning"),
        ("与公司战略目标和绩效考核挂钩", "integration"),
        ("满意度为91.3分", "level"),
        ("近三年逐年提高", "trend"),
        ("高于行业平均水平", "comparison"),
        ("We rolled it out across all plants", "deployment"),
        ("Satisfaction rose from 86% in 2021 to 91% in 2023", "trend"),
    ],
)
def test_cues_recognise_each_dimension(text, dimension):
    assert dimension in dimensions(text)


def test_no_evidence_is_uncovered():
    assert leaf_status("process", []).status == "uncovered"


def test_process_approach_with_deployment_is_covered():
    cov = leaf_status("process", [frozenset({"approach", "deployment"})])
    assert cov.status == "covered"


def test_process_approach_with_learning_is_covered():
    assert leaf_status("process", [frozenset({"approach"}), frozenset({"learning"})]).status == "covered"


def test_process_approach_alone_is_partial_and_says_what_is_missing():
    cov = leaf_status("process", [frozenset({"approach"})])
    assert cov.status == "partial"
    assert cov.reason_en == "partial: no word on how it is deployed or improved"
    assert cov.missing == ("deployment", "learning")


def test_process_without_approach_is_partial():
    cov = leaf_status("process", [frozenset({"deployment"})])
    assert cov.status == "partial" and cov.missing[0] == "approach"


def test_results_level_with_trend_or_comparison_is_covered():
    assert leaf_status("results", [frozenset({"level", "trend"})]).status == "covered"
    assert leaf_status("results", [frozenset({"level", "comparison"})]).status == "covered"


def test_results_level_alone_is_partial():
    cov = leaf_status("results", [frozenset({"level"})])
    assert cov.status == "partial" and "no trend or comparison" in cov.reason_en


def test_results_without_figures_is_partial():
    cov = leaf_status("results", [frozenset({"trend", "comparison"})])
    assert cov.status == "partial" and cov.missing == ("level",)


def test_not_applicable_wins_and_keeps_reason():
    cov = leaf_status("process", [frozenset({"approach"})], na_reason="no exports")
    assert cov.status == "na" and "no exports" in cov.reason_en


def test_fraction_counts_partial_half_and_skips_na():
    assert fraction(["covered", "partial", "uncovered", "na"]) == pytest.approx(0.5)
    assert fraction(["na"]) is None
