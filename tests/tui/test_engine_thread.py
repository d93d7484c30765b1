"""One thread owns the engine: keys pressed while an answer is being matched wait their turn.

The answer is made slow with the real matcher (or the real store) holding on until
the test lets it go, so that Ctrl+N, F5 and F6 surely land while the engine is busy
with it.
Before the engine had a thread of its own, those keys ran on the UI thread against
the same SQLite connection: the app ended with `cannot start a transaction within
a transaction`, or showed the skip before the answer it came after.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from textual import events

from assistant.services import Services
from assistant.storage import Store
from tests.tui.test_app import COMPLAINTS, SIZE, settle, start_new
from tui.app import build_app
from tui.engine import THREAD_NAME
from tui.findings import ScoreDialog
from tui.widgets import AnswerInput, ChatLog

#: The longest a slow step waits for the test to let it go.
HOLD = 10.0


class Slow:
    """A step that, once started, holds on until `go` is set (or HOLD seconds have passed)."""

    def __init__(self) -> None:
        self.started, self.go = threading.Event(), threading.Event()

    def hold(self) -> None:
        self.started.set()
        self.go.wait(HOLD)


class SlowMatcher:
    """The real matcher, slow to match: an answer that takes a while to be matched."""

    def __init__(self, matcher: Any, slow: Slow | None = None) -> None:
        self._matcher, self.slow = matcher, slow
        self.threads: set[str] = set()

    def match(self, *args: Any, **kwargs: Any) -> Any:
        self.threads.add(threading.current_thread().name)
        if self.slow is not None:
            self.slow.hold()
        return self._matcher.match(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._matcher, name)


class SlowStore(Store):
    """The real store, slow to add an answer: inside the answer's transaction."""

    slow: Slow | None = None

    def add_answer(self, *args: Any, **kwargs: Any) -> int:
        if self.slow is not None:
            self.slow.hold()
        return super().add_answer(*args, **kwargs)


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "burst.sqlite3")
    yield Services(kb, dialogues, matcher, store)
    store.close()


@pytest.fixture(params=["matcher", "store"])
def slow(request, kb, dialogues, matcher, tmp_path):
    """Services whose answers are slow in the matcher, or inside the store's transaction; and the Slow."""
    held = Slow()
    if request.param == "matcher":
        store = Store(tmp_path / "slow.sqlite3")
        yield Services(kb, dialogues, SlowMatcher(matcher, held), store), held
    else:
        store = SlowStore(tmp_path / "slow.sqlite3")
        store.slow = held
        yield Services(kb, dialogues, matcher, store), held
    held.go.set()
    store.close()


def chat_lines(app) -> list[tuple[str, str]]:
    """(classes, text) of every line of the chat, top to bottom."""
    return [(" ".join(sorted(w.classes)), str(w.render())) for w in app.query_one(ChatLog).children]


def assert_answer_then_skip_then_undo(app) -> None:
    """The chat shows the answer with its reply, then Ctrl+N's skip, then F5 taking the skip back."""
    lines = chat_lines(app)
    texts = [text for _, text in lines]
    at_answer = texts.index(COMPLAINTS)
    at_skip = next(i for i, t in enumerate(texts) if "先跳过" in t)
    at_undo = next(i for i, t in enumerate(texts) if "已撤销上一步(跳转)" in t)
    chips = [i for i, (classes, _) in enumerate(lines) if "chips" in classes]
    assert at_answer < chips[-1] < at_skip < at_undo


async def test_ctrl_n_f5_and_f6_during_a_slow_answer_wait_their_turn_and_the_answer_is_saved(slow):
    services, held = slow
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        app.query_one(AnswerInput).insert(COMPLAINTS)
        await pilot.press("enter")
        deadline = time.monotonic() + HOLD
        while not held.started.is_set() and time.monotonic() < deadline:
            await pilot.pause(0.01)
        assert held.started.is_set()
        await pilot.press("ctrl+n", "f5", "f6")
        await pilot.pause(0.3)
        # still on the answer: the keys are queued behind it, and the screen says it is busy
        assert app._busy
        assert "处理中" in app.sub_title and app.query_one(AnswerInput).has_class("busy")
        assert not isinstance(app.screen, ScoreDialog)
        held.go.set()
        await settle(pilot)
        assert app.is_running
        assert not app._busy and "处理中" not in app.sub_title
        assert isinstance(app.screen, ScoreDialog)  # F6, last, once the answer and the two steps were done
        assert_answer_then_skip_then_undo(app)
        await pilot.press("escape")
        await settle(pilot)
        session_id = app.interview.session.id
    answers = services.store.answers(session_id)
    assert [a.text for a in answers] == [COMPLAINTS]  # F5 took back the skip, not the answer
    assert any(e.leaf_id.startswith("4.3.3.2") for e in services.store.evidence(session_id))


async def test_every_engine_call_runs_on_the_engines_own_thread(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "thread.sqlite3")
    watched = SlowMatcher(matcher)  # not slowed: only to see which thread matches
    threads: set[str] = set()
    original = store.transaction

    def transaction() -> Any:
        threads.add(threading.current_thread().name)
        return original()

    store.transaction = transaction  # type: ignore[method-assign]
    app = build_app(Services(kb, dialogues, watched, store))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start_new(pilot)
            app.query_one(AnswerInput).insert("每年开展一次顾客满意度调查")
            await pilot.press("enter", "ctrl+n", "f5")
            await settle(pilot)
    finally:
        store.close()
    assert threads and all(name.startswith(THREAD_NAME) for name in threads | watched.threads)


async def test_keys_typed_at_once_with_enter_run_after_the_answer_in_the_order_typed(services):
    """As a terminal sends Enter, Ctrl+N, F5 and F6 typed in a burst: all queued before the app reads the first."""
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await start_new(pilot)
        app.query_one(AnswerInput).insert(COMPLAINTS)
        for key in ("enter", "ctrl+n", "f5", "f6"):
            app.post_message(events.Key(key, None))
        await settle(pilot)
        assert app.is_running
        assert_answer_then_skip_then_undo(app)
        assert isinstance(app.screen, ScoreDialog)
        session_id = app.interview.session.id
    assert [a.text for a in services.store.answers(session_id)] == [COMPLAINTS]
