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

import codecs
import functools
import re
import time
import zipfile
import zlib
from collections import Counter
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
#: A .docx whose XML parts inflate past this is refused before parsing (lxml needs ~10x in memory).
MAX_DOCX_XML_BYTES = 50 * 1024 * 1024
#: All parts, images included: python-docx holds every one in memory.
MAX_DOCX_BYTES = 200 * 1024 * 1024
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
    try:
        raw = path.read_bytes()
    except OSError as exc:  # a file the user may not read, as the .docx reader says too
        raise DraftError(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    text = decode_draft(path.name, raw)
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


def decode_draft(name: str, raw: bytes) -> str:
    """The text of a draft's bytes; DraftError names the encoding problem rather than guess.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32). Without one: UTF-8, else
    whichever of GB18030 and Big5 reads as ordinary Chinese. Both decoders
    accept most of the other's bytes, so the wrong one yields mojibake rather
    than an error; mojibake is full of rare characters, kana and private-use
    code points, which is how it is told apart.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                text = raw[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                break  # a BOM by accident: the legacy decoders below say what they make of it
            if "\x00" in text:
                raise DraftError(f"{name} is a binary file, not text")
            return text
    else:
        if b"\x00" in raw[:4096]:
            raise DraftError(
                f"{name} is a binary file, or UTF-16 text without a byte-order mark; save it as UTF-8"
            )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("gb18030", "cp950"):  # cp950: Big5 as Windows writes it
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((_rare_share(text), text))
    detail = ""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        detail = " (it starts with a UTF-16 byte-order mark but is not valid UTF-16)"
    if readings:
        share, text = min(readings, key=lambda r: r[0])  # a tie keeps GB18030, listed first
        if share <= MAX_RARE_SHARE:
            return text
        detail = " (read as either, it is mostly rare characters)"
    raise DraftError(f"{name}: the text is neither UTF-8 nor GB18030 nor Big5{detail}; save it as UTF-8")


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: Above this share of rare characters (among the non-ASCII ones) a reading is taken for mojibake.
MAX_RARE_SHARE = 0.25
# Punctuation and symbols Chinese drafts use; kana, Greek, Cyrillic, box drawing
# and private-use characters are what a wrong decoder makes of Chinese.
_COMMON_SYMBOLS = ((0x2010, 0x2027), (0x2030, 0x2033), (0x2103, 0x2103), (0x2160, 0x216B), (0x2190, 0x2193),
                   (0x2460, 0x2473), (0x25A0, 0x25FF), (0x2605, 0x2606), (0x3000, 0x303F), (0xFF01, 0xFF5E))  # fmt: skip


def _rare_share(text: str) -> float:
    counts = Counter(c for c in text if ord(c) >= 0x80 and not c.isspace())
    total = sum(counts.values())
    if not total:
        return 0.0
    return sum(n for c, n in counts.items() if not _common(c)) / total


@functools.lru_cache(maxsize=8192)
def _common(char: str) -> bool:
    code = ord(char)
    if char in "·×÷°±√※" or any(lo <= code <= hi for lo, hi in _COMMON_SYMBOLS):
        return True
    if not 0x4E00 <= code <= 0x9FFF:
        return False
    # common means in GB2312 (simplified) or in Big5's first level (traditional)
    try:
        char.encode("gb2312")
        return True
    except UnicodeEncodeError:
        pass
    try:
        return 0xA440 <= int.from_bytes(char.encode("big5"), "big") <= 0xC67E
    except UnicodeEncodeError:
        return False


def _read_docx(path: Path) -> list[Paragraph]:
    from docx import Document

    _check_docx_package(path)
    try:
        document = Document(str(path))
    # python-docx on a crafted package fails in many ways (KeyError, ValueError,
    # lxml's XMLSyntaxError for `&#27;` or an entity loop, ...); the file is at fault
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DraftError(
            f"{path.name} cannot be opened as a Word document (damaged, encrypted or not .docx): {reason}"
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


def _check_docx_package(path: Path) -> None:
    """Refuse a .docx that is no zip, is encrypted, hides a DTD, or inflates past the limits.

    Runs before python-docx, which inflates every part into memory and hands
    the XML to lxml.
    """
    try:
        with open(path, "rb") as fh:
            if fh.read(len(_OLE_MAGIC)) == _OLE_MAGIC:
                # Word saves a password-protected document as an OLE container, not a zip
                raise DraftError(f"{path.name} is password-protected; save an unprotected copy as .docx")
        with zipfile.ZipFile(path) as package:
            _check_parts(path.name, package)
    except _ZIP_ERRORS as exc:
        raise DraftError(
            f"{path.name} cannot be opened as a Word document (damaged, encrypted or not .docx): {exc}"
        ) from exc


def _check_parts(name: str, package: zipfile.ZipFile) -> None:
    # Declared sizes are enough to bound the work: zipfile never inflates a part past its
    # declared size (a part that lies fails its CRC instead). The XML parts are then read
    # in chunks for a DOCTYPE, which also checks their CRCs; images and the like are left
    # to python-docx, whose every failure is already one DraftError.
    infos = package.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise DraftError(f"{name} is encrypted; save an unprotected copy as .docx")
    _check_sizes(
        name, sum(i.file_size for i in infos if _is_xml_part(i.filename)), sum(i.file_size for i in infos)
    )
    for info in infos:
        if not _is_xml_part(info.filename):
            continue
        tail = b""
        with package.open(info) as part:
            while chunk := part.read(1 << 20):
                if any(mark in tail + chunk for mark in _DOCTYPE_MARKS):
                    raise DraftError(
                        f"{name} declares an XML DOCTYPE in {info.filename}, which Word never writes;"
                        " it is refused as hostile"
                    )
                tail = chunk[-32:]  # a mark may straddle two chunks


def _check_sizes(name: str, xml_bytes: int, all_bytes: int) -> None:
    for size, limit, what in (
        (xml_bytes, MAX_DOCX_XML_BYTES, "document XML"),
        (all_bytes, MAX_DOCX_BYTES, "parts"),
    ):
        if size > limit:
            raise DraftError(
                f"{name} unpacks to more than {limit // 1_048_576} MB of {what} (a zip bomb?); it is refused"
            )


def _is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


# what zipfile raises for a damaged package (NotImplementedError: an unknown compression method)
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, OSError)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# a DTD is where entity bombs and external entities live; in any of XML's encodings
_DOCTYPE_MARKS = tuple("<!DOCTYPE".encode(e) for e in ("utf-8", "utf-16-le", "utf-16-be"))


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
