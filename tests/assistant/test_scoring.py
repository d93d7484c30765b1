"""Scoring arithmetic and band descriptors."""

from __future__ import annotations

import pytest

from assistant.scoring import ScoreError, band_for, bands, check_percent, item_points, score_item


@pytest.mark.parametrize("value", ["0", "35", "100", "60%", 45])
def test_valid_percentages(value):
    assert check_percent(value) == int(str(value).rstrip("%"))


@pytest.mark.parametrize("value", ["33", "-5", "105", "abc", "12.5"])
def test_invalid_percentages_are_refused(value):
    with pytest.raises(ScoreError):
        check_percent(value)


def test_bands_are_contiguous_for_both_kinds():
    for kind in ("process", "results"):
        rows = bands()[kind]
        assert [(b.low, b.high) for b in rows] == [(0, 5), (10, 25), (30, 45), (50, 65), (70, 85), (90, 100)]


def test_band_descriptor_follows_the_kind():
    assert "系统的方法" in band_for("process", 35).zh
    assert "trends" in band_for("results", 60).en
    assert band_for("process", 70).label() == "70–85%"


def test_item_points_is_percentage_times_points():
    assert item_points(50, 40) == 20.0
    assert item_points(80, 55) == 44.0
    assert item_points(50, None) == 0.0


def test_high_score_with_thin_coverage_is_flagged():
    assert score_item("4.3.3", "process", 50, 70, 0.2).over_scored
    assert not score_item("4.3.3", "process", 50, 70, 0.8).over_scored
    assert not score_item("4.3.3", "process", 50, 30, 0.0).over_scored
