"""The packaged GB/T 19580-2012 knowledge base is complete and consistent."""

from __future__ import annotations

import re

import pytest

from knowledge.digest import yaml_files
from knowledge.loader import builtin_data_dir, read_yaml

# Facts from the reference: item points per category.
ITEM_POINTS = {
    "4.1.2": 50, "4.1.3": 30, "4.1.4": 30,
    "4.2.2": 40, "4.2.3": 50,
    "4.3.2": 40, "4.3.3": 50,
    "4.4.2": 60, "4.4.3": 15, "4.4.4": 20, "4.4.5": 15, "4.4.6": 10, "4.4.7": 10,
    "4.5.2": 50, "4.5.3": 50,
    "4.6.2": 40, "4.6.3": 40,
    "4.7.2": 80, "4.7.3": 80, "4.7.4": 80, "4.7.5": 60, "4.7.6": 50, "4.7.7": 50,
}  # fmt: skip
CATEGORY_POINTS = {"4.1": 110, "4.2": 90, "4.3": 90, "4.4": 130, "4.5": 100, "4.6": 80, "4.7": 400}
SEED_43_LEAVES = [
    "4.3.2.2.1", "4.3.2.2.2", "4.3.2.3.1", "4.3.2.3.2", "4.3.2.3.3",
    "4.3.3.2.1", "4.3.3.2.2", "4.3.3.2.3", "4.3.3.2.4",
    "4.3.3.3.1", "4.3.3.3.2", "4.3.3.3.3", "4.3.3.3.4",
]  # fmt: skip


@pytest.mark.parametrize("path", yaml_files(builtin_data_dir()), ids=lambda p: p.name)
def test_every_packaged_file_parses_with_quoted_ids(path):
    data, problem = read_yaml(path)
    assert problem is None
    for node in data.get("nodes", []):
        assert isinstance(node["id"], str)
        assert node["parent"] is None or isinstance(node["parent"], str)


def test_seven_categories_and_23_items_sum_to_1000(kb):
    assert {c.id: c.points for c in kb.categories()} == CATEGORY_POINTS
    assert {i.id: i.points for i in kb.items()} == ITEM_POINTS
    assert kb.total_points == 1000


def test_at_least_80_leaves_each_with_both_languages(kb):
    leaves = kb.leaves()
    assert len(leaves) >= 80
    for leaf in leaves:
        assert leaf.text.zh and leaf.text.en and leaf.title.zh and leaf.title.en
        assert leaf.keywords.zh and leaf.keywords.en
        assert len(leaf.examples.zh) >= 5, leaf.id
        assert leaf.examples.en, leaf.id


def test_every_item_has_leaves_and_results_items_are_results(kb):
    for item in kb.items():
        leaves = kb.leaves_under(item.id)
        assert leaves, item.id
        expected = "results" if item.id.startswith("4.7") else "process"
        assert {leaf.kind for leaf in leaves} == {expected}


def test_every_general_clause_and_summary_is_present(kb):
    for category in kb.categories():
        assert kb.get(f"{category.id}.1").level == "general"
    for summary in ("4.3.2.1", "4.3.3.1", "4.4.2.1", "4.1.4.1", "4.2.2.1", "4.2.3.1"):
        assert kb.get(summary).level == "summary"


@pytest.mark.parametrize("leaf_id", SEED_43_LEAVES)
def test_seed_43_point_present_in_both_languages_with_guidance(kb, leaf_id):
    leaf = kb.get(leaf_id)
    assert leaf is not None and leaf.is_leaf
    assert leaf.confidence == "confirmed"  # the seed gives every 4.3 point
    assert leaf.guidance.zh and len(leaf.guidance.zh) == len(leaf.guidance.en)


def test_all_twelve_seed_methods_are_attached_as_guidance(kb):
    found: set[int] = set()
    for leaf_id in SEED_43_LEAVES:
        leaf = kb.get(leaf_id)
        for zh, en in zip(leaf.guidance.zh, leaf.guidance.en, strict=True):
            m = re.match(r"方法\s*(\d+)", zh)
            if m:
                found.add(int(m.group(1)))
                assert re.match(r"Method\s*\d+", en), en
    assert found == set(range(1, 13))


def test_43_carries_seed_definitions_and_evaluation_angles(kb):
    notes = " ".join(kb.get("4.3").notes.zh)
    assert "市场" in notes and "顾客" in notes
    assert len(kb.get("4.3").notes.zh) >= 5  # four angles plus the definitions


def test_items_marked_check_in_reference_carry_the_flag(kb):
    assert kb.get("4.1.4.2.1").confidence == "confirmed"
    assert kb.get("4.3.3.2.3").confidence == "confirmed"  # a seed point
    assert kb.get("4.3.3").confidence == "check"  # its points are not confirmed for the 2012 edition
    assert kb.get("4.5.2").confidence == "check"


def test_2004_map_targets_exist_and_maps_43(kb):
    assert kb.map_2004
    for row in kb.map_2004:
        for new in row.new:
            assert new in kb, (row.old, new)
    assert kb.map_from_2004("4.3.1") == ("4.3.2",)


def test_profile_is_unscored_and_apart_from_the_scored_tree(kb):
    profile = kb.leaves(scored=False)
    assert {"B.1.1.1", "B.2.3"} <= {p.id for p in profile}
    assert all(p.kind == "profile" and p.points is None for p in profile)
    assert not [leaf for leaf in kb.leaves() if leaf.id.startswith("B")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("4.3.3.2c", "4.3.3.2.3"), ("4.3.3.2(c)", "4.3.3.2.3"), ("4.1.2a", "4.1.2.1"), ("2004:4.3.1", "4.3.2")],
)
def test_ids_resolve_as_people_type_them(kb, typed, expected):
    assert kb.resolve(typed).id == expected


@pytest.mark.parametrize(("query", "expected"), [("投诉", "4.3.3.2.3"), ("complaint", "4.3.3.2.3")])
def test_fuzzy_search_finds_complaint_handling_first_three(kb, query, expected):
    hits = [h.node.id for h in kb.search(query, limit=3)]
    assert expected in hits


def test_search_for_nonsense_finds_nothing(kb):
    assert kb.search("qqqqzzzz") == []
