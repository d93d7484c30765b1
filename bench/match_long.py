"""Matcher speed on long answers and in batch mode.

Run by hand (`.venv/bin/python bench/match_long.py`); figures go in closing
notes, not in timed unit tests. Times are CPU time of the process (and of the
child for the real command), so other work on a shared machine moves them less
than wall time. Two figures:

- a 5,000-character answer (zh, and en), matched and then asked for the
  sentences that support each matched leaf, as the interview does;
- `zhuoyue match --jsonl` over the dev-set texts: in process (match with and
  without explanations) and as the real command, index cached.

    python bench/match_long.py             # all figures
    python bench/match_long.py --profile   # also where the long answer's time goes
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import read_labelled  # noqa: E402
from assistant.matching import ClauseMatcher, load_matcher  # noqa: E402

DEV = ROOT / "tests" / "data" / "devset.jsonl"
LONG_CHARS = 5_000


def long_answer(lang: str, chars: int = LONG_CHARS) -> str:
    """Dev-set statements of one language run together into one long answer."""
    texts = [r.text for r in read_labelled(DEV) if r.lang == lang and r.leaf]
    joiner = "" if lang == "zh" else " "
    out = ""
    for text in texts:
        if len(out) >= chars:
            break
        out += joiner + text if out else text
    return out[:chars]


def time_long(matcher: ClauseMatcher, text: str, runs: int = 15) -> float:
    """Median CPU ms of match + support on a fresh text (the caches cleared)."""
    times = []
    for _ in range(runs):
        matcher._sentence_cache.clear()
        matcher._last_vector = None
        start = time.process_time()
        matches = matcher.match(text, top=10)
        matcher.support(text, [m.leaf_id for m in matches])
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def time_batch(matcher: ClauseMatcher, texts: list[str], *, explain: bool, rounds: int = 3) -> float:
    """Queries per second of match(top=5) + brief(), as `match --jsonl` does."""
    best = 0.0
    for _ in range(rounds):
        matcher._sentence_cache.clear()
        start = time.process_time()
        for text in texts:
            [m.brief() for m in matcher.match(text, top=5, explain=explain)]
        best = max(best, len(texts) / (time.process_time() - start))
    return best


def time_command(texts: list[str], rounds: int = 3) -> tuple[float, float]:
    """CPU seconds and lines per second of `zhuoyue match --jsonl` (best of rounds)."""
    exe = Path(sys.executable).with_name("zhuoyue")
    stdin = "\n".join(texts) + "\n"
    best = float("inf")
    for _ in range(rounds):
        start = _children_cpu()
        subprocess.run(
            [str(exe), "match", "--jsonl"], input=stdin, text=True, capture_output=True, check=True
        )
        best = min(best, _children_cpu() - start)
    return best, len(texts) / best


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def profile_long(matcher: ClauseMatcher, text: str) -> str:
    profiler = cProfile.Profile()
    for _ in range(5):
        matcher._sentence_cache.clear()
        matcher._last_vector = None
        profiler.enable()
        matches = matcher.match(text, top=10)
        matcher.support(text, [m.leaf_id for m in matches])
        profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(15)
    return stream.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", action="store_true", help="print where the long answer's time goes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZHUOYUE_CACHE_DIR"] = tmp
        matcher = load_matcher()
        for lang in ("zh", "en"):
            text = long_answer(lang)
            n = len(matcher._sentence_scores(text)[0])
            print(
                f"long answer ({lang}, {len(text)} chars, {n} sentences): match + support "
                f"median {time_long(matcher, text):.1f} ms"
            )
        texts = [r.text for r in read_labelled(DEV)]
        print(
            f"match --jsonl in process over {len(texts)} dev texts: "
            f"{time_batch(matcher, texts, explain=True):.0f} q/s with explanations, "
            f"{time_batch(matcher, texts, explain=False):.0f} q/s without"
        )
        batch = texts * 5
        seconds, rate = time_command(batch)
        print(f"`zhuoyue match --jsonl`, {len(batch)} lines, cache warm: {seconds:.2f} s, {rate:.0f} lines/s")
        if args.profile:
            print(profile_long(matcher, long_answer("zh")))


if __name__ == "__main__":
    main()
