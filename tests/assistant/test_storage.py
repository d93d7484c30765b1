"""SQLite storage: round trips, export/import, locks, damage, and survival of a killed process."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from assistant.interview import Interview
from assistant.storage import SCHEMA_VERSION, SessionLocked, StorageError, Store
from tests.conftest import ROOT, run_cli

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部12家分公司都执行。"


def test_database_is_wal_and_versioned(store):
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_session_round_trip_through_a_new_store(kb, dialogues, matcher, tmp_path):
    path = tmp_path / "a.db"
    store = Store(path)
    iv = Interview.open(store, "acme", kb, dialogues, matcher, create=True)
    iv.goto("4.3.3.2.3")
    iv.answer(COMPLAINTS)
    iv.set_score("4.3.3", 45)
    iv.mark_na("4.1.4.4.2", "no public-interest work yet")
    cursor = iv.cursor.to_json()
    iv.close()
    store.close()

    again = Store(path)
    iv2 = Interview.open(again, "acme", kb, dialogues, matcher)
    assert iv2.coverage()["4.3.3.2.3"].status == "covered"
    assert iv2.total_points() == 22.5
    assert iv2.coverage()["4.1.4.4.2"].status == "na"
    assert iv2.cursor.to_json() == cursor
    iv2.close()
    again.close()


def test_export_import_restores_everything(kb, dialogues, matcher, store):
    iv = Interview.open(store, "src", kb, dialogues, matcher, create=True)
    iv.answer(COMPLAINTS)
    iv.set_score("4.3.3", 40)
    data = json.loads(json.dumps(store.export_session("src")))
    iv.close()
    copy = store.import_session(data, name="copy")
    assert store.scores(copy.id) == {"4.3.3": 40}
    assert [e.leaf_id for e in store.evidence(copy.id)] == [
        e.leaf_id for e in store.evidence(store.session("src").id)
    ]
    with pytest.raises(StorageError, match=r"already exists|UNIQUE"):
        store.import_session(data, name="copy")
    with pytest.raises(StorageError, match="not a zhuoyue session"):
        store.import_session({"hello": 1})
    assert [s.name for s in store.sessions()].count("copy") == 1


def test_rename_and_delete(store):
    store.create_session("a", framework="GB/T 19580-2012")
    store.rename("a", "b")
    assert store.session("b").name == "b"
    store.delete("b")
    assert store.sessions() == []


def test_a_non_database_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 10)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="not a zhuoyue database"):
        Store(path)
    assert path.read_bytes() == before


def test_a_damaged_database_is_reported(tmp_path):
    path = tmp_path / "broken.db"
    store = Store(path)
    store.create_session("x", framework="f")
    store.close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the header
    path.write_bytes(bytes(data))
    with pytest.raises(StorageError):
        Store(path)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StorageError, match="newer zhuoyue"):
        Store(path)


def spawn_chat(db, name):
    """A chat process on a new session, kept running so the test can feed it answers."""
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "chat", "--new", name, "--db", str(db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


def test_second_process_gets_a_clear_message_not_a_corrupt_file(tmp_path):
    db = tmp_path / "shared.db"
    holder = spawn_chat(db, "shared")
    try:
        holder.stdin.write(COMPLAINTS + "\n")
        holder.stdin.flush()
        _wait_for_answers(db, "shared", 1)
        second = run_cli("chat", "--session", "shared", "--db", str(db), input="/quit\n")
        assert second.returncode == 1
        assert "open in another zhuoyue" in second.stderr and str(holder.pid) in second.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    store = Store(db)
    assert len(store.answers(store.session("shared").id)) == 1
    store.close()
    # the holder released its lock on the way out: the session opens again
    again = run_cli("chat", "--session", "shared", "--db", str(db), input="/quit\n")
    assert again.returncode == 0, again.stderr


def test_sigkill_mid_session_loses_nothing_answered(tmp_path):
    db = tmp_path / "kill.db"
    proc = spawn_chat(db, "k")
    answers = [COMPLAINTS, "每年委托第三方开展顾客满意度测评,覆盖全部客户群,结果用于改进。"]
    for text in answers:
        proc.stdin.write(text + "\n")
        proc.stdin.flush()
    _wait_for_answers(db, "k", 2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    store = Store(db)
    session = store.session("k")
    assert [a.text for a in store.answers(session.id)] == answers
    store.close()
    # the dead process's lock does not keep the user out
    resumed = run_cli("chat", "--session", "k", "--db", str(db), input="/coverage\n/quit\n")
    assert resumed.returncode == 0, resumed.stderr
    assert "已有 2 条回答" in resumed.stdout


def _wait_for_answers(db, name, count, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            try:
                conn = sqlite3.connect(db, timeout=1)
                row = conn.execute(
                    "SELECT COUNT(*) FROM answers JOIN sessions ON sessions.id = answers.session_id WHERE name = ?",
                    (name,),
                ).fetchone()
                conn.close()
                if row and row[0] >= count:
                    return
            except sqlite3.Error:
                pass
        time.sleep(0.1)
    raise AssertionError(f"session {name} did not reach {count} answers")


def test_session_locked_error_names_the_holder(store):
    row = store.create_session("held", framework="f")
    store.conn.execute("UPDATE sessions SET lock_pid = 1, lock_host = 'elsewhere' WHERE id = ?", (row.id,))
    with pytest.raises(SessionLocked, match="pid 1 on elsewhere"):
        store.acquire(row.id)
