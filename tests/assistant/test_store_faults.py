"""The store under races, locks and faults: one clean message each, and nothing already saved is lost."""

from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest

from assistant.storage import SessionLocked, StorageError, Store
from tests.conftest import run_cli


def test_a_name_taken_in_a_race_is_one_clean_error_not_an_integrity_error(tmp_path):
    """Two processes that both checked the name was free: the unique index decides, cleanly."""
    a, b = Store(tmp_path / "s.db"), Store(tmp_path / "s.db")
    with a.transaction():
        a.new_session("共识", company="x", framework="GB/T 19580-2012")
    with pytest.raises(StorageError, match="already exists"), b.transaction():
        b.new_session("共识", company="x", framework="GB/T 19580-2012")
    assert [s.name for s in b.sessions()] == ["共识"]
    a.close()
    b.close()


def hold_write_lock(path, seconds: float) -> threading.Thread:
    """Another program holding the write lock for a while."""
    ready = threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.execute("COMMIT")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    ready.wait()
    return thread


def test_a_busy_database_is_waited_for_and_said_so_when_the_caller_can_wait(tmp_path):
    store = Store(tmp_path / "s.db", busy_timeout=0.2)
    waits: list[str] = []
    store.on_busy = lambda: waits.append("waiting")
    holder = hold_write_lock(tmp_path / "s.db", 1.0)
    row = store.create_session("a", framework="GB/T 19580-2012")
    holder.join()
    assert row.name == "a" and waits  # it waited, said so, and then wrote
    store.close()


def test_a_busy_database_without_a_waiter_is_one_clean_error(tmp_path):
    store = Store(tmp_path / "s.db", busy_timeout=0.2)
    holder = hold_write_lock(tmp_path / "s.db", 1.0)
    with pytest.raises(StorageError, match="busy"):
        store.create_session("a", framework="GB/T 19580-2012")
    holder.join()
    store.close()


def test_a_full_disk_rolls_the_step_back_in_one_line_and_keeps_earlier_steps(tmp_path):
    store = Store(tmp_path / "s.db")
    row = store.create_session("a", framework="GB/T 19580-2012")
    with store.transaction():
        store.add_answer(row.id, None, "", "第一条", "")
    with pytest.raises(StorageError, match="full"), store.transaction():
        store.add_answer(row.id, None, "", "第二条", "")
        raise sqlite3.OperationalError("database or disk is full")  # what SQLite says mid-step
    assert [a.text for a in store.answers(row.id)] == ["第一条"]
    store.close()


def test_a_commit_that_fails_for_lack_of_space_is_one_clean_error(tmp_path, monkeypatch):
    store = Store(tmp_path / "s.db")
    row = store.create_session("a", framework="GB/T 19580-2012")
    real_conn = store.conn

    class Proxy:
        """The real connection, except that COMMIT finds the disk full."""

        def __getattr__(self, name: str) -> object:
            return getattr(real_conn, name)

        def execute(self, sql: str, *params: object) -> object:
            if sql == "COMMIT":
                raise sqlite3.OperationalError("database or disk is full")
            return real_conn.execute(sql, *params)

    store.conn = Proxy()  # type: ignore[assignment]
    with pytest.raises(StorageError, match="full"), store.transaction():
        store.add_answer(row.id, None, "", "丢不了之前的", "")
    store.conn = real_conn
    assert store.answers(row.id) == []
    store.close()


def test_a_lock_whose_pid_was_reused_by_another_process_is_stale(tmp_path):
    store = Store(tmp_path / "s.db")
    row = store.create_session("a", framework="GB/T 19580-2012")
    # pid 1 is alive, but it did not start when the lock's holder did: the pid was reused
    with store.transaction() as c:
        c.execute(
            "UPDATE sessions SET lock_pid = 1, lock_host = ?, lock_start = 'not-when-pid-1-started' WHERE id = ?",
            (os.uname().nodename, row.id),
        )
    store.acquire(row.id)  # taken over, no SessionLocked
    store.close()


def test_a_lock_held_on_another_host_is_reported_and_can_be_unlocked_after_confirming(tmp_path):
    db = tmp_path / "s.db"
    store = Store(db)
    row = store.create_session("a", framework="GB/T 19580-2012")
    with store.transaction() as c:
        c.execute("UPDATE sessions SET lock_pid = 4242, lock_host = 'other-host' WHERE id = ?", (row.id,))
    with pytest.raises(SessionLocked, match="sessions unlock a"):
        store.acquire(row.id)
    refused = run_cli("sessions", "unlock", "a", "--db", str(db))
    assert refused.returncode != 0 and "--yes" in refused.stderr and "Traceback" not in refused.stderr
    done = run_cli("sessions", "unlock", "a", "--yes", "--db", str(db))
    assert done.returncode == 0, done.stderr
    store.acquire(row.id)
    store.close()


def test_a_running_holder_keeps_its_lock(tmp_path):
    store = Store(tmp_path / "s.db")
    row = store.create_session("a", framework="GB/T 19580-2012")
    other = Store(tmp_path / "s.db")
    with other.transaction() as c:
        c.execute(
            "UPDATE sessions SET lock_pid = ?, lock_host = ?, lock_start = NULL WHERE id = ?",
            (os.getppid(), os.uname().nodename, row.id),
        )
    with pytest.raises(SessionLocked):
        store.unlock("a")
    store.close()
    other.close()


def test_a_damaged_session_row_is_reported_and_the_others_still_list(tmp_path):
    db = tmp_path / "s.db"
    store = Store(db)
    store.create_session("good", framework="GB/T 19580-2012")
    bad = store.create_session("bad", framework="GB/T 19580-2012")
    with store.transaction() as c:
        c.execute("UPDATE sessions SET cursor = '[1, 2' WHERE id = ?", (bad.id,))
    assert [s.name for s in store.sessions()] == ["good"] and store.damaged == ["bad"]
    with pytest.raises(StorageError, match="damaged"):
        store.session("bad")
    store.close()
    listed = run_cli("sessions", "list", "--db", str(db))
    assert listed.returncode == 0 and "good" in listed.stdout and "bad" in listed.stderr


def test_a_folder_given_as_the_database_is_one_line(tmp_path):
    result = run_cli("sessions", "list", "--db", str(tmp_path))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "folder" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_undo_history_is_bounded(tmp_path):
    from assistant.storage import MAX_STEPS

    store = Store(tmp_path / "s.db")
    row = store.create_session("a", framework="GB/T 19580-2012")
    with store.transaction():
        for _ in range(MAX_STEPS + 50):
            store.add_step(row.id, "move", {"cursor": {}})
    count = store.conn.execute("SELECT COUNT(*) FROM steps WHERE session_id = ?", (row.id,)).fetchone()[0]
    assert count == MAX_STEPS
    store.close()


def test_the_chat_waits_for_a_busy_database_says_so_and_loses_no_answer(kb, dialogues, matcher, tmp_path):
    import io

    from assistant.interview import Interview
    from tui.chat import Chat

    store = Store(tmp_path / "s.db", busy_timeout=0.2)
    iv = Interview.open(store, "a", kb, dialogues, matcher, create=True, scope="4.3")
    iv.intents.classify("warm up")  # so the write, not the first model load, meets the lock
    out = io.StringIO()
    chat = Chat(iv, out)
    iv.store.on_busy = lambda: chat.say("… waiting for the database")  # what run_chat installs
    holder = hold_write_lock(tmp_path / "s.db", 1.0)
    chat.handle("投诉由客服中心统一受理,24小时内答复。")
    holder.join()
    assert "waiting for the database" in out.getvalue()
    assert [a.text for a in store.answers(iv.session.id)] == ["投诉由客服中心统一受理,24小时内答复。"]
    iv.close()
    store.close()


def test_report_and_sessions_never_load_or_build_the_matcher_index(tmp_path):
    db = tmp_path / "s.db"
    store = Store(db)
    store.create_session("a", framework="GB/T 19580-2012")
    store.close()
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"ZHUOYUE_CACHE_DIR": str(cache)}
    assert run_cli("report", "a", "--db", str(db), "--format", "json", env=env).returncode == 0
    assert run_cli("sessions", "list", "--db", str(db), env=env).returncode == 0
    assert not list(cache.glob("index-*"))


def test_check_db_runs_the_full_integrity_check_on_demand(tmp_path):
    db = tmp_path / "s.db"
    Store(db).close()
    ok = run_cli("check", "--db", str(db))
    assert ok.returncode == 0 and "integrity" in ok.stdout


def test_two_imports_racing_for_one_name_give_one_session_and_one_clean_error(tmp_path):
    import json
    import subprocess
    import sys

    from tests.conftest import ROOT

    db = tmp_path / "s.db"
    store = Store(db)
    store.create_session("src", framework="GB/T 19580-2012")
    (tmp_path / "s.json").write_text(json.dumps(store.export_session("src")), encoding="utf-8")
    store.close()
    for round_ in range(3):
        name = f"copy{round_}"
        command = [sys.executable, "-m", "assistant", "sessions", "import", str(tmp_path / "s.json"), name, "--db", str(db)]
        racers = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in racers if p.stderr]
        assert sorted(code for code, _ in results) == [0, 1], results
        assert all("Traceback" not in text for _, text in results)
        assert any("already exists" in text for _, text in results)
    store = Store(db)
    assert sorted(s.name for s in store.sessions()) == ["copy0", "copy1", "copy2", "src"]
    store.close()


def test_a_database_locked_while_it_is_first_set_up_says_busy_not_damaged(tmp_path):
    path = tmp_path / "new.db"
    sqlite3.connect(path).execute("PRAGMA journal_mode = WAL").fetchone()  # an empty database, not yet set up
    holder = hold_write_lock(path, 1.0)
    with pytest.raises(StorageError, match="busy") as caught:
        Store(path, busy_timeout=0.1)
    holder.join()
    assert "cannot be used" not in str(caught.value)


def test_text_another_program_wrote_that_is_not_utf8_reads_as_replacement_characters(tmp_path):
    path = tmp_path / "s.db"
    store = Store(path)
    store.create_session("a", framework="GB/T 19580-2012")
    store.close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("UPDATE sessions SET company = CAST(x'e68aff' AS TEXT)")
    raw.close()
    listed = run_cli("sessions", "--db", str(path))
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr


def test_check_db_on_a_path_with_no_database_fails_and_creates_nothing(tmp_path):
    missing = tmp_path / "typo" / "x.db"
    checked = run_cli("check", "--db", str(missing))
    assert checked.returncode == 1 and "no database" in checked.stderr
    assert not missing.parent.exists()


def test_a_name_that_is_not_utf8_on_the_command_line_is_one_line(tmp_path):
    shown = run_cli("sessions", "show", "\udcff", "--db", str(tmp_path / "s.db"))  # the byte 0xff
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert shown.stderr.count("\n") == 1
