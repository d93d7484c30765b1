"""Intent step: per-intent precision and recall, the engine's non-evidence check, and latency.

    python bench/intent.py                 # every set below, the engine check and timing
    python bench/intent.py --errors 3      # also list writer 3's mistakes (left-out fit)

Sets:
- train: dialogues/intents/train.jsonl, our own words, scored by 5-fold cross-validation;
- writers 1–8, 10–18: dialogues/intents/independent/writer*.jsonl, seventeen independent
  writers who saw only the clause structure and the intents' definitions. Each was a dev or
  held-out set in its time (writers 5–8 and 10–18 were held-out sets, each measured once and
  retired when it missed: see bench/data/README.md); all now ship as training data too, so
  each is scored by a model fitted WITHOUT it (leave-one-writer-out): how the model does on a
  writer it has never read. boundary_a/b.jsonl are two more writers' training lines at the
  intents' edges; they are fitted on and never scored;
- held-out: bench/data/intent_holdout_w*.jsonl, independent writers 9, 19 and 20, written
  after the fit was settled; only reported, by the shipped model, and never read for tuning.

The engine check says each writer's non-evidence lines to a live interview (with that
writer's left-out model) and counts those credited, and those that marked a clause.
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

from assistant.intent import (  # noqa: E402
    INTENTS,
    IntentModel,
    fit,
    load_cues,
    load_intent_model,
    read_labelled,
    training_files,
    training_rows,
)

WRITERS = sorted(
    (ROOT / "dialogues" / "intents" / "independent").glob("writer*.jsonl"),
    key=lambda p: int(p.stem.removeprefix("writer")),
)
HELDOUTS = sorted(
    (ROOT / "bench" / "data").glob("intent_holdout_w*.jsonl"),
    key=lambda p: int(p.stem.removeprefix("intent_holdout_w")),
)


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


def engine_check(
    lines: list[tuple[str, str, str | None]], model: IntentModel | None = None
) -> tuple[int, int, list[str], list[str]]:
    """Non-evidence lines said to a live interview: how many were recorded as evidence for any
    clause, and how many of those marked a clause covered or partial (the gap list's view).
    `model` replaces the shipped intent model (a writer's left-out fit)."""
    from assistant.interview import Interview
    from assistant.services import build_services

    with tempfile.TemporaryDirectory() as tmp:
        s = build_services(db_path=Path(tmp) / "b.sqlite3")
        iv = Interview.open(s.store, "bench", s.kb, s.dialogues, s.matcher, create=True, scope=None)
        if model is not None:
            iv._intents = model  # the engine as shipped, with a model that never read these lines
        iv.skip_profile()
        credited = []
        marked = []
        leaves = [leaf.id for leaf in s.kb.leaves()]
        total = 0
        for i, (text, intent, _) in enumerate(lines):
            if intent == "evidence":
                continue
            total += 1
            iv.goto(leaves[(i * 7) % len(leaves)])
            before = len(s.store.evidence(iv.session.id))
            cov_before = {k: v.status for k, v in iv.coverage().items()}
            iv.say(text)
            if len(s.store.evidence(iv.session.id)) != before:
                credited.append(text)
                after = iv.coverage()
                if any(
                    after[k].status != cov_before[k] and after[k].status in ("covered", "partial")
                    for k in after
                ):
                    marked.append(text)
                iv.undo()  # each line is judged on its own, against an empty session
        iv.close()
        s.store.close()
    return total, len(credited), credited, marked


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--errors",
        choices=(*(p.stem.removeprefix("writer") for p in WRITERS), "train"),
        help="list this set's mistakes",
    )
    ap.add_argument("--no-engine", action="store_true", help="skip the engine check")
    args = ap.parse_args()

    model = load_intent_model(use_cache=False)
    rows = training_rows()
    cv = cross_validated(rows)
    table("train (5-fold cross-validation)", [r[1] for r in rows], cv)

    left_outs: dict[Path, IntentModel] = {}
    for path in WRITERS:
        number = path.stem.removeprefix("writer")
        left_out = left_outs[path] = fit(
            [r for p in training_files() if p != path for r in training_rows(p)], load_cues()
        )
        data = read_labelled(path)
        pred = [left_out.classify(t) for t, _, _ in data]
        table(f"writer {number} (fitted without it)", [g for _, g, _ in data], [p.intent for p in pred])
        print(f"  unclear (engine asks instead of acting): {sum(p.unclear for p in pred)}")
        if args.errors == number:
            for (text, gold, _), p in zip(data, pred, strict=True):
                if p.intent != gold:
                    print(f"    {gold:>9} → {p.intent:<9} {p.why('en')}  | {text}")
    for path in HELDOUTS:
        data = read_labelled(path)
        pred = [model.classify(t) for t, _, _ in data]
        number = path.stem.removeprefix("intent_holdout_w")
        table(
            f"held-out (independent writer {number}, the shipped model)",
            [g for _, g, _ in data],
            [p.intent for p in pred],
        )
        print(f"  unclear (engine asks instead of acting): {sum(p.unclear for p in pred)}")
    if args.errors == "train":
        for (text, gold), p in zip(rows, cv, strict=True):
            if p != gold:
                print(f"    {gold:>9} → {p:<9} | {text}")

    texts = [t for path in WRITERS for t, _, _ in read_labelled(path)]
    times = []
    for text in texts * 3:
        t0 = time.perf_counter()
        model.classify(text)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(
        f"\nlatency per line: p50 {statistics.median(times):.2f} ms, p95 {times[int(0.95 * len(times))]:.2f} ms"
    )

    if not args.no_engine:
        checks = [(f"writer {p.stem.removeprefix('writer')} (fitted without it)", p) for p in WRITERS]
        held = [(f"held-out writer {p.stem.removeprefix('intent_holdout_w')}", p) for p in HELDOUTS]
        for name, path in [*checks, *held]:
            total, bad, examples, marked = engine_check(read_labelled(path), left_outs.get(path))
            print(
                f"engine, {name}: {bad} of {total} non-evidence lines recorded as evidence;"
                f" {len(marked)} marked a clause covered or partial"
            )
            if path not in HELDOUTS:  # held-out mistakes are counted, never read for tuning
                for text in examples[:10]:
                    print(f"    {'!' if text in marked else ' '} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
