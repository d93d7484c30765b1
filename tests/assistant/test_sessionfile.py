"""The session file: one set of models writes `sessions export` and reads `sessions import`.

A bad value refuses the whole file with a message naming the field, and nothing
reaches the database; a good file round-trips with its answer links intact.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from typing import Any

import pytest

from assistant.interview import ORDERS, Interview
from assistant.replies import Cursor
from assistant.sessionfile import CursorData, SessionMeta, kb_clause_check
from assistant.storage import StorageError, Store
from tests.conftest import run_cli

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进。"


@pytest.fixture
def exported(kb, dialogues, matcher, store) -> dict[str, Any]:
    """A session with answers, evidence, a score, a not-applicable leaf and notes, exported as JSON data."""
    iv = Interview.open(store, "src", kb, dialogues, matcher, create=True)
    iv.goto("4.3.3.2.3")
    iv.answer(COMPLAINTS)
    iv.answer("我们每年做顾客满意度调查,按顾客群分析结果。")
    iv.set_score("4.3.3", 45)
    iv.mark_na("4.1.4.4.2", "no public-interest work yet")
    sid = iv.session.id
    iv.close()
    first, second = (a.id for a in store.answers(sid))
    with store.transaction():
        store.add_note(sid, first, "4.3.3.2.3", "defer", "查一下投诉台账", owner="王经理")
        store.add_note(sid, second, "4.3.3.3.1", "absent", "没有对标")
        store.add_note(sid, None, "B.1.1.1", "profile", "制造业,员工 800 人")
        store.close_todos(sid, ["4.3.3.2.3"], second)
    return json.loads(json.dumps(store.export_session("src")))


def _counts(store: Store) -> dict[str, int]:
    tables = ("sessions", "answers", "evidence", "na", "notes", "scores", "assessor_scores")
    return {t: store.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


def _without_identity(data: dict[str, Any]) -> dict[str, Any]:
    """The export minus what an import renews: the name, the update time and the database's answer ids."""
    data = copy.deepcopy(data)
    del data["session"]["name"], data["session"]["updated"]
    order = {a["id"]: i for i, a in enumerate(data["answers"])}
    for a in data["answers"]:
        a["id"] = order[a["id"]]
    for row in data["evidence"] + data["notes"]:
        row["answer_id"] = order.get(row["answer_id"])
    return data


def test_export_then_import_gives_the_same_session(kb, store, exported):
    copied = store.import_session(exported, name="copy", check_clause=kb_clause_check(kb))
    again = store.export_session("copy")
    assert _without_identity(again) == _without_identity(exported)
    assert again["notes"] and again["evidence"] and again["scores"] == [{"item_id": "4.3.3", "percent": 45}]
    # links point at the copy's own answers, not the source's
    copy_answers = {a.id for a in store.answers(copied.id)}
    assert {e.answer_id for e in store.evidence(copied.id)} <= copy_answers
    linked = [n for n in store.notes(copied.id) if n.answer_id is not None]
    assert len(linked) == 2 and {n.answer_id for n in linked} <= copy_answers
    assert [n.closed for n in store.notes(copied.id, "defer")] == [True]


def test_a_merged_session_with_assessor_scores_round_trips(kb, dialogues, matcher, store):
    from assistant.merge import merge_sessions

    for name, percent in (("a", 40), ("b", 50)):
        iv = Interview.open(store, name, kb, dialogues, matcher, create=True)
        iv.answer(COMPLAINTS)
        iv.set_score("4.3.3", percent)
        iv.close()
    merge_sessions(store, ["a", "b"], "ab")
    data = json.loads(json.dumps(store.export_session("ab")))
    assert len(data["assessor_scores"]) == 2
    store.import_session(data, name="ab2", check_clause=kb_clause_check(kb))
    assert _without_identity(store.export_session("ab2")) == _without_identity(data)


def test_older_exports_without_notes_or_assessor_scores_still_import(kb, store, exported):
    del exported["notes"], exported["assessor_scores"]
    row = store.import_session(exported, name="old", check_clause=kb_clause_check(kb))
    assert store.notes(row.id) == [] and store.scores(row.id) == {"4.3.3": 45}


def test_strings_are_cleaned_on_the_way_in(kb, store, exported):
    exported["session"]["company"] = "Acme\x1b]0;pwned\x07 Ltd"
    exported["answers"][0]["text"] = "投诉\u200b由\u202e客服\u2066\x00中心\u2060受理"
    exported["notes"][0]["owner"] = "王\ufeff经理"
    row = store.import_session(exported, name="clean\x1b[2J me", check_clause=kb_clause_check(kb))
    assert row.name == "clean[2J me"
    assert row.company == "Acme]0;pwned Ltd"
    assert store.answers(row.id)[0].text == "投诉由客服中心受理"
    assert store.notes(row.id)[0].owner == "王经理"


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split("/")
    target: Any = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[int(last) if last.isdigit() else last] = value


BAD_CASES = [
    # (where, value, message)
    ("scores/0/percent", 1000, r"^.*scores\[0\]\.percent: 1000 is not a percentage from 0 to 100 in steps of 5"),
    ("scores/0/percent", 42, r"scores\[0\]\.percent: 42 is not a percentage from 0 to 100 in steps of 5"),
    ("scores/0/percent", -5, r"scores\[0\]\.percent: -5 is not a percentage"),
    ("scores/0/percent", "45", r"scores\[0\]\.percent: should be a whole number, not text"),
    ("scores/0/percent", 45.0, r"scores\[0\]\.percent: should be a whole number, not a number"),
    ("scores/0/percent", True, r"scores\[0\]\.percent: should be a whole number, not true/false"),
    ("scores/0/item_id", "4.3.3.2.3", r"scores\[0\]\.item_id: '4\.3\.3\.2\.3' is not a scored item; did you mean 4\.3\.3"),
    ("scores/0/item_id", "4.3.9", r"scores\[0\]\.item_id: unknown clause '4\.3\.9'; did you mean 4\.3\.\d"),
    ("session/cursor", [1, 2], r"session\.cursor: should be an object, not a list"),
    ("session/cursor", "x", r"session\.cursor: should be an object, not text"),
    ("session/cursor/target", "9.9.9", r"session\.cursor\.target: unknown clause '9\.9\.9'"),
    ("session/cursor/followups", {"4.3.3.2.3": "x"}, r"session\.cursor\.followups\['4\.3\.3\.2\.3'\]: should be a whole"),
    ("session/name", 123, r"session\.name: should be text, not a number"),
    ("session/name", " \u200b\t", r"session\.name: must not be blank"),
    ("session/lang", "fr", r"session\.lang: should be 'zh' or 'en'"),
    ("session/scope", "4.9", r"session\.scope: unknown clause '4\.9'"),
    ("session/framework", None, r"session\.framework: should be text, not null"),
    ("answers", "hello", r"answers: should be a list, not text"),
    ("answers/0/text", {"a": 1}, r"answers\[0\]\.text: should be text, not an object"),
    ("answers/0/created", float("inf"), r"answers\[0\]\.created: should be a finite number"),
    ("answers/0/colour", "red", r"answers\[0\]\.colour: is not a key of this format"),
    ("answers/1/id", "1", r"answers\[1\]\.id: should be a whole number, not text"),
    ("evidence/0/leaf_id", "4.3.3.2.9", r"evidence\[0\]\.leaf_id: unknown clause '4\.3\.3\.2\.9'; did you mean 4\.3\.3\.2\.\d"),
    ("evidence/0/leaf_id", "4.3.3", r"evidence\[0\]\.leaf_id: '4\.3\.3' is not a lettered point; did you mean 4\.3\.3\.\d"),
    ("evidence/0/answer_id", 999999, r"evidence\[0\]\.answer_id: no answer in the file has id 999999"),
    ("evidence/0/active", "yes", r"evidence\[0\]\.active: should be true or false, not text"),
    ("na/0/leaf_id", "nonsense", r"na\[0\]\.leaf_id: unknown clause 'nonsense'"),
    ("notes/0/kind", "gossip", r"notes\[0\]\.kind: 'gossip' is not one of absent, defer, plan, profile"),
    ("notes/1/answer_id", -1, r"notes\[1\]\.answer_id: no answer in the file has id -1"),
    ("format", "something-else", r"not a zhuoyue session export"),
    ("version", 2, r"unsupported session export version 2"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("where", "value", "message"), BAD_CASES, ids=[f"{w}={v!r}" for w, v, _ in BAD_CASES]
)
def test_a_bad_value_refuses_the_whole_file_naming_the_field(kb, store, exported, where, value, message):
    _set(exported, where, value)
    before = _counts(store)
    with pytest.raises(StorageError, match=message):
        store.import_session(exported, name="bad", check_clause=kb_clause_check(kb))
    assert _counts(store) == before


def test_repeated_ids_and_keys_are_refused(kb, store, exported):
    dup_answer = copy.deepcopy(exported)
    dup_answer["answers"][1]["id"] = dup_answer["answers"][0]["id"]
    with pytest.raises(StorageError, match=r"answers\[1\]\.id: \d+ is used by another answer"):
        store.import_session(dup_answer, name="bad")
    exported["scores"].append(dict(exported["scores"][0]))
    with pytest.raises(StorageError, match=r"scores\[1\]\.item_id: '4\.3\.3' is listed twice"):
        store.import_session(exported, name="bad")
    assert [s.name for s in store.sessions()] == ["src"]


@pytest.mark.parametrize("name", ["", "   ", "\x1b\u200b"])
def test_a_blank_name_given_on_the_command_line_is_refused(store, exported, name):
    with pytest.raises(StorageError, match=r"name: must not be blank"):
        store.import_session(exported, name=name)


def test_a_file_that_is_not_an_object_is_refused(store):
    with pytest.raises(StorageError, match="not a zhuoyue session export"):
        store.import_session([1, 2, 3])


def test_export_refuses_a_stored_value_the_import_would_refuse(store, exported):
    sid = store.session("src").id
    with store.transaction() as c:
        c.execute("UPDATE scores SET percent = 1000 WHERE session_id = ?", (sid,))
    with pytest.raises(
        StorageError, match=r"cannot be exported: scores\[0\]\.percent: 1000 is not a percentage"
    ):
        store.export_session("src")


def test_cursor_model_holds_the_interview_cursor_fields():
    assert list(CursorData.model_fields) == [f.name for f in dataclasses.fields(Cursor)]
    assert CursorData().model_dump() == Cursor().to_json()


def test_order_modes_are_the_interview_orders():
    assert SessionMeta.model_fields["order_mode"].annotation.__args__ == ORDERS


CLI_CASES = [
    ("scores/0/percent", 1000, "scores[0].percent: 1000 is not a percentage from 0 to 100 in steps of 5"),
    ("session/cursor", [1], "session.cursor: should be an object, not a list"),
    ("session/name", 7, "session.name: should be text, not a number"),
    ("answers", "hello", "answers: should be a list, not text"),
    ("answers/0/text", {"a": 1}, "answers[0].text: should be text, not an object"),
    ("evidence/0/leaf_id", "4.3.3.2.9", "evidence[0].leaf_id: unknown clause '4.3.3.2.9'; did you mean"),
]


@pytest.mark.parametrize(("where", "value", "message"), CLI_CASES, ids=[w for w, _, _ in CLI_CASES])
def test_cli_import_of_a_bad_file_prints_one_error_line(tmp_path, exported, where, value, message):
    _set(exported, where, value)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    db = str(tmp_path / "cli.sqlite3")
    result = run_cli("--db", db, "sessions", "import", str(path), "imported")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    listed = run_cli("--db", db, "--lang", "en", "sessions", "list")
    assert "imported" not in listed.stdout


def test_cli_import_of_a_good_file_keeps_its_answers(tmp_path, exported):
    path = tmp_path / "good.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "cli.sqlite3"
    result = run_cli("--db", str(db), "sessions", "import", str(path), "imported")
    assert result.returncode == 0, result.stderr
    store = Store(db)
    try:
        assert len(store.answers(store.session("imported").id)) == len(exported["answers"])
    finally:
        store.close()
