"""Broken knowledge-base files give errors that name the file, the node and the problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from knowledge.errors import KnowledgeBaseError
from knowledge.loader import load_knowledge_base

LEAF_EXTRA = """
    keywords: {zh: [投诉], en: [complaint]}
    guidance: {zh: [看记录], en: [see the records]}
"""


def mini_base(
    *, leaf_id: str = '"4.1.2.1"', item_points: int = 1000, extra: str = "", leaf_en: str = "How?"
) -> str:
    """The smallest valid base: one category of 1000 points, one item, one leaf."""
    return (
        textwrap.dedent(
            f"""
        nodes:
          - id: "4.1"
            parent: null
            level: category
            kind: process
            points: 1000
            title: {{zh: 领导, en: Leadership}}
            text: {{zh: 如何领导?, en: How do you lead?}}
          - id: "4.1.2"
            parent: "4.1"
            level: item
            kind: process
            points: {item_points}
            title: {{zh: 高层领导的作用, en: Role of senior leaders}}
            text: {{zh: 如何?, en: How?}}
          - id: {leaf_id}
            parent: "4.1.2"
            level: point
            kind: process
            title: {{zh: 使命, en: Mission}}
            text: {{zh: 如何?, en: "{leaf_en}"}}
        """
        )
        + textwrap.indent(textwrap.dedent(LEAF_EXTRA).strip("\n"), "    ")
        + "\n"
        + extra
    )


def write(tmp_path: Path, text: str, name: str = "base.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as info:
        load_knowledge_base(path)
    return [str(p) for p in info.value.problems]


def test_minimal_base_loads(tmp_path):
    kb = load_knowledge_base(write(tmp_path, mini_base()))
    assert [leaf.id for leaf in kb.leaves()] == ["4.1.2.1"]


def test_unquoted_id_read_as_number_is_named(tmp_path):
    path = write(tmp_path, mini_base().replace('id: "4.1"\n', "id: 4.1\n", 1))
    found = problems_of(path)
    assert any("base.yaml [4.1]" in p and "quote it" in p for p in found)


def test_duplicate_id_across_files_names_both(tmp_path):
    write(tmp_path, mini_base(), "a.yaml")
    dup = textwrap.dedent(
        """
        nodes:
          - id: "4.1.2.1"
            parent: "4.1.2"
            level: point
            kind: process
            title: {zh: 又一个, en: Again}
            text: {zh: 如何?, en: How?}
            keywords: {zh: [a], en: [a]}
            guidance: {zh: [a], en: [a]}
        """
    )
    write(tmp_path, dup, "b.yaml")
    found = problems_of(tmp_path)
    assert any("b.yaml [4.1.2.1]" in p and "duplicate id (also in a.yaml)" in p for p in found)


def test_unknown_parent_is_named(tmp_path):
    path = write(tmp_path, mini_base().replace('parent: "4.1.2"', 'parent: "4.1.9"'))
    assert any("[4.1.2.1]" in p and "unknown parent '4.1.9'" in p for p in problems_of(path))


def test_cycle_is_reported(tmp_path):
    text = mini_base().replace('id: "4.1.2"\n    parent: "4.1"', 'id: "4.1.2"\n    parent: "4.1.2.1"')
    found = problems_of(write(tmp_path, text))
    assert any("cycle" in p for p in found)


def test_item_points_not_adding_up_to_category(tmp_path):
    found = problems_of(write(tmp_path, mini_base(item_points=900)))
    assert any("[4.1]" in p and "item points add up to 900, category has 1000" in p for p in found)


def test_missing_english_text_is_named(tmp_path):
    found = problems_of(write(tmp_path, mini_base(leaf_en=" ")))
    assert any("[4.1.2.1]" in p and "text.en" in p for p in found)


def test_unknown_field_is_named(tmp_path):
    text = mini_base().replace("    level: point", "    level: point\n    colour: red")
    found = problems_of(write(tmp_path, text))
    assert any("[4.1.2.1]" in p and "unknown field 'colour'" in p for p in found)


def test_invalid_yaml_names_file_and_line(tmp_path):
    found = problems_of(write(tmp_path, 'nodes:\n  - id: "4.1\n    parent: [\n'))
    assert any("base.yaml" in p and "invalid YAML at line" in p for p in found)


def test_binary_and_non_utf8_files_are_refused(tmp_path):
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02nodes")
    (tmp_path / "gbk.yaml").write_bytes("nodes: [领导]".encode("gbk"))
    found = problems_of(tmp_path)
    assert any("bin.yaml" in p and "binary" in p for p in found)
    assert any("gbk.yaml" in p and "not UTF-8" in p for p in found)


def test_all_problems_of_a_file_are_listed_together(tmp_path):
    text = mini_base(leaf_en=" ").replace("    level: point", "    level: point\n    colour: red")
    assert len(problems_of(write(tmp_path, text))) >= 2


def test_missing_path_is_an_error_not_a_crash(tmp_path):
    assert "no such file" in problems_of(tmp_path / "nope.yaml")[0]


def test_2004_map_to_unknown_id_is_named(tmp_path):
    write(tmp_path, mini_base(), "a.yaml")
    write(tmp_path, 'map_2004:\n  - {old: "4.1.1", new: ["4.1.7"]}\n', "map.yaml")
    assert any("4.1.7" in p for p in problems_of(tmp_path))
