"""Classroom mode: the presentation at projector size, the TUI's key for it, and the trainee exercise."""

from __future__ import annotations

import re

import pytest

from assistant.services import Services
from assistant.storage import Store
from dialogues.demos import load_demo
from tui.app import build_app
from tui.present import ExerciseScreen, PresentApp, PresentScreen

PROJECTOR = (100, 30)
#: a match score as the matcher reports it (0.23, 0.071): never shown to a class
RAW_SCORE = re.compile(r"(?<![\d.])0\.\d{2,}")
#: a verdict line: a coverage symbol, then a clause id
VERDICT = re.compile(r"[●◐○] \d+(?:\.\d+)+ ")


@pytest.fixture
def services(kb, dialogues, matcher, tmp_path):
    store = Store(tmp_path / "unused.sqlite3")  # the presentation plays in a session of its own
    yield Services(kb, dialogues, matcher, store)
    store.close()


def screen_text(app) -> str:
    """What the terminal shows, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def squashed(text: str) -> str:
    """Text without white space, to find a sentence the screen wrapped over several lines."""
    return re.sub(r"\s", "", text)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_presentation_at_projector_size_shows_full_titles_and_reasons_but_no_scores(services):
    demo = load_demo("manufacturer", services.kb)
    app = PresentApp(services, demo, "zh")
    async with app.run_test(size=PROJECTOR) as pilot:
        await settle(pilot)
        assert demo.name_zh in screen_text(app)  # the first screen introduces the company
        for number, turn in enumerate(demo.turns[:3], 1):
            await pilot.press("right")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PresentScreen) and screen.run.step == number
            text = screen_text(app)
            title = services.kb.get(turn.clause).title.zh
            assert f"{turn.clause}  {title}" in text  # the whole title, not cut to a few characters
            assert VERDICT.search(text), text
            played = screen.run.played[-1]
            first = played[0].touched[0]
            assert first.leaf_id == turn.clause and squashed(first.reason_zh)[:20] in squashed(text)
            assert not RAW_SCORE.search(text), text
            for exchange in played:
                for _leaf, score in exchange.reply.recorded:
                    if score is not None:
                        assert f"{score:.2f}" not in text
        await pilot.press("left")
        await settle(pilot)
        assert app.screen.run.step == 2
        assert f"{demo.turns[1].clause}  {services.kb.get(demo.turns[1].clause).title.zh}" in screen_text(app)


async def test_presentation_shows_the_engine_follow_up_and_the_company_answer_to_it(services):
    demo = load_demo("service", services.kb)
    app = PresentApp(services, demo, "en")
    async with app.run_test(size=PROJECTOR) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        played = app.screen.run.played[-1]
        follow = next(e for e in played if e.followup)
        text = screen_text(app)
        assert "Follow-up" in text
        assert squashed(follow.text)[:60] in squashed(text)


async def test_the_trainer_demo_key_opens_the_presentation_at_the_same_turn_and_q_returns(services):
    demo = load_demo("manufacturer", services.kb)
    app = build_app(services, mode="demo", demo=demo)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        await pilot.press("right", "right")
        await pilot.pause()
        assert "课堂 Present" in screen_text(app).splitlines()[-1]  # shown in the footer
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, PresentScreen) and app.screen.run.step == 2
        await pilot.press("right")  # steps the presentation, not the demo underneath
        await settle(pilot)
        assert app.screen.run.step == 3 and app.demo_step == 2
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, PresentScreen) and app.demo_step == 2


async def test_the_key_is_not_offered_outside_the_trainer_demo(services):
    app = build_app(services, ask_start=False)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        assert "Present" not in screen_text(app).splitlines()[-1]
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert not isinstance(app.screen, PresentScreen)


async def test_exercise_pick_a_number_and_see_the_reveal_with_reason_and_matched_words(services):
    demo = load_demo("manufacturer", services.kb)
    app = PresentApp(services, demo, "zh")
    async with app.run_test(size=PROJECTOR) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        exercise = screen.exercise
        assert exercise is not None and exercise.answer == demo.turns[0].clause
        text = screen_text(app)
        for number, choice in enumerate(exercise.choices, 1):
            assert f"{number}  {choice.leaf_id} {choice.title_zh}" in text
        wrong = next(n for n in range(1, 5) if n != exercise.number)
        await pilot.press(str(wrong), "enter")
        await pilot.pause()
        text = screen_text(app)
        right = exercise.correct
        assert "✗" in text and f"正确答案是 {exercise.number} · {right.leaf_id} {right.title_zh}" in text
        assert squashed(exercise.reason_zh) in squashed(text)  # the coverage reason, in the engine's words
        assert "匹配词:" in text and right.terms and right.terms[0] in text
        assert not RAW_SCORE.search(text)
        await pilot.press("n")  # the next statement, then the right number this time
        await settle(pilot)
        assert screen.exercise is not None and screen.exercise.answer == demo.turns[1].clause
        await pilot.press(*str(screen.exercise.number), "enter")
        await pilot.pause()
        assert "✓" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PresentScreen)


async def test_exercise_takes_a_clause_id_and_refuses_a_word_with_one_line(services):
    demo = load_demo("service", services.kb)
    app = PresentApp(services, demo, "en")
    async with app.run_test(size=PROJECTOR) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*"hello", "enter")
        await pilot.pause()
        assert screen.verdict is None
        assert any("type 1–4 or a leaf clause id" in str(n.message) for n in app._notifications)
        field = screen.query_one("#exercise-pick")
        field.value = ""
        await pilot.press(*screen.exercise.answer, "enter")
        await pilot.pause()
        assert screen.verdict is not None and screen.verdict.right
        assert "✓ Right" in screen_text(app)
