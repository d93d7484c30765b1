"""Line breaking for Chinese text mixed with figures and English, by display width.

`wrap(text, width)` cuts text into lines no wider than `width` terminal columns
(a CJK character takes two). Chinese has no spaces, so any two characters may be
parted, but a self-assessment is full of things a reader must see in one piece:
a figure and its unit (1/4天, 0.038吨, 92.4%, 3,400人), a date (2023年10月15日,
2021—2023年) and a clause id (4.3.2.2.1). Closing punctuation never starts a line:
the character before it comes down with it (禁则, kinsoku); opening punctuation never
ends one; a bullet (•, -, ·, 1.) is never left alone at the end of a line. English
words break only at spaces, and the text's own line breaks are kept.

Only when a piece cannot fit even a line of its own (a URL, or a narrow width) is it
cut by characters, still keeping closing punctuation with the character before it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from wcwidth import wcwidth

# no line starts with these (the usual Chinese list: marks, closing quotes and brackets, units)
CLOSING = frozenset("!%),.:;?]}°·’”…‰′″›℃、。〃〉》」』】〕〗〙〛〞！％），．：；？］｝～")
# no line ends with these
OPENING = frozenset("([{£¥$‘“‹〈《「『【〔〖〘〚〝（［｛￡￥")

# a unit of more than one character after a figure (one ideograph is always kept)
UNITS = (
    "个百分点", "百分点", "千瓦时", "平方米", "立方米", "万元", "亿元", "千元", "万吨", "万人",
    "人次", "小时", "分钟", "公里", "公斤", "千克", "个月", "季度", "年度",
)  # fmt: skip
_LONGEST_UNIT = max(len(u) for u in UNITS)

# a bullet or an enumerator that must stay with what follows it
BULLET = re.compile(r"[•·\-*–‣◦▪●○■□◆◇→※]|\d{1,3}[.)）、．]|[(（]\d{1,3}[)）]|[①-⑳]|[A-Za-z][.)]")
# a bullet that opens a line, followed by a space or by Chinese (not "4.3.2" or "-5%")
_LEADING_BULLET = re.compile(rf"(?:{BULLET.pattern})(?=\s|[^\x00-\x7f])\s*")
_DIGIT = re.compile(r"[0-9０-９]")
_RANGE_DASH = frozenset("-–—~～")


@lru_cache(maxsize=4096)
def char_width(ch: str) -> int:
    """Columns one character takes: 2 for CJK, 0 for combining marks and controls."""
    return max(wcwidth(ch), 0)


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal."""
    return sum(char_width(ch) for ch in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` cut into lines of at most `width` columns (see the module docstring).

    Every line of the text is wrapped on its own; a blank line stays a blank line, and
    an empty text gives no lines. A line's leading indent is kept, and its continuation
    lines hang under the text after a leading bullet, when that indent is at most half
    the width. A line is wider than `width` only when one character (with the closing
    punctuation after it) is wider on its own.
    """
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    if not text:
        return []
    lines: list[str] = []
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        lines.extend(_wrap_paragraph(paragraph.expandtabs(), width))
    return lines


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    body = paragraph.strip()
    if not body:
        return [""]
    lead = paragraph[: len(paragraph) - len(paragraph.lstrip())]
    first = lead if display_width(lead) <= width // 2 else ""
    bullet = _LEADING_BULLET.match(body)
    hang = first + " " * display_width(bullet.group()) if bullet else first
    if display_width(hang) > width // 2:
        hang = first
    lines = _Lines(width, first, hang)
    for gap, piece in _segments(body):
        lines.place(gap, piece)
    return lines.finish()


class _Lines:
    """Greedy filling: each piece goes on the current line if it fits, else on the next."""

    def __init__(self, width: int, first: str, hang: str) -> None:
        self.width, self.hang = width, hang
        self.done: list[str] = []
        self.line, self.used, self.empty = first, display_width(first), True

    def _add(self, text: str, size: int) -> None:
        self.line += text
        self.used += size
        self.empty = False

    def _break(self) -> None:
        self.done.append(self.line.rstrip())
        self.line, self.used, self.empty = self.hang, display_width(self.hang), True

    def place(self, gap: str, piece: str) -> None:
        size = display_width(piece)
        if not self.empty and self.used + display_width(gap) + size <= self.width:
            self._add(gap + piece, display_width(gap) + size)
            return
        if not self.empty:
            self._break()
        if self.used + size <= self.width:
            self._add(piece, size)
            return
        # too wide for any line: first part it where only a preference held it together
        # (a figure from its unit, a bullet from its text), then by characters
        parts = _parts(piece)
        if len(parts) > 1:
            for part_gap, part in parts:
                self.place(part_gap, part)
            return
        for cluster in _clusters(piece):
            cluster_width = display_width(cluster)
            if not self.empty and self.used + cluster_width > self.width:
                self._break()
            if not (self.empty and cluster.isspace()):
                self._add(cluster, cluster_width)

    def finish(self) -> list[str]:
        self.done.append(self.line.rstrip())
        return self.done


def _atoms(body: str) -> list[str]:
    """Runs of spaces, runs of narrow characters (English words, figures, ids), and single wide characters."""
    atoms: list[str] = []
    kind = ""  # of the last atom: "space", "run" or "wide"
    for ch in body:
        if ch.isspace():
            this = "space"
        elif char_width(ch) == 0 and atoms:
            atoms[-1] += ch  # a combining mark stays on its character
            continue
        elif char_width(ch) == 2 and not ("\uff10" <= ch <= "\uff5a" and ch.isalnum()):
            this = "wide"
        else:
            this = "run"  # full-width letters and digits belong to their word as well
        if atoms and this == kind and this != "wide":
            atoms[-1] += ch
        else:
            atoms.append(ch)
        kind = this
    return atoms


def _is_ideograph(atom: str) -> bool:
    return char_width(atom[0]) == 2 and atom[0].isalpha()


def _ends_in_digit(atom: str) -> bool:
    return bool(_DIGIT.fullmatch(atom[-1]))


def _glue(atoms: list[str]) -> list[bool]:
    """glued[i]: atoms i-1 and i must stay on one line."""
    n = len(atoms)
    glued = [False] * n
    space = [a.isspace() for a in atoms]
    unit = [False] * n  # the atom is a figure's unit
    for i in range(1, n):
        prev, atom = atoms[i - 1], atoms[i]
        if space[i]:
            continue
        if atom[0] in CLOSING:
            glued[i] = True
            if space[i - 1] and i >= 2:  # "word 。" comes down as one piece as well
                glued[i - 1] = True
        if not space[i - 1] and prev[-1] in OPENING:
            glued[i] = True
        if not space[i - 1] and _ends_in_digit(prev) and _is_ideograph(atom):
            # a figure keeps its unit: the longest known unit, else the one ideograph
            span = 1
            for k in range(min(_LONGEST_UNIT, n - i), 1, -1):
                if "".join(atoms[i : i + k]) in UNITS:
                    span = k
                    break
            for j in range(i, i + span):
                glued[j] = unit[j] = True
        if prev == "第" and _DIGIT.match(atom):
            glued[i] = True
    for i in range(1, n - 1):
        prev, atom, after = atoms[i - 1], atoms[i], atoms[i + 1]
        # a date: 2023年10月15日 stays whole
        if unit[i - 1] and atom.isdigit() and (prev, after) in (("年", "月"), ("月", "日"), ("月", "号")):
            glued[i] = True
        # a range: 2021年—2023年, 10～20人
        if set(atom) <= _RANGE_DASH and (unit[i - 1] or _ends_in_digit(prev)) and _DIGIT.match(after):
            glued[i] = glued[i + 1] = True
    _glue_bullets(atoms, glued, space)
    return glued


def _glue_bullets(atoms: list[str], glued: list[bool], space: list[bool]) -> None:
    """A piece that is a bullet or an enumerator takes what follows it along."""
    n = len(atoms)
    start = 0
    for i in range(1, n + 1):
        if i < n and glued[i]:
            continue
        if i < n and BULLET.fullmatch("".join(atoms[start:i])):
            if not space[i]:
                glued[i] = True
            elif i + 1 < n:
                glued[i] = glued[i + 1] = True
        start = i


def _segments(body: str) -> list[tuple[str, str]]:
    """(space before, piece) for each piece between two places a line may break."""
    atoms = _atoms(body)
    glued = _glue(atoms)
    segments: list[tuple[str, str]] = []
    gap, piece = "", ""
    for i, atom in enumerate(atoms):
        if i and glued[i]:
            piece += atom
        elif atom.isspace():
            segments.append((gap, piece))
            gap, piece = atom, ""
        elif piece:
            segments.append((gap, piece))
            gap, piece = "", atom
        else:
            piece = atom
    segments.append((gap, piece))
    return segments


def _parts(piece: str) -> list[tuple[str, str]]:
    """(space before, part) for a piece cut into its atoms, punctuation still on its side."""
    parts: list[tuple[str, str]] = []
    gap = ""
    for atom in _atoms(piece):
        if atom.isspace():
            gap = atom
        elif parts and (atom[0] in CLOSING or parts[-1][1][-1] in OPENING):
            parts[-1] = (parts[-1][0], parts[-1][1] + gap + atom)
            gap = ""
        else:
            parts.append((gap, atom))
            gap = ""
    return parts


def _clusters(piece: str) -> list[str]:
    """A piece cut into characters, each with the closing punctuation (and spaces) after it and the opening before it."""
    clusters: list[str] = []
    joins_next = False
    for ch in piece:
        if clusters and (joins_next or ch in CLOSING or ch.isspace() or char_width(ch) == 0):
            clusters[-1] += ch
        else:
            clusters.append(ch)
        joins_next = ch in OPENING
    return clusters
