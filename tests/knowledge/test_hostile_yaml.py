"""YAML anchors and aliases in a --kb file are refused before anything is built, naming the file."""

from __future__ import annotations

import time

import pytest

from knowledge.errors import KnowledgeBaseError
from knowledge.loader import load_knowledge_base, read_yaml
from tests.conftest import run_cli
from tests.knowledge.test_validation import mini_base, write

# nine levels of nine-fold aliases: 9**9 (387 million) strings if expanded
ALIAS_BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{b}: &{b} [{', '.join(['*' + a] * 9)}]" for a, b in zip("abcdefgh", "bcdefghi", strict=True)]
    + ["nodes:", "  - id: *i", "    parent: null"]
)


def test_alias_bomb_as_a_node_id_is_refused_quickly_naming_the_file(tmp_path):
    path = write(tmp_path, ALIAS_BOMB, "bomb.yaml")
    started = time.perf_counter()
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(path)
    assert time.perf_counter() - started < 2
    assert str(caught.value) == (
        f"{path}: YAML anchors and aliases (&name, *name) are not allowed (line 1); write the value out"
    )


@pytest.mark.parametrize(
    "extra",
    [
        "    synonyms: &words {zh: [投诉], en: [complaint]}\n",  # an anchor alone
        "defaults: &d {kind: process}\n",
    ],
    ids=["in a node", "top level"],
)
def test_an_anchor_is_refused_even_without_an_alias(tmp_path, extra):
    _, problem = read_yaml(write(tmp_path, mini_base(extra=extra)))
    assert problem is not None and "anchors and aliases" in problem.message and problem.file is not None


def test_a_merge_key_alias_is_refused_with_its_line(tmp_path):
    text = 'base: &b {kind: process}\nnodes:\n  - <<: *b\n    id: "4.1"\n'
    _, problem = read_yaml(write(tmp_path, text))
    assert problem is not None and "(line 1)" in problem.message


def test_ampersands_and_asterisks_in_quoted_text_are_not_aliases(tmp_path):
    extra = '    examples: {zh: ["R&D 投入 *每年* 增长"], en: ["R&D spend grows *every* year"]}\n'
    kb = load_knowledge_base(write(tmp_path, mini_base(extra=extra)))
    assert kb.get("4.1.2.1") is not None


@pytest.mark.parametrize("args", [("match", "投诉处理", "--kb"), ("check",)], ids=["match --kb", "check"])
def test_alias_bomb_from_the_cli_is_one_error_line(tmp_path, args):
    path = write(tmp_path, ALIAS_BOMB, "bomb.yaml")
    result = run_cli(*args, str(path))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "bomb.yaml" in line]
    assert len(lines) == 1 and "anchors and aliases" in lines[0], result.stdout + result.stderr
