"""Import an existing self-assessment draft (.docx, .md, .txt) as a session.

The draft is split into paragraphs. A paragraph that is a clause heading — a
2012 id, a 2004 id (read through the knowledge base's map when its title is the
2004 one), or a clause title on its own — sets the section the following text
belongs to; text in a leaf's section is evidence for that leaf, text under an
item or category goes to the best-matching leaf inside it, and text outside any
section goes wherever the matcher puts it. The new session's coverage then
shows what the draft addresses and what it leaves out.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.interview import FRAMEWORK
from assistant.matching import ClauseMatcher
from assistant.storage import SessionRow, Store
from assistant.textnorm import clean, normalize
from knowledge.base import KnowledgeBase
from knowledge.errors import UserError
from knowledge.models import Node

MAX_DRAFT_BYTES = 50 * 1024 * 1024
_HEADING = re.compile(
    r"^\s*(?:第?\s*)?(4(?:\.\d+){1,4})\s*(?:[\(（]?([a-hA-H])[\)）])?\s*[、.．:：\s]?\s*(.{0,60})$"
)
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")


class DraftError(UserError):
    """The draft cannot be read; no session was created."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    heading: bool = False


@dataclass(frozen=True)
class ImportResult:
    session: SessionRow
    paragraphs: int
    headings: int
    evidence: int


def read_draft(path: Path) -> list[Paragraph]:
    """Paragraphs of a .docx, .md or .txt draft; DraftError names what is wrong."""
    if not path.is_file():
        raise DraftError(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_DRAFT_BYTES:
        raise DraftError(f"{path.name} is too large ({size // 1_048_576} MB; the limit is 50 MB)")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _read_docx(path)
    if suffix in (".md", ".markdown", ".txt", ""):
        return _read_text(path)
    if suffix == ".doc":
        raise DraftError(f"{path.name} is an old binary Word file; save it as .docx first")
    raise DraftError(f"{path.name}: unsupported file type {suffix!r}; use .docx, .md or .txt")


def _read_text(path: Path) -> list[Paragraph]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise DraftError(f"{path.name} is a binary file, not text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DraftError(f"{path.name}: the text is neither UTF-8 nor GB18030")
    out = []
    for block in re.split(r"\n\s*\n|\r\n\s*\r\n", text):
        for line in block.splitlines() if _looks_like_lines(block) else [block.replace("\n", "")]:
            line = clean(line).strip()
            if not line:
                continue
            is_heading = bool(_MARKDOWN_HEADING.match(line))
            out.append(Paragraph(_MARKDOWN_HEADING.sub("", line).strip(), is_heading))
    return out


def _looks_like_lines(block: str) -> bool:
    # a block whose lines start with clause numbers or markdown marks is a list of separate lines
    lines = block.splitlines()
    return len(lines) > 1 and any(
        _HEADING.match(x) or _MARKDOWN_HEADING.match(x) or x.lstrip().startswith(("-", "*", "·"))
        for x in lines
    )


def _read_docx(path: Path) -> list[Paragraph]:
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DraftError(
            f"{path.name} cannot be opened as a Word document (damaged, encrypted or not .docx): {exc}"
        ) from exc
    # paragraph.style looks the style up anew each time (slow on long drafts): map ids once
    names = {s.style_id: (s.name or "").lower() for s in document.styles}
    out = []
    for paragraph in document.paragraphs:
        text = clean(paragraph.text).strip()
        if text:
            ppr = paragraph._p.pPr
            style_id = ppr.pStyle.val if ppr is not None and ppr.pStyle is not None else ""
            style = names.get(style_id, style_id.lower())
            out.append(Paragraph(text, style.startswith(("heading", "title", "标题"))))
    for table in document.tables:
        for row in table.rows:
            text = clean(" ".join(cell.text for cell in row.cells)).strip()
            if text:
                out.append(Paragraph(text))
    return out


def heading_clause(text: str, kb: KnowledgeBase, *, styled: bool = False) -> Node | None:
    """The clause a heading names: by 2012 id, by 2004 id (title decides), or by title alone."""
    from rapidfuzz import fuzz

    match = _HEADING.match(text)
    if match and len(text) <= 70:
        number, letter, title = match.group(1), match.group(2), match.group(3).strip()
        ref = f"{number}{letter}" if letter else number
        node = kb.resolve(ref)
        old = kb.map_from_2004(number)
        if old and title:
            row = next(r for r in kb.map_2004 if r.old == number)
            now = fuzz.partial_ratio(normalize(title), normalize(node.title.zh)) if node else 0
            then = fuzz.partial_ratio(normalize(title), normalize(row.title_2004))
            if then > now:
                return kb.get(old[0])
        return node
    if styled or len(text) <= 24:
        plain = normalize(text).strip(" :：")
        for node in kb.nodes:
            titled = normalize(node.title.zh) == plain or normalize(node.title.en) == plain
            if titled and node.kind != "profile" and node.level in ("category", "item", "area", "point"):
                return node
    return None


def import_draft(
    path: Path,
    store: Store,
    kb: KnowledgeBase,
    matcher: ClauseMatcher,
    *,
    name: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Create a session from a draft in one transaction (all or nothing)."""
    paragraphs = read_draft(path)
    if not paragraphs:
        raise DraftError(f"{path.name} holds no text")
    session_name = (name or path.stem).strip()
    section: Node | None = None
    rows: list[tuple[str | None, str, list[tuple[str, float | None]]]] = []
    headings = 0
    total = len(paragraphs)
    for index, paragraph in enumerate(paragraphs):
        if progress and (index % 50 == 0 or index == total - 1):
            progress(index + 1, total)
        node = (
            heading_clause(paragraph.text, kb, styled=paragraph.heading)
            if (paragraph.heading or len(paragraph.text) <= 70)
            else None
        )
        if node is not None:
            if node.level in ("summary", "general") and node.parent:
                node = kb.get(node.parent) or node  # text under 提要/总则 belongs to the item or category
            section, headings = node, headings + 1
            continue
        if paragraph.heading:
            continue  # a heading that names no clause (the report's title, a chapter name) is not evidence
        rows.append(
            (section.id if section else None, paragraph.text, _targets(paragraph.text, section, kb, matcher))
        )
    now = time.time()
    if any(s.name == session_name for s in store.sessions()):
        raise DraftError(f"a session named {session_name!r} already exists; choose another with --session")
    with store.transaction():
        sid = store.new_session(session_name, company=session_name, framework=FRAMEWORK, created=now)
        evidence = 0
        for asked, text, targets in rows:
            answer = store.add_answer(sid, asked, path.name, text, "")
            for leaf_id, score in targets:
                store.add_evidence(sid, answer, leaf_id, text, score, "import", created=now)
                evidence += 1
    return ImportResult(store.session(session_name), len(rows), headings, evidence)


def _targets(
    text: str, section: Node | None, kb: KnowledgeBase, matcher: ClauseMatcher
) -> list[tuple[str, float | None]]:
    if section is not None and section.is_leaf:
        return [(section.id, None)]
    matches = matcher.match(text, top=10, explain=False)
    if section is not None:
        inside = [m for m in matches if m.leaf_id.startswith(section.id + ".")]
        # the heading decides, unless the text plainly belongs elsewhere (results figures
        # written under a process heading, say)
        if inside and inside[0].score >= 0.6 * matches[0].score:
            return [(inside[0].leaf_id, inside[0].score)]
        # under a heading the text belongs there even when the matcher is unsure
        leaves = kb.leaves_under(section.id)
        if len(leaves) == 1:
            return [(leaves[0].id, None)]
    if not matches:
        return []
    best = matches[0].score
    return [(m.leaf_id, m.score) for m in matches[:3] if m.score >= 0.7 * best]
