"""Export speed and memory on a large session: DOCX and XLSX at 10,000 answers.

Run by hand: `.venv/bin/python bench/export_large.py [--answers N]`. The session is
built in a temporary database through the store (one answer and one piece of evidence
per labelled statement, repeated to size), then each format is exported in its own
process, best time of --repeat runs; the peak RSS is measured from just before
each export (the high-water mark is reset through /proc on Linux).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import read_labelled  # noqa: E402
from assistant.storage import Store  # noqa: E402

SESSION = "bench"


def build_session(db: Path, answers: int) -> None:
    rows = [r for r in read_labelled(ROOT / "tests" / "data" / "devset.jsonl") if r.leaf]
    store = Store(db)
    try:
        session = store.create_session(SESSION, framework="GB/T 19580-2012", company="基准测试有限公司")
        with store.transaction():
            for n in range(answers):
                row = rows[n % len(rows)]
                text = f"{row.text}(第 {n + 1} 条)"
                answer_id = store.add_answer(session.id, row.leaf, "", text, "")
                store.add_evidence(session.id, answer_id, row.leaf, text, 0.5, "answer")  # type: ignore[arg-type]
    finally:
        store.close()


def reset_peak_rss() -> bool:
    """Start a new high-water mark (Linux ≥ 4.0), so the peak is the export's, not the start-up's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) from /proc, else the process's lifetime peak."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def export_one(db: Path, fmt: str, out: Path, repeat: int) -> None:
    """In a child process: open the session read-only, export it, print the figures."""
    from assistant.export import export_session
    from assistant.interview import Interview
    from assistant.services import build_services

    services = build_services(None, db)
    interview = Interview.open(
        services.store, SESSION, services.kb, services.dialogues, services.matcher, read_only=True
    )
    from assistant.reportdata import build_report_data

    start = time.perf_counter()
    build_report_data(interview)
    shared = time.perf_counter() - start
    times, peaks = [], []
    for _ in range(repeat):
        gc.collect()
        before = rss_mb("VmRSS")
        exact = reset_peak_rss()
        start = time.perf_counter()
        export_session(interview, out / f"report.{fmt}", force=True)
        times.append(time.perf_counter() - start)
        peaks.append(rss_mb("VmHWM") - before if exact else rss_mb("VmHWM"))
    label = "peak RSS growth" if reset_peak_rss() else "peak RSS (whole process)"
    print(
        f"{fmt:<5} best {min(times):6.2f} s of {repeat} (of which {shared:.2f} s the report data every format shares)"
        f"   {label} {max(peaks):5.0f} MB"
    )
    interview.close()
    services.store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=10_000)
    parser.add_argument("--formats", default="docx,xlsx")
    parser.add_argument("--repeat", type=int, default=3, help="exports per format; the best time is shown")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        fmt, db = args.child
        export_one(Path(db), fmt, Path(db).parent, args.repeat)
        return
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("ZHUOYUE_CACHE_DIR", str(Path(tmp) / "cache"))
        db = Path(tmp) / "bench.sqlite3"
        build_session(db, args.answers)
        from assistant.matching import load_matcher

        load_matcher()  # the index cached once, so that every child starts from the same state
        print(f"{args.answers} answers")
        for fmt in args.formats.split(","):
            child = [sys.executable, __file__, "--child", fmt, str(db), "--repeat", str(args.repeat)]
            subprocess.run(child, check=True)


if __name__ == "__main__":
    main()
