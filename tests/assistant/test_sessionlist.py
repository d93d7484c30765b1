"""The session catalogue: summaries, readable times, close names, and renaming, deleting, opening by name."""

from __future__ import annotations

import time

import pytest

from assistant.interview import Interview
from assistant.sessionlist import (
    close_names,
    delete_session,
    name_problem,
    not_found,
    open_interview,
    rename_session,
    summaries,
    when,
)
from assistant.storage import SessionLocked, SessionNotFound, StorageError

COMPLAINTS = "投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。"


def held_elsewhere(store, name: str) -> None:
    """The lock row another host's zhuoyue leaves while it has the session open."""
    row = store.session(name)
    store.conn.execute("UPDATE sessions SET lock_pid = 4242, lock_host = 'elsewhere' WHERE id = ?", (row.id,))


@pytest.fixture
def two(kb, dialogues, matcher, store):
    iv = Interview.open(store, "华东精工-初稿", kb, dialogues, matcher, create=True, company="华东精工")
    iv.skip_profile()
    iv.answer(COMPLAINTS)
    iv.close()
    store.create_session("南方物流", framework="GB/T 19580-2012", company="南方物流集团")
    return store


def test_summaries_give_company_coverage_answers_and_who_holds_it(kb, dialogues, matcher, two):
    held_elsewhere(two, "南方物流")
    rows = {row.name: row for row in summaries(two, kb, dialogues, matcher)}
    first, second = rows["华东精工-初稿"], rows["南方物流"]
    assert (first.company, first.answers, first.held_by, first.merged) == ("华东精工", 1, None, False)
    assert 0 < first.coverage < 0.1
    assert (second.company, second.answers, second.coverage) == ("南方物流集团", 0, 0.0)
    assert second.held_by == (4242, "elsewhere")


def test_when_says_today_and_yesterday_and_otherwise_the_date():
    now = time.mktime((2026, 3, 1, 10, 0, 0, 0, 0, -1))
    assert when(now - 3600, "zh", now) == "今天 09:00"
    assert when(now - 12 * 3600, "en", now) == "yesterday 22:00"  # across the end of February
    assert when(now - 3 * 86400, "zh", now) == "2026-02-26 10:00"


def test_close_names_find_typos_and_names_holding_what_was_typed():
    names = ["华东精工-初稿", "华东精工-复核", "南方物流", "Acme"]
    assert close_names("华东精工-出稿", names)[0] == "华东精工-初稿"
    assert set(close_names("华东精工", names)) == {"华东精工-初稿", "华东精工-复核"}
    assert close_names("acme", names) == ["Acme"]
    assert close_names("完全无关", names) == []


def test_not_found_is_one_line_in_either_language():
    assert not_found("华东", ["华东精工"], "zh") == "没有名为 '华东' 的会话;是不是:'华东精工'?"
    assert not_found("x", [], "en") == "no session named 'x' (there are no sessions yet)"


def test_rename_refuses_a_taken_or_blank_name_and_a_session_held_elsewhere(two):
    with pytest.raises(StorageError, match="已有名为 '南方物流' 的会话"):
        rename_session(two, "华东精工-初稿", "南方物流", "zh")
    with pytest.raises(StorageError, match="needs a name"):
        rename_session(two, "华东精工-初稿", " \u200b ", "en")
    with pytest.raises(SessionNotFound, match="did you mean '华东精工-初稿'"):
        rename_session(two, "华东精工-出稿", "新名", "en")
    held_elsewhere(two, "南方物流")
    with pytest.raises(SessionLocked, match="pid 4242"):
        rename_session(two, "南方物流", "南方物流-2025", "zh")
    with pytest.raises(SessionLocked):  # the store itself refuses it too, for any other caller
        two.rename("南方物流", "南方物流-2025")
    assert rename_session(two, "华东精工-初稿", "华东精工-2025", "zh") == "华东精工-2025"
    assert {row.name for row in two.sessions()} == {"华东精工-2025", "南方物流"}


def test_name_problem_for_a_new_session(two):
    assert name_problem(two, "南方物流", "en") == "a session named '南方物流' already exists; choose another name"
    assert name_problem(two, "  ", "zh") == "会话名称不能为空"
    assert name_problem(two, "西部能源", "zh") is None


def test_delete_refuses_a_session_held_elsewhere(two):
    held_elsewhere(two, "南方物流")
    with pytest.raises(SessionLocked, match="另一个 zhuoyue"):
        delete_session(two, "南方物流", "zh")
    delete_session(two, "华东精工-初稿", "zh")
    assert [row.name for row in two.sessions()] == ["南方物流"]


def test_open_interview_falls_back_to_read_only_when_another_zhuoyue_holds_it(kb, dialogues, matcher, two):
    held_elsewhere(two, "华东精工-初稿")
    iv = open_interview(two, "华东精工-初稿", kb, dialogues, matcher)
    assert iv.read_only and two.held_elsewhere(iv.session.id) == (4242, "elsewhere")
    assert iv.coverage()["4.3.3.2.3"].status != "uncovered"
    iv.close()
    free = open_interview(two, "南方物流", kb, dialogues, matcher)
    assert not free.read_only and two.held_elsewhere(free.session.id) is None  # this process's own lock
    free.close()
