"""Substance benchmark: coverage status judged on assessor-labelled answers.

Each labelled line is one answer for one leaf, with the status an award assessor
gives it on that answer alone, the dimensions they saw, and whether it is a trap
(an answer that sounds relevant but has no substance: slogans, bare claims, plans,
negations, years without figures, vague results). The answer runs through the
same code as the interview: `dimensions()` for the leaf's kind, then `leaf_status()`.

    python bench/substance.py              # dev and held-out figures
    python bench/substance.py --dev-only   # while tuning the rules: the held-out set stays unread
    python bench/substance.py --misses     # list the dev set's wrong statuses
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.coverage import leaf_status  # noqa: E402
from assistant.dimensions import dimensions  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402

DEV = ROOT / "tests" / "data" / "substance_dev.jsonl"
# the first held-out set, measured once (0.833 / 0.967), then retired to dev
DEV2 = ROOT / "tests" / "data" / "substance_dev2.jsonl"
HOLDOUT = ROOT / "bench" / "data" / "substance_holdout.jsonl"
LETTER = {"A": "approach", "D": "deployment", "L": "learning", "I": "integration",
          "Le": "level", "T": "trend", "C": "comparison"}  # fmt: skip


def measure(name: str, path: Path, kb: object, misses: bool) -> None:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = traps = traps_right = 0
    confusion: Counter[tuple[str, str]] = Counter()
    dims_right: Counter[str] = Counter()
    dims_total: Counter[str] = Counter()
    for row in rows:
        kind = kb.get(row["leaf"]).kind  # type: ignore[attr-defined]
        found = dimensions(row["text"], kind)
        status = leaf_status(kind, [found]).status
        right += status == row["status"]
        confusion[(row["status"], status)] += 1
        if row["trap"]:
            traps += 1
            traps_right += status == "uncovered"
        gold = {LETTER[d] for d in row["dims"]}
        names = ("level", "trend", "comparison", "integration") if kind == "results" else (
            "approach", "deployment", "learning", "integration")  # fmt: skip
        for d in names:
            dims_total[d] += 1
            dims_right[d] += (d in gold) == (d in found)
        if misses and status != row["status"]:
            print(f"   {row['status']:9s} → {status:9s} {row['leaf']:10s} {row['text'][:70]}")
    n = len(rows)
    print(
        f"{name:9s} n={n} ({traps} traps) | status accuracy {right / n:.3f} ({right}/{n})"
        f" | traps judged uncovered {traps_right / traps:.3f} ({traps_right}/{traps})"
    )
    print("          assessor → tool: " + ", ".join(f"{a}→{b} {c}" for (a, b), c in sorted(confusion.items())))
    print("          per-dimension agreement: " + ", ".join(
        f"{d} {dims_right[d] / dims_total[d]:.2f}" for d in dims_total))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dev-only", action="store_true")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    kb = load_knowledge_base()
    measure("dev", DEV, kb, args.misses)
    measure("dev2", DEV2, kb, args.misses)
    if not args.dev_only and HOLDOUT.exists():
        measure("held-out", HOLDOUT, kb, False)


if __name__ == "__main__":
    main()
