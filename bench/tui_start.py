"""Time to the TUI's first frame with a warm index cache, in a fresh process.

Run by hand: `.venv/bin/python bench/tui_start.py`. A child process records the
moment the interpreter started and the moment the app's first screen has been
mounted and painted (headless, via run_test), and prints the difference.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import asyncio, os, sys, time
start = float(sys.argv[1])
from pathlib import Path
from assistant.services import build_services
from tui.app import build_app
services = build_services(db_path=Path(sys.argv[2]))
app = build_app(services, ask_start=False)
async def main():
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        print(time.time() - start)
asyncio.run(main())
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "ZHUOYUE_CACHE_DIR": str(Path(tmp) / "cache")}
        db = str(Path(tmp) / "bench.sqlite3")
        # warm the cache once
        subprocess.run(
            [sys.executable, "-m", "assistant", "match", "投诉"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        times = []
        for _ in range(5):
            import time

            start = time.time()
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(start), db],
                env=env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(float(out.stdout.strip().splitlines()[-1]))
        print(
            f"first frame (process start → first screen painted, warm cache): median {statistics.median(times):.2f} s, "
            f"max {max(times):.2f} s over {len(times)} runs"
        )


if __name__ == "__main__":
    main()
