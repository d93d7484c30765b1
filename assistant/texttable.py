"""Plain-text tables for the terminal, padded by display width.

Python's `ljust` and format widths count characters, but a Chinese character takes two
columns, so a column of item titles pushes every cell after it out of line. `table`
measures each cell as the terminal draws it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from assistant.linebreak import char_width, display_width

GAP = "  "  # between columns


def pad(text: str, width: int, *, right: bool = False) -> str:
    """`text` padded with spaces to `width` columns (left-aligned unless `right`)."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def clip(text: str, width: int) -> str:
    """`text` cut to at most `width` columns, ending in … when something was cut."""
    if display_width(text) <= width:
        return text
    kept, used = "", 1  # the … takes one column
    for ch in text:
        if used + char_width(ch) > width:
            break
        kept += ch
        used += char_width(ch)
    return kept + "…"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> list[str]:
    """The header, a rule, then one line per row, each column as wide as its widest cell.

    Columns whose index is in `right` are right-aligned (figures). The last column is
    not padded unless it is right-aligned, so no line ends in spaces.
    """
    columns = len(header)
    if any(len(row) != columns for row in rows):
        raise ValueError(f"every row needs {columns} cells")
    widths = [max(display_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        shown = [
            pad(cell, widths[i], right=i in right) if i < columns - 1 or i in right else cell
            for i, cell in enumerate(cells)
        ]
        return GAP.join(shown).rstrip()

    rule = GAP.join("-" * w for w in widths)
    return [line(header), rule, *(line(row) for row in rows)]
