"""One interview step, a report and `sessions list` in a large session (run by hand; quote in notes).

    python bench/step_large.py [--answers 10000]

Builds a session with N answers and their evidence straight through the store,
then times: one answer through the engine (match, record, coverage, next
question), the gap list and coverage a screen refresh needs, and counting the
answers of every session as `sessions list` does.
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


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=10_000)
    args = ap.parse_args()

    from assistant.interview import Interview
    from assistant.services import build_services

    with tempfile.TemporaryDirectory() as tmp:
        s = build_services(db_path=Path(tmp) / "big.sqlite3")
        leaves = [leaf.id for leaf in s.kb.leaves()]
        examples = [ex for leaf in s.kb.leaves() for ex in leaf.examples.zh] or ["每季度做一次顾客满意度调查。"]
        row = s.store.create_session("big", framework="GB/T 19580-2012")
        with s.store.transaction():
            for i in range(args.answers):
                text = f"{examples[i % len(examples)]}(第{i}条)"
                answer = s.store.add_answer(row.id, leaves[i % len(leaves)], "", text, "")
                s.store.add_evidence(row.id, answer, leaves[i % len(leaves)], text, 0.1, "asked")
        iv = Interview.open(s.store, "big", s.kb, s.dialogues, s.matcher)
        iv.intents.classify("warm up")
        timings = []
        for i in range(5):
            iv.goto(leaves[i * 7])
            t0 = time.perf_counter()
            iv.answer("投诉由客服中心统一受理,24小时内答复,每季度做投诉分析并推动改进,全部分公司都执行。")
            timings.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        cov = iv.coverage()
        iv.gaps(cov=cov)
        iv.items(cov)
        refresh = time.perf_counter() - t0
        t0 = time.perf_counter()
        s.store.answer_counts()
        counting = time.perf_counter() - t0
        print(f"{args.answers} answers: one answer {statistics.median(timings) * 1000:.0f} ms (median of 5), "
              f"a screen's coverage+gaps+items {refresh * 1000:.0f} ms, counting answers {counting * 1000:.1f} ms")  # fmt: skip
        iv.close()
        s.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
