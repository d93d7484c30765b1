"""How long one answer takes to show in the TUI when the chat already holds a long transcript.

Run by hand: `.venv/bin/python bench/tui_step.py [--turns 200] [--runs 5]`.

Builds a session of N answered turns through the real engine in a temporary SQLite
database, opens the app headless (App.run_test) on it, puts those N turns into the
chat the way a live interview shows them (question, answer, what was recorded, the
next question), then times each of the next answers from pressing Enter in the answer
box to the last frame the step paints: the engine's thread matching and recording it,
then the reply's lines, the detail pane, tree, gap list and score panel, and the
repaint. "redraw" is the part from the moment the reply is handed to the screen
(ZhuoyueApp.show_reply) to that last frame, which is what the screen costs; its CPU
time is printed too, as a figure a busy machine disturbs less than the wall clock.

The answers are the knowledge base's example answers, the same on every run; the
first step after opening is not timed (it loads what the engine loads on first use).
Prints the median and the largest over the runs; each run adds one more turn.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = (140, 42)
SESSION = "华东精工"


def answers(kb: object) -> list[str]:
    """The answers typed, in turn: the knowledge base's example answers, spread over its clauses."""
    examples = [ex for leaf in kb.leaves() for ex in leaf.examples.zh]  # type: ignore[attr-defined]
    return [examples[(i * 7) % len(examples)] for i in range(len(examples))]


def build_session(db: Path, turns: int) -> list[tuple[object, str, object]]:
    """N answers through the engine; returns (question asked, answer, reply) per turn."""
    from assistant.interview import Interview
    from assistant.services import build_services

    s = build_services(db_path=db)
    typed = answers(s.kb)
    iv = Interview.open(s.store, SESSION, s.kb, s.dialogues, s.matcher, create=True, company=SESSION)
    iv.skip_profile()
    transcript: list[tuple[object, str, object]] = []
    for i in range(turns):
        question = iv.current_question()
        text = typed[i % len(typed)]
        transcript.append((question, text, iv.say(text)))
    iv.close()
    s.store.close()
    return transcript


class Step(NamedTuple):
    """One timed answer, in seconds."""

    total: float  # Enter pressed → the step's last frame painted
    wait: float  # Enter pressed → the reply handed to the screen (the engine's thread: matching, recording, reading the views)
    redraw: float  # the reply handed to the screen → the step's last frame painted
    redraw_cpu: float  # the process's CPU time over the redraw: less sensitive to a busy machine


async def time_steps(db: Path, transcript: list[tuple[object, str, object]], runs: int) -> list[Step]:
    """`runs` more answers after the transcript, each timed until its last frame."""
    from assistant.services import build_services
    from tui.app import build_app, spare_the_steps
    from tui.widgets import AnswerInput, ChatLog

    s = build_services(db_path=db)
    app = build_app(s, session=SESSION)
    app.animation_level = "none"
    spare_the_steps()  # as run_app does before it runs the app
    steps: list[Step] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.wait_for_engine()  # the session is opened on the engine's thread
            chat = app.query_one(ChatLog)
            await chat.remove_children()  # the few turns a resume restores; the whole transcript follows
            chat.add_question(transcript[0][0], app.lang)  # type: ignore[arg-type]
            for _, text, reply in transcript:
                chat.add_answer(text)
                chat.add_reply(reply, app.lang)  # type: ignore[arg-type]
                chat.add_question(reply.question, app.lang)  # type: ignore[attr-defined]
            await pilot.pause()
            await pilot.pause()

            # the reply reaches the screen when show_reply is called with it
            replied: list[tuple[float, float]] = []
            show_reply = app.show_reply

            def noting_show_reply(*args: object) -> None:
                replied.append((time.perf_counter(), time.process_time()))
                show_reply(*args)  # type: ignore[arg-type]

            app.show_reply = noting_show_reply  # type: ignore[method-assign]
            # the end of a step is the last frame it paints: note when each frame is handed to the display
            painted: list[tuple[float, float]] = []
            display = app._display

            def noting_display(screen: object, renderable: object) -> None:
                display(screen, renderable)  # type: ignore[arg-type]
                painted.append((time.perf_counter(), time.process_time()))

            app._display = noting_display  # type: ignore[method-assign]
            box = app.query_one(AnswerInput)
            box.cursor_blink = False  # a blinking cursor paints a frame every half second
            box.focus()
            typed = answers(s.kb)
            # the first step loads what the engine loads on first use; it is not timed
            for i in range(len(transcript), len(transcript) + runs + 1):
                box.text = typed[i % len(typed)]
                await pilot.pause()
                replied.clear()
                painted.clear()
                t0 = time.perf_counter()
                await pilot.press("enter")
                while not replied:
                    await pilot.pause()
                await pilot.pause()  # waits until the app is idle: nothing left to lay out or paint
                if i > len(transcript):
                    (shown, shown_cpu), (last, last_cpu) = replied[0], painted[-1]
                    steps.append(Step(last - t0, shown - t0, last - shown, last_cpu - shown_cpu))
    finally:
        s.store.close()
    return steps


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--turns", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhuoyue-bench-") as tmp:
        db = Path(tmp) / "bench.sqlite3"
        t0 = time.perf_counter()
        transcript = build_session(db, args.turns)
        built = time.perf_counter() - t0
        steps = asyncio.run(time_steps(db, transcript, args.runs))

    def ms(values: list[float]) -> str:
        return f"median {statistics.median(values) * 1000:4.0f} ms, max {max(values) * 1000:4.0f} ms"

    print(f"{args.turns} turns in the chat (built through the engine in {built:.1f} s), {args.runs} answers:")
    print(f"  Enter → screen settled:            {ms([x.total for x in steps])}")
    print(f"  Enter → reply handed to the screen: {ms([x.wait for x in steps])}  (the engine's thread)")
    print(f"  redraw: reply → screen settled:     {ms([x.redraw for x in steps])}")
    print(f"  CPU time of the redraw:             {ms([x.redraw_cpu for x in steps])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
