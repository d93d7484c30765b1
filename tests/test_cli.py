"""The CLI as a user runs it, in subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, run_cli


def test_clauses_json_lists_the_whole_tree_as_a_flat_contract():
    result = run_cli("clauses", "--json")
    assert result.returncode == 0, result.stderr
    nodes = json.loads(result.stdout)
    required = {
        "id",
        "parent",
        "level",
        "title_zh",
        "title_en",
        "text_zh",
        "text_en",
        "kind",
        "points",
        "keywords",
    }
    assert all(required <= set(n) for n in nodes)
    categories = [n for n in nodes if n["level"] == "category" and n["kind"] != "profile"]
    items = [n for n in nodes if n["level"] == "item"]
    assert len(categories) == 7 and len(items) == 23
    assert sum(i["points"] for i in items) == 1000
    leaves = [n for n in nodes if n["level"] == "point" and n["kind"] != "profile"]
    assert len(leaves) >= 80 and all(n["text_zh"] and n["text_en"] for n in leaves)


def test_clauses_tree_prints_points_in_chinese_and_english():
    zh = run_cli("clauses")
    assert "4.3.3  顾客关系与顾客满意  [50 分]" in zh.stdout
    en = run_cli("clauses", "--lang", "en")
    assert "[50 pts]" in en.stdout and "Total 1000 points" in en.stdout


def test_clauses_id_prints_text_guidance_children_and_parents():
    result = run_cli("clauses", "4.3.3.2c")
    assert result.returncode == 0
    assert "4.3.3.2.3" in result.stdout
    assert "所属" in result.stdout and "4.3.3  顾客关系与顾客满意" in result.stdout
    assert "评价要点" in result.stdout
    parent = run_cli("clauses", "4.3.3.2")
    assert "下级条款" in parent.stdout and "4.3.3.2.4" in parent.stdout


def test_clauses_query_does_fuzzy_lookup():
    result = run_cli("clauses", "complaint")
    first_lines = result.stdout.splitlines()[:3]
    assert any("4.3.3.2.3" in line for line in first_lines)


def test_check_builtin_passes():
    result = run_cli("check")
    assert result.returncode == 0, result.stderr
    assert "7 categories, 23 items" in result.stdout and "1000 points" in result.stdout


def test_check_broken_file_exits_nonzero_naming_file_and_node(tmp_path):
    from tests.knowledge.test_validation import mini_base

    path = tmp_path / "city.yaml"
    path.write_text(
        mini_base(item_points=900).replace("    level: point", "    level: point\n    colour: red")
    )
    result = run_cli("check", str(path))
    assert result.returncode == 1
    assert "city.yaml [4.1.2.1]" in result.stderr and "unknown field 'colour'" in result.stderr


def test_kb_option_loads_a_users_base(tmp_path):
    from tests.knowledge.test_validation import mini_base

    path = tmp_path / "city.yaml"
    path.write_text(mini_base())
    result = run_cli("--kb", str(path), "clauses", "--json")
    assert result.returncode == 0, result.stderr
    assert [n["id"] for n in json.loads(result.stdout)] == ["4.1", "4.1.2", "4.1.2.1"]
    broken = run_cli("clauses", "--kb", str(tmp_path / "missing.yaml"))
    assert broken.returncode == 1 and "missing.yaml" in broken.stderr


def test_help_does_not_import_textual_or_sklearn():
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('textual', 'sklearn', 'pydantic', 'prompt_toolkit') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_intent_jsonl_prints_text_intent_clause_and_why_per_line():
    lines = ["我们还没有对投诉做过汇总分析", "先聊聊供应商", "4.3.2和4.3.3有什么区别", "培训数据得找人力部门要", "你好"]
    result = run_cli("intent", "--jsonl", input="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == lines
    assert all(set(r) == {"text", "intent", "clause", "why"} for r in rows)
    assert [r["intent"] for r in rows] == ["absent", "navigate", "question", "defer", "chitchat"]
    assert rows[0]["clause"].startswith("4.3.3") and rows[1]["clause"] == "4.4.7" and rows[2]["clause"] == "4.3.2"
    assert rows[3]["clause"] is None and rows[4]["clause"] is None
    assert "还没" in rows[0]["why"]


def test_intent_jsonl_survives_invalid_utf8():
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "intent", "--jsonl"],
        input=b"\xff\xfe\xfa broken\n",
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert json.loads(result.stdout.decode())["intent"] in ("evidence", "absent", "question", "defer", "chitchat", "navigate", "offtopic")


def test_match_jsonl_reads_gbk_and_invalid_bytes_line_by_line():
    data = b"abc\n" + "每年委托第三方做满意度测评\n".encode("gbk") + b"\xff\xfe\n"
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "match", "--jsonl"], input=data, capture_output=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert rows[1]["query"] == "每年委托第三方做满意度测评" and rows[1]["matches"]
    assert len(rows) == 3
