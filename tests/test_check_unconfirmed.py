"""`zhuoyue check --unconfirmed`: the review list for someone holding the official text,
and the confidence marks it is built from."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.knowledge.test_validation import mini_base


def _listed(stdout: str) -> dict[str, str]:
    """Listed id → the rest of its line (the lines after the summary and the header)."""
    rows = stdout.splitlines()[2:]
    return {line.split()[0]: line for line in rows}


def test_check_unconfirmed_lists_exactly_the_nodes_marked_check(kb):
    result = run_cli("check", "--unconfirmed")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("ok: built-in")
    expected = [n.id for n in kb.unconfirmed()]
    assert lines[1].startswith(f"{len(expected)} 个节点待与标准原文核对")
    assert list(_listed(result.stdout)) == expected


def test_each_listed_node_says_its_title_and_what_to_confirm():
    listed = _listed(run_cli("check", "--unconfirmed").stdout)
    assert "数据、信息和知识的质量 — 该要点是否在原文中" in listed["4.4.4.5"]
    assert "顾客关系与顾客满意 — 条目名称、分值" in listed["4.3.3"]
    en = run_cli("check", "--unconfirmed", "--lang", "en")
    assert "nodes to confirm against the official text" in en.stdout.splitlines()[1]
    line = _listed(en.stdout)["4.4.4.5"]
    assert "Quality of data, information and knowledge — that the point is in the text" in line


def test_check_without_the_flag_lists_nothing():
    result = run_cli("check")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 1


def test_check_unconfirmed_on_a_users_file_lists_its_own_marks(tmp_path):
    path = tmp_path / "city.yaml"
    path.write_text(mini_base().replace("    level: point", "    level: point\n    confidence: check"))
    result = run_cli("check", str(path), "--unconfirmed", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("1 nodes to confirm")
    assert list(_listed(result.stdout)) == ["4.1.2.1"]


def test_the_points_of_4_2_to_4_4_are_unconfirmed_and_4_1_4_2_1_is_confirmed(kb):
    for category in ("4.2", "4.3", "4.4"):
        scored = [kb.get(category), *(n for n in kb.descendants(category) if n.level == "item")]
        assert all(n.confidence == "check" for n in scored), category  # what carries points
    for node_id in ("4.1.4.1", "4.1.4.2", "4.1.4.2.1"):
        assert kb.get(node_id).confidence == "confirmed"
    assert kb.get("4.1.4.2.2").confidence == "check"


def test_information_item_has_a_data_quality_point_with_a_probe(kb, dialogues):
    leaf = kb.get("4.4.4.5")
    assert leaf is not None and leaf.is_leaf and leaf.parent == "4.4.4"
    assert leaf.confidence == "check"
    assert [n.id for n in kb.leaves_under("4.4.4")][-1] == "4.4.4.5"
    assert len(leaf.examples.zh) >= 8 and len(leaf.examples.en) >= 8
    assert {"准确性", "完整性", "可靠性", "及时性", "保密性"} <= set(leaf.keywords.zh)
    assert dialogues.probe_texts("4.4.4.5")
