"""Matcher benchmark: accuracy on the labelled sets, latency, build time, memory, cold start.

Run by hand (`make bench` or `.venv/bin/python bench/match.py`); figures go in
closing notes, not in timed unit tests.

    python bench/match.py                  # old and new sets, dev and held-out, all figures
    python bench/match.py --dev-only       # while tuning: the held-out sets stay unread
    python bench/match.py --compare        # accuracy of each analyzer (char, word, union)
    python bench/match.py --misses 30      # list misses on the new dev set
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import evaluate, read_labelled  # noqa: E402
from assistant.matching import ClauseMatcher, MatchConfig, build_index_for, load_matcher  # noqa: E402
from assistant.textnorm import ANALYZERS  # noqa: E402

DEV = ROOT / "tests" / "data" / "devset.jsonl"
HOLDOUT = ROOT / "bench" / "data" / "holdout.jsonl"
# written for issue 10 by independent writers (bench/data/README.md); dev is tuned on, held-out never
NEW_DEV = ROOT / "tests" / "data" / "match_dev_independent.jsonl"
NEW_HOLDOUT = ROOT / "bench" / "data" / "match_holdout_independent.jsonl"
# a harder held-out set, written after tuning: terse, everyday words, pinyin initials, typos
TERSE_HOLDOUT = ROOT / "bench" / "data" / "match_holdout_terse.jsonl"
STYLES = ("typed", "report", "english")


def line(name: str, r: dict[str, float]) -> str:
    return (
        f"{name:16s} n={r['n_on']}+{r['n_off']} off | item top1 {r['item_top1']:.3f} top3 {r['item_top3']:.3f}"
        f" | leaf top1 {r['leaf_top1']:.3f} top3 {r['leaf_top3']:.3f}"
        f" | 4.3 leaf top1 {r['leaf43_top1']:.3f} top3 {r['leaf43_top3']:.3f} (n={r['n_43']})"
        f" | kind {r['kind_right']:.3f} | off-topic rejected {r['off_rejected']:.3f}"
        f" | on-topic rejected {r['on_rejected']:.3f}"
    )


def report(name: str, matcher: ClauseMatcher, path: Path, misses: int = 0, *, by_style: bool = False) -> None:
    if not path.exists():
        print(f"{name}: {path} missing")
        return
    rows = read_labelled(path)
    s = evaluate(matcher, rows)
    print(line(name, s.summary()))
    if by_style:
        for style in STYLES:
            part = [r for r in rows if r.style == style]
            if part:
                print(line(f"  {style}", evaluate(matcher, part).summary()))
    for row, matches in s.misses[:misses]:
        got = ", ".join(f"{m.leaf_id}:{m.score:.2f}" for m in matches[:3]) or "-"
        print(f"   MISS {row.leaf} ({row.style}) {row.text[:60]!r} -> {got}")


def confusion(name: str, matcher: ClauseMatcher, path: Path) -> None:
    """Per item: how often it is ranked first, and what it is mistaken for."""
    rows = [r for r in read_labelled(path) if r.item]
    s = evaluate(matcher, rows)
    total = Counter(r.item for r in rows)
    wrong: dict[str, Counter[str]] = {}
    for row, matches in s.misses:
        assert row.item is not None
        wrong.setdefault(row.item, Counter())[matches[0].item_id if matches else "none"] += 1
    print(f"{name}: per-item top-1 and confusions")
    for item in sorted(total, key=lambda i: [int(x) for x in i.split(".")]):
        missed = wrong.get(item, Counter())
        right = total[item] - sum(missed.values())
        top = ", ".join(f"{other}×{n}" for other, n in missed.most_common(3))
        print(f"  {item:6s} {right:3d}/{total[item]:<3d} {right / total[item]:.2f}  {('→ ' + top) if top else ''}")


def latency(matcher: ClauseMatcher, texts: list[str]) -> tuple[float, float]:
    for t in texts[:20]:
        matcher.match(t)
    times = []
    for t in texts:
        start = time.perf_counter()
        matcher.match(t)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def cold_process(runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("zhuoyue")
    cmd = [str(exe), "match", "投诉由客服中心统一受理,24小时内答复,每季度分析"]
    subprocess.run(cmd, capture_output=True, check=True)  # warms the cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# A child's ru_maxrss counts the parent's image it was forked from, so each child
# reports its own high-water mark (VmHWM, reset by exec) instead.
PEAK = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024"


def match_peak() -> float:
    """Peak RSS of one `zhuoyue match` run with a warm cache."""
    code = (
        "import sys\n"
        "from assistant.cli import main\n"
        "try:\n    main(['match', '投诉由客服中心统一受理,24小时内答复,每季度分析'])\n"
        "except SystemExit:\n    pass\n"
        f"print({PEAK}, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stderr.strip().splitlines()[-1])


def fresh_build() -> dict[str, float]:
    """Build the index from scratch in a new process: its time and peak memory."""
    code = (
        "import json, resource, time\n"
        "start = time.perf_counter()\n"
        "from assistant.matching import MatchConfig, build_index_for\n"
        "build_index_for(None, MatchConfig())\n"
        "print(json.dumps({'seconds': time.perf_counter() - start,"
        f" 'rss_mib': {PEAK}}}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", action="store_true", help="accuracy per analyzer")
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--dev-only", action="store_true", help="leave the held-out sets alone while tuning")
    args = parser.parse_args()
    dev_sets = [("old dev", DEV), ("new dev", NEW_DEV)]
    held_out = (
        []
        if args.dev_only
        else [("old holdout", HOLDOUT), ("new holdout", NEW_HOLDOUT), ("terse holdout", TERSE_HOLDOUT)]
    )

    if args.compare:
        for mode in ANALYZERS:
            config = replace(MatchConfig(), analyzer=mode)
            matcher = ClauseMatcher(build_index_for(None, config))
            for name, path in dev_sets + held_out:
                report(f"{name}/{mode}", matcher, path, by_style=path in (NEW_DEV, NEW_HOLDOUT))
            p50, p95 = latency(matcher, [r.text for r in read_labelled(DEV)])
            print(f"         latency p50 {p50:.2f} ms p95 {p95:.2f} ms")
        return

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["ZHUOYUE_CACHE_DIR"] = tmp
        start = time.perf_counter()
        load_matcher()
        cold = time.perf_counter() - start
        start = time.perf_counter()
        matcher = load_matcher()
        cached = time.perf_counter() - start
        print(
            f"index build: cold {cold:.2f} s (incl. loading the knowledge base), cached load {cached * 1000:.0f} ms"
        )
        for name, path in dev_sets + held_out:
            report(name, matcher, path, args.misses if path == NEW_DEV else 0, by_style=path in (NEW_DEV, NEW_HOLDOUT))
        for name, path in dev_sets[1:] + held_out[1:2]:
            confusion(name, matcher, path)
        texts = [r.text for r in read_labelled(DEV)] + [r.text for r in read_labelled(NEW_DEV)]
        p50, p95 = latency(matcher, texts)
        print(
            f"latency per query (index loaded): p50 {p50:.2f} ms, p95 {p95:.2f} ms over {len(texts)} queries"
        )
        cold = cold_process()
        print(
            f"cold `zhuoyue match` process, warm cache: median {cold:.3f} s, peak RSS {match_peak():.0f} MiB"
        )
        build = fresh_build()
        print(
            f"index build in a fresh process (knowledge base, segmenter dictionary, TF-IDF, SVM):"
            f" {build['seconds']:.2f} s, peak RSS {build['rss_mib']:.0f} MiB"
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this bench process (two indexes, all sets): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
