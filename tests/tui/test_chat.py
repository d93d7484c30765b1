"""The prompt-toolkit chat: plain-text pipe mode, completion, and the headless REPL."""

from __future__ import annotations

import io
import json

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from tests.conftest import run_cli
from tui.chat import Chat, ChatCompleter

ANSWERS = [
    "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。",
    "每年委托第三方开展顾客满意度测评,按顾客群分别设计问卷,覆盖全部区域,结果用于改进。",
]


def test_done_when_pipe_interview_then_report(tmp_path):
    """The issue's acceptance run: a piped interview, then the JSON report."""
    db = tmp_path / "x.db"
    profile = "我们是一家做汽车零部件的民营企业,员工800人。"
    script = "\n".join([profile, "/profile skip", *ANSWERS, "/gaps", "/quit"]) + "\n"
    chat = run_cli("chat", "--new", "demo", "--db", str(db), input=script)
    assert chat.returncode == 0, chat.stderr
    assert "4.3.3.2.3" in chat.stdout and "差距清单" in chat.stdout
    report = run_cli("report", "demo", "--db", str(db), "--format", "json")
    data = json.loads(report.stdout)
    status = {leaf["id"]: leaf["status"] for leaf in data["leaves"]}
    assert status["4.3.3.2.3"] in ("covered", "partial")
    assert status["4.3.3.3.1"] in ("covered", "partial")
    gap_ids = {g["id"] for g in data["gaps"]}
    assert "4.1.2.1" in gap_ids and "4.3.3.2.3" not in gap_ids
    assert data["total_points"] == 0
    assert data["profile"] == {"B.1": [profile]}


def test_chat_over_a_pipe_acts_on_each_intent_and_credits_only_evidence(tmp_path):
    db = tmp_path / "intents.db"
    script = [
        "我们是一家三甲医院,两个院区,职工3400人。",  # the 组织概述 opening
        "/profile skip",
        "/goto 4.3.3.2.3",
        "我们还没有对投诉做过汇总分析",  # absent → a note, and the plan question
        "没有",  # no plan
        "/goto 4.3.2.2.1",
        "这一条到底要写些什么?",  # question
        "培训数据得找人力部门要",  # defer, owner 人力部门
        "你叫什么名字",  # chitchat
        "《产品质量法》规定生产者应当对其生产的产品质量负责",  # offtopic
        "回到投诉处理那题",  # navigate
        "/todo",
        "/quit",
    ]
    chat = run_cli("chat", "--new", "h", "--db", str(db), input="\n".join(script) + "\n")
    assert chat.returncode == 0, chat.stderr
    out = chat.stdout
    assert "已确认的不足" in out and "改进计划" in out
    assert "好的证据会说明" in out or "例如" in out
    assert "负责人:人力部门" in out and "待核实(1 项)" in out
    assert "[4.3.3.2.3 顾客投诉处理" in out.split("回到投诉处理那题")[-1] or "转到 4.3.3.2.3" in out
    report = json.loads(run_cli("report", "h", "--db", str(db), "--format", "json").stdout)
    assert all(leaf["evidence"] == [] for leaf in report["leaves"])
    assert all(leaf["status"] == "uncovered" for leaf in report["leaves"])
    notes = {leaf["id"]: leaf["notes"] for leaf in report["leaves"] if leaf["notes"]}
    assert notes["4.3.3.2.3"][0]["kind"] == "absent"
    assert any(n["kind"] == "defer" and n["owner"] == "人力部门" for ns in notes.values() for n in ns)
    assert report["profile"] == {"B.1": ["我们是一家三甲医院,两个院区,职工3400人。"]}


def test_chat_over_a_pipe_asks_about_a_doubtful_line_and_a_yes_records_it(tmp_path):
    db = tmp_path / "yes.db"
    mixed = "没有专门的投诉部门,客服中心兼着受理,24小时回复"  # practice and a gap in one breath
    script = ["/profile skip", "/goto 4.3.3.2.3", mixed, "是的", "/quit"]
    chat = run_cli("chat", "--new", "y", "--db", str(db), input="\n".join(script) + "\n")
    assert chat.returncode == 0, chat.stderr
    after = chat.stdout.partition("做法吗")[2]
    assert after and "已把刚才那段记为证据" in after
    report = json.loads(run_cli("report", "y", "--db", str(db), "--format", "json").stdout)
    leaf = next(x for x in report["leaves"] if x["id"] == "4.3.3.2.3")
    assert [e["text"] for e in leaf["evidence"]] == [mixed] and leaf["status"] == "partial"


def test_chat_in_english_and_unknown_command_suggestions(tmp_path):
    db = tmp_path / "en.db"
    result = run_cli(
        "chat", "--new", "en", "--lang", "en", "--db", str(db), input="/gasp\n/goto 9.9\n/quit\n"
    )
    assert "Did you mean: /gaps" in result.stdout
    assert "No clause '9.9'" in result.stdout
    assert "Saved. Goodbye." in result.stdout


def test_end_of_input_leaves_cleanly_with_everything_saved(tmp_path):
    db = tmp_path / "eof.db"
    result = run_cli("chat", "--new", "eof", "--db", str(db), input=ANSWERS[0] + "\n")
    assert result.returncode == 0 and "已保存" in result.stdout
    listing = run_cli("sessions", "--db", str(db))
    assert "eof" in listing.stdout and "1 answers" in listing.stdout


def test_sessions_export_import_and_errors(tmp_path):
    db = tmp_path / "s.db"
    run_cli("chat", "--new", "a", "--db", str(db), input=ANSWERS[0] + "\n/quit\n")
    out = tmp_path / "a.json"
    assert run_cli("sessions", "export", "a", str(out), "--db", str(db)).returncode == 0
    assert json.loads(out.read_text())["format"] == "zhuoyue-session"
    refused = run_cli("sessions", "export", "a", str(out), "--db", str(db))
    assert refused.returncode == 1 and "exists" in refused.stderr
    assert run_cli("sessions", "import", str(out), "b", "--db", str(db)).returncode == 0
    shown = run_cli("sessions", "show", "b", "--db", str(db))
    assert "answers 1" in shown.stdout
    missing = run_cli("sessions", "show", "nope", "--db", str(db))
    assert missing.returncode == 1 and "no session named 'nope'" in missing.stderr


def test_corrupt_database_gets_a_clear_message(tmp_path):
    db = tmp_path / "bad.db"
    db.write_bytes(b"garbage" * 100)
    result = run_cli("chat", "--new", "x", "--db", str(db), input="/quit\n")
    assert result.returncode == 1 and "not a zhuoyue database" in result.stderr
    assert db.read_bytes() == b"garbage" * 100


def test_completer_offers_commands_and_fuzzy_clause_ids(kb):
    completer = ChatCompleter(kb)
    event = CompleteEvent()
    names = [c.text for c in completer.get_completions(Document("/sc"), event)]
    assert names == ["score"]
    ids = [c.text for c in completer.get_completions(Document("/goto 4.3.3.2"), event)]
    assert "4.3.3.2.3" in ids
    by_title = [c.text for c in completer.get_completions(Document("/goto 投诉"), event)]
    assert "4.3.3.2.3" in by_title[:3]
    assert list(completer.get_completions(Document("plain answer"), event)) == []


def test_headless_repl_over_pipe_input(interview):
    """The interactive loop, driven through prompt-toolkit's pipe input."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from tui import chat as chat_module

    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(ANSWERS[0] + "\r/coverage\r/quit\r")
        original = chat_module.PromptSession

        def session_factory(*args, **kwargs):
            return original(*args, input=pipe, output=DummyOutput(), **kwargs)

        chat_module.PromptSession = session_factory
        try:
            chat_module._interactive(Chat(interview, out), None)
        finally:
            chat_module.PromptSession = original
    text = out.getvalue()
    assert "4.3.3.2.3" in text and "总分" in text
    assert len(interview.answers()) == 1


def test_chat_reads_a_gbk_answers_file_and_survives_invalid_bytes(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "gbk.db"
    data = (
        b"\xff\xfe\xfa\n"
        + b"/profile skip\n"
        + "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析。\n".encode("gbk")
        + b"/quit\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "assistant", "chat", "--new", "g", "--db", str(db)],
        input=data, capture_output=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0 and b"Traceback" not in result.stderr, result.stderr.decode()
    report = json.loads(run_cli("report", "g", "--db", str(db), "--format", "json").stdout)
    texts = [e["text"] for leaf in report["leaves"] for e in leaf["evidence"]]
    assert any("投诉由客服中心统一受理" in t for t in texts)


def test_replies_are_wrapped_at_the_chat_width_without_splitting_figures(interview):
    from assistant.linebreak import CLOSING, display_width

    out = io.StringIO()
    chat = Chat(interview, out, width=30)
    chat.handle("换模时间由一天缩短到1/4天,单位能耗2022年0.038吨,顾客满意度92.4%,3,400人参加培训。")
    chat.handle("/coverage")
    chat.say("已记录:换模时间由原来的一天缩短到1/4天,单位能耗降至0.038吨。")
    lines = out.getvalue().splitlines()
    assert any("1/4天" in line for line in lines) and any("0.038吨" in line for line in lines)
    assert lines and all(display_width(line) <= 30 for line in lines)
    assert all(line[:1] not in CLOSING for line in lines)
    assert any(line.startswith(("评分项", "Item")) for line in lines)


def test_replies_into_a_pipe_keep_their_lines_whole(interview):
    out = io.StringIO()  # not a terminal: a script reads whole lines
    Chat(interview, out).say("甲" * 200)
    assert out.getvalue() == "甲" * 200 + "\n"
