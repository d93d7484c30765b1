"""Import speed on a 200-page draft (~150,000 characters), as .docx, with clause headings.

Run by hand: `.venv/bin/python bench/import_draft.py`. The draft is built from the
labelled statements under clause headings of every item, repeated to size.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.evaluation import read_labelled  # noqa: E402
from assistant.importer import import_draft  # noqa: E402
from assistant.matching import load_matcher  # noqa: E402
from assistant.storage import Store  # noqa: E402
from knowledge.loader import load_knowledge_base  # noqa: E402

TARGET_CHARS = 150_000


def build_draft(path: Path) -> int:
    from docx import Document

    kb = load_knowledge_base()
    rows = [r for r in read_labelled(ROOT / "tests" / "data" / "devset.jsonl") if r.item]
    by_item: dict[str, list[str]] = {}
    for r in rows:
        by_item.setdefault(r.item, []).append(r.text)  # type: ignore[arg-type]
    doc = Document()
    doc.add_heading("自评报告(基准测试)", 0)
    chars = 0
    while chars < TARGET_CHARS:
        for item in kb.items():
            doc.add_heading(f"{item.id} {item.title.zh}", 2)
            for text in by_item.get(item.id, []):
                doc.add_paragraph(text)
                chars += len(text)
    doc.save(str(path))
    return chars


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.setdefault("ZHUOYUE_CACHE_DIR", str(Path(tmp) / "cache"))
        draft = Path(tmp) / "draft.docx"
        chars = build_draft(draft)
        kb = load_knowledge_base()
        matcher = load_matcher(kb=kb)
        store = Store(Path(tmp) / "bench.sqlite3")
        start = time.perf_counter()
        result = import_draft(draft, store, kb, matcher)
        elapsed = time.perf_counter() - start
        print(
            f"imported {chars} characters ({result.paragraphs} paragraphs, {result.headings} headings, "
            f"{result.evidence} evidence) in {elapsed:.2f} s"
        )


if __name__ == "__main__":
    main()
