"""Intent step: per-intent precision and recall, the engine's non-evidence check, and latency.

    python bench/intent.py                 # the three sets below, the engine check and timing
    python bench/intent.py --errors dev    # also list the dev set's mistakes (never look at held-out ones to tune)

Sets:
- train: dialogues/intents/train.jsonl, our own words; scored by 5-fold cross-validation,
  since the shipped model is fitted on it;
- dev: tests/data/intent_dev.jsonl, written by an independent writer who saw only the
  clause structure; thresholds and cues are tuned on it;
- dev2: tests/data/intent_dev2.jsonl, a second independent writer's set. It was the first
  held-out set; once its errors had been looked at it could no longer be held out, so it
  became a second dev set and a third writer wrote a fresh held-out set;
- dev3, dev4: tests/data/intent_dev3.jsonl and intent_dev4.jsonl, the third and fourth
  writers' sets, retired from held-out the same way;
- held-out: bench/data/intent_holdout.jsonl, a fifth independent writer; only reported.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.intent import INTENTS, fit, load_cues, load_intent_model, read_labelled, training_rows  # noqa: E402

DEV = ROOT / "tests" / "data" / "intent_dev.jsonl"
DEV2 = ROOT / "tests" / "data" / "intent_dev2.jsonl"
DEV3 = ROOT / "tests" / "data" / "intent_dev3.jsonl"
DEV4 = ROOT / "tests" / "data" / "intent_dev4.jsonl"
HELDOUT = ROOT / "bench" / "data" / "intent_holdout.jsonl"


def per_intent(gold: list[str], pred: list[str]) -> dict[str, tuple[float, float, int]]:
    out = {}
    for label in INTENTS:
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        said = sum(p == label for p in pred)
        real = sum(g == label for g in gold)
        out[label] = (tp / said if said else 0.0, tp / real if real else 0.0, real)
    return out


def table(name: str, gold: list[str], pred: list[str]) -> None:
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold)
    print(f"\n{name}: {len(gold)} lines, accuracy {acc:.3f}")
    print(f"  {'intent':<10} {'precision':>9} {'recall':>7} {'n':>5}")
    for label, (p, r, n) in per_intent(gold, pred).items():
        flag = "" if p >= 0.9 and r >= 0.9 else "  <0.90"
        print(f"  {label:<10} {p:>9.3f} {r:>7.3f} {n:>5}{flag}")


def cross_validated(rows: list[tuple[str, str]], folds: int = 5) -> list[str]:
    cues = load_cues()
    pred = [""] * len(rows)
    for k in range(folds):
        train = [r for i, r in enumerate(rows) if i % folds != k]
        model = fit(train, cues)  # type: ignore[arg-type]
        for i, (text, _) in enumerate(rows):
            if i % folds == k:
                pred[i] = model.classify(text).intent
    return pred


def engine_check(lines: list[tuple[str, str, str | None]]) -> tuple[int, int, list[str]]:
    """Non-evidence lines said to a live interview: how many credited any clause."""
    from assistant.interview import Interview
    from assistant.services import build_services

    with tempfile.TemporaryDirectory() as tmp:
        s = build_services(db_path=Path(tmp) / "b.sqlite3")
        iv = Interview.open(s.store, "bench", s.kb, s.dialogues, s.matcher, create=True, scope=None)
        iv.skip_profile()
        credited = []
        leaves = [leaf.id for leaf in s.kb.leaves()]
        total = 0
        for i, (text, intent, _) in enumerate(lines):
            if intent == "evidence":
                continue
            total += 1
            iv.goto(leaves[(i * 7) % len(leaves)])
            before = len(s.store.evidence(iv.session.id))
            iv.say(text)
            if len(s.store.evidence(iv.session.id)) != before:
                credited.append(text)
        iv.close()
        s.store.close()
    return total, len(credited), credited


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--errors", choices=("dev", "dev2", "dev3", "dev4", "train"), help="list this set's mistakes")
    ap.add_argument("--no-engine", action="store_true", help="skip the engine check")
    args = ap.parse_args()

    model = load_intent_model(use_cache=False)
    rows = training_rows()
    cv = cross_validated(rows)
    table("train (5-fold cross-validation)", [r[1] for r in rows], cv)

    sets = (("dev (independent writer 1)", DEV), ("dev2 (independent writer 2)", DEV2),
            ("dev3 (independent writer 3)", DEV3), ("dev4 (independent writer 4)", DEV4),
            ("held-out (independent writer 5)", HELDOUT))  # fmt: skip
    for name, path in sets:
        data = read_labelled(path)
        pred = [model.classify(t) for t, _, _ in data]
        table(name, [g for _, g, _ in data], [p.intent for p in pred])
        unclear = sum(p.unclear for p in pred)
        print(f"  unclear (engine asks instead of acting): {unclear}")
        if (args.errors, path) in (("dev", DEV), ("dev2", DEV2), ("dev3", DEV3), ("dev4", DEV4)):
            for (text, gold, _), p in zip(data, pred, strict=True):
                if p.intent != gold:
                    print(f"    {gold:>9} → {p.intent:<9} {p.why('en')}  | {text}")
    if args.errors == "train":
        for (text, gold), p in zip(rows, cv, strict=True):
            if p != gold:
                print(f"    {gold:>9} → {p:<9} | {text}")

    texts = [t for path in (DEV, DEV2, DEV3, DEV4, HELDOUT) for t, _, _ in read_labelled(path)]
    times = []
    for text in texts * 3:
        t0 = time.perf_counter()
        model.classify(text)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"\nlatency per line: p50 {statistics.median(times):.2f} ms, p95 {times[int(0.95 * len(times))]:.2f} ms")

    if not args.no_engine:
        for name, path in (("dev", DEV), ("dev2", DEV2), ("dev3", DEV3), ("dev4", DEV4), ("held-out", HELDOUT)):
            total, bad, examples = engine_check(read_labelled(path))
            print(f"engine, {name}: {bad} of {total} non-evidence lines credited a clause")
            if path != HELDOUT:  # held-out mistakes are counted, never read for tuning
                for text in examples[:10]:
                    print(f"    {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
