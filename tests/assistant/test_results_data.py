"""Measure tables of results clauses in a session: stored, undone, exported, reported and typed as /data."""

from __future__ import annotations

import copy
import json

import pytest

from assistant import commands
from assistant.interview import Interview, InterviewError
from assistant.measures import parse_measure
from assistant.reportdata import build_report_data, report_json
from assistant.sessionfile import kb_clause_check
from assistant.storage import StorageError

SATISFACTION = "顾客满意度 % 2021=88.2 2022=90.1 2023=92.4 行业平均=86"


@pytest.fixture
def results(kb, dialogues, matcher, store):
    """A whole-standard session past its profile."""
    iv = Interview.open(store, "r", kb, dialogues, matcher, create=True)
    iv.skip_profile()
    yield iv
    iv.close()


def test_the_store_replaces_one_measure_and_keeps_the_others_in_order(store):
    sid = store.create_session("s", framework="GB/T 19580-2012").id
    first = parse_measure(SATISFACTION)
    second = parse_measure("不满意率 % 2021=6.8 2023=3.1")
    changed = parse_measure("顾客满意度 % 2021=88 2022=90 2023=93")
    with store.transaction():
        store.set_measure(sid, "4.7.3.1", first)
        store.set_measure(sid, "4.7.3.1", second)
        store.set_measure(sid, "4.7.4.1", parse_measure("营业收入 亿元 2023=12.5"))
        store.set_measure(sid, "4.7.3.1", changed)
    tables = store.measures(sid)
    assert tables["4.7.3.1"] == [changed, second]
    assert [m.measure for m in tables["4.7.4.1"]] == ["营业收入"]
    with store.transaction():
        store.delete_measure(sid, "4.7.3.1", "顾客满意度")
    assert store.measures(sid)["4.7.3.1"] == [second]


def test_measures_go_with_their_session(store):
    sid = store.create_session("gone", framework="GB/T 19580-2012").id
    with store.transaction():
        store.set_measure(sid, "4.7.3.1", parse_measure(SATISFACTION))
    store.delete("gone")
    assert store.conn.execute("SELECT COUNT(*) FROM measures").fetchone()[0] == 0


def test_set_data_saves_a_table_and_says_what_it_shows(results):
    reply = results.set_data("4.7.3.1", SATISFACTION)
    assert results.measures("4.7.3.1") == [parse_measure(SATISFACTION)]
    assert reply.attached == ("4.7.3.1",)
    assert "水平" in reply.message and "趋势" in reply.message and "对比" in reply.message


def test_undo_takes_back_a_new_table_a_change_and_a_deletion(results):
    results.set_data("4.7.3.1", SATISFACTION)
    results.set_data("4.7.3.1", "顾客满意度 % 2022=90 2023=93")
    results.set_data("4.7.3.1", "顾客满意度 -")
    assert results.measures("4.7.3.1") == []
    assert "结果数据" in results.undo().message
    assert results.measures("4.7.3.1")[0].periods == (("2022", 90.0), ("2023", 93.0))
    results.undo()
    assert results.measures("4.7.3.1") == [parse_measure(SATISFACTION)]
    results.undo()
    assert results.measures("4.7.3.1") == []


@pytest.mark.parametrize(
    ("ref", "words"),
    [("4.3.3.2.3", "不是结果类条款"), ("4.7.3", "4.7.3.1"), ("9.9.9", "没有条款"), ("4.7", "不是结果类条款")],
)
def test_an_unknown_or_non_results_clause_gets_one_clear_line(results, ref, words):
    for call in (lambda: results.set_data(ref, SATISFACTION), lambda: results.measures(ref)):
        with pytest.raises(InterviewError) as caught:
            call()
        assert words in str(caught.value) and "\n" not in str(caught.value)


def test_deleting_a_measure_the_clause_lacks_names_the_ones_it_has(results):
    results.set_data("4.7.3.1", SATISFACTION)
    with pytest.raises(InterviewError, match="顾客满意度"):
        results.set_data("4.7.3.1", "不满意率 -")


def test_an_answer_with_figures_on_a_results_clause_offers_a_data_line(results):
    results.goto("4.7.3.1")
    reply = results.answer("近三年顾客满意度分别为86.2、88.5、91.3分,高于行业平均85分")
    assert "4.7.3.1" in dict(reply.recorded)
    line = next(x.strip() for x in reply.message.splitlines() if x.strip().startswith("/data 4.7.3.1"))
    assert line.startswith("/data 4.7.3.1 顾客满意度 分 ") and line.endswith(" 行业平均=85")
    assert "推算" in reply.message  # the years were not said
    commands.run(results, line)  # the offered line is ready to send
    assert results.measures("4.7.3.1")[0].comparisons == (("行业平均", 85.0),)


def test_figures_recorded_only_for_process_clauses_offer_no_table(results):
    text = "2023年投诉处理满意率为96%,高于行业平均90%"
    assert results._with_data_offer("ok", "4.3.3.2.3", ["4.3.3.2.3", "4.3.3.2.1"], text) == "ok"
    assert "/data 4.7.3.2 投诉处理满意率 % 2023=96 行业平均=90" in results._with_data_offer("ok", None, ["4.7.3.2"], text)


def test_a_table_already_saved_is_not_offered_again(results):
    results.goto("4.7.3.1")
    text = "顾客满意度由2021年的88分提升至2023年的92分"
    results.set_data("4.7.3.1", "顾客满意度 分 2021=88 2023=92")
    assert "/data" not in results.answer(text).message


# --- export, import and reports ----------------------------------------------------------------------


def test_export_and_import_carry_the_tables(results, store, kb):
    results.set_data("4.7.3.1", SATISFACTION)
    results.set_data("4.7.3.1", '"retention rate" % 2022=91 2023=93.5')
    results.set_data("4.7.4.1", "营业收入 亿元 2021=10 2022=11.2 2023=12.5 目标=12")
    data = json.loads(json.dumps(store.export_session("r")))
    assert data["measures"][0] == {"leaf_id": "4.7.3.1", "measure": "顾客满意度", "unit": "%",
                                   "periods": {"2021": 88.2, "2022": 90.1, "2023": 92.4}, "comparisons": {"行业平均": 86.0}}  # fmt: skip
    copy_ = store.import_session(data, name="copy", check_clause=kb_clause_check(kb))
    assert store.measures(copy_.id) == store.measures(results.session.id)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"periods": {"2021": "88"}}, "measures[0].periods['2021']"),
        ({"periods": {"last year": 88}}, "measures[0].periods"),
        ({"periods": {}}, "measures[0].periods"),
        ({"comparisons": {"2022": 80}}, "measures[0].comparisons['2022']"),
        ({"leaf_id": "4.3.3.2.3"}, "measures[0].leaf_id"),
        ({"measure": " "}, "measures[0].measure"),
        ({"periods": {"2021": 1, "2021年": 2}}, "measures[0].periods['2021年']"),
        ({"extra": 1}, "measures[0].extra"),
    ],
)
def test_a_bad_measure_refuses_the_file_naming_the_field(results, store, kb, change, field):
    results.set_data("4.7.3.1", SATISFACTION)
    data = json.loads(json.dumps(store.export_session("r")))
    bad = copy.deepcopy(data)
    bad["measures"][0].update(change)
    before = store.conn.execute("SELECT COUNT(*) FROM measures").fetchone()[0]
    with pytest.raises(StorageError) as caught:
        store.import_session(bad, name="bad", check_clause=kb_clause_check(kb))
    assert field in str(caught.value)
    assert store.conn.execute("SELECT COUNT(*) FROM measures").fetchone()[0] == before


def test_a_measure_listed_twice_refuses_the_file(results, store, kb):
    results.set_data("4.7.3.1", SATISFACTION)
    data = json.loads(json.dumps(store.export_session("r")))
    data["measures"].append(data["measures"][0])
    with pytest.raises(StorageError, match=r"measures\[1\]\.measure"):
        store.import_session(data, name="twice", check_clause=kb_clause_check(kb))


def test_report_json_gives_every_leaf_its_data(results):
    results.set_data("4.7.3.1", SATISFACTION)
    leaves = {leaf["id"]: leaf for leaf in report_json(results)["leaves"]}
    assert leaves["4.7.3.1"]["data"] == [
        {"measure": "顾客满意度", "unit": "%", "periods": {"2021": 88.2, "2022": 90.1, "2023": 92.4},
         "comparisons": {"行业平均": 86.0}}
    ]  # fmt: skip
    assert leaves["4.3.3.2.3"]["data"] == []


def test_report_data_has_the_tables_on_the_leaf_and_a_results_data_table(results):
    results.set_data("4.7.3.1", SATISFACTION)
    report = build_report_data(results)
    leaf = next(
        leaf for c in report.outline for i in c.items for leaf in i.leaves if leaf.leaf_id == "4.7.3.1"
    )
    assert [(m.measure, m.unit, m.periods, m.comparisons) for m in leaf.data] == [
        ("顾客满意度", "%", (("2021", 88.2), ("2022", 90.1), ("2023", 92.4)), (("行业平均", 86.0),))
    ]
    table = report.table("data")
    assert table is not None and table.title == "结果数据"
    assert table.rows == (
        ("4.7.3.1", "顾客满意与不满意结果", "顾客满意度", "%", "2021: 88.2; 2022: 90.1; 2023: 92.4", "行业平均: 86"),
    )


# --- the /data command -------------------------------------------------------------------------------


def test_the_data_command_enters_lists_and_deletes(results):
    reply = commands.run(results, f"/data 4.7.3.1 {SATISFACTION}")
    assert "已保存" in reply.message
    listing = commands.run(results, "/data 4.7.3.1").message
    assert "顾客满意度 (%): 2021 88.2 · 2022 90.1 · 2023 92.4" in listing and "行业平均 86" in listing
    commands.run(results, "/data 4.7.3.1 顾客满意度 -")
    assert "还没有结果数据" in commands.run(results, "/data 4.7.3.1").message
    commands.run(results, "/undo")
    assert results.measures("4.7.3.1") == [parse_measure(SATISFACTION)]


def test_the_data_command_in_english(results):
    results.set_lang("en")
    assert "Saved results data" in commands.run(results, '/data 4.7.3.1 "customer satisfaction" % 2023=92').message
    with pytest.raises(InterviewError, match="is not a number"):
        commands.run(results, "/data 4.7.3.1 x % 2023=lots")
    with pytest.raises(InterviewError, match="usage: /data"):
        commands.run(results, "/data")


def test_the_data_command_is_listed_in_help(results):
    assert "/data" in commands.run(results, "/help").message


def test_the_data_command_through_the_piped_chat(tmp_path):
    from tests.conftest import run_cli

    db = tmp_path / "chat.db"
    script = ["/profile skip", f"/data 4.7.3.1 {SATISFACTION}", "/data 4.7.3.1 x % 2021=abc", "/data 4.7.3.1", "/quit"]
    chat = run_cli("chat", "--new", "c", "--db", str(db), input="\n".join(script) + "\n")
    assert chat.returncode == 0, chat.stderr
    assert "已保存 4.7.3.1" in chat.stdout and "“2021=abc”:“abc”不是数值" in chat.stdout
    report = json.loads(run_cli("report", "c", "--db", str(db), "--format", "json").stdout)
    leaf = next(leaf for leaf in report["leaves"] if leaf["id"] == "4.7.3.1")
    assert leaf["data"][0]["periods"] == {"2021": 88.2, "2022": 90.1, "2023": 92.4}


def test_a_read_only_session_refuses_data(kb, dialogues, matcher, store):
    Interview.open(store, "ro", kb, dialogues, matcher, create=True).close()
    viewer = Interview.open(store, "ro", kb, dialogues, matcher, read_only=True)
    with pytest.raises(InterviewError):
        viewer.set_data("4.7.3.1", SATISFACTION)
    assert viewer.measures("4.7.3.1") == []
    viewer.close()
